"""jobs.spec.keys: every output's object key, resolved once at submission and stored with the job

Revision ID: 0003
Revises: 0002

Jobs stored before this revision get the keys their outputs were written at: those keys depended on the deployment's
domain, which ``aftercall migrate`` passes in from its settings: ``legacy_keys``, the layout such jobs were written
with, frozen even if the layout of new jobs changes.
"""

import sqlalchemy as sa
from alembic import context, op

from aftercall.domain.outputs import legacy_keys

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    domain = context.config.attributes.get("domain")
    if not domain:
        raise RuntimeError("Migration 0003 needs the deployment's domain (aftercall migrate passes AFTERCALL_DOMAIN)")
    jobs = sa.table("jobs", sa.column("id", sa.String), sa.column("spec", sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(jobs.c.id, jobs.c.spec)).all():
        if "keys" not in row.spec:
            stem, replacing = row.spec["stem"], row.spec["useReplacement"]
            keys = legacy_keys(stem, use_replacement=replacing, domain=domain, job_id=row.id)
            spec = {**row.spec, "keys": keys}
            connection.execute(jobs.update().where(jobs.c.id == row.id).values(spec=spec))


def downgrade() -> None:
    jobs = sa.table("jobs", sa.column("id", sa.String), sa.column("spec", sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(jobs.c.id, jobs.c.spec)).all():
        spec = {k: v for k, v in row.spec.items() if k != "keys"}
        connection.execute(jobs.update().where(jobs.c.id == row.id).values(spec=spec))
