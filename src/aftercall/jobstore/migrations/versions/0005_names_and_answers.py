"""jobs.speaker_names: the names a client gave a job's speakers; delivery_attempts.response: what a receiver answered

Revision ID: 0005
Revises: 0004

Jobs stored before this revision have no names (their speakers stay "Speaker N"), and attempts logged before it have
no answer to show.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speaker_names", sa.JSON(), nullable=True))
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_column("response")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("speaker_names")
