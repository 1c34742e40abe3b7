"""jobs.replacement_stem: one job at a time holds a useReplacement key stem

Revision ID: 0002
Revises: 0001

Jobs stored before this revision that share a stem keep it on the newest of them only: the older ones' outputs were
already overwritten by the newer job's.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replacement_stem", sa.String(length=1024), nullable=True))
    jobs = sa.table(
        "jobs", sa.column("id", sa.String), sa.column("spec", sa.JSON), sa.column("created_at", sa.Double),
        sa.column("replacement_stem", sa.String),
    )  # fmt: skip
    connection = op.get_bind()
    newest: dict[str, tuple[float, str]] = {}
    for row in connection.execute(sa.select(jobs.c.id, jobs.c.spec, jobs.c.created_at)):
        spec = row.spec
        if spec.get("useReplacement") and len(spec["stem"]) <= 1024:  # (a longer key was never written)
            held = newest.get(spec["stem"])
            if held is None or (row.created_at, row.id) > held:
                newest[spec["stem"]] = (row.created_at, row.id)
    for stem, (_, job_id) in newest.items():
        connection.execute(jobs.update().where(jobs.c.id == job_id).values(replacement_stem=stem))
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ux_jobs_replacement_stem", ["replacement_stem"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ux_jobs_replacement_stem")
        batch_op.drop_column("replacement_stem")
