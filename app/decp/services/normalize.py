"""Turn one raw DECP record (2019 or 2022 format, marché or concession) into Levier's terms.

The 2019 format has ``acheteur: {id, nom}`` and ``titulaires: [{id, denominationSociale,
typeIdentifiant}]``; the 2022 schema (``app/data/schema_decp_v2.0.3.json``) wraps list items
(``titulaires: [{titulaire: {...}}]``) and multi-valued fields
(``considerationsSociales: {considerationSociale: [...]}``); real files mix both.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.contracts.services import HolderData
from app.core.enums import (
    ClauseKind,
    ContractKind,
    EnvironmentalConsideration,
    IdentifierType,
    Nature,
    Procedure,
)
from app.core.identifiers import is_valid_siret, normalize_siret
from app.decp.services import cleaning
from app.decp.services.cleaning import Warn, clean_text, fold
from app.decp.services.reader import CONCESSION

MAX_REFERENCE_LENGTH = 64  # Contract.reference; DECP allows 16, longer ids are kept when they fit
MAX_HOLDER_ID_LENGTH = 40  # Company.identifier
MAX_PLACE_CODE_LENGTH = 20  # Contract.place_code

_NATURES = {fold(n): n for n in Nature.codes()}
_NATURES.update(
    {
        "accord cadre": Nature.MARCHE,
        "marche subsequent": Nature.MARCHE,
        "marche public": Nature.MARCHE,
        "marche de defense ou de securite": Nature.DEFENSE,
        "delegation de service public (dsp)": Nature.DSP,
    }
)
_PROCEDURES = {fold(p): p for p in Procedure.codes()}
_PROCEDURES.update(
    {
        "procedure concurrentielle avec negociation": Procedure.NEGOCIATION,
        "procedure negociee avec mise en concurrence prealable": Procedure.NEGOCIATION,
        "marche negocie sans publicite ni mise en concurrence prealable": Procedure.SANS_PUBLICITE,
        "procedure negociee sans publicite ni mise en concurrence prealable": Procedure.SANS_PUBLICITE,
    }
)
_SOCIAL = {
    "clause sociale": ClauseKind.EXECUTION_CONDITION,
    "critere social": ClauseKind.AWARD_CRITERION,
    "marche reserve": ClauseKind.RESERVED,
    "concession reservee": ClauseKind.RESERVED,
    "pas de consideration sociale": None,
}
_ENVIRONMENTAL = {fold(e): e for e in EnvironmentalConsideration.codes()}
_IDENTIFIER_TYPES = {fold(t): t for t in IdentifierType.codes()}
_IDENTIFIER_TYPES.update({"hors ue": IdentifierType.HORS_UE, "tva intracommunautaire": IdentifierType.TVA})


class Rejected(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Record:
    """A record in Levier's terms, ready to become ContractData."""

    buyer_siret: str
    buyer_name: str | None
    reference: str
    kind: str
    nature: str
    object: str | None
    procedure: str | None
    cpv_code: str | None
    amount: Decimal | None
    notified_on: date | None
    duration_months: int | None
    place_code: str | None
    place_type: str | None
    published_on: date | None
    holders: list[HolderData] = field(default_factory=list)
    clause_kinds: list[str] = field(default_factory=list)
    environmental: list[str] = field(default_factory=list)


def many(value, inner_key: str) -> list:
    """Items of a multi-valued field, plain (``[...]``) or wrapped (``{inner_key: [...]}``), each unwrapped."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = value.get(inner_key, [value] if inner_key not in value else [])
    if not isinstance(value, list):
        value = [value]
    items = []
    for item in value:
        if isinstance(item, dict) and set(item) == {inner_key}:
            inner = item[inner_key]
            items.extend(inner if isinstance(inner, list) else [inner])
        else:
            items.append(item)
    return items


def _party(record: dict, *keys: str) -> tuple[str | None, str | None]:
    """Identifier and name of ``acheteur`` / ``autoriteConcedante`` (object or bare SIRET)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, dict):
            identifier = value.get("id")
            return (str(identifier).strip() if identifier is not None else None), value.get("nom")
        if value not in (None, ""):
            return str(value).strip(), None
    return None, None


