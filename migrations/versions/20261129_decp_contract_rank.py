"""Contracts keep the rank of the DECP publication they hold (order-independent imports).

Revision ID: 7d3c2a91f4b5
Revises: 5e2c7a91d3f4
Create Date: 2026-11-29 02:30:00+00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "7d3c2a91f4b5"
down_revision = "5e2c7a91d3f4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.add_column(sa.Column("decp_rank", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.drop_column("decp_rank")
