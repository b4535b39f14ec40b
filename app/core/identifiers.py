"""Identifiers of French public procurement, as services and forms both read them: SIRET and CPV codes."""

from functools import lru_cache

from stdnum.fr import siret as stdnum_siret


@lru_cache(maxsize=16384)  # pure, and called several times per record by DECP imports
def normalize_siret(value: str | None) -> str:
    return stdnum_siret.compact(value or "")


@lru_cache(maxsize=16384)
def is_valid_siret(value: str | None) -> bool:
    return stdnum_siret.is_valid(normalize_siret(value))


def normalize_cpv(value: str | None) -> tuple[str, str | None]:
    """Split ``45000000-7`` or ``45000000`` into (8 digits, check digit or None)."""
    text = (value or "").strip().replace(" ", "")
    code, _, check = text.partition("-")
    return code, (check or None)
