"""Accent- and case-insensitive search on PostgreSQL: the unaccent extension and levier_fold(text).

SQLite needs nothing stored: the application registers levier_fold on every connection.

Revision ID: 5e2c7a91d3f4
Revises: e37d06a963e8
Create Date: 2026-11-29 02:50:00
"""

from alembic import op

revision = "5e2c7a91d3f4"
down_revision = "e37d06a963e8"
branch_labels = None
depends_on = None

UNACCENT = "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public"
FOLD = (
    "CREATE OR REPLACE FUNCTION levier_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$"
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(UNACCENT)
        op.execute(FOLD)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS levier_fold(text)")
