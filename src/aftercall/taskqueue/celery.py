"""Distributed mode's queue: Celery over Redis or RabbitMQ. The only module that imports Celery.

The broker carries job ids only; the job store decides who runs a job (claims), so a message delivered twice
runs the job once, and a message lost is found again by the sweeper.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import structlog

from aftercall.domain.jobs import Job
from aftercall.errors import QueueUnavailable

log = structlog.get_logger(__name__)
TASK = "aftercall.run_job"
SPEECH_QUEUE = "speech"  # transcription: CPU/GPU-heavy workers
LLM_QUEUE = "llm"  # notes (summarize, soap-notes): workers near the language model


def make_app(broker_url: str, *, visibility_timeout: float) -> Any:
    try:
        from celery import Celery
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("distributed mode needs Celery: pip install 'aftercall[distributed]'") from exc
    app = Celery("aftercall", broker=broker_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=SPEECH_QUEUE,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": visibility_timeout},
        # Fail fast when the broker is down at submit time: the job is stored, and the sweeper enqueues it later.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
    )
    return app


def queue_for(job: Job) -> str:
    """The queue of a job's next stage: speech-to-text first, where it has any left; then the language model."""
    return SPEECH_QUEUE if job.needs_speech else LLM_QUEUE


class CeleryQueue:
    """Publishes job ids, each to the queue of its next stage (``queue_for`` the job ``job_of`` finds; none for a
    job gone); ``start``/``stop`` have nothing to do (workers are other processes). A publish that fails raises; the
    broker going down and coming back are logged here, once each, not once a publish."""

    def __init__(self, app: Any, job_of: Callable[[str], Job | None]) -> None:
        self.app = app
        self._job_of = job_of
        self._broker = _Outage()

    def enqueue(self, job_id: str) -> None:
        job = self._job_of(job_id)
        if job is None:
            return
        try:
            self.app.send_task(TASK, args=[job_id], queue=queue_for(job))
        except Exception as exc:
            if not _unreachable(exc):
                raise
            self._broker.failed(exc)
            raise QueueUnavailable(f"the broker did not take job {job_id}") from exc
        self._broker.worked()

    def moved(self, job_id: str, delivered_on: str) -> bool:
        """Whether the message for ``job_id`` reached the wrong queue for the job's next stage and was published to
        the right one instead: a copy the sweeper sent to ``speech`` while the job waited there, taken after the job
        was handed over to ``llm``, must not have a speech worker write the notes."""
        job = self._job_of(job_id)
        if job is None or queue_for(job) == delivered_on:
            return False
        log.info("job message on the queue of a stage it has done: sent to its next stage's", job_id=job_id)
        self.enqueue(job_id)
        return True

    def start(self) -> None:
        pass

    def stop(self, timeout: float | None = None) -> None:
        pass

    def check(self) -> None:
        with self.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=_CHECK_SECONDS)


_CHECK_SECONDS = 2.0  # a readiness probe answers fast


def register_worker_task(app: Any, run: Callable[[str], None], queue: CeleryQueue | None = None) -> None:
    """Bind the task the workers execute to ``run`` (a ``JobRunner.run``); with ``queue``, a message that reached
    the queue of a stage its job has done is sent on to its next stage's instead (``CeleryQueue.moved``)."""

    @app.task(name=TASK, bind=True, acks_late=True, ignore_result=True, shared=False)  # this app only
    def run_job(task: Any, job_id: str) -> None:
        delivered_on = (task.request.delivery_info or {}).get("routing_key")
        if queue is not None and delivered_on in (SPEECH_QUEUE, LLM_QUEUE) and queue.moved(job_id, delivered_on):
            return
        run(job_id)


# What a worker sends its pool processes when a shutdown's grace period is over (Celery uses SIGUSR2 for nothing
# unless its remote debugger is asked for).
_GRACE_OVER = signal.SIGUSR2
_HANDED_BACK_EXIT = 75  # EX_TEMPFAIL: the pool process stopped on purpose; Celery requeues its job's message


def hand_back_after_grace(grace_seconds: float, release: Callable[[], list[str]]) -> None:
    """Give a stopping worker's running jobs ``grace_seconds`` to finish (SIGTERM is Celery's warm shutdown, which
    would wait for ever), then make each pool process hand its jobs back (``release``: queued again, no attempt
    spent, their runs fenced off) and exit, so that Celery requeues their messages (``task_reject_on_worker_lost``)
    and another worker runs them (docs/deployment.md, "Stopping")."""
    from celery import signals

    def in_each_pool_process(**_: Any) -> None:
        signal.signal(_GRACE_OVER, lambda *_: threading.Thread(target=_hand_back, args=(release,)).start())

    def on_shutdown(how: str = "", **_: Any) -> None:
        if how == "Warm":  # (a cold shutdown cancels the jobs at once: they wait for their leases)
            timer = threading.Timer(grace_seconds, _end_grace)
            timer.daemon = True  # the worker exits sooner when its jobs end sooner
            timer.start()

    signals.worker_process_init.connect(in_each_pool_process, weak=False)
    signals.worker_shutting_down.connect(on_shutdown, weak=False)


def _end_grace() -> None:
    from billiard.process import active_children  # Celery's process pool, which holds the jobs

    log.warning("shutdown grace period over: running jobs go back to the queue")
    for child in active_children():
        with contextlib.suppress(ProcessLookupError):  # (it has just ended)
            os.kill(child.pid, _GRACE_OVER)


def _hand_back(release: Callable[[], list[str]]) -> None:
    """In a pool process (on a thread of its own: a signal handler must not take the job store's locks)."""
    released = release()
    if released:
        log.warning("jobs handed back to the queue, their attempts not spent", job_ids=released)
        os._exit(_HANDED_BACK_EXIT)


def _unreachable(exc: Exception) -> bool:
    """Whether a publish failed for want of a broker (kombu's connection errors, the socket's), not for its job."""
    from kombu.exceptions import OperationalError  # installed with Celery, which just published

    return isinstance(exc, OSError | OperationalError)


class _Outage:
    """Whether the broker took the last publish: a change either way is logged once, with the reason in one line
    (the traceback of a refused connection runs to hundreds of lines, and a submit burst would repeat it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None  # when the publishes began to fail
        self._failed = 0

    def failed(self, exc: Exception) -> None:
        with self._lock:  # (logging inside: a change is logged before the one after it)
            self._failed += 1
            if self._since is None:
                self._since = time.monotonic()
                reason = " ".join(str(exc).split())[:200] or type(exc).__name__
                log.warning("broker unreachable: jobs stay stored, and are enqueued once it is back", reason=reason)

    def worked(self) -> None:
        with self._lock:
            if self._since is not None:
                down, failed = time.monotonic() - self._since, self._failed
                self._since, self._failed = None, 0
                log.info("broker reachable again", down_seconds=round(down, 1), failed_publishes=failed)
