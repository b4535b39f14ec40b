"""Shared helpers of the DECP tests: the shipped fixture files and a CLI wrapper."""

import json
from pathlib import Path

from sqlalchemy import select

from app.contracts.models import Contract
from app.extensions import db
from app.referential.models import Buyer

DATA = Path(__file__).parent / "data"
WRAPPED_2022 = DATA / "decp_2022_wrapped.json"
PLAIN_2022 = DATA / "decp_2022_plain.json"
FORMAT_2019 = DATA / "decp_2019.json"
MESSY = DATA / "decp_messy.json"

DEPARTEMENT = "22620001200012"
COMMUNE = "21590000200019"
HOLDER_A = "44123456400017"
HOLDER_B = "55212345700012"
HOLDER_C = "78910111000011"
HOLDER_D = "33445566400014"


def import_json(runner, *paths, extra=()):
    """Run ``flask decp import --json`` and return (exit code, parsed summary)."""
    result = runner.invoke(args=["decp", "import", *map(str, paths), "--json", *extra])
    payload = json.loads(result.output) if result.output.strip().startswith("{") else None
    return result.exit_code, payload


def contract(reference: str, buyer_siret: str = DEPARTEMENT) -> Contract:
    return db.session.scalar(
        select(Contract).join(Buyer).where(Buyer.siret == buyer_siret, Contract.reference == reference)
    )


def holder_ids(item: Contract) -> list[str]:
    return [h.company.identifier for h in item.holders]


def clause_kinds(item: Contract) -> list[str]:
    return sorted(c.kind for c in item.clauses)
