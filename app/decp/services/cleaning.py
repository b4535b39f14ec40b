"""Repair or reject the doubtful values of real DECP files, one field at a time.

Each function returns the clean value (or None when the value is doubtful) and reports what it did
through ``warn(reason, detail)``; the reasons are the keys of ``WARNING_REASONS``.
"""

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.core.identifiers import is_valid_siret, normalize_cpv, normalize_siret

Warn = Callable[[str, str], None]

WARNING_REASONS = {
    "mojibake_repaired": _l("Caractères endommagés réparés (« MarchÃ© » → « Marché »)"),
    "damaged_characters": _l("Caractères illisibles, non réparables : texte gardé tel quel"),
    "missing_field": _l("Champ manquant : laissé vide"),
    "amount_zero": _l("Montant nul ou négatif : laissé vide"),
    "amount_placeholder": _l("Montant fictif (999 999 999 ou plus) : laissé vide"),
    "invalid_amount": _l("Montant illisible : laissé vide"),
    "date_timezone": _l("Date suivie d'un fuseau horaire : date retenue"),
    "date_format": _l("Date au format JJ/MM/AAAA : date retenue"),
    "impossible_date": _l("Année impossible (avant 1990 ou après l'an prochain) : date laissée vide"),
    "invalid_date": _l("Date illisible : laissée vide"),
    "invalid_duration": _l("Durée en mois invalide : laissée vide"),
    "cpv_check_digit": _l("Code CPV avec chiffre de contrôle : 8 chiffres retenus"),
    "invalid_cpv": _l("Code CPV invalide : laissé vide"),
    "place_type_normalized": _l("Type de lieu d'exécution écrit autrement : orthographe officielle retenue"),
    "unknown_place_type": _l("Type de lieu d'exécution inconnu : laissé vide"),
    "invalid_place_code": _l("Code de lieu d'exécution de plus de 20 caractères : laissé vide"),
    "holder_other_identifier": _l("Titulaire identifié autrement que par un SIRET (TVA, HORS-UE…)"),
    "invalid_holder": _l("Titulaire au SIRET invalide ou sans identifiant : titulaire ignoré"),
    "unknown_nature": _l("Nature inconnue : nature par défaut retenue"),
    "unknown_procedure": _l("Procédure inconnue : laissée vide"),
    "unknown_consideration": _l("Considération sociale ou environnementale inconnue : ignorée"),
    "older_than_stored": _l("Données plus anciennes que celles déjà enregistrées : ignorées"),
}

REJECTION_REASONS = {
    "not_an_object": _l("L'enregistrement n'est pas un objet JSON"),
    "missing_buyer": _l("Acheteur absent"),
    "invalid_buyer": _l("SIRET de l'acheteur invalide"),
    "missing_id": _l("Identifiant du marché absent"),
    "id_too_long": _l("Identifiant du marché de plus de 64 caractères"),
    "refused": _l("Refusé par les règles de Levier"),
}

# Placeholder amounts published when the real one is unknown (999 999 999, 9 999 999 999…).
PLACEHOLDER_AMOUNT = Decimal("999999999")
FIRST_PLAUSIBLE_YEAR = 1990
MAX_DURATION_MONTHS = 1200
CENT = Decimal("0.01")

_MOJIBAKE_MARKERS = re.compile("[ÃÂ]|â€|Å[“’¸]")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(.*)$")
_FRENCH_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_TIMEZONE = re.compile(r"^(Z|[+-]\d{2}:?\d{2}|T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)$")

# 2022 schema ``lieuExecution.typeCode`` values, keyed by their spelling folded (no case, accent, _ or -).
PLACE_TYPES = {
    "code postal": "Code postal",
    "code commune": "Code commune",
    "code arrondissement": "Code arrondissement",
    "code canton": "Code canton",
    "code departement": "Code département",
    "code region": "Code région",
    "code pays": "Code pays",
}


