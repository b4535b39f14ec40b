"""Holder shares of joint contracts, the amount the hours calculator used, concession and prison articles,
the buyer's logo for the report cover.

Revision ID: f1a9c0de1111
Revises: 7d2b9e4f1a60
Create Date: 2026-11-29 02:30:00+00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "f1a9c0de1111"
down_revision = "7d2b9e4f1a60"
branch_labels = None
depends_on = None

OLD_ARTICLES = ("L2113-12", "L2113-13", "L2113-14", "L2113-15")
NEW_ARTICLES = ("L2113-12", "L2113-13", "L2113-13-1", "L2113-14", "L2113-15", "L3113-1", "L3113-2")


def _articles(codes):
    quoted = ", ".join(f"'{code}'" for code in codes)
    return f"reserved_article IS NULL OR reserved_article IN ({quoted})"


def upgrade():
    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("logo_mimetype", sa.String(length=20), nullable=True))
    with op.batch_alter_table("contract_holders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("amount_share", sa.Numeric(5, 2), nullable=True))
        batch_op.create_check_constraint(
            "amount_share", "amount_share IS NULL OR (amount_share > 0 AND amount_share <= 100)"
        )
    with op.batch_alter_table("clauses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basis_amount", sa.Numeric(15, 2), nullable=True))
        batch_op.drop_constraint(op.f("ck_clauses_reserved_article"), type_="check")
        batch_op.create_check_constraint("reserved_article", _articles(NEW_ARTICLES))
    # Calculated hours so far were computed on the contract's current amount.
    op.execute(
        "UPDATE clauses SET basis_amount = (SELECT amount_excl_tax FROM contracts WHERE contracts.id = clauses.contract_id) "
        "WHERE hours_method <> 'manual'"
    )


def downgrade():
    quoted = ", ".join(f"'{code}'" for code in NEW_ARTICLES if code not in OLD_ARTICLES)
    op.execute(f"UPDATE clauses SET reserved_article = NULL WHERE reserved_article IN ({quoted})")
    with op.batch_alter_table("clauses", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_clauses_reserved_article"), type_="check")
        batch_op.create_check_constraint("reserved_article", _articles(OLD_ARTICLES))
        batch_op.drop_column("basis_amount")
    with op.batch_alter_table("contract_holders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_holders_amount_share"), type_="check")
        batch_op.drop_column("amount_share")
    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.drop_column("logo_mimetype")
        batch_op.drop_column("logo")
