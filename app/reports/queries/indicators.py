"""Every figure of the annual SPASER report for a buyer (or all buyers) and a year, in SQL aggregates.

Rules (docs/domain.md §6): contracts count in the year of their notification date; hours and food
purchases in the year of their month or date; archived contracts count nowhere, nor do their clauses'
hours. Planned hours are those of the clauses of contracts whose execution period overlaps the year.
"""

from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, select

from app.contracts.models import Clause, Contract, ContractHolder
from app.core.enums import (
    INCLUSION_STRUCTURE_KINDS,
    INCLUSIVE_KINDS,
    ClauseKind,
    ContractType,
    Eligibility,
    FoodFamily,
    Gender,
    Modality,
    OutcomeStatus,
    PurchaseCategory,
    QualificationLevel,
    StructureKind,
)
from app.core.figures import ZERO, as_decimal, fte, share
from app.core.formatting import rounded
from app.extensions import db
from app.food.queries import food_figures
from app.hours.models import HourEntry
from app.participants.models import Participant, ParticipantEligibility
from app.referential.models import Buyer, Company, CpvCode, Territory
from app.reports.queries.filters import (
    active_in_year,
    age_band,
    allotted,
    commitments,
    contract_amount,
    has_clause,
    has_environmental_consideration,
    hours_in_year,
    latest_exits,
    live_clause_ids,
    live_contracts,
    notified_in,
    participants_in_year,
    year_of,
)
from app.reports.queries.results import (
    ContractFigures,
    ContractHours,
    HoursFigures,
    InclusiveFigures,
    Indicators,
    Line,
    MeatFishFigures,
    ParticipantFigures,
)
from app.reports.queries.summary import excluded, objective_results, trend

__all__ = ["compute_indicators", "Indicators"]

UNKNOWN = "unknown"
# ma-cantine's meat and fish families: meat and poultry, fish and seafood (charcuterie is not counted).
MEAT_FISH_FAMILIES = (str(FoodFamily.VIANDES_VOLAILLES), str(FoodFamily.PRODUITS_DE_LA_MER))
MEAT_FISH_TARGET = Decimal(60)  # Code rural L230-5-1, since 1 January 2024
# Positive exits ("sorties dynamiques") over known exits; still in pathway and unknown are not exits known.
POSITIVE_EXITS = (OutcomeStatus.LASTING_JOB, OutcomeStatus.TRANSITION_JOB, OutcomeStatus.TRAINING)
KNOWN_EXITS = (*POSITIVE_EXITS, OutcomeStatus.OTHER)


def _not_provided() -> str:
    return _("Non renseigné")


def _lines(rows, labeller) -> tuple[Line, ...]:
    """Turn ``(code, count, value)`` rows into labelled lines, largest first, missing codes last."""
    lines = [
        Line(code or UNKNOWN, labeller(code) if code else _not_provided(), int(count or 0), as_decimal(value))
        for code, count, value in rows
    ]
    return tuple(sorted(lines, key=lambda line: (line.code == UNKNOWN, -line.value, -line.count, line.label)))


def _count_lines(rows, labeller, order: list[str]) -> tuple[Line, ...]:
    """Count breakdowns in the order of their enumeration (gender, age band...), unknown last."""
    position = {code: index for index, code in enumerate(order)}
    lines = [
        Line(code or UNKNOWN, labeller(code) if code else _not_provided(), int(count or 0))
        for code, count in rows
    ]
    return tuple(sorted(lines, key=lambda line: position.get(line.code, len(order))))


# --- contracts --------------------------------------------------------------------------------------


