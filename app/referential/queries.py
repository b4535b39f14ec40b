"""Communes of the Pas-de-Calais (INSEE COG 2025), read once from the shipped CSV."""

import csv
from functools import cache
from pathlib import Path

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
