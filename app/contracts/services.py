"""Contracts and social clauses: the only way they change. Each operation is audited; callers commit."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from app.auth.models import User
from app.contracts.models import Clause, Contract, ContractHolder
from app.core import audit
from app.core.db import utcnow
from app.core.enums import (
    ClauseKind,
    ContractKind,
    ContractSource,
    HoursMethod,
    IdentifierType,
    Nature,
    Procedure,
    PurchaseCategory,
    ReservedArticle,
    Role,
)
from app.core.errors import ServiceError
from app.extensions import db
from app.hours.models import HourEntry
from app.referential.services import find_or_create_company

HUNDRED = Decimal(100)


class StaleContractError(ServiceError):
    """Someone else saved the contract since the form was opened: nothing is overwritten."""

    def __init__(self, message: str, changes: dict[str, list[Any]]):
        super().__init__(message)
        self.changes = changes  # {field: [their value, your value]}


@dataclass
class HolderData:
    identifier: str
    name: str = ""
    identifier_type: str = IdentifierType.SIRET
    kind: str | None = None
    amount_share: Decimal | None = None  # % of the contract amount, when the buyer knows it


@dataclass
class ContractData:
    buyer_id: int
    reference: str
    object: str
    nature: str = Nature.MARCHE
    kind: str = ContractKind.MARCHE
    procedure: str | None = None
    cpv_code: str | None = None
    amount_excl_tax: Decimal | None = None
    notified_on: date | None = None
    duration_months: int | None = None
    place_code: str | None = None
    place_type: str | None = None
    territory_id: int | None = None
    environmental_considerations: list[str] = field(default_factory=list)
    holders: list[HolderData] = field(default_factory=list)
    holder_shares_given: bool = False  # True from the contract form: its share fields replace the stored ones
    source: str = ContractSource.MANUAL
    decp_published_on: date | None = None


@dataclass
class ClauseData:
    kind: str
    hours_method: str = HoursMethod.MANUAL
    planned_hours: Decimal | None = None
    labour_share: Decimal | None = None
    insertion_rate: Decimal | None = None
    hourly_cost: Decimal | None = None
    euros_per_hour: Decimal | None = None
    award_weight_percent: Decimal | None = None
    reserved_article: str | None = None
    notes: str = ""
    facilitator_ids: list[int] = field(default_factory=list)
    needs_review: bool = False


def category_for_cpv(cpv_code: str | None) -> str | None:
    """Purchase category from the CPV division: 45 works; 01-44 and 48 supplies; 49-98 services."""
    if not cpv_code or len(cpv_code) < 2 or not cpv_code[:2].isdigit():
        return None
    division = int(cpv_code[:2])
    if division == 45:
        return PurchaseCategory.WORKS
    if division <= 44 or division == 48:
        return PurchaseCategory.SUPPLIES
    return PurchaseCategory.SERVICES


def compute_planned_hours(
    method: str,
    amount: Decimal | None,
    *,
    labour_share: Decimal | None = None,
    insertion_rate: Decimal | None = None,
    hourly_cost: Decimal | None = None,
    euros_per_hour: Decimal | None = None,
) -> Decimal:
    """Planned insertion hours, rounded to the whole hour as the interface shows them (docs/domain.md §3).

    ``rate``: amount × labour share (%) × insertion rate (%) ÷ loaded hourly cost.
    ``flat``: amount ÷ N (one hour per N € HT). Example: 1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833 h.
    """
    if amount is None or amount <= 0:
        raise ServiceError(_("Le calcul des heures demande le montant HT du marché."), "planned_hours")
    if method == HoursMethod.RATE:
        if not (labour_share and insertion_rate and hourly_cost):
            raise ServiceError(
                _("Indiquez la part de main-d'œuvre, le taux d'insertion et le coût horaire chargé."),
                "labour_share",
            )
        raw = amount * (labour_share / HUNDRED) * (insertion_rate / HUNDRED) / hourly_cost
    elif method == HoursMethod.FLAT:
        if not euros_per_hour:
            raise ServiceError(
                _("Indiquez le nombre d'euros HT correspondant à une heure."), "euros_per_hour"
            )
        raw = amount / euros_per_hour
    else:
        raise ServiceError(_("Méthode de calcul inconnue."), "hours_method")
    return raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _validate_contract(
    data: ContractData, contract: Contract | None = None, *, check_duplicate: bool = True
) -> None:
    if not data.reference or not data.reference.strip():
        raise ServiceError(_("La référence du marché est obligatoire."), "reference")
    if not data.object or not data.object.strip():
        raise ServiceError(_("L'objet du marché est obligatoire."), "object")
    _check_terms(data)
    if not data.holders and data.source == ContractSource.MANUAL:
        raise ServiceError(_("Indiquez au moins un titulaire."), "holders")
    if check_duplicate:
        _check_reference_is_free(data, contract)


def _check_terms(data: ContractData) -> None:
    """Amount, duration, nature and procedure, as DECP defines them."""
    if data.amount_excl_tax is not None and data.amount_excl_tax <= 0:
        raise ServiceError(_("Le montant doit être strictement positif."), "amount_excl_tax")
    if data.duration_months is not None and data.duration_months < 1:
        raise ServiceError(_("La durée doit être d'au moins un mois."), "duration_months")
    if data.nature not in Nature.codes():
        raise ServiceError(_("Nature de marché inconnue."), "nature")
    if data.procedure and data.procedure not in Procedure.codes():
        raise ServiceError(_("Procédure inconnue."), "procedure")


def _check_reference_is_free(data: ContractData, contract: Contract | None) -> None:
    """A buyer's references are unique (the DECP id of its contracts)."""
    duplicate = select(Contract.id).where(
        Contract.buyer_id == data.buyer_id, Contract.reference == data.reference.strip()
    )
    if contract is not None:
        duplicate = duplicate.where(Contract.id != contract.id)
    if db.session.scalar(duplicate) is not None:
        raise ServiceError(
            _("Cet acheteur a déjà un marché de référence %(ref)s.", ref=data.reference.strip()), "reference"
        )


