"""Distributed mode end to end: api, Celery workers and the dispatcher on PostgreSQL, Redis or RabbitMQ, and S3."""

from __future__ import annotations

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from aftercall.taskqueue.celery import TASK, make_app
from tests.e2e.conftest import free_port
from tests.e2e.distributed import Cluster
from tests.e2e.helpers import download_outputs
from tests.jobs import submit, wait, wait_for_progress
from tests.receiver import receiver
from tests.services import new_bucket, postgres_schema, purge_broker


@pytest.fixture(params=["redis", "amqp"])
def cluster(request, tmp_path, s3_endpoint):
    with postgres_schema() as database_url, purge_broker(request.param) as broker:
        c = Cluster(
            tmp_path,
            database_url=database_url,
            broker_url=broker,
            s3_endpoint=s3_endpoint,
            bucket=new_bucket(s3_endpoint),
            AFTERCALL_LEASE_SECONDS="4",
            AFTERCALL_REQUEUE_AFTER_SECONDS="3",
            AFTERCALL_METRICS_PORT=str(free_port()),
        )
        try:
            yield c
        finally:
            c.stop_all()


def test_roles_refuse_an_unmigrated_database_then_run_a_job_with_a_webhook(cluster, media):
    refused = cluster.run("api")
    assert refused.returncode != 0
    assert "run `aftercall migrate`" in refused.stderr
    migrated = cluster.run("migrate")
    assert migrated.returncode == 0, migrated.stderr
    cluster.start("api", "api")
    cluster.start("worker", "worker", "--concurrency", "2")  # two pool processes, sharing nothing but the broker
    cluster.start("dispatcher", "dispatcher")
    with receiver() as r, cluster.client() as api:
        hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.job-finished"]})
        assert hook.status_code == 200, hook.text
        job_id = submit(api, f"{media}/media/speech.mp3")
        other = submit(api, f"{media}/media/speech.wav")  # at the same time, in the other pool process
        job = wait(api, job_id, timeout=120)
        assert job["status"] == "finished", (job, cluster.log("worker"))
        assert wait(api, other, timeout=120)["status"] == "finished", cluster.log("worker")
        assert job["output"]["transcription"][0]["s3Config"]["key"].startswith("cluster/local/")
        assert "sunny" in download_outputs(api, job_id)["txt"].decode()
        r.wait_for(3)
        assert {request.json["id"] for request in r.requests[1:]} == {f"bp-jf-{job_id}", f"bp-jf-{other}"}
    worker_metrics = httpx.get(f"http://127.0.0.1:{cluster.env['AFTERCALL_METRICS_PORT']}/metrics", timeout=10).text
    timed = {
        sample.labels.get("stage"): sample.value
        for family in text_string_to_metric_families(worker_metrics)
        for sample in family.samples
        if sample.name == "aftercall_stage_seconds_count"
    }
    assert timed.get("transcribing") == 2, "the pool processes that ran the jobs wrote their stage times"


def test_two_workers_and_two_dispatchers_on_one_host_share_the_work_and_send_each_event_once(cluster, media):
    assert cluster.run("migrate").returncode == 0
    cluster.start("api", "api")
    for name in ("dispatcher-a", "dispatcher-b"):  # a rolling update, or replicas: 2
        cluster.start(name, "dispatcher")
    for name in ("worker-a", "worker-b"):  # each its own node name (on RabbitMQ a shared one stops the second)
        cluster.env["AFTERCALL_METRICS_PORT"] = str(free_port())  # and its own metrics port
        cluster.start(name, "worker", "--concurrency", "1")
    # (a worker whose first connection to the broker drops logs the error and reconnects, with Celery's growing
    # back-off: in CI one was ready 60 s after it started)
    deadline = time.monotonic() + 150
    while not all("ready." in cluster.log(name) for name in ("worker-a", "worker-b")):
        assert time.monotonic() < deadline, (cluster.log("worker-a"), cluster.log("worker-b"))
        time.sleep(0.2)
    events = ["batch-processor.job-started", "batch-processor.job-finished"]
    with receiver() as r, cluster.client() as api:
        assert api.post("/v1/webhooks", json={"url": r.url, "eventTypes": events}).status_code == 200
        jobs = [submit(api, f"{media}/media/speech.{kind}") for kind in ("mp3", "wav", "ogg", "m4a")]
        for job_id in jobs:
            assert wait(api, job_id, timeout=120)["status"] == "finished", cluster.log("worker-a")
        r.wait_for(1 + 2 * len(jobs))
        time.sleep(3)  # time enough for a second copy of any event to arrive
        delivered = [request.json["id"] for request in r.requests[1:]]
    assert sorted(delivered) == sorted(f"bp-j{kind}-{job}" for job in jobs for kind in ("s", "f")), delivered
    for name in ("worker-a", "worker-b"):
        assert cluster.processes[name].poll() is None, cluster.log(name)
        assert "job started" in (cluster.tmp / f"{name}.log").read_text(), cluster.log(name)  # each took a job


def test_a_notes_job_on_media_is_transcribed_on_the_speech_queue_and_summarized_on_the_llm_queue(cluster, media):
    assert cluster.run("migrate").returncode == 0
    cluster.start("api", "api")
    cluster.start("dispatcher", "dispatcher")
    cluster.start("speech", "worker", "--queues", "speech", "--concurrency", "1")
    with cluster.client() as api:
        job_id = submit(api, f"{media}/media/speech.mp3", preset="summarize")
        wait_for_progress(api, job_id, lambda job: job["progress"]["percent"] >= 45, timeout=120)
        time.sleep(2)  # no worker of the llm queue yet: the job waits there, transcribed
        waiting = api.get(f"/v1/batch-processor/{job_id}").json()
        assert (waiting["status"], waiting["progress"]["stage"]) == ("processing", "rendering"), cluster.log("speech")
        assert "its notes go to the llm queue" in cluster.log("speech")
        # A copy of its message on the speech queue (the sweeper resends a job that waits long) is passed on to the
        # llm queue: a speech worker never writes the notes.
        make_app(cluster.env["AFTERCALL_BROKER_URL"], visibility_timeout=60).send_task(TASK, [job_id], queue="speech")
        deadline = time.monotonic() + 30
        while "job message on the queue of a stage it has done" not in cluster.log("speech"):
            assert time.monotonic() < deadline, cluster.log("speech")
            time.sleep(0.2)
        cluster.env["AFTERCALL_METRICS_PORT"] = str(free_port())
        cluster.start("notes", "worker", "--queues", "llm", "--concurrency", "1")
        job = wait(api, job_id, timeout=180)
        assert job["status"] == "finished", (job, cluster.log("notes"))
        assert set(job["output"]) == {"transcription", "summary"}
        assert "attempt" not in job["progress"], "neither stage counted as a retry"
        files = download_outputs(api, job_id)
        assert "sunny" in files["txt"].decode()
    speech_log, notes_log = ((cluster.tmp / f"{name}.log").read_text() for name in ("speech", "notes"))
    assert (speech_log.count("job started"), notes_log.count("job started")) == (1, 1), "one stage each"
