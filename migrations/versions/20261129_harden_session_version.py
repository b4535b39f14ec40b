"""Session version on users: revocable sessions (logout and password change end them everywhere).

Revision ID: 9a1f3c2b7d01
Revises: 7d3c2a91f4b5
Create Date: 2026-11-29 02:10:00+00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9a1f3c2b7d01'
down_revision = '7d3c2a91f4b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_version')
