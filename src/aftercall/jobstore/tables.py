"""The SQL schema, one definition for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("preset", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("spec", sa.JSON, nullable=False),
    sa.Column("recording_id", sa.String(36), index=True),
    sa.Column("output", sa.JSON),
    sa.Column("error", sa.Text),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("percent", sa.Integer, nullable=False),
    sa.Column("duration", sa.Double),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_expires_at", sa.Double),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
    # The key stem a ``useReplacement`` job writes its outputs under: one job at a time may hold it (docs/api.md).
    sa.Column("replacement_stem", sa.String(1024)),
    sa.Column("speaker_names", sa.JSON),  # {"0": "Dr. Patel"}: an extension (domain/speakers.py)
    sa.Index("ix_jobs_created", "created_at", "id"),
    sa.Index("ux_jobs_replacement_stem", "replacement_stem", unique=True),
)

recordings = sa.Table(
    "recordings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("room_name", sa.String(255), nullable=False, index=True),
    sa.Column("start_ts", sa.BigInteger, nullable=False),
    sa.Column("duration", sa.Double, nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("filename", sa.String(255)),  # the uploaded file's name (an extension)
    sa.Index("ix_recordings_created", "created_at", "id"),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("body_hash", sa.String(64), nullable=False),
    sa.Column("job_id", sa.String(36), nullable=False, index=True),
    sa.Column("created_at", sa.Double, nullable=False),
)

# -- webhooks (docs/api.md §5) and the outbox of events they deliver ---------------------------------------------

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("uuid", sa.String(36), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("hmac", sa.Text, nullable=False),
    sa.Column("basic_auth", sa.Text),
    sa.Column("retry_type", sa.String(32), nullable=False),
    sa.Column("event_types", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("failed_count", sa.Integer, nullable=False),
    sa.Column("last_moment_pushed", sa.Double),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
)

# The outbox: one row per event, written in the transaction that changes the job's status.
events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(64), nullable=False, unique=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
)

# One row per (webhook, event) to deliver: pending → delivered | dead | quarantined.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("webhook_uuid", sa.String(36), primary_key=True),
    sa.Column("event_seq", sa.Integer, primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
    # The dispatcher sending it now, and until when its claim holds (renewed at each attempt): with many
    # dispatchers each delivery is sent by one at a time, and a dead one's claims lapse (docs/deployment.md).
    sa.Column("claimed_by", sa.String(96)),
    sa.Column("claimed_until", sa.Double),
    sa.Index("ix_deliveries_due", "status", "next_attempt_at"),
    sa.Index("ix_deliveries_queue", "webhook_uuid", "status", "event_seq"),  # a webhook's oldest pending event
)

# The delivery log: every attempt, kept.
delivery_attempts = sa.Table(
    "delivery_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("webhook_uuid", sa.String(36), nullable=False, index=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("status_code", sa.Integer),
    sa.Column("error", sa.String(64)),
    sa.Column("latency_ms", sa.Double, nullable=False),
    sa.Column("at", sa.Double, nullable=False),
    sa.Column("response", sa.Text),  # the start of the receiver's answer
)
