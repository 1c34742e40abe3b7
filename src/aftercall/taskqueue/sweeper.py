"""Finds jobs no worker is running and hands them to the queue again.

A job can be stranded when the broker was down at submit time, when a message was lost, or when its worker died
(its lease expired). Enqueueing a job twice is harmless: only one claim succeeds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from aftercall.errors import QueueUnavailable
from aftercall.jobstore import JobStore
from aftercall.taskqueue import TaskQueue

log = structlog.get_logger(__name__)


class Sweeper:
    def __init__(
        self,
        jobs: JobStore,
        queue: TaskQueue,
        *,
        requeue_after: float,
        interval: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.jobs, self.queue, self.clock = jobs, queue, clock
        self._requeue_after, self._interval = requeue_after, interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def sweep(self) -> list[str]:
        stranded = self.jobs.stranded_job_ids(self.clock(), submitted_before=self.clock() - self._requeue_after)
        enqueued = 0
        for job_id in stranded:
            try:
                self.queue.enqueue(job_id)
            except QueueUnavailable:  # the broker is down (the queue logs that, once): next round
                break
            except Exception:  # this job only: the others still go
                log.exception("could not enqueue a stranded job", job_id=job_id)
                continue
            enqueued += 1
        if enqueued:
            log.info("re-enqueued stranded jobs", count=enqueued, left=len(stranded) - enqueued)
        return stranded

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sweeper", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self.sweep()
            except Exception:
                log.exception("sweep failed")
