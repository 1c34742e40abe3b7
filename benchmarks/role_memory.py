"""Memory of each distributed role: peak RSS of `aftercall api`, `worker` and `dispatcher` through real jobs.

Starts the three roles on PostgreSQL, Redis and moto's S3 server (as the tests do), subscribes a webhook, runs
``--jobs`` transcript jobs (speakers on, the default model) of a 170 s conversation, then reads each process's
peak resident memory (VmHWM). A worker is a Celery parent and its pool processes (one per core by default): each is
listed, and their sum is an upper bound of the worker's peak.

    .venv/bin/python benchmarks/role_memory.py [--jobs 4] [--concurrency 0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.distributed import Cluster  # noqa: E402
from tests.jobs import submit, wait  # noqa: E402
from tests.media_server import media_server  # noqa: E402
from tests.receiver import receiver  # noqa: E402
from tests.services import moto_s3_server, new_bucket, postgres_schema, purge_broker  # noqa: E402


def peaks(group: int) -> list[tuple[int, str, int]]:
    """(pid, command, peak RSS in kB) of every process in the process group ``group``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != group:
                continue
            status = dict(line.split(":", 1) for line in (proc / "status").read_text().splitlines() if ":" in line)
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        found.append((int(proc.name), command[-60:], int(status.get("VmHWM", "0 kB").split()[0])))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=0, help="the worker's --concurrency (0: one per core)")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres_schema() as database,
        purge_broker("redis") as broker,
        moto_s3_server() as s3,
        media_server(long_repeats=2) as media,
        receiver() as hooks,
    ):
        cluster = Cluster(Path(tmp), database_url=database, broker_url=broker, s3_endpoint=s3, bucket=new_bucket(s3))
        try:
            if cluster.run("migrate").returncode != 0:
                raise SystemExit("aftercall migrate failed")
            cluster.start("api", "api")
            cluster.start("worker", "worker", "--concurrency", str(args.concurrency))
            cluster.start("dispatcher", "dispatcher")
            with cluster.client() as api:
                api.post("/v1/webhooks", json={"url": hooks.url, "eventTypes": ["batch-processor.job-finished"]})
                jobs = [submit(api, f"{media}/long.wav") for _ in range(args.jobs)]
                for job_id in jobs:
                    status = wait(api, job_id, timeout=900)["status"]
                    if status != "finished":
                        raise SystemExit(f"job {job_id} ended {status}: {cluster.log('worker')}")
            hooks.wait_for(1 + args.jobs)
            print(f"peak resident memory after {args.jobs} transcript jobs (170 s of speech each, speakers on):")
            for role, process in cluster.processes.items():
                found = peaks(process.pid)
                total = sum(kb for *_, kb in found) / 1024
                print(f"  {role:<10} {total:7.0f} MB" + (f"  ({len(found)} processes)" if len(found) > 1 else ""))
                if len(found) > 1:
                    for pid, command, kb in found:
                        print(f"      {pid:>7} {kb / 1024:7.0f} MB  {command}")
        finally:
            cluster.stop_all()


if __name__ == "__main__":
    main()
