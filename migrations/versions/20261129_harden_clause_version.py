"""Version on clauses: an edit based on an older version is refused (optimistic locking).

Revision ID: 7d2b9e4f1a60
Revises: 4c7e2a9d5b13
Create Date: 2026-11-29 02:35:00+00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7d2b9e4f1a60'
down_revision = '4c7e2a9d5b13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clauses') as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('clauses') as batch_op:
        batch_op.drop_column('version')
