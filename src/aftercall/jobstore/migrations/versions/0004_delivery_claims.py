"""deliveries.claimed_by, deliveries.claimed_until: the dispatcher sending a delivery, and until when

Revision ID: 0004
Revises: 0003

Deliveries stored before this revision are unclaimed: any dispatcher may take them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