@functools.lru_cache(maxsize=4096)  # a few labels, repeated in every record
def fold(text: str) -> str:
    """Lower case, no accents, ``_``/``-`` as spaces: how messy spellings are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[_\-]+", " ", plain).split())


def repair_text(text: str) -> tuple[str, bool]:
    """Undo UTF-8 read as Latin-1/CP1252, only when the round trip decodes cleanly and removes the damage."""
    repaired = False
    for _attempt in range(2):  # text damaged twice is seen in real files
        markers = len(_MOJIBAKE_MARKERS.findall(text))
        if not markers:
            break
        for codec in ("cp1252", "latin-1"):
            try:
                candidate = text.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            if len(_MOJIBAKE_MARKERS.findall(candidate)) < markers:
                text, repaired = candidate, True
                break
        else:
            break
    return text, repaired


def clean_text(value, field: str, warn: Warn, *, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            warn("missing_field", field)
        return None
    text = " ".join(str(value).split())
    text, repaired = repair_text(text)
    if repaired:
        warn("mojibake_repaired", f"{field} : {text[:80]}")
    if "\ufffd" in text:
        warn("damaged_characters", f"{field} : {text[:80]}")
    return text


def clean_amount(value, field: str, warn: Warn) -> Decimal | None:
    """DECP ``montant`` / ``valeurGlobale``: > 0 (schema minimum 1); 0 and 999 999 999 mean "unknown"."""
    if value is None or value == "":
        warn("missing_field", field)
        return None
    try:
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        warn("invalid_amount", f"{field} : {value}")
        return None
    if not amount.is_finite():
        warn("invalid_amount", f"{field} : {value}")
        return None
    if amount <= 0:
        warn("amount_zero", f"{field} : {value}")
        return None
    if amount >= PLACEHOLDER_AMOUNT:
        warn("amount_placeholder", f"{field} : {value}")
        return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def clean_date(
    value, field: str, warn: Warn, *, required: bool = False, today: date | None = None
) -> date | None:
    """``AAAA-MM-JJ`` (schema pattern); a time-zone or time suffix is dropped, impossible years emptied."""
    if value is None or value == "":
        if required:
            warn("missing_field", field)
        return None
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    if match:
        year, month, day, suffix = match.groups()
        if suffix and not _TIMEZONE.match(suffix):
            warn("invalid_date", f"{field} : {text}")
            return None
        if suffix:
            warn("date_timezone", f"{field} : {text}")
    elif french := _FRENCH_DATE.match(text):
        day, month, year = french.groups()
        warn("date_format", f"{field} : {text}")
    else:
        warn("invalid_date", f"{field} : {text}")
        return None
    try:
        parsed = date(int(year), int(month), int(day))
    except ValueError:
        warn("invalid_date", f"{field} : {text}")
        return None
    last_year = (today or date.today()).year + 1
    if not FIRST_PLAUSIBLE_YEAR <= parsed.year <= last_year:
        warn("impossible_date", f"{field} : {text}")
        return None
    return parsed


def clean_duration(value, field: str, warn: Warn, *, required: bool = True) -> int | None:
    """``dureeMois``: a whole number of months, at least 1."""
    if value is None or value == "":
        if required:
            warn("missing_field", field)
        return None
    try:
        months = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        warn("invalid_duration", f"{field} : {value}")
        return None
    if (
        not months.is_finite()
        or months != months.to_integral_value()
        or not 1 <= months <= MAX_DURATION_MONTHS
    ):
        warn("invalid_duration", f"{field} : {value}")
        return None
    return int(months)


def clean_cpv(value, warn: Warn) -> str | None:
    """``codeCPV``: 8 digits stored; the ``-d`` check digit (tolerated by the schema) is dropped."""
    if value is None or str(value).strip() == "":
        warn("missing_field", "codeCPV")
        return None
    code, check = normalize_cpv(str(value))
    if (
        len(code) != 8
        or not code.isdigit()
        or (check is not None and not (len(check) == 1 and check.isdigit()))
    ):
        warn("invalid_cpv", f"codeCPV : {value}")
        return None
    if check is not None:
        warn("cpv_check_digit", f"codeCPV : {value}")
    return code


def clean_place_type(value, warn: Warn) -> str | None:
    """``lieuExecution.typeCode``: "CODE POSTAL", "code_postal"… become the schema's spelling."""
    if value is None or str(value).strip() == "":
        return None
    text, _repaired = repair_text(str(value).strip())
    canonical = PLACE_TYPES.get(fold(text))
    if canonical is None:
        warn("unknown_place_type", f"lieuExecution.typeCode : {value}")
        return None
    if canonical != text:
        warn("place_type_normalized", f"{value} → {canonical}")
    return canonical


def clean_siret(value) -> str | None:
    """The buyer's SIRET (``acheteur.id``), or None when absent or invalid."""
    if value is None:
        return None
    text = str(value).strip()
    return normalize_siret(text) if is_valid_siret(text) else None


def match_label(value, choices: dict[str, str]) -> str | None:
    """Find ``value`` among labels whatever its case, accents and damaged characters."""
    if value is None:
        return None
    text, _repaired = repair_text(str(value).strip())
    return choices.get(fold(text))