def _apply(actor, contract: Contract, data: ContractData, company_cache: dict | None = None) -> None:
    contract.buyer_id = data.buyer_id
    contract.reference = data.reference.strip()
    contract.object = data.object.strip()
    contract.kind = data.kind
    contract.nature = data.nature
    contract.procedure = data.procedure or None
    contract.cpv_code = data.cpv_code or None
    contract.category = category_for_cpv(data.cpv_code)
    contract.amount_excl_tax = data.amount_excl_tax
    contract.notified_on = data.notified_on
    contract.duration_months = data.duration_months
    contract.place_code = data.place_code or None
    contract.place_type = data.place_type or None
    contract.territory_id = data.territory_id
    contract.environmental_considerations = sorted(set(data.environmental_considerations))
    if contract.id is None:
        # Provenance is set at creation: an officer's edit keeps a DECP contract's source and publication
        # date (the export publishes that date; it used to become the export day after an edit).
        contract.source = data.source
        contract.decp_published_on = data.decp_published_on
    companies, given_shares = [], []
    for index, holder in enumerate(data.holders):
        company = find_or_create_company(
            actor,
            holder.identifier,
            holder.name,
            identifier_type=holder.identifier_type,
            kind=holder.kind,
            field=f"holders-{index}",
            companies=company_cache,
        )
        if company not in companies:
            companies.append(company)
            given_shares.append(holder.amount_share)
    shares = _holder_shares(given_shares)
    existing = {h.company_id: h for h in contract.holders}
    contract.holders = [existing.get(c.id) or ContractHolder(company=c) for c in companies]
    before = [h.amount_share for h in contract.holders]
    for position, holder in enumerate(contract.holders):
        holder.position = position
        if data.holder_shares_given:  # a DECP update carries no shares: it keeps those the buyer recorded
            holder.amount_share = shares[position]
    after = [h.amount_share for h in contract.holders]
    if data.holder_shares_given and any(share is not None for share in after) and before != after:
        audit.record(
            actor,
            "update",
            contract,
            summary=f"Parts des titulaires : marché {contract.reference}",
            changes={"holder_shares": [[_text(v) for v in before], [_text(v) for v in after]]},
        )


def _text(value) -> str | None:
    return None if value is None else str(value)


def _holder_shares(shares: list[Decimal | None]) -> list[Decimal | None]:
    """Each holder's share of the amount: at most 100 % together, exactly 100 % when every share is given."""
    for index, value in enumerate(shares):
        if value is not None and not Decimal(0) < value <= 100:
            raise ServiceError(_("La part d'un titulaire est comprise entre 0 et 100 %."), f"holders-{index}")
    known = [value for value in shares if value is not None]
    total = sum(known, Decimal(0))
    if total > 100 or (known and len(known) == len(shares) and total != 100):
        raise ServiceError(
            _("Les parts des titulaires font %(total)s %% : elles doivent faire 100 %% ensemble.",
              total=str(total).replace(".", ",")),
            "holders",
        )  # fmt: skip
    return shares


