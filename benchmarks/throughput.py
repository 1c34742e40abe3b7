"""Throughput and submit latency, embedded vs distributed, side by side in one run.

* jobs per minute on the same short files (6 s of speech each), embedded (`aftercall serve`, its default and 1 or 2
  jobs at once) and distributed (`aftercall worker` processes on Redis, PostgreSQL and S3 via moto) in several
  layouts: the default (one worker, its concurrency and threads chosen from the cores), and by hand: one worker of
  concurrency 1 or 2, two workers of concurrency 1 with one thread each;
* submit latency (POST until the 200) at a steady request rate, p50 and p99, for both modes.

Needs the services of the development machine (PostgreSQL, Redis) and moto[server].

    .venv/bin/python benchmarks/throughput.py [--jobs 12] [--rounds 3] [--rate 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import logging
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import Server  # noqa: E402
from tests.e2e.distributed import Cluster  # noqa: E402
from tests.jobs import submit, wait  # noqa: E402
from tests.media_server import media_server  # noqa: E402
from tests.services import moto_s3_server, new_bucket, postgres_schema, purge_broker  # noqa: E402

from aftercall.cores import jobs_at_once, usable_cores  # noqa: E402

FILES = ("speech.wav", "speech.mp3", "speech.ogg", "speech.m4a")


@dataclass(frozen=True)
class Layout:
    """How the jobs run: ``processes`` worker processes given ``flags`` (distributed) or ``serve`` with ``env``."""

    name: str
    jobs: int  # jobs at once, as many as are warmed up first
    processes: int = 1
    flags: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()


CORES = usable_cores()
EMBEDDED = (
    Layout(f"serve, defaults ({jobs_at_once(0)} jobs at once)", jobs_at_once(0)),
    Layout("serve, AFTERCALL_WORKERS=1", 1, env=(("AFTERCALL_WORKERS", "1"),)),
    Layout("serve, AFTERCALL_WORKERS=2", 2, env=(("AFTERCALL_WORKERS", "2"),)),
)
DISTRIBUTED = (
    Layout(f"1 worker, defaults (concurrency {jobs_at_once(0)})", jobs_at_once(0)),
    Layout("1 worker --concurrency 1", 1, flags=("--concurrency", "1")),
    Layout("1 worker --concurrency 2", 2, flags=("--concurrency", "2")),
    Layout(
        "2 workers --concurrency 1, 1 thread each", 2, 2, ("--concurrency", "1"), (("AFTERCALL_ASR_CPU_THREADS", "1"),)
    ),
)


@contextmanager
def embedded(tmp: Path, layout: Layout) -> Iterator[httpx.Client]:
    server = Server(Path(tempfile.mkdtemp(dir=tmp, prefix="embedded-")) / "data", **dict(layout.env))
    server.start()
    try:
        with server.client() as api:
            yield api
    finally:
        server.kill(signal.SIGKILL)


@contextmanager
def distributed(tmp: Path, layout: Layout, s3: str) -> Iterator[httpx.Client]:
    with ExitStack() as stack:
        database = stack.enter_context(postgres_schema())
        broker = stack.enter_context(purge_broker("redis"))
        directory = Path(tempfile.mkdtemp(dir=tmp, prefix="distributed-"))
        cluster = Cluster(
            directory,
            database_url=database,
            broker_url=broker,
            s3_endpoint=s3,
            bucket=new_bucket(s3),
            **dict(layout.env),
        )
        stack.callback(cluster.stop_all)
        assert cluster.run("migrate").returncode == 0
        cluster.start("api", "api")
        cluster.start("dispatcher", "dispatcher")
        for i in range(layout.processes):
            cluster.start(f"worker-{i}", "worker", *layout.flags)
        api = stack.enter_context(cluster.client())
        yield api


def jobs_per_minute(api: httpx.Client, media: str, jobs: int, warm_up: int) -> float:
    warm = [submit(api, f"{media}/media/{FILES[i % len(FILES)]}") for i in range(warm_up)]  # loads the models
    for job_id in warm:
        job = wait(api, job_id, timeout=180)
        assert job["status"] == "finished", job
    started = time.perf_counter()
    ids = [submit(api, f"{media}/media/{FILES[i % len(FILES)]}") for i in range(jobs)]
    for job_id in ids:
        job = wait(api, job_id, timeout=600)
        assert job["status"] == "finished", job
    return jobs / (time.perf_counter() - started) * 60


def submit_latencies(api: httpx.Client, media: str, rate: float, seconds: float) -> list[float]:
    samples = []
    for _ in range(int(rate * seconds)):
        began = time.perf_counter()
        submit(api, f"{media}/status/404")  # fails at once: the work behind it stays small
        samples.append((time.perf_counter() - began) * 1000)
        time.sleep(max(0.0, 1 / rate - (time.perf_counter() - began)))
    return sorted(samples)


def percentile(samples: list[float], q: float) -> float:
    return samples[min(len(samples) - 1, int(len(samples) * q))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--rate", type=float, default=20.0, help="submissions per second for the latency run")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each layout, taken in turn; medians compared")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request otherwise
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name, media_server() as media, moto_s3_server() as s3:
        tmp = Path(tmp_name)
        modes: list[tuple[str, Callable[[Layout], object], tuple[Layout, ...]]] = [
            ("embedded", lambda layout: embedded(tmp, layout), EMBEDDED),
            ("distributed", lambda layout: distributed(tmp, layout, s3), DISTRIBUTED),
        ]
        print(f"{CORES} usable cores; {args.jobs} jobs of 6 s speech per row", flush=True)
        for name, start, layouts in modes:
            rates: dict[str, list[float]] = {layout.name: [] for layout in layouts}
            for turn in range(args.rounds):  # each round starts one layout later: none is always first, or last
                for layout in layouts[turn % len(layouts) :] + layouts[: turn % len(layouts)]:
                    with start(layout) as api:  # type: ignore[attr-defined]
                        rates[layout.name].append(jobs_per_minute(api, media, args.jobs, layout.jobs))
                    print(f"{name:11s} {layout.name:45s} {rates[layout.name][-1]:6.1f} jobs/min", flush=True)
            medians = {layout: statistics.median(rate) for layout, rate in rates.items()}
            for layout, median in medians.items():
                rows.append(f"{name:11s} {layout:45s} {median:6.1f} jobs/min (median of {args.rounds})")
            default = medians[layouts[0].name] / max(medians.values())
            rows.append(f"{name:11s} defaults / best layout by hand: {default:.2f}")
            print(rows[-1], flush=True)
        for name, start, layouts in modes:
            with start(layouts[1]) as api:  # type: ignore[attr-defined]
                lat = submit_latencies(api, media, args.rate, args.seconds)
                rows.append(f"{name:11s} submit latency at {args.rate:g}/s: p50 {statistics.median(lat):6.1f} ms, "
                            f"p99 {percentile(lat, 0.99):6.1f} ms ({len(lat)} requests)")  # fmt: skip
                print(rows[-1], flush=True)
    print("\n".join(["", *rows]))


if __name__ == "__main__":
    main()
