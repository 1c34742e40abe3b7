"""The task queue contract, on every backend: in-process threads, and Celery on Redis and on RabbitMQ."""

from __future__ import annotations

import threading
import time

import pytest
from structlog.testing import capture_logs

from aftercall.domain.jobs import Job, JobSpec, Preset, Progress, SourceType, Stage, Status, TranscriptOptions
from aftercall.domain.outputs import OutputTarget
from aftercall.errors import QueueUnavailable
from aftercall.taskqueue.celery import (
    LLM_QUEUE,
    SPEECH_QUEUE,
    TASK,
    CeleryQueue,
    make_app,
    queue_for,
    register_worker_task,
)
from aftercall.taskqueue.inprocess import InProcessQueue
from aftercall.taskqueue.sweeper import Sweeper
from tests.services import purge_broker


class Seen:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, job_id: str) -> None:
        with self.lock:
            self.ids.append(job_id)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.ids) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return sorted(self.ids)


@pytest.fixture(params=["inprocess", "redis", pytest.param("amqp", marks=pytest.mark.slow)])  # (a worker's stop: 10 s)
def queue(request):
    seen = Seen()
    if request.param == "inprocess":
        q = InProcessQueue(seen, workers=2)
        q.start()
        yield q, seen
        q.stop(timeout=5)
        return
    from celery.contrib.testing.worker import start_worker

    with purge_broker(request.param) as url:
        app = make_app(url, visibility_timeout=60)
        register_worker_task(app, seen)
        # The threads pool consumes as production's prefork pool does; the default solo pool takes a message per
        # 10 s broker heartbeat on RabbitMQ, which made this test race its own timeout. For the same reason the
        # worker may need a heartbeat to notice it should stop: allow far more than the 10 s default for that.
        with start_worker(app, perform_ping_check=False, pool="threads", concurrency=2, shutdown_timeout=60,
                          queues=[SPEECH_QUEUE, LLM_QUEUE]):  # fmt: skip
            yield CeleryQueue(app, job_of=lambda job_id: job_in(Preset.TRANSCRIPT)), seen


def test_every_enqueued_job_id_reaches_the_runner(queue):
    q, seen = queue
    ids = [f"job-{i}" for i in range(5)]
    for job_id in ids:
        q.enqueue(job_id)
    assert seen.wait_for(5) == ids


class PublishedTasks:
    """Stands in for the Celery app at the one call CeleryQueue makes, to check what it publishes."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[str], str]] = []
        self.down = False  # refuse every publish, as kombu does when the broker is unreachable

    def send_task(self, name: str, args: list[str], queue: str) -> None:
        if self.down:
            raise ConnectionRefusedError(111, "Connection refused")
        self.sent.append((name, args, queue))


def test_jobs_are_published_to_the_queue_of_their_next_stage_and_deleted_ones_not_at_all():
    app = PublishedTasks()
    jobs = {"a": job_in(Preset.TRANSCRIPT), "b": job_in(Preset.SOAP_NOTES, SourceType.TRANSCRIPT_URI)}
    q = CeleryQueue(app, jobs.get)
    for job_id in ("a", "b", "gone"):
        q.enqueue(job_id)
    assert app.sent == [(TASK, ["a"], SPEECH_QUEUE), (TASK, ["b"], LLM_QUEUE)]


def test_a_broker_outage_is_logged_once_when_it_begins_and_once_when_it_ends():
    app = PublishedTasks()
    q = CeleryQueue(app, lambda job_id: job_in(Preset.TRANSCRIPT))
    with capture_logs() as logs:
        q.enqueue("before")
        app.down = True
        for job_id in ("a", "b", "c"):
            with pytest.raises(QueueUnavailable):
                q.enqueue(job_id)
        app.down = False
        q.enqueue("after")
        q.enqueue("later")
    assert [(e["log_level"], e["event"]) for e in logs] == [
        ("warning", "broker unreachable: jobs stay stored, and are enqueued once it is back"),
        ("info", "broker reachable again"),
    ]
    assert logs[0]["reason"] == "[Errno 111] Connection refused"
    assert logs[1]["failed_publishes"] == 3
    assert [args[0] for _, args, _ in app.sent] == ["before", "after", "later"]


class Unpublishable(PublishedTasks):
    def send_task(self, name: str, args: list[str], queue: str) -> None:
        raise TypeError("Object of type bytes is not JSON serializable")


def test_a_publish_that_fails_for_its_job_not_the_broker_is_no_outage():
    q = CeleryQueue(Unpublishable(), lambda job_id: job_in(Preset.TRANSCRIPT))
    with capture_logs() as logs, pytest.raises(TypeError):
        q.enqueue("a")
    assert logs == []


class Stranded:
    """A job store's one query the sweeper makes: these ids are stranded."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def stranded_job_ids(self, now: float, *, submitted_before: float) -> list[str]:
        return self.ids


