"""Faults in distributed mode, for real: kill -9 of a Celery worker mid-job, and a broker that is down or restarts.

Every accepted job must end in exactly one terminal state with exactly one terminal event, outputs intact.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import free_port
from tests.e2e.distributed import Cluster
from tests.e2e.helpers import check_covers_the_recording, download_outputs
from tests.jobs import submit, wait, wait_for_progress
from tests.receiver import receiver
from tests.services import new_bucket, postgres_schema, purge_broker

ROLES_ENV = {"AFTERCALL_LEASE_SECONDS": "4", "AFTERCALL_REQUEUE_AFTER_SECONDS": "3"}


@contextmanager
def cluster_on(tmp_path, s3_endpoint, broker_url: str) -> Iterator[Cluster]:
    with postgres_schema() as database_url:
        c = Cluster(tmp_path, database_url=database_url, broker_url=broker_url, s3_endpoint=s3_endpoint,
                    bucket=new_bucket(s3_endpoint), **ROLES_ENV)  # fmt: skip
        assert c.run("migrate").returncode == 0
        try:
            yield c
        finally:
            c.stop_all()


def finished_events(r, job_id: str) -> list[str]:
    return [e["type"] for e in r.events() if e["payload"]["id"] == job_id]


@pytest.mark.parametrize(("moment", "percent"), [("start", 0), ("middle", 45), ("end", 85)])
def test_kill_9_of_a_worker_mid_job_ends_the_job_once(tmp_path, s3_endpoint, media, moment, percent):
    with purge_broker("redis") as broker, cluster_on(tmp_path, s3_endpoint, broker) as cluster, receiver() as r:
        cluster.start("api", "api")
        cluster.start("dispatcher", "dispatcher")
        cluster.start("worker-1", "worker")
        with cluster.client() as api:
            events = ["batch-processor.job-finished", "batch-processor.error"]
            assert api.post("/v1/webhooks", json={"url": r.url, "eventTypes": events}).status_code == 200
            job_id = submit(api, f"{media}/long.wav")
            wait_for_progress(api, job_id, lambda job: job["progress"]["percent"] >= percent)
            cluster.kill("worker-1")  # the whole worker: main process and pool
            cluster.start("worker-2", "worker")
            job = wait(api, job_id, timeout=240)
            assert job["status"] == "finished", (moment, job, cluster.log("worker-2"))
            check_covers_the_recording(download_outputs(api, job_id), job["duration"])
            r.wait_for(2)
            time.sleep(1.0)  # any duplicate event would arrive by now
            assert finished_events(r, job_id) == ["batch-processor.job-finished"]


def test_kill_9_of_a_pool_process_mid_job_hands_the_job_on_without_waiting_for_its_lease(tmp_path, s3_endpoint, media):
    """As the OOM killer would: the worker's main process lives on, its pool process dies mid-job."""
    with purge_broker("redis") as broker, postgres_schema() as database_url:
        cluster = Cluster(tmp_path, database_url=database_url, broker_url=broker, s3_endpoint=s3_endpoint,
                          bucket=new_bucket(s3_endpoint), AFTERCALL_LEASE_SECONDS="600")  # fmt: skip
        try:
            assert cluster.run("migrate").returncode == 0
            cluster.start("api", "api")
            cluster.start("dispatcher", "dispatcher")
            cluster.start("worker", "worker", "--concurrency", "1")
            with cluster.client() as api:
                job_id = submit(api, f"{media}/long.wav")
                wait_for_progress(api, job_id, lambda job: job["progress"]["stage"] == "transcribing")
                main = cluster.processes["worker"].pid
                (pool,) = Path(f"/proc/{main}/task/{main}/children").read_text().split()
                os.kill(int(pool), signal.SIGKILL)
                job = wait(api, job_id, timeout=180)  # well inside the lease: its holder was known to be gone
                assert job["status"] == "finished", (job, cluster.log("worker"))
                assert job["progress"]["attempt"] == 2
            assert "job taken over from a worker process that is gone" in (tmp_path / "worker.log").read_text()
        finally:
            cluster.stop_all()


