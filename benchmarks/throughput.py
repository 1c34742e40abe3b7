"""Throughput and submit latency, embedded vs distributed, side by side in one run.

* jobs per minute on the same short files (6 s of speech each) with 1 and 2 workers: embedded (`aftercall serve`
  with AFTERCALL_WORKERS=n, threads in one process) and distributed (n `aftercall worker` processes on Redis,
  PostgreSQL and S3 via moto);
* submit latency (POST until the 200) at a steady request rate, p50 and p99, for both modes.

Needs the services of the development machine (PostgreSQL, Redis) and moto[server].

    .venv/bin/python benchmarks/throughput.py [--jobs 12] [--rate 20] [--seconds 10]
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
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import Server  # noqa: E402
from tests.e2e.distributed import Cluster  # noqa: E402
from tests.jobs import submit, wait  # noqa: E402
from tests.media_server import media_server  # noqa: E402
from tests.services import moto_s3_server, new_bucket, postgres_schema, purge_broker  # noqa: E402

FILES = ("speech.wav", "speech.mp3", "speech.ogg", "speech.m4a")


@contextmanager
def embedded(tmp: Path, workers: int) -> Iterator[httpx.Client]:
    server = Server(
        Path(tempfile.mkdtemp(dir=tmp, prefix=f"embedded-{workers}-")) / "data", AFTERCALL_WORKERS=str(workers)
    )
    server.start()
    try:
        with server.client() as api:
            yield api
    finally:
        server.kill(signal.SIGKILL)


@contextmanager
def distributed(tmp: Path, workers: int, s3: str) -> Iterator[httpx.Client]:
    with ExitStack() as stack:
        database = stack.enter_context(postgres_schema())
        broker = stack.enter_context(purge_broker("redis"))
        directory = Path(tempfile.mkdtemp(dir=tmp, prefix=f"distributed-{workers}-"))
        cluster = Cluster(directory, database_url=database, broker_url=broker, s3_endpoint=s3, bucket=new_bucket(s3))
        stack.callback(cluster.stop_all)
        assert cluster.run("migrate").returncode == 0
        cluster.start("api", "api")
        cluster.start("dispatcher", "dispatcher")
        for i in range(workers):
            cluster.start(f"worker-{i}", "worker")
        api = stack.enter_context(cluster.client())
        yield api


def jobs_per_minute(api: httpx.Client, media: str, jobs: int, workers: int) -> float:
    warm = [submit(api, f"{media}/media/{FILES[i % len(FILES)]}") for i in range(workers)]  # loads the models
    for job_id in warm:
        assert wait(api, job_id, timeout=180)["status"] == "finished"
    started = time.perf_counter()
    ids = [submit(api, f"{media}/media/{FILES[i % len(FILES)]}") for i in range(jobs)]
    for job_id in ids:
        assert wait(api, job_id, timeout=600)["status"] == "finished"
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
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request otherwise
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name, media_server() as media, moto_s3_server() as s3:
        tmp = Path(tmp_name)
        modes: list[tuple[str, Callable[[int], object]]] = [
            ("embedded", lambda n: embedded(tmp, n)),
            ("distributed", lambda n: distributed(tmp, n, s3)),
        ]
        for workers in (1, 2):
            for name, start in modes:
                with start(workers) as api:  # type: ignore[attr-defined]
                    rate = jobs_per_minute(api, media, args.jobs, workers)
                    rows.append(
                        f"{name:11s} {workers} worker(s): {rate:6.1f} jobs/min ({args.jobs} jobs of 6 s speech)"
                    )
                    print(rows[-1], flush=True)
        for name, start in modes:
            with start(1) as api:  # type: ignore[attr-defined]
                lat = submit_latencies(api, media, args.rate, args.seconds)
                rows.append(f"{name:11s} submit latency at {args.rate:g}/s: p50 {statistics.median(lat):6.1f} ms, "
                            f"p99 {percentile(lat, 0.99):6.1f} ms ({len(lat)} requests)")  # fmt: skip
                print(rows[-1], flush=True)


if __name__ == "__main__":
    main()
