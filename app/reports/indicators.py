"""Every figure of the annual SPASER report for a buyer (or all buyers) and a year, in SQL aggregates.

Rules (domain.md section 6): contracts count in the year of their notification date; hours and food
purchases in the year of their month or date; archived contracts count nowhere, nor do their clauses'
hours. Planned hours are those of the clauses of contracts whose execution period overlaps the year.
"""

from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, distinct, exists, func, or_, select

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
from app.objectives.models import Objective
from app.participants.models import Outcome, Participant, ParticipantEligibility
from app.referential.models import Buyer, Company, CpvCode, Territory
from app.reports.figures import (
    ContractFigures,
    ContractHours,
    Exclusion,
    HoursFigures,
    InclusiveFigures,
    Indicators,
    Line,
    ObjectiveResult,
    ParticipantFigures,
    TrendPoint,
)
from app.reports.indicator_sql import (
    active_in_year,
    age_band,
    hours_in_year,
    live_clause_ids,
    live_contracts,
    notified_in,
    participants_in_year,
    year_of,
)

__all__ = ["compute_indicators", "Indicators"]

TREND_YEARS = 5
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


def _has_clause():
    return exists().where(Clause.contract_id == Contract.id)


def _amount():
    return func.coalesce(func.sum(Contract.amount_excl_tax), 0)


