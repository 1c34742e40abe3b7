"""jobs.speaker_names: the names a client gave a job's speakers (an extension)

Revision ID: 0005
Revises: 0004

Jobs stored before this revision have no names: their speakers stay "Speaker N".
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


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_column("speaker_names")