def _contract_figures(buyer_id: int | None, year: int) -> ContractFigures:
    scope = [*live_contracts(buyer_id), notified_in(year)]
    social = case((has_clause(), 1), else_=0)
    green = has_environmental_consideration()
    total = db.session.execute(
        select(
            func.count(Contract.id),
            contract_amount(),
            func.coalesce(func.sum(social), 0),
            func.coalesce(func.sum(case((has_clause(), Contract.amount_excl_tax), else_=0)), 0),
            func.coalesce(func.sum(case((green, 1), else_=0)), 0),
            func.coalesce(func.sum(case((green, Contract.amount_excl_tax), else_=0)), 0),
        ).where(*scope)
    ).one()
    kinds = select(Clause.contract_id, Clause.kind).distinct().subquery()
    by_kind = db.session.execute(
        select(kinds.c.kind, func.count(Contract.id), contract_amount())
        .join(kinds, kinds.c.contract_id == Contract.id)
        .where(*scope)
        .group_by(kinds.c.kind)
    ).all()
    by_category = db.session.execute(
        select(Contract.category, func.count(Contract.id), contract_amount())
        .where(*scope)
        .group_by(Contract.category)
    ).all()
    by_territory = db.session.execute(
        select(Territory.name, func.count(Contract.id), contract_amount())
        .outerjoin(Territory, Territory.id == Contract.territory_id)
        .where(*scope)
        .group_by(Territory.name)
    ).all()
    division = func.substr(Contract.cpv_code, 1, 2)
    divisions = (
        select(
            division.label("division"), func.count(Contract.id).label("n"), contract_amount().label("amount")
        )
        .where(*scope)
        .group_by(division)
        .subquery()
    )
    by_division = db.session.execute(
        select(divisions.c.division, CpvCode.label, divisions.c.n, divisions.c.amount).outerjoin(
            CpvCode, CpvCode.code == divisions.c.division.concat("000000")
        )
    ).all()
    division_labels = {code: f"{code} — {label}" if label else code for code, label, _n, _a in by_division}
    return ContractFigures(
        count=int(total[0]),
        amount=as_decimal(total[1]),
        with_social_count=int(total[2]),
        with_social_amount=as_decimal(total[3]),
        social_count_share=share(total[2], total[0]),
        social_amount_share=share(total[3], total[1]),
        with_environmental_count=int(total[4]),
        with_environmental_amount=as_decimal(total[5]),
        environmental_count_share=share(total[4], total[0]),
        environmental_amount_share=share(total[5], total[1]),
        by_clause_kind=_lines(by_kind, ClauseKind.label_of),
        by_category=_lines(by_category, PurchaseCategory.label_of),
        by_territory=_lines(((name, n, a) for name, n, a in by_territory), lambda name: name),
        by_cpv_division=_lines(((c, n, a) for c, _l, n, a in by_division), division_labels.get),
    )


# --- hours ------------------------------------------------------------------------------------------


def _sum_hours(*conditions) -> Decimal:
    return as_decimal(
        db.session.scalar(select(func.coalesce(func.sum(HourEntry.hours), 0)).where(*conditions))
    )


def _hours_by(column, join=None, *, buyer_id, year):
    statement = select(
        column, func.count(distinct(HourEntry.participant_id)), func.sum(HourEntry.hours)
    ).select_from(HourEntry)
    for target, condition in join or ():
        statement = statement.outerjoin(target, condition)
    return db.session.execute(statement.where(*hours_in_year(buyer_id, year)).group_by(column)).all()


def _contract_hours_select(buyer_id: int | None, year: int):
    """One row per contract in execution during ``year`` that carries a clause: commitment, allotment, hours."""
    commitment = commitments().subquery()
    hour_year = year_of(HourEntry.month)
    realized = (
        select(
            Clause.contract_id,
            func.sum(case((hour_year == year, HourEntry.hours), else_=0)).label("in_year"),
            func.sum(HourEntry.hours).label("to_date"),
        )
        .join(Clause, Clause.id == HourEntry.clause_id)
        .where(hour_year <= year)
        .group_by(Clause.contract_id)
        .subquery()
    )
    return (
        select(
            Contract.id.label("contract_id"),
            Contract.reference,
            Contract.object,
            commitment.c.commitment,
            allotted(commitment.c.commitment, year).label("allotted"),
            func.coalesce(realized.c.in_year, 0).label("realized"),
            func.coalesce(realized.c.to_date, 0).label("realized_to_date"),
        )
        .join(commitment, commitment.c.contract_id == Contract.id)
        .outerjoin(realized, realized.c.contract_id == Contract.id)
        .where(*live_contracts(buyer_id), active_in_year(year))
    )


def _hundredth(value) -> Decimal | None:
    return None if value is None else rounded(Decimal(str(value)), 2)


def _contract_hours(per_contract) -> tuple[ContractHours, ...]:
    rows = db.session.execute(per_contract.order_by(Contract.reference, Contract.id)).all()
    return tuple(
        ContractHours(
            contract_id=row.contract_id,
            reference=row.reference,
            object=row.object,
            commitment=_hundredth(row.commitment),
            planned=_hundredth(row.allotted),
            realized=as_decimal(row.realized),
            realized_to_date=as_decimal(row.realized_to_date),
            # Rates over the hours as shown (to the hundredth): the same on both engines, and as printed.
            realization_rate=share(row.realized, _hundredth(row.allotted)) if row.commitment is not None else None,
            cumulative_rate=share(row.realized_to_date, _hundredth(row.commitment)),
        )
        for row in rows
    )


