"""jobs.speaker_names: the names a client gave a job's speakers; delivery_attempts.response: what a receiver answered;
recordings.filename: the uploaded file's name

Revision ID: 0005
Revises: 0004

Rows stored before this revision have none of these: speakers stay "Speaker N", attempts have no answer to show, and
recordings are known by their id.
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
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filename", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_column("filename")
    with op.batch_alter_table("delivery_attempts", schema=None) as batch_op:
        batch_op.drop_column("response")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("speaker_names")
