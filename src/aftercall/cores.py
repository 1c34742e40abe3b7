"""The CPU cores this process may use, and how the jobs it runs at once share them (docs/deployment.md, "Cores").

The speech engine's and the local language model's threads are the cores divided among the jobs running when they
start a piece of work: one job alone gets every core, two jobs half each, so a batch does not ask for more threads
than there are cores (an oversubscribed CPU runs slower than one left idle) and a single long job is not held to one
core."""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from threadpoolctl import threadpool_limits

MOST_JOBS = 8  # the most jobs run at once by default (each holds its decoded audio in memory)
_M_ARENA_MAX = -8  # glibc's mallopt parameter for the most malloc arenas
_MALLOC_ARENAS = 2
_CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")  # a container's CPU quota (cgroup v2): "max 100000" or "200000 100000"


def usable_cores() -> int:
    """The cores this process may run on: those the scheduler lets it use, fewer if its container has a CPU quota."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    quota = _cgroup_quota()
    return max(1, min(cores, quota) if quota else cores)


def one_blas_thread() -> None:
    """numpy's matrix products in this process on one thread each. Its numpy work (the speaker encoder, clustering)
    runs beside the speech engine, which already holds the cores: BLAS threads of its own would only contend with it
    (benchmarks/asr_overhead.py: a long job with speakers took 8 % longer than one without; on one thread, no
    longer)."""
    threadpool_limits(limits=1, user_api="blas")


def few_malloc_arenas() -> None:
    """At most two malloc arenas in this process (with glibc, and unless ``MALLOC_ARENA_MAX`` says otherwise). glibc
    gives a thread that allocates while another does an arena of its own, and keeps in it what the thread freed: the
    speech engine's blocks, each transcribed in a thread of its own, would each keep the hundreds of MB its voice
    detection took (benchmarks/decode_memory.py --job: a 6-hour job peaked at 1.79 GB, 1.55 GB with two arenas and
    the speech engine's one spectrogram at a time). Call it before the threads start: glibc fixes its limit once a
    process has more than 8 arenas."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mallopt(_M_ARENA_MAX, _MALLOC_ARENAS)


def jobs_at_once(asked: int) -> int:
    """The jobs one process runs at once: ``asked``, or when 0 one per usable core (at most ``MOST_JOBS``)."""
    return asked or min(usable_cores(), MOST_JOBS)


def _cgroup_quota() -> int | None:
    try:
        limit, period = _CGROUP_CPU_MAX.read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if limit == "max":
        return None
    try:
        return max(1, int(limit) // int(period))  # 1.5 CPUs: one thread, not two that get throttled
    except (ValueError, ZeroDivisionError):
        return None


class CoreShare:
    """``cores`` shared by the jobs running now: each takes ``threads()`` of them when it starts heavy work."""

    def __init__(self, cores: int) -> None:
        self.cores = max(1, cores)
        self._running = 0
        self._lock = threading.Lock()

    @contextmanager
    def job(self) -> Iterator[None]:
        """Count a job as running while the block runs."""
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1

    def threads(self) -> int:
        """The cores one running job may use now: all of them divided by the jobs running, at least one."""
        with self._lock:
            return max(1, self.cores // max(1, self._running))
