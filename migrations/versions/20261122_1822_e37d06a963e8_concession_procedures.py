"""Concession procedures (DECP 2022 contrat-concession) allowed on contracts.

Revision ID: e37d06a963e8
Revises: bdcc1e9ccb2a
Create Date: 2026-11-22 18:22:27.020280+00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e37d06a963e8'
down_revision = 'bdcc1e9ccb2a'
branch_labels = None
depends_on = None


MARCHE_PROCEDURES = (
    "Procédure adaptée",
    "Appel d'offres ouvert",
    "Appel d'offres restreint",
    "Procédure avec négociation",
    "Marché passé sans publicité ni mise en concurrence préalable",
    "Dialogue compétitif",
)
# DECP 2022, contrat-concession/procedure.
CONCESSION_PROCEDURES = (
    "Procédure négociée ouverte",
    "Procédure non négociée ouverte",
    "Procédure négociée restreinte",
    "Procédure non négociée restreinte",
)


def _check(procedures):
    quoted = ", ".join("'" + p.replace("'", "''") + "'" for p in procedures)
    return f"procedure IS NULL OR procedure IN ({quoted})"


def upgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contracts_procedure"), type_="check")
        batch_op.create_check_constraint("procedure", _check(MARCHE_PROCEDURES + CONCESSION_PROCEDURES))


def downgrade():
    # Concession procedures cannot be kept under the older rule: forget them (the contracts stay).
    quoted = ", ".join("'" + p + "'" for p in CONCESSION_PROCEDURES)
    op.execute(f"UPDATE contracts SET procedure = NULL WHERE procedure IN ({quoted})")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_contracts_procedure"), type_="check")
        batch_op.create_check_constraint("procedure", _check(MARCHE_PROCEDURES))