def _holders(items: list, warn: Warn) -> list[HolderData]:
    holders: list[HolderData] = []
    seen = set()
    for item in items:
        if not isinstance(item, dict):
            warn("invalid_holder", str(item)[:80])
            continue
        identifier = str(item.get("id") or "").strip()
        name = clean_text(item.get("denominationSociale") or item.get("nom"), "denominationSociale", warn)
        declared = item.get("typeIdentifiant")
        id_type = cleaning.match_label(declared, _IDENTIFIER_TYPES) if declared else None
        if id_type is None:
            # Undeclared or misspelt type: 14 digits are a SIRET, anything else is taken as given.
            compact = normalize_siret(identifier)
            id_type = IdentifierType.SIRET if compact.isdigit() and len(compact) == 14 else None
        if not identifier or len(identifier) > MAX_HOLDER_ID_LENGTH:
            warn("invalid_holder", f"identifiant absent ou trop long : {identifier[:60] or name or '—'}")
            continue
        if id_type is None:
            warn("invalid_holder", f"type d'identifiant inconnu : {declared or '—'} ({identifier})")
            continue
        if id_type == IdentifierType.SIRET:
            if not is_valid_siret(identifier):
                warn("invalid_holder", f"SIRET invalide : {identifier}")
                continue
            identifier = normalize_siret(identifier)
        else:
            warn("holder_other_identifier", f"{id_type} {identifier}")
        if (id_type, identifier) in seen:
            continue
        seen.add((id_type, identifier))
        holders.append(HolderData(identifier=identifier, name=name or identifier, identifier_type=id_type))
    return holders


def _considerations(record: dict, warn: Warn) -> tuple[list[str], list[str]]:
    clause_kinds: list[str] = []
    for value in many(record.get("considerationsSociales"), "considerationSociale"):
        key = fold(cleaning.repair_text(str(value))[0])
        if key not in _SOCIAL:
            warn("unknown_consideration", f"considerationsSociales : {value}")
        elif _SOCIAL[key] and _SOCIAL[key] not in clause_kinds:
            clause_kinds.append(_SOCIAL[key])
    environmental: list[str] = []
    for value in many(record.get("considerationsEnvironnementales"), "considerationEnvironnementale"):
        code = cleaning.match_label(value, _ENVIRONMENTAL)
        if code is None:
            warn("unknown_consideration", f"considerationsEnvironnementales : {value}")
        elif code != EnvironmentalConsideration.NONE and code not in environmental:
            environmental.append(code)
    return clause_kinds, sorted(environmental)


def is_concession(raw, declared_kind: str | None) -> bool:
    if declared_kind is not None:
        return declared_kind == CONCESSION
    declared_type = fold(str(raw.get("_type", "")))
    return "concession" in declared_type or "autoriteConcedante" in raw or "concessionnaires" in raw


def buyer_siret_of(raw: dict) -> str | None:
    """The buyer's SIRET as written, before any check (for the ``--buyer`` filter)."""
    identifier, _name = _party(raw, "acheteur", "autoriteConcedante")
    return normalize_siret(identifier) if identifier else None