def create_contract(
    actor,
    data: ContractData,
    *,
    check_duplicate: bool = True,
    companies: dict | None = None,
    flush: bool = True,
) -> Contract:
    """Create a contract; bulk imports that already know the reference is free pass ``check_duplicate=False``,
    a company cache (see ``find_or_create_company``) and ``flush=False`` (they flush per batch)."""
    _validate_contract(data, check_duplicate=check_duplicate)
    contract = Contract()
    db.session.add(contract)
    _apply(actor, contract, data, companies)
    if flush:
        db.session.flush()
    audit.record_creation(actor, contract, f"Marché {contract.reference}")
    return contract


def update_contract(
    actor,
    contract: Contract,
    data: ContractData,
    expected_version: int | None = None,
    *,
    check_duplicate: bool = True,
    companies: dict | None = None,
    flush: bool = True,
) -> Contract:
    """Apply ``data``; refuse when the contract changed since ``expected_version`` was read.

    Keyword arguments as for ``create_contract``: only for bulk imports.
    """
    before = audit.snapshot(contract)
    if expected_version is not None and expected_version != contract.version:
        theirs = before
        mine = dict(before)
        mine.update({k: getattr(data, k) for k in before if k != "holders" and hasattr(data, k)})
        mine["holders"] = [h.identifier for h in data.holders]
        raise StaleContractError(
            _(
                "Ce marché a été modifié par quelqu'un d'autre pendant votre saisie : rien n'a été enregistré."
            ),
            {k: v for k, v in audit.diff(theirs, mine).items()},
        )
    _validate_contract(data, contract, check_duplicate=check_duplicate)
    _apply(actor, contract, data, companies)
    if flush:
        db.session.flush()
    changes = audit.changes_since(before, contract)
    if changes:
        audit.record(actor, "update", contract, summary=f"Marché {contract.reference}", changes=changes)
    return contract


def archive_contract(actor, contract: Contract) -> None:
    if contract.archived_at is None:
        contract.archived_at = utcnow()
        audit.record(actor, "archive", contract, summary=f"Marché {contract.reference} archivé")


def restore_contract(actor, contract: Contract) -> None:
    if contract.archived_at is not None:
        contract.archived_at = None
        audit.record(actor, "restore", contract, summary=f"Marché {contract.reference} restauré")


def _apply_clause(clause: Clause, contract: Contract, data: ClauseData) -> None:
    if data.kind not in ClauseKind.codes():
        raise ServiceError(_("Type de clause inconnu."), "kind")
    method = data.hours_method or HoursMethod.MANUAL
    if method == HoursMethod.MANUAL:
        planned = data.planned_hours
        if planned is not None and planned < 0:
            raise ServiceError(_("Les heures prévues ne peuvent pas être négatives."), "planned_hours")
    else:
        planned = compute_planned_hours(
            method,
            contract.amount_excl_tax,
            labour_share=data.labour_share,
            insertion_rate=data.insertion_rate,
            hourly_cost=data.hourly_cost,
            euros_per_hour=data.euros_per_hour,
        )
    if data.kind == ClauseKind.RESERVED and data.reserved_article:
        allowed = [str(a) for a in ReservedArticle.for_contract_kind(contract.kind)]
        if data.reserved_article not in allowed:
            raise ServiceError(
                _("Pour ce type de contrat, le marché réservé cite l'un des articles : %(articles)s.",
                  articles=", ".join(allowed)),
                "reserved_article",
            )  # fmt: skip
    if data.kind == ClauseKind.AWARD_CRITERION and data.award_weight_percent is None:
        raise ServiceError(_("Indiquez la pondération du critère social (en %)."), "award_weight_percent")
    clause.kind = data.kind
    clause.hours_method = method
    clause.planned_hours = planned
    clause.labour_share = data.labour_share if method == HoursMethod.RATE else None
    clause.insertion_rate = data.insertion_rate if method == HoursMethod.RATE else None
    clause.hourly_cost = data.hourly_cost if method == HoursMethod.RATE else None
    clause.euros_per_hour = data.euros_per_hour if method == HoursMethod.FLAT else None
    # Keep the amount the formula used: after an amendment it explains the hours (domain.md section 3).
    clause.basis_amount = contract.amount_excl_tax if method != HoursMethod.MANUAL else None
    clause.award_weight_percent = (
        data.award_weight_percent if data.kind == ClauseKind.AWARD_CRITERION else None
    )
    clause.reserved_article = data.reserved_article if data.kind == ClauseKind.RESERVED else None
    clause.notes = data.notes or ""
    clause.needs_review = data.needs_review
    facilitators = []
    if data.facilitator_ids:
        facilitators = db.session.scalars(
            select(User).where(
                User.id.in_(data.facilitator_ids), User.role.in_([Role.FACILITATOR, Role.ADMIN])
            )
        ).all()
        if len(facilitators) != len(set(data.facilitator_ids)):
            raise ServiceError(_("Facilitateur inconnu."), "facilitator_ids")
    clause.facilitators = list(facilitators)


