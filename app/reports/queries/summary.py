"""Objectives against achievements, the trend over previous years, and the records left out for missing data."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, or_, select

from app.contracts.models import Clause, Contract
from app.core.figures import as_decimal, share
from app.extensions import db
from app.food.queries import food_figures
from app.hours.models import HourEntry
from app.objectives.models import Objective
from app.participants.models import Participant
from app.reports.queries.filters import (
    active_in_year,
    contract_amount,
    has_clause,
    live_clause_ids,
    live_contracts,
    notified_in,
    participants_in_year,
    year_of,
)
from app.reports.queries.results import Exclusion, ObjectiveResult, TrendPoint

TREND_YEARS = 5


def objective_results(buyer_id, year, contracts, hours, participants, food) -> tuple[ObjectiveResult, ...]:
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


def trend(buyer_id: int | None, year: int) -> tuple[TrendPoint, ...]:
    first = year - TREND_YEARS + 1
    notified_year = year_of(Contract.notified_on)
    contracts = {
        int(y): (n, amount, social)
        for y, n, amount, social in db.session.execute(
            select(
                notified_year,
                func.count(Contract.id),
                contract_amount(),
                func.sum(case((has_clause(), 1), else_=0)),
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


def excluded(buyer_id: int | None, year: int) -> tuple[Exclusion, ...]:
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