def normalize_record(raw, declared_kind: str | None, warn: Warn) -> Record:
    """Map one record; raise Rejected when it has no usable buyer or id."""
    if not isinstance(raw, dict):
        raise Rejected("not_an_object")
    concession = is_concession(raw, declared_kind)
    buyer_id, buyer_name = (
        _party(raw, "autoriteConcedante", "acheteur")
        if concession
        else _party(raw, "acheteur", "autoriteConcedante")
    )
    if not buyer_id:
        raise Rejected("missing_buyer")
    buyer_siret = cleaning.clean_siret(buyer_id)
    if buyer_siret is None:
        raise Rejected("invalid_buyer", buyer_id)
    reference = str(raw.get("id") or "").strip()
    if not reference:
        raise Rejected("missing_id")
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise Rejected("id_too_long", reference[:80])

    nature = _nature(raw.get("nature"), concession, warn)
    procedure = _procedure(raw.get("procedure"), warn)
    place = raw.get("lieuExecution") if isinstance(raw.get("lieuExecution"), dict) else {}
    place_code = clean_text(place.get("code"), "lieuExecution.code", warn)
    if place_code and len(place_code) > MAX_PLACE_CODE_LENGTH:
        warn("invalid_place_code", f"lieuExecution.code : {place_code[:60]}")
        place_code = None
    place_type = cleaning.clean_place_type(place.get("typeCode"), warn) if place_code else None

    amount_field = "valeurGlobale" if concession else "montant"
    date_field = "dateSignature" if concession else "dateNotification"
    holders_field, holder_key = (
        ("concessionnaires", "concessionnaire") if concession else ("titulaires", "titulaire")
    )
    holder_items = many(raw.get(holders_field), holder_key)
    if not holder_items:
        warn("missing_field", holders_field)

    clause_kinds, environmental = _considerations(raw, warn)
    record = Record(
        buyer_siret=buyer_siret,
        buyer_name=clean_text(buyer_name, "acheteur.nom", warn),
        reference=reference,
        kind=ContractKind.CONCESSION if concession else ContractKind.MARCHE,
        nature=nature,
        object=clean_text(raw.get("objet"), "objet", warn, required=True),
        procedure=procedure,
        cpv_code=None
        if concession and raw.get("codeCPV") is None
        else cleaning.clean_cpv(raw.get("codeCPV"), warn),
        amount=cleaning.clean_amount(raw.get(amount_field), amount_field, warn),
        notified_on=cleaning.clean_date(raw.get(date_field), date_field, warn, required=True),
        duration_months=cleaning.clean_duration(raw.get("dureeMois"), "dureeMois", warn),
        place_code=place_code,
        place_type=place_type,
        published_on=cleaning.clean_date(raw.get("datePublicationDonnees"), "datePublicationDonnees", warn),
        holders=_holders(holder_items, warn),
        clause_kinds=clause_kinds,
        environmental=environmental,
    )
    _apply_modifications(record, raw, concession, warn)
    return record


def _nature(value, concession: bool, warn: Warn) -> str:
    default = Nature.CONCESSION_SERVICE if concession else Nature.MARCHE
    if value in (None, ""):
        return default
    nature = cleaning.match_label(value, _NATURES)
    concession_nature = nature is not None and nature.startswith(("Concession", "Délégation"))
    if nature is None or concession_nature != concession:
        warn("unknown_nature", f"nature : {value}")
        return default
    return nature


def _procedure(value, warn: Warn) -> str | None:
    """Marché and concession procedures alike (``Procedure`` holds both lists of the 2022 schema)."""
    if value in (None, ""):
        return None
    procedure = cleaning.match_label(value, _PROCEDURES)
    if procedure is None:
        warn("unknown_procedure", f"procedure : {value}")
    return procedure


def _apply_modifications(record: Record, raw: dict, concession: bool, warn: Warn) -> None:
    """``modifications``: amount, duration and holders as last modified (latest publication wins)."""
    items = [m for m in many(raw.get("modifications"), "modification") if isinstance(m, dict)]
    dated = []
    for order, item in enumerate(items):
        published = cleaning.clean_date(item.get("datePublicationDonneesModification"), "modification", warn)
        signed = cleaning.clean_date(
            item.get("dateNotificationModification") or item.get("dateSignatureModification"),
            "modification",
            warn,
        )
        dated.append(((published or date.min, signed or date.min, order), published, item))
    for _key, published, item in sorted(dated, key=lambda entry: entry[0]):
        amount_field = "valeurGlobale" if concession else "montant"
        if item.get(amount_field) is not None:
            amount = cleaning.clean_amount(item.get(amount_field), f"modification.{amount_field}", warn)
            if amount is not None:
                record.amount = amount
        if item.get("dureeMois") is not None:
            months = cleaning.clean_duration(item.get("dureeMois"), "modification.dureeMois", warn)
            if months is not None:
                record.duration_months = months
        holders_field, holder_key = (
            ("concessionnaires", "concessionnaire") if concession else ("titulaires", "titulaire")
        )
        holder_items = many(item.get(holders_field), holder_key)
        if holder_items:
            holders = _holders(holder_items, warn)
            if holders:
                record.holders = holders
        if published and (record.published_on is None or published > record.published_on):
            record.published_on = published
