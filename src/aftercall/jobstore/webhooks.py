"""Webhook subscriptions, the events and their pending deliveries (the outbox), and the delivery log: all the SQL of
the webhook tables, in the job store's database (docs/api.md §5).

Any number of dispatchers may share the outbox. A dispatcher claims a webhook's next deliveries for a while
(``claim_batch``), sends them one by one, writes each attempt's outcome as soon as it has it (``record_attempt``,
which also renews the claim) and releases what it did not send (``release``). A claim held by a dispatcher that died
lapses after its lease, or at once when a dispatcher of its host sees its process gone (``free_claims_of_gone``): only
the event it was sending is sent again (docs/deployment.md, "Webhook dispatchers")."""

from __future__ import annotations

import time
import uuid as uuids
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from aftercall.domain.deliveries import PENDING, Attempt, Plan
from aftercall.domain.events import Event
from aftercall.domain.webhooks import ACTIVE, RetryType, Webhook
from aftercall.jobstore.tables import deliveries, delivery_attempts, events, webhooks


@dataclass(frozen=True)
class Due:
    """A pending delivery, with its event."""

    event_seq: int
    event: Event
    attempts: int


@dataclass(frozen=True)
class Batch:
    """A webhook's next deliveries, in event order, claimed under ``claim`` (``holder/token``) by one dispatcher."""

    webhook: Webhook
    items: list[Due]
    claim: str


_HOLDER_END = "/"  # a claim is ``holder/token``, and the token holds no '/'

# Upper bounds, in seconds, of the delivery-latency histogram of /metrics.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class DeliveryTally:
    """The webhooks as a whole, for /metrics: attempts by outcome (``delivered`` 2xx, ``refused`` any other status,
    ``failed`` no status: timeout, connection or an internal failure), how many attempts took at most each of
    ``LATENCY_BUCKETS`` seconds and their total seconds, deliveries by status (the outbox's backlog is ``pending``)
    and the creation time of the oldest event still pending."""

    attempts: dict[str, int]
    latency_le: tuple[int, ...]
    latency_sum: float
    deliveries: dict[str, int]
    oldest_pending_at: float | None