def _hours_figures(buyer_id: int | None, year: int) -> HoursFigures:
    per_contract = _contract_hours_select(buyer_id, year)
    rows = per_contract.subquery()
    committed = rows.c.commitment.is_not(None)
    planned, commitment, realized_committed, realized_to_date = db.session.execute(
        select(
            func.coalesce(func.sum(rows.c.allotted), 0),
            func.coalesce(func.sum(rows.c.commitment), 0),
            func.coalesce(func.sum(case((committed, rows.c.realized), else_=0)), 0),
            func.coalesce(func.sum(case((committed, rows.c.realized_to_date), else_=0)), 0),
        )
    ).one()
    planned, commitment = _hundredth(planned), _hundredth(commitment)
    realized_committed, realized_to_date = as_decimal(realized_committed), as_decimal(realized_to_date)
    realized = _sum_hours(*hours_in_year(buyer_id, year))
    live = HourEntry.clause_id.in_(live_clause_ids(buyer_id))
    cumulated = _sum_hours(live, year_of(HourEntry.month) <= year)
    first_year = db.session.scalar(
        select(func.min(year_of(HourEntry.month))).where(live, year_of(HourEntry.month) <= year)
    )
    by_modality = _hours_by(HourEntry.modality, buyer_id=buyer_id, year=year)
    by_employer = _hours_by(
        Company.kind, [(Company, Company.id == HourEntry.employer_id)], buyer_id=buyer_id, year=year
    )
    by_territory = _hours_by(
        Territory.name,
        [
            (Clause, Clause.id == HourEntry.clause_id),
            (Contract, Contract.id == Clause.contract_id),
            (Territory, Territory.id == Contract.territory_id),
        ],
        buyer_id=buyer_id,
        year=year,
    )
    public = _hours_by_public(buyer_id, year)
    return HoursFigures(
        **public,
        **_companies_engaged(buyer_id, year),
        planned=planned,
        commitment=commitment,
        realized=realized,
        realized_committed=realized_committed,
        realized_uncommitted=realized - realized_committed,
        realized_to_date=realized_to_date,
        realization_rate=share(realized_committed, planned),
        cumulative_rate=share(realized_to_date, commitment),
        fte=fte(realized),
        cumulated=cumulated,
        first_year=None if first_year is None else int(first_year),
        by_modality=_lines(by_modality, Modality.label_of),
        by_employer_kind=_lines(by_employer, StructureKind.label_of),
        by_territory=_lines(by_territory, lambda name: name),
        by_contract=_contract_hours(per_contract),
    )


AGE_BANDS = ("under_26", "26_49", "50_plus")


def _age_band_labels() -> dict[str, str]:
    return {"under_26": _("Moins de 26 ans"), "26_49": _("26 à 49 ans"), "50_plus": _("50 ans et plus")}


def _hours_by_public(buyer_id: int | None, year: int) -> dict:
    """Hours (and people) by eligibility criterion, gender, age band, QPV residence, qualification, contract."""
    person = [(Participant, Participant.id == HourEntry.participant_id)]

    def by(column, labeller, order, join=person):
        rows = _hours_by(column, join, buyer_id=buyer_id, year=year)
        lines = _lines(rows, labeller)
        position = {code: index for index, code in enumerate(order)}
        return tuple(sorted(lines, key=lambda line: position.get(line.code, len(order))))

    qpv = case((Participant.is_qpv_resident, "qpv"), else_="not_qpv")
    qpv_labels = {
        "qpv": _("Résident d'un quartier prioritaire (QPV)"),
        "not_qpv": _("Hors quartier prioritaire"),
    }
    criterion_join = [
        *person,
        (ParticipantEligibility, ParticipantEligibility.participant_id == Participant.id),
    ]
    return {
        "by_criterion": by(ParticipantEligibility.criterion, Eligibility.label_of, Eligibility.codes(), criterion_join),
        "by_gender": by(Participant.gender, Gender.label_of, Gender.codes()),
        "by_age_band": by(age_band(year), _age_band_labels().get, list(AGE_BANDS)),
        "by_qpv": by(qpv, qpv_labels.get, list(qpv_labels)),
        "by_qualification": by(Participant.qualification_level, QualificationLevel.label_of, QualificationLevel.codes()),
        "by_contract_type": by(HourEntry.contract_type, ContractType.label_of, ContractType.codes(), ()),
    }  # fmt: skip