@contextmanager
def private_redis(port: int) -> Iterator[callable]:
    """A redis-server of this test's own on ``port``; yields start(), and stops it at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.3)
        return processes[-1]

    try:
        yield start
    finally:
        for process in processes:
            process.kill()
            process.wait()


def test_a_broker_down_at_submit_and_restarted_mid_batch_loses_no_job(tmp_path, s3_endpoint, media):
    port = free_port()
    with (
        private_redis(port) as start_redis,
        cluster_on(tmp_path, s3_endpoint, f"redis://127.0.0.1:{port}/0") as cluster,
    ):
        cluster.start("api", "api")
        with cluster.client() as api:
            first = [submit(api, f"{media}/media/speech.{ext}") for ext in ("wav", "mp3")]  # broker down: stored only
            assert {api.get(f"/v1/batch-processor/{j}").json()["status"] for j in first} == {"submitted"}
            redis = start_redis()
            cluster.start("dispatcher", "dispatcher")
            cluster.start("worker", "worker")
            more = [submit(api, f"{media}/media/speech.{ext}") for ext in ("ogg", "webm", "m4a", "mp4")]
            wait(api, more[0], until=("processing", "finished"), timeout=120)
            redis.kill()  # the broker goes away mid-batch...
            redis.wait()
            late = submit(api, f"{media}/media/speech.wav")
            time.sleep(2)
            start_redis()  # ...and comes back (empty: it keeps nothing on disk)
            jobs = [wait(api, j, timeout=240) for j in [*first, *more, late]]
            assert [j["status"] for j in jobs] == ["finished"] * 7, [(j["id"], j.get("error")) for j in jobs]
            for job in jobs:
                assert download_outputs(api, job["id"])["txt"].decode().startswith("Speaker 0: ")
        api_log = (tmp_path / "api.log").read_text()
        assert 1 <= api_log.count("broker unreachable") <= 2, api_log[-3000:]  # once an outage, not once a publish
        assert "Traceback" not in api_log, api_log[-3000:]


def _postgres(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True)


def test_postgres_restarting_during_a_batch_loses_no_accepted_job(tmp_path, s3_endpoint, media):
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        pytest.skip("this machine's PostgreSQL is not managed by pg_ctlcluster")
    with purge_broker("redis") as broker, cluster_on(tmp_path, s3_endpoint, broker) as cluster, receiver() as r:
        for role in ("api", "dispatcher", "worker"):
            cluster.start(role, role)
        with cluster.client() as api:
            events = ["batch-processor.job-finished", "batch-processor.error"]
            assert api.post("/v1/webhooks", json={"url": r.url, "eventTypes": events}).status_code == 200
            accepted = [submit(api, f"{media}/long.wav")]
            accepted += [submit(api, f"{media}/media/speech.{ext}") for ext in ("wav", "mp3", "ogg")]
            wait_for_progress(api, accepted[0], lambda job: job["progress"]["stage"] == "transcribing")
            try:
                _postgres("stop")
                refused = api.post("/v1/batch-processor", json={"preset": "transcript", "inParams": {
                    "sourceType": "uri", "uri": f"{media}/media/speech.wav"}, "outParams": {
                    "s3Config": {"s3KeyTemplate": "x"}}})  # fmt: skip
                assert refused.status_code == 503, refused.text
                assert refused.json()["error"] == "server-error"
                assert refused.headers["retry-after"] == "5"
                time.sleep(3)
            finally:
                _postgres("start")
            jobs = [wait(api, j, timeout=300) for j in accepted]
            assert [j["status"] for j in jobs] == ["finished"] * len(accepted), [j.get("error") for j in jobs]
            r.wait_for(1 + len(accepted))
            time.sleep(1.0)
            for job_id in accepted:
                assert finished_events(r, job_id) == ["batch-processor.job-finished"], job_id


@contextmanager
def sigterm_mid_job(tmp_path, s3_endpoint, media, grace_seconds: str) -> Iterator[tuple[Cluster, httpx.Client, str]]:
    """A worker given ``grace_seconds`` of grace, sent SIGTERM while it transcribes a long job and waited for;
    yields the cluster (its api still up), a client and the job's id."""
    with purge_broker("redis") as broker, cluster_on(tmp_path, s3_endpoint, broker) as cluster:
        cluster.start("api", "api")
        cluster.env["AFTERCALL_SHUTDOWN_GRACE_SECONDS"] = grace_seconds
        cluster.start("worker", "worker")
        with cluster.client() as api:
            job_id = submit(api, f"{media}/long.wav")
            wait_for_progress(api, job_id, lambda job: job["progress"]["stage"] == "transcribing")
            worker = cluster.processes.pop("worker")
            worker.send_signal(signal.SIGTERM)  # stop taking jobs; finish this one within the grace period
            assert worker.wait(timeout=240) == 0, cluster.log("worker")
            yield cluster, api, job_id


def test_sigterm_lets_the_running_job_finish_within_the_grace_period(tmp_path, s3_endpoint, media):
    with sigterm_mid_job(tmp_path, s3_endpoint, media, "600") as (cluster, api, job_id):
        job = api.get(f"/v1/batch-processor/{job_id}").json()
        assert job["status"] == "finished", (job, cluster.log("worker"))
        queued = submit(api, f"{media}/media/speech.wav")
        time.sleep(2)
        assert api.get(f"/v1/batch-processor/{queued}").json()["status"] == "submitted", "no worker left"


def test_sigterm_past_the_grace_period_hands_the_job_back_without_spending_an_attempt(tmp_path, s3_endpoint, media):
    with sigterm_mid_job(tmp_path, s3_endpoint, media, "1") as (cluster, api, job_id):
        handed_back = api.get(f"/v1/batch-processor/{job_id}").json()
        assert handed_back["status"] == "submitted", (handed_back, cluster.log("worker"))
        assert handed_back["progress"] == {"stage": "queued", "percent": 0}, "no attempt spent"
        assert "jobs handed back to the queue" in cluster.log("worker")

        cluster.start("worker again", "worker")  # Celery requeued the message: the next worker runs it
        job = wait(api, job_id, timeout=240)
        assert job["status"] == "finished", (job, cluster.log("worker again"))
        assert "attempt" not in job["progress"], "the run that was handed back did not count"
