"""Delivers the outbox: per webhook, its due events in order; webhooks in parallel; each batch recorded at once.

A batch is recorded in one transaction after its attempts, so a crash before that redelivers (at most) the batch,
with the same event ids: delivery is at least once, and receivers dedupe by ``id`` / ``webhook-id``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import structlog

from aftercall.domain.deliveries import Attempt, plan, retry_delay
from aftercall.domain.webhooks import RetryType
from aftercall.jobstore.webhooks import Batch, WebhookStore
from aftercall.webhooks.delivery import UNSENDABLE, Sent, send_event

log = structlog.get_logger(__name__)
IDLE_POLL_SECONDS = 1.0


class Dispatcher:
    def __init__(
        self,
        store: WebhookStore,
        client: httpx.Client,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        retry_scale: float = 1.0,
        batch_size: int = 50,
        parallel: int = 8,
    ) -> None:
        self.store, self.client, self.clock = store, client, clock
        self._rng = rng or random.Random()
        self._scale = retry_scale
        self._batch_size = batch_size
        self._pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="webhook")
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def _delay(self, retry_type: RetryType, failures: int) -> float:
        return retry_delay(retry_type, failures, scale=self._scale, rng=self._rng)

    def deliver_due(self) -> int:
        """One round: every batch that is due now. Returns the number of attempts made."""
        batches = self.store.due_batches(self.clock(), self._batch_size)
        return sum(self._pool.map(self._deliver, batches))

    def _deliver(self, batch: Batch) -> int:
        hook = batch.webhook
        attempts: list[Attempt] = []
        for item in batch.items:
            at = self.clock()
            internal = False
            try:
                sent = send_event(self.client, hook.url, hook.hmac, hook.basic_auth, item.event, at)
            except Exception:  # our failure, not the receiver's: quarantine this event, go on with the next
                log.exception("webhook event quarantined: unsendable", webhook=hook.uuid, event_id=item.event.id)
                sent, internal = Sent(False, None, UNSENDABLE, 0.0), True
            attempts.append(
                Attempt(
                    item.event_seq,
                    item.event.id,
                    item.event.type,
                    item.attempts + 1,
                    sent.ok,
                    sent.status_code,
                    sent.error,
                    sent.latency_ms,
                    at,
                    internal,
                )
            )
            if not sent.ok and not internal:
                break  # the receiver is failing: the rest waits for the next round, still in order
        self.store.record(hook.uuid, attempts, plan(hook, attempts, self.clock(), self._delay))
        return len(attempts)

    # -- the background loop of a running server -----------------------------------------------------------
    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="webhook-dispatcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                made = self.deliver_due()
            except Exception:
                log.exception("webhook dispatch round failed")
                made = 0
            if made == 0:
                self._wake.wait(self._idle_seconds())

    def _idle_seconds(self) -> float:
        try:
            due = self.store.next_due_at()
        except Exception:
            return IDLE_POLL_SECONDS
        if due is None:
            return IDLE_POLL_SECONDS
        return min(IDLE_POLL_SECONDS, max(0.0, due - self.clock()))
