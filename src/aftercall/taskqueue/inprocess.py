"""Embedded mode's queue: worker threads inside the ``aftercall serve`` process."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

import structlog

log = structlog.get_logger(__name__)
_STOP = object()


class InProcessQueue:
    def __init__(self, handler: Callable[[str], None], *, workers: int) -> None:
        self._handler = handler
        self._queue: queue.Queue[object] = queue.Queue()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._work, name=f"worker-{i}", daemon=True) for i in range(workers)]

    def enqueue(self, job_id: str) -> None:
        self._queue.put(job_id)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Let running jobs finish within ``timeout`` seconds in all, then end the threads (jobs still queued stay
        ``submitted`` in the store; a job still running goes on in its thread: see ``busy``)."""
        self._stopping.set()
        for _ in self._threads:
            self._queue.put(_STOP)
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            if thread.is_alive():
                thread.join(None if deadline is None else max(deadline - time.monotonic(), 0.0))

    def busy(self) -> list[threading.Thread]:
        """The threads still running a job."""
        return [thread for thread in self._threads if thread.is_alive()]

    def check(self) -> None:
        if self._stopping.is_set():
            raise RuntimeError("the in-process queue is stopping")

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP or self._stopping.is_set():
                return
            try:
                self._handler(str(item))
            except Exception:  # the runner records job failures itself; this is a bug, keep the thread alive
                log.exception("worker handler crashed", job_id=item)
