"""Write a buyer's contracts as DECP 2022 JSON (``app/data/schema_decp_v2.0.3.json``).

The schema requires some fields Levier does not record; they get the schema's neutral value and are
listed in ``UNRECORDED_DEFAULTS`` so a reader of the code knows they are not data. A contract missing a
field that only the buyer can supply (CPV, procedure, place, amount, duration, notification, holder)
is left out of the file and reported, rather than published with invented data. Concessions are left
out: the schema requires their procedure and public subsidy, which Levier does not record.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.contracts.models import Contract
from app.core.enums import MARCHE_PROCEDURES, ClauseKind, ContractKind, EnvironmentalConsideration, Nature
from app.decp.services.cleaning import PLACE_TYPES
from app.extensions import db
from app.referential.models import Buyer

DECP_ID_MAX_LENGTH = 16  # schema ``IdentifiantMarche``
MARCHE_NATURES = {Nature.MARCHE, Nature.PARTENARIAT, Nature.DEFENSE}
NO_SOCIAL = "Pas de considération sociale"

# Required by the schema, not recorded by Levier: the least committal value the schema accepts.
UNRECORDED_DEFAULTS = {
    "techniques": {"technique": ["Sans objet"]},
    "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
    "marcheInnovant": False,
    "ccag": "Pas de CCAG",
    "offresRecues": 1,  # schema minimum; the number of bids is not recorded
    "attributionAvance": False,
    "typesPrix": {"typePrix": ["Définitif ferme"]},
    "formePrix": "Forfaitaire",
    "sousTraitanceDeclaree": False,
}


@dataclass
class ExportResult:
    document: dict
    exported: int = 0
    left_out: list[tuple[str, str]] = field(default_factory=list)


def contracts_to_export(buyer: Buyer, year: int) -> list[Contract]:
    """The buyer's non-archived contracts notified in ``year``."""
    return list(
        db.session.scalars(
            select(Contract)
            .where(
                Contract.buyer_id == buyer.id,
                Contract.archived_at.is_(None),
                Contract.notified_on >= date(year, 1, 1),
                Contract.notified_on <= date(year, 12, 31),
            )
            .order_by(Contract.notified_on, Contract.reference)
        )
    )


def social_considerations(contract: Contract) -> list[str]:
    """docs/domain.md §3: condition / insertion object → Clause sociale, criterion → Critère social…"""
    values = []
    for clause in contract.clauses:
        value = ClauseKind(clause.kind).decp_value
        if value == "Marché réservé" and contract.kind == ContractKind.CONCESSION:
            value = "Concession réservée"
        if value not in values:
            values.append(value)
    return values or [NO_SOCIAL]


def environmental_considerations(contract: Contract) -> list[str]:
    values = [v for v in contract.environmental_considerations or [] if v != EnvironmentalConsideration.NONE]
    return sorted(values) or [EnvironmentalConsideration.NONE.value]


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def missing_fields(contract: Contract) -> list[str]:
    """Why ``contract`` cannot be published as a valid DECP ``marche`` (empty list: it can)."""
    if contract.kind == ContractKind.CONCESSION:
        return [_("contrat de concession (procédure et subvention publique non enregistrées dans Levier)")]
    checks = [
        (len(contract.reference) <= DECP_ID_MAX_LENGTH, _("référence de plus de 16 caractères")),
        (contract.nature in MARCHE_NATURES, _("nature autre que celles d'un marché")),
        (bool(contract.cpv_code), _("code CPV manquant")),
        (contract.procedure in MARCHE_PROCEDURES, _("procédure manquante")),
        (
            bool(contract.place_code) and contract.place_type in PLACE_TYPES.values(),
            _("lieu d'exécution manquant ou de type inconnu"),
        ),
        (contract.duration_months is not None, _("durée manquante")),
        (contract.notified_on is not None, _("date de notification manquante")),
        (contract.amount_excl_tax is not None and contract.amount_excl_tax >= 1, _("montant manquant")),
        (bool(contract.holders), _("aucun titulaire")),
    ]
    return [label for ok, label in checks if not ok]


def marche_record(contract: Contract, published_on: date) -> dict:
    holders = [
        {
            "titulaire": {
                "typeIdentifiant": holder.company.identifier_type,
                "id": holder.company.identifier,
                "denominationSociale": holder.company.name,
            }
        }
        for holder in contract.holders
    ]
    record = {
        "id": contract.reference,
        "acheteur": {"id": contract.buyer.siret, "nom": contract.buyer.name},
        "nature": contract.nature,
        "objet": contract.object[:1000],
        "codeCPV": contract.cpv_code,
        "procedure": contract.procedure,
        "lieuExecution": {"code": contract.place_code, "typeCode": contract.place_type},
        "dureeMois": contract.duration_months,
        "dateNotification": contract.notified_on.isoformat(),
        "datePublicationDonnees": (contract.decp_published_on or published_on).isoformat(),
        "montant": _number(contract.amount_excl_tax),
        "typeGroupementOperateurs": "Pas de groupement" if len(holders) == 1 else "Conjoint",
        "titulaires": holders,
        "considerationsSociales": {"considerationSociale": social_considerations(contract)},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": environmental_considerations(contract)
        },
    }
    record.update(UNRECORDED_DEFAULTS)
    return record


def export_decp(buyer: Buyer, year: int, *, today: date | None = None) -> ExportResult:
    """The DECP 2022 document of ``buyer``'s contracts notified in ``year``."""
    records = []
    result = ExportResult(document={"marches": {"marche": records}})
    for contract in contracts_to_export(buyer, year):
        missing = missing_fields(contract)
        if missing:
            result.left_out.append((contract.reference, " ; ".join(missing)))
            continue
        records.append(marche_record(contract, today or date.today()))
    result.exported = len(records)
    return result
