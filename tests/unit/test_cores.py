"""How the jobs running at once share the cores: the speech engine's threads per job never add up to more than
there are cores, and a job alone gets all of them."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from aftercall import cores
from aftercall.cores import CoreShare, usable_cores


def test_a_job_alone_gets_every_core_and_jobs_side_by_side_split_them() -> None:
    share = CoreShare(4)
    assert share.threads() == 4  # (no job counted: the one about to run has them all)
    with share.job():
        assert share.threads() == 4
        with share.job():
            assert share.threads() == 2
            with share.job(), share.job(), share.job():
                assert share.threads() == 1  # never none, though five jobs share four cores
            assert share.threads() == 2
        assert share.threads() == 4


def test_a_job_that_fails_gives_its_cores_back() -> None:
    share = CoreShare(2)
    with pytest.raises(RuntimeError), share.job(), share.job():
        raise RuntimeError("the job failed")
    assert share.threads() == 2


def test_jobs_counted_from_many_threads_at_once_are_all_given_back() -> None:
    share = CoreShare(8)

    def run() -> None:
        for _ in range(200):
            with share.job():
                share.threads()

    workers = [threading.Thread(target=run) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert share.threads() == 8


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("max 100000\n", 64), ("200000 100000\n", 2), ("150000 100000\n", 1), ("50000 100000\n", 1), ("junk", 64)],
)
def test_a_container_cpu_quota_lowers_the_usable_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpu_max: str, expected: int
) -> None:
    quota = tmp_path / "cpu.max"
    quota.write_text(cpu_max)
    monkeypatch.setattr(cores, "_CGROUP_CPU_MAX", quota)
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda _pid: set(range(64)))
    assert usable_cores() == expected


def test_without_a_quota_file_the_cores_the_scheduler_allows_are_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cores, "_CGROUP_CPU_MAX", tmp_path / "absent")
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda _pid: {0, 3})
    assert usable_cores() == 2


@pytest.mark.parametrize(("asked", "cores_there", "expected"), [(3, 64, 3), (0, 2, 2), (0, 64, cores.MOST_JOBS)])
def test_jobs_at_once_are_those_asked_for_or_one_per_core_up_to_a_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asked: int, cores_there: int, expected: int
) -> None:
    monkeypatch.setattr(cores, "_CGROUP_CPU_MAX", tmp_path / "absent")
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda _pid: set(range(cores_there)))
    assert cores.jobs_at_once(asked) == expected


def test_a_process_that_diarizes_runs_numpys_matrix_products_on_one_thread() -> None:
    """The speaker encoder works beside the speech engine, which holds the cores (cores.one_blas_thread)."""
    script = (
        "import threadpoolctl, numpy\n"
        "from aftercall.bootstrap import engines\n"
        "from aftercall.settings import Settings\n"
        "blas = lambda: {i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'}\n"
        "threadpoolctl.threadpool_limits(limits=2, user_api='blas')\n"
        "print(blas())\n"
        "engines(Settings(diarization='local'), speech=None)\n"
        "print(blas())\n"
    )
    lines = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert lines == ["{2}", "{1}"]
