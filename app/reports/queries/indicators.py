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
    INCLUSIVE_KINDS,
    ClauseKind,
    Eligibility,
    Gender,
    Modality,
    OutcomeStatus,
    PurchaseCategory,
    QualificationLevel,
    StructureKind,
)
from app.core.figures import as_decimal, fte, share
from app.extensions import db
from app.food.queries import food_figures
from app.hours.models import HourEntry
from app.hours.queries import realized_hours_select
from app.participants.models import Outcome, Participant, ParticipantEligibility
from app.referential.models import Buyer, Company, CpvCode, Territory
from app.reports.queries.filters import (
    active_in_year,
    age_band,
    contract_amount,
    has_clause,
    hours_in_year,
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
    ParticipantFigures,
)
from app.reports.queries.summary import excluded, objective_results, trend

__all__ = ["compute_indicators", "Indicators"]

UNKNOWN = "unknown"


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
    total = db.session.execute(
        select(
            func.count(Contract.id),
            contract_amount(),
            func.coalesce(func.sum(social), 0),
            func.coalesce(func.sum(case((has_clause(), Contract.amount_excl_tax), else_=0)), 0),
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


def _contract_hours(buyer_id: int | None, year: int) -> tuple[ContractHours, ...]:
    in_year = realized_hours_select(year).subquery()
    to_date = (
        select(HourEntry.clause_id, func.sum(HourEntry.hours).label("hours"))
        .where(year_of(HourEntry.month) <= year)
        .group_by(HourEntry.clause_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Contract.id,
            Contract.reference,
            Contract.object,
            func.sum(Clause.planned_hours),
            func.coalesce(func.sum(in_year.c.realized_hours), 0),
            func.coalesce(func.sum(to_date.c.hours), 0),
        )
        .join(Clause, Clause.contract_id == Contract.id)
        .outerjoin(in_year, in_year.c.clause_id == Clause.id)
        .outerjoin(to_date, to_date.c.clause_id == Clause.id)
        .where(*live_contracts(buyer_id), active_in_year(year))
        .group_by(Contract.id, Contract.reference, Contract.object)
        .order_by(Contract.reference, Contract.id)
    ).all()
    return tuple(
        ContractHours(
            contract_id=row[0],
            reference=row[1],
            object=row[2],
            planned=None if row[3] is None else as_decimal(row[3]),
            realized=as_decimal(row[4]),
            realized_to_date=as_decimal(row[5]),
            realization_rate=share(row[5], row[3]),
        )
        for row in rows
    )


def _hours_figures(buyer_id: int | None, year: int) -> HoursFigures:
    active_clauses = (
        select(Clause.id)
        .join(Contract, Contract.id == Clause.contract_id)
        .where(*live_contracts(buyer_id), active_in_year(year))
    )
    planned = as_decimal(
        db.session.scalar(
            select(func.coalesce(func.sum(Clause.planned_hours), 0)).where(Clause.id.in_(active_clauses))
        )
    )
    realized = _sum_hours(*hours_in_year(buyer_id, year))
    planned_known = active_clauses.where(Clause.planned_hours.is_not(None))
    realized_to_date = _sum_hours(HourEntry.clause_id.in_(planned_known), year_of(HourEntry.month) <= year)
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
    return HoursFigures(
        planned=planned,
        realized=realized,
        realized_to_date=realized_to_date,
        realization_rate=share(realized_to_date, planned),
        fte=fte(realized),
        cumulated=cumulated,
        first_year=None if first_year is None else int(first_year),
        by_modality=_lines(by_modality, Modality.label_of),
        by_employer_kind=_lines(by_employer, StructureKind.label_of),
        by_territory=_lines(by_territory, lambda name: name),
        by_contract=_contract_hours(buyer_id, year),
    )


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
    count, qpv = db.session.execute(
        select(
            func.count(Participant.id),
            func.coalesce(func.sum(case((Participant.is_qpv_resident, 1), else_=0)), 0),
        ).where(counted)
    ).one()
    latest = (
        select(
            Outcome.participant_id,
            Outcome.status,
            func.row_number()
            .over(
                partition_by=Outcome.participant_id, order_by=(Outcome.observed_on.desc(), Outcome.id.desc())
            )
            .label("rank"),
        )
        .where(Outcome.participant_id.in_(participants_in_year(buyer_id, year)))
        .subquery()
    )
    outcomes = db.session.execute(
        select(latest.c.status, func.count()).where(latest.c.rank == 1).group_by(latest.c.status)
    ).all()
    without_outcome = int(count) - sum(int(n) for _s, n in outcomes)
    outcome_lines = _count_lines(outcomes, OutcomeStatus.label_of, OutcomeStatus.codes())
    if without_outcome:
        outcome_lines += (Line("none", _("Sortie pas encore renseignée"), without_outcome),)
    band_labels = {
        "under_26": _("Moins de 26 ans"),
        "26_49": _("26 à 49 ans"),
        "50_plus": _("50 ans et plus"),
    }
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
    )


# --- inclusive suppliers ------------------------------------------------------------------------------


def _inclusive_figures(buyer_id: int | None, year: int, total_amount: Decimal) -> InclusiveFigures:
    inclusive_codes = [str(kind) for kind in INCLUSIVE_KINDS]
    holder_kinds = (
        select(ContractHolder.contract_id, Company.kind)
        .join(Company, Company.id == ContractHolder.company_id)
        .where(Company.kind.in_(inclusive_codes))
        .distinct()
        .subquery()
    )
    scope = [*live_contracts(buyer_id), notified_in(year)]
    count, amount = db.session.execute(
        select(func.count(Contract.id), contract_amount()).where(
            *scope, Contract.id.in_(select(holder_kinds.c.contract_id))
        )
    ).one()
    by_kind = db.session.execute(
        select(holder_kinds.c.kind, func.count(Contract.id), contract_amount())
        .join(holder_kinds, holder_kinds.c.contract_id == Contract.id)
        .where(*scope)
        .group_by(holder_kinds.c.kind)
    ).all()
    return InclusiveFigures(
        count=int(count),
        amount=as_decimal(amount),
        amount_share=share(amount, total_amount),
        by_kind=_lines(by_kind, StructureKind.label_of),
    )


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
        objectives=objective_results(buyer_id, year, contracts, hours, participants, food),
        trend=trend(buyer_id, year),
        excluded=excluded(buyer_id, year),
    )
