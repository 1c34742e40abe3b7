"""jobs.spec.keys: every output's object key, resolved once at submission and stored with the job

Revision ID: 0003
Revises: 0002

Jobs stored before this revision get the keys their outputs were written at: those keys depended on the deployment's
domain, which ``aftercall migrate`` passes in from its settings. The layout below is the one such jobs were written
with; it stays as it is here even if the layout of new jobs changes.
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_FILES = [("transcript", ext) for ext in ("txt", "srt", "vtt", "json")] + [
    ("summary", "txt"),
    ("soap", "json"),
    ("concept", "json"),
]


def _keys(spec: dict, *, domain: str, job_id: str) -> dict[str, str]:
    stem = spec["stem"]
    if spec["useReplacement"]:
        return {f"{kind}.{ext}": f"{stem}{'' if kind == 'transcript' else f'-{kind}'}.{ext}" for kind, ext in _FILES}
    return {f"{kind}.{ext}": f"{domain}/{job_id}/{kind}/{stem}.{ext}" for kind, ext in _FILES}


def upgrade() -> None:
    domain = context.config.attributes.get("domain")
    if not domain:
        raise RuntimeError("Migration 0003 needs the deployment's domain (aftercall migrate passes AFTERCALL_DOMAIN)")
    jobs = sa.table("jobs", sa.column("id", sa.String), sa.column("spec", sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(jobs.c.id, jobs.c.spec)).all():
        if "keys" not in row.spec:
            spec = {**row.spec, "keys": _keys(row.spec, domain=domain, job_id=row.id)}
            connection.execute(jobs.update().where(jobs.c.id == row.id).values(spec=spec))


def downgrade() -> None:
    jobs = sa.table("jobs", sa.column("id", sa.String), sa.column("spec", sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(jobs.c.id, jobs.c.spec)).all():
        spec = {k: v for k, v in row.spec.items() if k != "keys"}
        connection.execute(jobs.update().where(jobs.c.id == row.id).values(spec=spec))
