"""Delivers the outbox: per webhook, its due events in order; webhooks in parallel; each attempt recorded at once.

Any number of dispatchers may run together: each batch is claimed by one of them (``WebhookStore.claim_batch``),
and each attempt's outcome is written before the next event is sent, so a dispatcher that dies re-sends, through
another, only the event it was sending, with the same id: delivery is at least once, and receivers dedupe by
``id`` / ``webhook-id`` (docs/deployment.md, "Webhook dispatchers"). A dead dispatcher's claims lapse after their
lease, or at once when a dispatcher of its host (a restarted ``aftercall serve``) sees that its process is gone.
"""

from __future__ import annotations

import functools
import random
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import structlog

from aftercall.domain.deliveries import Attempt, Plan, plan, retry_delay
from aftercall.domain.webhooks import ACTIVE, RetryType, Webhook
from aftercall.jobstore.owners import gone_here, lease_owner
from aftercall.jobstore.webhooks import WebhookStore
from aftercall.webhooks.delivery import UNSENDABLE, Sent, send_event

log = structlog.get_logger(__name__)
IDLE_POLL_SECONDS = 1.0
# How long a claim on a batch holds without news: renewed at every attempt, and one attempt is bounded by the
# client's timeouts (10 s each for connect, write and read). A dead dispatcher's claims lapse after this.
CLAIM_LEASE_SECONDS = 60.0
# How often a dispatcher looks for claims held by gone processes of its host.
GONE_CHECK_SECONDS = 10.0


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
        host: str | None = None,
    ) -> None:
        self.store, self.client, self.clock = store, client, clock
        self.host = host or socket.gethostname()
        self._gone_checked_at = float("-inf")
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
        """One round: every webhook with something due and free. Returns the number of attempts made."""
        if self.clock() - self._gone_checked_at >= GONE_CHECK_SECONDS:
            self._free_claims_of_gone()
        return sum(self._pool.map(self._deliver, self.store.due_webhooks(self.clock())))

    def _free_claims_of_gone(self) -> None:
        self._gone_checked_at = self.clock()
        freed = self.store.free_claims_of_gone(lambda holder: gone_here(holder, self.host))
        if freed:
            log.warning("webhook deliveries taken back from dispatchers that are gone", held_by=freed)

    def _deliver(self, uuid: str) -> int:
        batch = self.store.claim_batch(
            uuid,
            self.clock(),
            self._batch_size,
            holder=lease_owner(self.host),
            lease_seconds=CLAIM_LEASE_SECONDS,
        )
        if batch is None:
            return 0  # another dispatcher took it first
        hook: Webhook | None = batch.webhook
        made = 0
        try:
            for item in batch.items:
                if hook is None or hook.state != ACTIVE:
                    break  # deleted, or failed by another dispatcher's attempt
                at = self.clock()
                internal = False
                try:
                    sent = send_event(self.client, hook.url, hook.hmac, hook.basic_auth, item.event, at)
                except Exception:  # our failure, not the receiver's: quarantine this event, go on with the next
                    log.exception("webhook event quarantined: unsendable", webhook=uuid, event_id=item.event.id)
                    sent, internal = Sent(False, None, UNSENDABLE, 0.0), True
                attempt = Attempt(
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
                    sent.response,
                )
                decide = functools.partial(self._plan, attempt)
                hook = self.store.record_attempt(batch, attempt, decide, lease_seconds=CLAIM_LEASE_SECONDS)
                made += 1
                if not sent.ok and not internal:
                    break  # the receiver is failing: the rest waits for the next round, still in order
        finally:
            self.store.release(batch)
        return made

    def _plan(self, attempt: Attempt, hook: Webhook) -> Plan:
        return plan(hook, [attempt], self.clock(), self._delay)

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