def _contract_figures(buyer_id: int | None, year: int) -> ContractFigures:
    scope = [*live_contracts(buyer_id), notified_in(year)]
    social = case((_has_clause(), 1), else_=0)
    total = db.session.execute(
        select(
            func.count(Contract.id),
            _amount(),
            func.coalesce(func.sum(social), 0),
            func.coalesce(func.sum(case((_has_clause(), Contract.amount_excl_tax), else_=0)), 0),
        ).where(*scope)
    ).one()
    kinds = select(Clause.contract_id, Clause.kind).distinct().subquery()
    by_kind = db.session.execute(
        select(kinds.c.kind, func.count(Contract.id), _amount())
        .join(kinds, kinds.c.contract_id == Contract.id)
        .where(*scope)
        .group_by(kinds.c.kind)
    ).all()
    by_category = db.session.execute(
        select(Contract.category, func.count(Contract.id), _amount())
        .where(*scope)
        .group_by(Contract.category)
    ).all()
    by_territory = db.session.execute(
        select(Territory.name, func.count(Contract.id), _amount())
        .outerjoin(Territory, Territory.id == Contract.territory_id)
        .where(*scope)
        .group_by(Territory.name)
    ).all()
    division = func.substr(Contract.cpv_code, 1, 2)
    divisions = (
        select(division.label("division"), func.count(Contract.id).label("n"), _amount().label("amount"))
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
    first_year = db.session.scalar(select(func.min(year_of(HourEntry.month))).where(live))
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
        select(func.count(Contract.id), _amount()).where(
            *scope, Contract.id.in_(select(holder_kinds.c.contract_id))
        )
    ).one()
    by_kind = db.session.execute(
        select(holder_kinds.c.kind, func.count(Contract.id), _amount())
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


# --- objectives, trend, exclusions --------------------------------------------------------------------


def _objective_results(buyer_id, year, contracts, hours, participants, food) -> tuple[ObjectiveResult, ...]:
    if buyer_id is None:
        return ()
    objective = db.session.scalar(
        select(Objective).where(Objective.buyer_id == buyer_id, Objective.year == year)
    )
    if objective is None:
        return ()
    overall = food.overall
    candidates = (
        ("social_contract_count_share", _("Marchés comportant une considération sociale (en nombre)"),
         _("Marchés avec clause (nombre)"), "percent", contracts.social_count_share),
        ("social_contract_amount_share", _("Marchés comportant une considération sociale (en montant)"),
         _("Marchés avec clause (montant)"), "percent", contracts.social_amount_share),
        ("insertion_hours", _("Heures d'insertion réalisées"), _("Heures d'insertion"), "hours", hours.realized),
        ("participants", _("Participants ayant travaillé dans l'année"), _("Participants"), "count",
         Decimal(participants.count)),
        ("short_circuit_share", _("Achats alimentaires en circuit court"), _("Circuit court"), "percent",
         overall.short_circuit_share),
        ("local_share", _("Achats alimentaires locaux"), _("Local / de proximité"), "percent", overall.local_share),
        ("organic_share", _("Achats alimentaires biologiques"), _("Agriculture biologique"), "percent",
         overall.organic_share),
        ("egalim_share", _("Achats alimentaires durables et de qualité (EGalim)"), _("EGalim"), "percent",
         overall.egalim_share),
    )  # fmt: skip
    results = []
    for code, label, short_label, unit, achieved in candidates:
        target = getattr(objective, code)
        if target is None:
            continue
        target = as_decimal(target)
        reached = achieved is not None and achieved >= target
        results.append(ObjectiveResult(code, label, unit, target, achieved, reached, short_label))
    return tuple(results)


def _trend(buyer_id: int | None, year: int) -> tuple[TrendPoint, ...]:
    first = year - TREND_YEARS + 1
    notified_year = year_of(Contract.notified_on)
    contracts = {
        int(y): (n, amount, social)
        for y, n, amount, social in db.session.execute(
            select(
                notified_year, func.count(Contract.id), _amount(), func.sum(case((_has_clause(), 1), else_=0))
            )
            .where(*live_contracts(buyer_id), notified_year.between(first, year))
            .group_by(notified_year)
        )
    }
    hour_year = year_of(HourEntry.month)
    hours = {
        int(y): (total, people)
        for y, total, people in db.session.execute(
            select(hour_year, func.sum(HourEntry.hours), func.count(distinct(HourEntry.participant_id)))
            .where(HourEntry.clause_id.in_(live_clause_ids(buyer_id)), hour_year.between(first, year))
            .group_by(hour_year)
        )
    }
    points = []
    for y in range(first, year + 1):
        food = food_figures(year=y, buyer_id=buyer_id).overall
        n, amount, social = contracts.get(y, (0, 0, 0))
        total, people = hours.get(y, (0, 0))
        points.append(
            TrendPoint(y, int(n), as_decimal(amount), share(social, n), as_decimal(total), int(people),
                       food.egalim_share, food.organic_share)
        )  # fmt: skip
    # Leading years without any data are left out: the trend starts where the records do.
    while len(points) > 1 and not (
        points[0].contract_count or points[0].realized_hours or points[0].egalim_share is not None
    ):
        points.pop(0)
    return tuple(points)


def _excluded(buyer_id: int | None, year: int) -> tuple[Exclusion, ...]:
    def count(statement) -> int:
        return int(db.session.scalar(statement) or 0)

    live = live_contracts(buyer_id)
    in_year = [*live, notified_in(year)]
    owned = [] if buyer_id is None else [Contract.buyer_id == buyer_id]
    clause_scope = select(func.count(Clause.id)).join(Contract, Contract.id == Clause.contract_id)
    entries_archived = (
        select(func.count(HourEntry.id))
        .join(Clause, Clause.id == HourEntry.clause_id)
        .join(Contract, Contract.id == Clause.contract_id)
        .where(*owned, Contract.archived_at.is_not(None), year_of(HourEntry.month) == year)
    )
    counted = Participant.id.in_(participants_in_year(buyer_id, year))
    reasons = (
        ("contracts_without_notification_date", _("Marchés sans date de notification : comptés dans aucune année"),
         count(select(func.count(Contract.id)).where(*live, Contract.notified_on.is_(None)))),
        ("contracts_without_amount", _("Marchés notifiés dans l'année sans montant : absents des montants"),
         count(select(func.count(Contract.id)).where(*in_year, Contract.amount_excl_tax.is_(None)))),
        ("contracts_without_category", _("Marchés notifiés dans l'année sans code CPV : absents de la répartition par catégorie"),
         count(select(func.count(Contract.id)).where(*in_year, Contract.category.is_(None)))),
        ("contracts_without_territory", _("Marchés notifiés dans l'année sans territoire : absents de la répartition par territoire"),
         count(select(func.count(Contract.id)).where(*in_year, Contract.territory_id.is_(None)))),
        ("clauses_without_execution_period", _("Clauses de marchés sans date de notification ou sans durée : heures prévues non comptées"),
         count(clause_scope.where(*live, or_(Contract.notified_on.is_(None), Contract.duration_months.is_(None))))),
        ("clauses_without_planned_hours", _("Clauses en exécution dans l'année sans heures prévues : absentes des heures prévues et du taux de réalisation"),
         count(clause_scope.where(*live, active_in_year(year), Clause.planned_hours.is_(None)))),
        ("archived_contracts", _("Marchés archivés notifiés dans l'année : exclus de tous les chiffres"),
         count(select(func.count(Contract.id)).where(*owned, Contract.archived_at.is_not(None), notified_in(year)))),
        ("hour_entries_on_archived_contracts", _("Saisies d'heures de l'année sur des marchés archivés : exclues"),
         count(entries_archived)),
        ("participants_without_birth_year", _("Participants sans année de naissance : absents des tranches d'âge"),
         count(select(func.count(Participant.id)).where(counted, Participant.birth_year.is_(None)))),
        ("participants_without_qualification", _("Participants sans niveau de qualification renseigné"),
         count(select(func.count(Participant.id)).where(counted, Participant.qualification_level.is_(None)))),
    )  # fmt: skip
    return tuple(Exclusion(code, label, n) for code, label, n in reasons)


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
        objectives=_objective_results(buyer_id, year, contracts, hours, participants, food),
        trend=_trend(buyer_id, year),
        excluded=_excluded(buyer_id, year),
    )