def _companies_engaged(buyer_id: int | None, year: int) -> dict:
    """Holders of the contracts that delivered hours, employers, and inclusion structures mobilised by kind."""
    in_year = hours_in_year(buyer_id, year)
    contracts_with_hours = (
        select(Clause.contract_id).join(HourEntry, HourEntry.clause_id == Clause.id).where(*in_year)
    )
    holders = db.session.scalar(
        select(func.count(distinct(ContractHolder.company_id))).where(
            ContractHolder.contract_id.in_(contracts_with_hours)
        )
    )
    employers = db.session.scalar(select(func.count(distinct(HourEntry.employer_id))).where(*in_year))
    kinds = [str(kind) for kind in INCLUSION_STRUCTURE_KINDS]
    structures = db.session.execute(
        select(Company.kind, func.count(distinct(HourEntry.employer_id)), func.sum(HourEntry.hours))
        .join(Company, Company.id == HourEntry.employer_id)
        .where(*in_year, Company.kind.in_(kinds))
        .group_by(Company.kind)
    ).all()
    return {
        "holders_engaged": int(holders or 0),
        "employers_engaged": int(employers or 0),
        "inclusion_structures": _lines(structures, StructureKind.label_of),
    }


# --- participants -----------------------------------------------------------------------------------


def _participant_counts(column, *, buyer_id, year, join=None):
    statement = select(column, func.count(distinct(Participant.id))).select_from(Participant)
    if join is not None:
        statement = statement.join(*join)
    return db.session.execute(
        statement.where(Participant.id.in_(participants_in_year(buyer_id, year))).group_by(column)
    ).all()


def _participant_figures(buyer_id: int | None, year: int) -> ParticipantFigures:
    counted = Participant.id.in_(participants_in_year(buyer_id, year))
    exits = latest_exits().subquery()
    count, qpv = db.session.execute(
        select(
            func.count(Participant.id),
            func.coalesce(func.sum(case((Participant.is_qpv_resident, 1), else_=0)), 0),
        ).where(counted)
    ).one()
    outcomes = db.session.execute(
        select(exits.c.status, func.count())
        .select_from(exits)
        .where(exits.c.participant_id.in_(participants_in_year(buyer_id, year)))
        .group_by(exits.c.status)
    ).all()
    without_outcome = int(count) - sum(int(n) for _s, n in outcomes)
    outcome_lines = _count_lines(outcomes, OutcomeStatus.label_of, OutcomeStatus.codes())
    if without_outcome:
        outcome_lines += (
            Line("none", _("Sortie pas encore connue (parcours en cours ou à renseigner)"), without_outcome),
        )
    by_status = {line.code: line.count for line in outcome_lines}
    positive = sum(by_status.get(str(code), 0) for code in POSITIVE_EXITS)
    known = sum(by_status.get(str(code), 0) for code in KNOWN_EXITS)
    band_labels = _age_band_labels()
    return ParticipantFigures(
        count=int(count),
        by_gender=_count_lines(
            _participant_counts(Participant.gender, buyer_id=buyer_id, year=year),
            Gender.label_of,
            Gender.codes(),
        ),
        by_age_band=_count_lines(
            _participant_counts(age_band(year), buyer_id=buyer_id, year=year),
            band_labels.get,
            list(band_labels),
        ),
        by_eligibility=_count_lines(
            _participant_counts(
                ParticipantEligibility.criterion,
                buyer_id=buyer_id,
                year=year,
                join=(ParticipantEligibility, ParticipantEligibility.participant_id == Participant.id),
            ),
            Eligibility.label_of,
            Eligibility.codes(),
        ),
        by_qualification=_count_lines(
            _participant_counts(Participant.qualification_level, buyer_id=buyer_id, year=year),
            QualificationLevel.label_of,
            QualificationLevel.codes(),
        ),
        qpv_count=int(qpv),
        qpv_share=share(qpv, count),
        outcomes=outcome_lines,
        positive_exit_count=positive,
        known_exit_count=known,
        positive_exit_rate=share(positive, known),
    )


# --- inclusive suppliers ------------------------------------------------------------------------------