class Refusing:
    """A queue that takes every job id but ``bad`` (a job it cannot publish), or none while ``down``."""

    def __init__(self, bad: str = "", *, down: bool = False) -> None:
        self.bad, self.down, self.taken = bad, down, []

    def enqueue(self, job_id: str) -> None:
        if self.down:
            raise QueueUnavailable("the broker did not take it")
        if job_id == self.bad:
            raise RuntimeError("this job cannot be published")
        self.taken.append(job_id)


def test_the_sweeper_stops_a_round_when_the_broker_is_down_but_passes_over_a_job_it_cannot_enqueue():
    down = Refusing(down=True)
    with capture_logs() as logs:
        Sweeper(Stranded(["a", "b"]), down, requeue_after=1, interval=1).sweep()  # type: ignore[arg-type]
    assert (down.taken, logs) == ([], [])
    one_bad = Refusing("b")
    with capture_logs() as logs:
        Sweeper(Stranded(["a", "b", "c"]), one_bad, requeue_after=1, interval=1).sweep()  # type: ignore[arg-type]
    assert one_bad.taken == ["a", "c"]
    assert [(e["event"], e.get("job_id")) for e in logs] == [
        ("could not enqueue a stranded job", "b"),
        ("re-enqueued stranded jobs", None),
    ]


def job_in(preset: Preset, source_type: SourceType = SourceType.URI, output: dict | None = None) -> Job:
    target = OutputTarget.resolve("stem", use_replacement=False, domain="local", job_id="j")
    spec = JobSpec(preset, source_type, "https://example.com/a.wav", target, TranscriptOptions())
    return Job("j", spec, Status.SUBMITTED, Progress(Stage.QUEUED, 0), 0.0, 0.0, output=output)


def test_each_job_goes_to_the_queue_of_its_next_stage():
    assert queue_for(job_in(Preset.TRANSCRIPT)) == SPEECH_QUEUE
    assert queue_for(job_in(Preset.SUMMARIZE)) == queue_for(job_in(Preset.SOAP_NOTES)) == SPEECH_QUEUE, "transcribe"
    assert queue_for(job_in(Preset.SOAP_NOTES, SourceType.TRANSCRIPT_URI)) == LLM_QUEUE
    transcribed = {"transcription": [{"format": "json", "s3Config": {"key": "stem/transcript.json"}}]}
    assert queue_for(job_in(Preset.SUMMARIZE, output=transcribed)) == LLM_QUEUE, "its notes, once transcribed"


def test_a_reachable_queue_passes_its_check(queue):
    q, _seen = queue
    q.check()


def test_a_broker_nobody_answers_on_fails_the_check() -> None:
    from kombu.exceptions import OperationalError

    app = make_app("amqp://guest:guest@127.0.0.1:1//", visibility_timeout=60)
    with pytest.raises(OperationalError):
        CeleryQueue(app, job_of=lambda job_id: None).check()
