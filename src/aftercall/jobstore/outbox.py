"""The outbox: an event and its deliveries, written inside the caller's transaction (SPEC §5)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from aftercall.domain.events import Event
from aftercall.jobstore.tables import deliveries, events, webhooks

PENDING = "pending"


def emit(conn: Connection, event: Event, now: float) -> None:
    """Store ``event`` once (its id is unique) and queue it for every webhook subscribed to its type."""
    seq = conn.execute(
        events.insert().values(id=event.id, type=event.type, payload=event.payload, created_at=now)
    ).inserted_primary_key[0]
    for row in conn.execute(sa.select(webhooks.c.uuid, webhooks.c.event_types)):
        if event.type in row.event_types:
            conn.execute(
                deliveries.insert().values(
                    webhook_uuid=row.uuid,
                    event_seq=seq,
                    status=PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    updated_at=now,
                )
            )