class WebhookStore:
    def __init__(self, engine: sa.Engine, *, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock

    # -- subscriptions ------------------------------------------------------------------------------------
    def create(self, webhook: Webhook) -> None:
        with self.engine.begin() as conn:
            conn.execute(webhooks.insert().values(**_columns(webhook)))

    def get(self, uuid: str) -> Webhook | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(webhooks).where(webhooks.c.uuid == uuid)).first()
        return _webhook(row) if row else None

    def list(self) -> list[Webhook]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(webhooks).order_by(webhooks.c.created_at, webhooks.c.uuid)).all()
        return [_webhook(r) for r in rows]

    def reactivate(self, webhook: Webhook) -> None:
        """Save ``webhook`` as ACTIVE with no failures, and make its held deliveries due now, in order."""
        now = self.clock()
        with self.engine.begin() as conn:
            values = _columns(webhook) | {"state": ACTIVE, "failed_count": 0, "updated_at": now}
            conn.execute(webhooks.update().where(webhooks.c.uuid == webhook.uuid).values(**values))
            conn.execute(
                deliveries.update()
                .where((deliveries.c.webhook_uuid == webhook.uuid) & (deliveries.c.status == PENDING))
                .values(next_attempt_at=now, updated_at=now)
            )

    def delete(self, uuid: str) -> Webhook | None:
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(webhooks).where(webhooks.c.uuid == uuid).with_for_update()).first()
            if row is None:
                return None
            for table, column in (
                (deliveries, deliveries.c.webhook_uuid),
                (delivery_attempts, delivery_attempts.c.webhook_uuid),
            ):
                conn.execute(table.delete().where(column == uuid))
            conn.execute(webhooks.delete().where(webhooks.c.uuid == uuid))
        return _webhook(row)

    # -- what to deliver -------------------------------------------------------------------------------------
    def due_webhooks(self, now: float) -> list[str]:
        """The ACTIVE webhooks with an unclaimed delivery that may go now (for a circuit-breaker webhook only its
        oldest pending event may: it delivers strictly in order)."""
        query = (
            sa.select(deliveries.c.webhook_uuid)
            .join(webhooks, webhooks.c.uuid == deliveries.c.webhook_uuid)
            .where(_deliverable() & (deliveries.c.next_attempt_at <= now) & _unclaimed(now))
            .distinct()
        )
        with self.engine.connect() as conn:
            return [uuid for (uuid,) in conn.execute(query).all()]

    def claim_batch(self, uuid: str, now: float, size: int, *, holder: str, lease_seconds: float) -> Batch | None:
        """Claim up to ``size`` of the webhook's next deliveries for ``holder`` (a lease owner, docs/deployment.md)
        for ``lease_seconds``; None if none is free and due.

        An exponential webhook's due deliveries go in any number of batches at once. A circuit-breaker webhook's
        batch is a run from its oldest pending event, or nothing: rows another transaction holds end the run.
        """
        token = f"{holder}{_HOLDER_END}{uuids.uuid4().hex[:12]}"
        pending = (deliveries.c.webhook_uuid == uuid) & (deliveries.c.status == PENDING)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(webhooks).where(webhooks.c.uuid == uuid)).first()
            if row is None or row.state != ACTIVE:
                return None
            webhook = _webhook(row)
            free = (
                sa.select(deliveries.c.event_seq, deliveries.c.next_attempt_at)
                .where(pending & _unclaimed(now))
                .order_by(deliveries.c.event_seq)
                .limit(size)
                .with_for_update(skip_locked=True)
            )
            if webhook.retry_type is RetryType.EXPONENTIAL:
                free = free.where(deliveries.c.next_attempt_at <= now)
            rows = conn.execute(free).all()
            if webhook.retry_type is RetryType.CIRCUIT_BREAKER:
                in_order = sa.select(deliveries.c.event_seq).where(pending).order_by(deliveries.c.event_seq).limit(size)
                rows = _common_prefix(rows, [seq for (seq,) in conn.execute(in_order).all()])
            if not rows or rows[0].next_attempt_at > now:
                return None
            seqs = [r.event_seq for r in rows]
            mine = (deliveries.c.webhook_uuid == uuid) & deliveries.c.event_seq.in_(seqs)
            conn.execute(
                deliveries.update()
                .where(mine & _unclaimed(now))
                .values(claimed_by=token, claimed_until=now + lease_seconds)
            )
            claimed = conn.execute(
                sa.select(deliveries.c.event_seq, deliveries.c.attempts, events.c.id, events.c.type, events.c.payload)
                .join(events, events.c.seq == deliveries.c.event_seq)
                .where(mine & (deliveries.c.claimed_by == token))
                .order_by(deliveries.c.event_seq)
            ).all()
        items = [Due(r.event_seq, Event(r.id, r.type, r.payload), r.attempts) for r in claimed]
        return Batch(webhook, items, token) if items else None

    def next_due_at(self) -> float | None:
        """When a delivery may next go: its retry time, or when another dispatcher's claim on it lapses."""
        claimed = deliveries.c.claimed_until > deliveries.c.next_attempt_at
        free_at = sa.case((claimed, deliveries.c.claimed_until), else_=deliveries.c.next_attempt_at)
        query = (
            sa.select(sa.func.min(free_at))
            .join_from(deliveries, webhooks, webhooks.c.uuid == deliveries.c.webhook_uuid)
            .where(_deliverable())
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    def free_claims_of_gone(self, gone: Callable[[str], bool]) -> list[str]:
        """Hand back at once every claim whose holder ``gone`` says no longer runs (its lease need not run out).
        Returns the holders freed."""
        held = (
            sa.select(deliveries.c.claimed_by)
            .where((deliveries.c.status == PENDING) & deliveries.c.claimed_by.is_not(None))
            .distinct()
        )
        with self.engine.begin() as conn:
            claims = [claim for (claim,) in conn.execute(held).all()]
            lost = [claim for claim in claims if gone(claim.rpartition(_HOLDER_END)[0])]
            if lost:
                conn.execute(
                    deliveries.update()
                    .where(deliveries.c.claimed_by.in_(lost))
                    .values(claimed_by=None, claimed_until=None)
                )
        return sorted({claim.rpartition(_HOLDER_END)[0] for claim in lost})

    # -- what happened ---------------------------------------------------------------------------------------
    def record_attempt(
        self, batch: Batch, attempt: Attempt, decide: Callable[[Webhook], Plan], *, lease_seconds: float
    ) -> Webhook | None:
        """Write one attempt, its delivery's outcome and the webhook's new state at once, and renew the batch's
        claim on the rest. ``decide`` plans from the webhook as stored now (other dispatchers may have moved it).
        Returns the webhook as it now stands; None if it was deleted meanwhile."""
        uuid = batch.webhook.uuid
        now = self.clock()
        mine = (deliveries.c.webhook_uuid == uuid) & (deliveries.c.claimed_by == batch.claim)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(webhooks).where(webhooks.c.uuid == uuid).with_for_update()).first()
            if row is None:
                return None  # deleted meanwhile: nothing left to account for
            plan = decide(_webhook(row))
            conn.execute(
                delivery_attempts.insert().values(
                    webhook_uuid=uuid,
                    event_id=attempt.event_id,
                    event_type=attempt.event_type,
                    attempt=attempt.number,
                    status_code=attempt.status_code,
                    error=attempt.error,
                    latency_ms=attempt.latency_ms,
                    at=attempt.at,
                    response=attempt.response,
                )
            )
            for o in plan.outcomes:
                conn.execute(
                    deliveries.update()
                    .where(mine & (deliveries.c.event_seq == o.event_seq))
                    .values(
                        status=o.status,
                        attempts=o.attempts,
                        next_attempt_at=o.next_attempt_at,
                        updated_at=now,
                        claimed_by=None,
                        claimed_until=None,
                    )
                )
            state = {
                "failed_count": plan.failed_count,
                "state": plan.state,
                "last_moment_pushed": plan.last_moment_pushed,
            }
            conn.execute(webhooks.update().where(webhooks.c.uuid == uuid).values(**state, updated_at=now))
            conn.execute(
                deliveries.update()
                .where(mine & deliveries.c.event_seq.in_([item.event_seq for item in batch.items]))
                .values(claimed_until=now + lease_seconds)
            )
        return replace(_webhook(row), **state, updated_at=now)

    def release(self, batch: Batch) -> None:
        """Hand back the batch's deliveries not yet recorded: free for any dispatcher at once."""
        with self.engine.begin() as conn:
            conn.execute(
                deliveries.update()
                .where(
                    (deliveries.c.webhook_uuid == batch.webhook.uuid)
                    & deliveries.c.event_seq.in_([item.event_seq for item in batch.items])
                    & (deliveries.c.claimed_by == batch.claim)
                )
                .values(claimed_by=None, claimed_until=None)
            )

    def tally(self) -> DeliveryTally:
        code = delivery_attempts.c.status_code
        outcome = sa.case(
            (code.is_(None), "failed"), ((code >= 200) & (code < 300), "delivered"), else_="refused"
        ).label("outcome")
        seconds = delivery_attempts.c.latency_ms / 1000.0
        within = [sa.func.sum(sa.case((seconds <= bound, 1), else_=0)) for bound in LATENCY_BUCKETS]
        pending = deliveries.c.status == PENDING
        with self.engine.connect() as conn:
            attempts = conn.execute(sa.select(outcome, sa.func.count()).group_by(outcome)).all()
            latency = conn.execute(sa.select(sa.func.sum(seconds), *within).select_from(delivery_attempts)).one()
            by_status = conn.execute(sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status))
            oldest = conn.execute(
                sa.select(sa.func.min(events.c.created_at))
                .join_from(deliveries, events, deliveries.c.event_seq == events.c.seq)
                .where(pending)
            ).scalar_one()
            return DeliveryTally(
                attempts={str(r[0]): int(r[1]) for r in attempts},
                latency_le=tuple(int(n or 0) for n in latency[1:]),
                latency_sum=float(latency[0] or 0.0),
                deliveries={str(r[0]): int(r[1]) for r in by_status},
                oldest_pending_at=oldest,
            )

    def attempts(self, uuid: str, *, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """The delivery log, newest first: each attempt with its event's payload, and when the event is tried next
        (``next_attempt_at``, while its delivery is pending)."""
        where = delivery_attempts.c.webhook_uuid == uuid
        delivery = (deliveries.c.webhook_uuid == uuid) & (deliveries.c.event_seq == events.c.seq)
        pending = sa.case((deliveries.c.status == PENDING, deliveries.c.next_attempt_at), else_=None)
        query = (
            sa.select(delivery_attempts, events.c.payload, pending.label("next_attempt_at"))
            .select_from(
                delivery_attempts.outerjoin(events, events.c.id == delivery_attempts.c.event_id).outerjoin(
                    deliveries, delivery
                )
            )
            .where(where)
            .order_by(delivery_attempts.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(delivery_attempts).where(where)).scalar_one()
            rows = conn.execute(query).all()
        return total, [dict(r._mapping) for r in rows]

    def redeliver(self, uuid: str, event_id: str) -> bool:
        """Queue ``event_id`` to the webhook again, now, as a fresh delivery; False if there is no such event."""
        now = self.clock()
        with self.engine.begin() as conn:
            seq = conn.execute(sa.select(events.c.seq).where(events.c.id == event_id)).scalar_one_or_none()
            if seq is None:
                return False
            key = (deliveries.c.webhook_uuid == uuid) & (deliveries.c.event_seq == seq)
            values = {"status": PENDING, "attempts": 0, "next_attempt_at": now, "updated_at": now}
            if conn.execute(deliveries.update().where(key).values(**values)).rowcount == 0:
                conn.execute(deliveries.insert().values(webhook_uuid=uuid, event_seq=seq, **values))
        return True


def _unclaimed(now: float) -> Any:
    return deliveries.c.claimed_until.is_(None) | (deliveries.c.claimed_until <= now)


def _common_prefix(rows: list[Row[Any]], seqs: list[int]) -> list[Row[Any]]:
    """``rows`` up to the first that is not the next of ``seqs``."""
    kept = []
    for row, seq in zip(rows, seqs, strict=False):
        if row.event_seq != seq:
            break
        kept.append(row)
    return kept


def _deliverable() -> Any:
    """Pending deliveries of ACTIVE webhooks that may go next: any for exponential, the oldest for circuit-breaker."""
    other = deliveries.alias("other")
    oldest = (
        sa.select(sa.func.min(other.c.event_seq))
        .where((other.c.webhook_uuid == deliveries.c.webhook_uuid) & (other.c.status == PENDING))
        .scalar_subquery()
    )
    in_order = (webhooks.c.retry_type == RetryType.EXPONENTIAL.value) | (deliveries.c.event_seq == oldest)
    return (deliveries.c.status == PENDING) & (webhooks.c.state == ACTIVE) & in_order


def _columns(webhook: Webhook) -> dict[str, Any]:
    return {
        "uuid": webhook.uuid,
        "url": webhook.url,
        "hmac": webhook.hmac,
        "basic_auth": webhook.basic_auth,
        "retry_type": webhook.retry_type.value,
        "event_types": list(webhook.event_types),
        "state": webhook.state,
        "failed_count": webhook.failed_count,
        "last_moment_pushed": webhook.last_moment_pushed,
        "created_at": webhook.created_at,
        "updated_at": webhook.updated_at,
    }


def _webhook(row: Row[Any]) -> Webhook:
    return Webhook(
        uuid=row.uuid,
        url=row.url,
        hmac=row.hmac,
        basic_auth=row.basic_auth,
        retry_type=RetryType(row.retry_type),
        event_types=tuple(row.event_types),
        state=row.state,
        failed_count=row.failed_count,
        last_moment_pushed=row.last_moment_pushed,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# -- the outbox: written inside the job store's own transactions --------------------------------------------
def emit(conn: Connection, event: Event, now: float) -> None:
    """Store ``event`` once (its id is unique) and queue it for every webhook subscribed to its type."""
    _store(conn, event, now, _subscribers(conn, event.type))


def emit_if_subscribed(conn: Connection, event: Event, now: float) -> bool:
    """An optional event: stored and queued only when some webhook names its type and it was not stored before.
    Returns whether it was."""
    subscribers = _subscribers(conn, event.type)
    if not subscribers or conn.execute(sa.select(events.c.id).where(events.c.id == event.id)).first():
        return False
    _store(conn, event, now, subscribers)
    return True


def _subscribers(conn: Connection, event_type: str) -> list[str]:
    rows = conn.execute(sa.select(webhooks.c.uuid, webhooks.c.event_types))
    return [row.uuid for row in rows if event_type in row.event_types]


def _store(conn: Connection, event: Event, now: float, subscribers: list[str]) -> None:
    seq = conn.execute(
        events.insert().values(id=event.id, type=event.type, payload=event.payload, created_at=now)
    ).inserted_primary_key[0]
    for uuid in subscribers:
        conn.execute(
            deliveries.insert().values(
                webhook_uuid=uuid,
                event_seq=seq,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                updated_at=now,
            )
        )
