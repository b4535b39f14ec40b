"""Read side of the reference data: communes of the Pas-de-Calais (INSEE COG 2025, read once from the
shipped CSV) and the CPV 2008 codes."""

import csv
from functools import cache
from pathlib import Path

from app.extensions import db
from app.referential.models import CpvCode

COMMUNES_CSV = Path(__file__).resolve().parent.parent / "data" / "cog_communes_2025_dep62.csv"


@cache
def communes() -> dict[str, str]:
    """``{INSEE code: name}`` of the communes of the Pas-de-Calais."""
    with COMMUNES_CSV.open(encoding="utf-8") as handle:
        return {row["commune_code"]: row["commune_nom"] for row in csv.DictReader(handle)}


def commune_name(code: str | None) -> str:
    if not code:
        return ""
    return communes().get(code, code)


def commune_choices() -> list[tuple[str, str]]:
    return [("", "—")] + sorted(((c, f"{n} ({c})") for c, n in communes().items()), key=lambda x: x[1])


def find_cpv(code: str) -> CpvCode | None:
    """The CPV 2008 entry of an 8-digit ``code``, if listed."""
    return db.session.get(CpvCode, code)
