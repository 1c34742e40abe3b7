"""The outbox: an event and its deliveries, written inside the caller's transaction (docs/api.md §5)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from aftercall.domain.events import Event
from aftercall.jobstore.tables import deliveries, events, webhooks

PENDING = "pending"


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