def _inclusive_figures(buyer_id: int | None, year: int, total_amount: Decimal) -> InclusiveFigures:
    """Contracts with at least one inclusive holder (whole amount), and the amount awarded to inclusive
    holders from their shares: a sole holder has 100 %, a joint holder the share the buyer recorded."""
    inclusive_codes = [str(kind) for kind in INCLUSIVE_KINDS]
    scope = [*live_contracts(buyer_id), notified_in(year)]
    holder_count = (
        select(ContractHolder.contract_id, func.count().label("n"))
        .group_by(ContractHolder.contract_id)
        .subquery()
    )
    effective = case(
        (ContractHolder.amount_share.is_not(None), ContractHolder.amount_share),
        (holder_count.c.n == 1, 100),
        else_=None,
    )
    holders = (
        select(
            ContractHolder.contract_id,
            Company.kind,
            func.round(Contract.amount_excl_tax * effective / 100, 2).label("awarded"),
            effective.label("share"),
        )
        .join(Company, Company.id == ContractHolder.company_id)
        .join(holder_count, holder_count.c.contract_id == ContractHolder.contract_id)
        .join(Contract, Contract.id == ContractHolder.contract_id)
        .where(*scope, Company.kind.in_(inclusive_codes))
        .subquery()
    )
    count, amount = db.session.execute(
        select(func.count(Contract.id), contract_amount()).where(
            *scope, Contract.id.in_(select(holders.c.contract_id))
        )
    ).one()
    awarded = as_decimal(
        db.session.scalar(
            select(func.coalesce(func.sum(holders.c.awarded), 0)).where(holders.c.share.is_not(None))
        )
    )
    unknown_count, unknown_amount = db.session.execute(
        select(func.count(Contract.id), contract_amount()).where(
            Contract.id.in_(select(holders.c.contract_id).where(holders.c.share.is_(None)))
        )
    ).one()
    by_kind = db.session.execute(
        select(holders.c.kind, func.count(distinct(holders.c.contract_id)), func.sum(holders.c.awarded))
        .where(holders.c.share.is_not(None))
        .group_by(holders.c.kind)
    ).all()
    return InclusiveFigures(
        count=int(count),
        amount=as_decimal(amount),
        amount_share=share(amount, total_amount),
        awarded_amount=rounded(awarded, 2),
        awarded_share=share(rounded(awarded, 2), total_amount),
        unknown_share_count=int(unknown_count),
        unknown_share_amount=as_decimal(unknown_amount),
        by_kind=tuple(
            Line(line.code, line.label, line.count, rounded(line.value, 2))
            for line in _lines(by_kind, StructureKind.label_of)
        ),
    )


def meat_fish_figures(food) -> MeatFishFigures:
    """EGalim share of the meat and fish families, as ma-cantine reports it (Code rural L230-5-1)."""
    amounts = [food.by_family[family] for family in MEAT_FISH_FAMILIES if family in food.by_family]
    total = sum((a.total for a in amounts), ZERO)
    egalim = sum((a.egalim for a in amounts), ZERO)
    return MeatFishFigures(tuple(MEAT_FISH_FAMILIES), total, egalim, share(egalim, total), MEAT_FISH_TARGET)


def compute_indicators(buyer_id: int | None, year: int, *, now: datetime | None = None) -> Indicators:
    """Compute the report's figures for ``buyer_id`` (None: all buyers together) and ``year``."""
    buyer = db.session.get(Buyer, buyer_id) if buyer_id is not None else None
    if buyer_id is not None and buyer is None:
        raise LookupError(f"unknown buyer {buyer_id}")
    contracts = _contract_figures(buyer_id, year)
    hours = _hours_figures(buyer_id, year)
    participants = _participant_figures(buyer_id, year)
    food = food_figures(year=year, buyer_id=buyer_id)
    return Indicators(
        buyer_id=buyer_id,
        buyer_name=buyer.name if buyer else _("Tous les acheteurs"),
        buyer_siret=buyer.siret if buyer else None,
        year=year,
        extracted_at=now or datetime.now(UTC),
        contracts=contracts,
        hours=hours,
        participants=participants,
        inclusive=_inclusive_figures(buyer_id, year, contracts.amount),
        food=food,
        meat_fish=meat_fish_figures(food),
        objectives=objective_results(buyer_id, year, contracts, hours, participants, food),
        trend=trend(buyer_id, year),
        excluded=excluded(buyer_id, year),
        buyer_logo=buyer.logo if buyer else None,
    )