def add_clause(actor, contract: Contract, data: ClauseData, *, flush: bool = True) -> Clause:
    """Add a clause; ``flush=False`` for bulk imports, which flush once per batch."""
    clause = Clause()
    # Validate before attaching: a refused clause must not linger in the contract's collection.
    with db.session.no_autoflush:
        _apply_clause(clause, contract, data)
    clause.contract = contract
    db.session.add(clause)
    if flush:
        db.session.flush()
    audit.record_creation(actor, clause, f"{ClauseKind.label_of(clause.kind)} — marché {contract.reference}")
    return clause


STALE_CLAUSE = (
    "Cette clause a été modifiée par quelqu'un d'autre pendant votre saisie : rien n'a été enregistré."
)


def update_clause(actor, clause: Clause, data: ClauseData, expected_version: int | None = None) -> Clause:
    """Apply ``data``; with ``expected_version``, refuse when the clause changed since it was read."""
    if expected_version is not None and expected_version != clause.version:
        raise ServiceError(_(STALE_CLAUSE))
    before = audit.snapshot(clause)
    _apply_clause(clause, clause.contract, data)
    changes = audit.changes_since(before, clause)
    if changes:
        audit.record(
            actor, "update", clause, summary=f"Clause du marché {clause.contract.reference}", changes=changes
        )
    return clause


def clause_has_hours(clause: Clause) -> bool:
    return bool(db.session.scalar(select(exists().where(HourEntry.clause_id == clause.id))))


def remove_clause(actor, clause: Clause) -> None:
    """Delete a clause; refused once hours were logged on it (they would lose their contract)."""
    if clause_has_hours(clause):
        count = db.session.scalar(select(func.count(HourEntry.id)).where(HourEntry.clause_id == clause.id))
        raise ServiceError(
            _(
                "Impossible de supprimer cette clause : %(n)s saisie(s) d'heures y sont rattachées. "
                "Supprimez ou déplacez d'abord ces heures.",
                n=count,
            )
        )
    snapshot = audit.snapshot(clause)
    audit.record(
        actor,
        "delete",
        clause,
        summary=f"Clause du marché {clause.contract.reference} supprimée",
        changes=audit.diff(snapshot, {}),
    )
    # Also on the contract, so its history keeps the trace once the clause row is gone.
    audit.record(
        actor,
        "remove_clause",
        clause.contract,
        summary=f"{ClauseKind.label_of(clause.kind)} (clause n° {clause.id}) supprimée",
        changes=audit.diff(snapshot, {}),
    )
    clause.contract.clauses.remove(clause)
    db.session.delete(clause)


# --- the amount the calculator used, after an amendment (domain.md section 3) --------------------------


def clauses_off_their_basis(contract: Contract) -> list[tuple[Clause, Decimal]]:
    """Calculated clauses whose hours rest on another amount than the contract's: (clause, what the formula
    now gives). The officer keeps the commitment or updates it (``settle_clause_basis``)."""
    amount = contract.amount_excl_tax
    if amount is None:
        return []
    stale = []
    for clause in contract.clauses:
        if clause.hours_method == HoursMethod.MANUAL or clause.basis_amount in (None, amount):
            continue
        now = compute_planned_hours(
            clause.hours_method,
            amount,
            labour_share=clause.labour_share,
            insertion_rate=clause.insertion_rate,
            hourly_cost=clause.hourly_cost,
            euros_per_hour=clause.euros_per_hour,
        )
        stale.append((clause, now))
    return stale


def settle_clause_basis(actor, clause: Clause, *, update: bool) -> Clause:
    """After an amendment: apply the formula to the new amount, or keep the commitment as a fixed figure.

    Kept, the clause becomes a typed commitment that still records the inputs and the amount it was computed
    on, so the figure stays explained; either way the decision is audited.
    """
    contract = clause.contract
    pending = dict(clauses_off_their_basis(contract))
    if clause not in pending:
        raise ServiceError(
            _("Les heures de cette clause correspondent déjà au montant du marché."), "planned_hours"
        )
    before = audit.snapshot(clause)
    if update:
        clause.planned_hours = pending[clause]
        clause.basis_amount = contract.amount_excl_tax
        summary = f"Heures recalculées après avenant : marché {contract.reference}"
    else:
        clause.hours_method = HoursMethod.MANUAL
        summary = f"Heures conservées après avenant : marché {contract.reference}"
    changes = audit.diff(before, audit.snapshot(clause))
    audit.record(actor, "update", clause, summary=summary, changes=changes or {"basis": [None, "kept"]})
    return clause
