"""Follow-up of clauses, the monthly grid, and single-entry editing."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.contracts.models import Clause
from app.core.auth import role_required
from app.core.dates import first_of_month, parse_month, today_paris
from app.core.enums import ClauseKind, Modality, Role
from app.core.errors import ServiceError
from app.core.figures import fte
from app.core.formatting import month_fr
from app.core.forms import flash_service_error
from app.core.pagination import paginate
from app.core.transaction import discard_changes
from app.extensions import db
from app.hours import bp, queries
from app.hours.exports import export_response
from app.hours.forms import EntryForm
from app.hours.models import HourEntry
from app.hours.routes.grid import grid_context, rows_from_form
from app.hours.services import (
    EntryChanges,
    HoursRejected,
    delete_hour_entry,
    save_month_grid,
    update_hour_entry,
)
from app.hours.services.access import loggable_clause_ids, require_hours_access
from app.hours.services.resolve import resolve_employer, resolve_month, resolve_participant
from app.referential.models import Buyer

FOLLOW_UP_ROLES = (Role.FACILITATOR, Role.OFFICER, Role.READER)


def followup_scope(user):
    """Facilitators follow their own clauses; buyers, readers and admins see every clause."""
    return loggable_clause_ids(user) if user.role == Role.FACILITATOR else None


FOLLOW_UP_HEADER = [
    "Acheteur",
    "Marché",
    "Objet",
    "Clause",
    "Notifié le",
    "Fin d'exécution",
    "Heures prévues",
    "Heures réalisées",
    "Taux de réalisation (%)",
    "Heures attendues à date",
    "Écart (réalisées − attendues, négatif en cas de retard)",
]


def _followup_export(rows, fmt: str):
    data = [
        [
            r.buyer_name,
            r.reference,
            r.object,
            ClauseKind.label_of(r.kind),
            r.notified_on,
            r.ends_on,
            r.planned_hours,
            r.realized_hours,
            r.rate,
            r.expected_hours,
            None if r.gap is None else -r.gap,  # the screen's sign: realized minus expected
        ]
        for r in rows
    ]
    name = f"suivi-heures-{today_paris():%Y-%m-%d}"
    return export_response(f"{name}.{fmt}", FOLLOW_UP_HEADER, data, "Suivi des heures")


def _followup_page(behind_only: bool):
    scope = followup_scope(current_user)
    search = request.args.get("q", "").strip()
    buyer_id = request.args.get("acheteur", type=int)
    statement = queries.filter_followup(
        queries.clause_followup_select(scope=scope), search=search, buyer_id=buyer_id, behind_only=behind_only
    )
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        return _followup_export(queries.followup_rows(statement), fmt)
    buyers = db.session.scalars(select(Buyer).where(Buyer.is_active).order_by(Buyer.name)).all()
    return render_template(
        "hours/followup.html",
        page=paginate(statement, rows=True, convert=lambda row: queries.ClauseFollowUp(**row._mapping)),
        totals=queries.followup_totals(scope),
        search=search,
        buyer_id=buyer_id,
        buyers=buyers,
        behind_only=behind_only,
        can_log=current_user.has_role(Role.FACILITATOR),
        today=today_paris(),
    )


@bp.route("/")
@role_required(*FOLLOW_UP_ROLES)
def index():
    return _followup_page(behind_only=False)


@bp.route("/retards")
@role_required(*FOLLOW_UP_ROLES)
def behind():
    return _followup_page(behind_only=True)


def _grid_month(clause: Clause) -> date | None:
    """The month asked for; None when it cannot be read (never silently another month)."""
    text = request.values.get("mois", "")
    if text:
        try:
            return parse_month(text)
        except ValueError:
            return None
    return _default_grid_month(clause)


def _default_grid_month(clause: Clause) -> date:
    contract = clause.contract
    month = first_of_month(today_paris())
    if contract.notified_on and contract.ends_on:
        month = min(max(month, first_of_month(contract.notified_on)), first_of_month(contract.ends_on))
    return month


@bp.route("/clauses/<int:clause_id>/saisie", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def grid(clause_id: int):
    clause = db.get_or_404(Clause, clause_id)
    require_hours_access(current_user, clause)
    month = _grid_month(clause)
    if month is None:
        month = _default_grid_month(clause)
        if request.method == "POST":
            flash(_("Mois invalide : format AAAA-MM attendu. Rien n'a été enregistré."), "danger")
            rows = rows_from_form(request.form)
            return render_template("hours/grid.html", **grid_context(clause, month, submitted=rows)), 422
        flash(_("Mois invalide : format AAAA-MM attendu."), "warning")
    if request.method == "POST":
        rows = rows_from_form(request.form)
        try:
            entries = save_month_grid(
                current_user, clause, month, rows, merge=request.form.get("merge") == "1"
            )
        except HoursRejected as error:
            discard_changes()
            context = grid_context(clause, month, submitted=rows, errors=error.errors)
            return render_template("hours/grid.html", **context, rejected=error), 422
        except ServiceError as error:
            flash_service_error(error, "warning")
            return render_template("hours/grid.html", **grid_context(clause, month, submitted=rows)), 422
        flash(
            _("%(n)s saisie(s) enregistrée(s) pour %(month)s.", n=len(entries), month=month_fr(month)),
            "success",
        )
        return redirect(url_for("hours.grid", clause_id=clause.id, mois=f"{month:%Y-%m}"))
    return render_template("hours/grid.html", **grid_context(clause, month))


ENTRY_HEADER = [
    "Mois",
    "Acheteur",
    "Marché",
    "Bénéficiaire",
    "Employeur",
    "SIRET employeur",
    "Modalité",
    "Heures",
]


@bp.route("/saisies")
@role_required(Role.FACILITATOR)
def entries():
    scope = loggable_clause_ids(current_user)
    code = request.args.get("code", "").strip()
    clause_id = request.args.get("clause", type=int)
    month = None
    if request.args.get("mois"):
        try:
            month = resolve_month(request.args["mois"])
        except ServiceError as error:
            flash(error.message, "warning")
    statement = queries.entries_select(scope, clause_id=clause_id, participant_code=code, month=month)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        rows = [
            [
                e.month,
                e.clause.contract.buyer.name,
                e.clause.contract.reference,
                e.participant.code,
                e.employer.name,
                e.employer.identifier,
                Modality.label_of(e.modality),
                e.hours,
            ]
            for e in db.session.scalars(statement)
        ]
        name = f"heures-insertion-{today_paris():%Y-%m-%d}.{fmt}"
        return export_response(name, ENTRY_HEADER, rows, "Heures")
    return render_template(
        "hours/entries.html",
        page=paginate(statement),
        total=queries.entries_total(statement),
        code=code,
        clause_id=clause_id,
        month=request.args.get("mois", ""),
    )


def _entry_or_403(entry_id: int) -> HourEntry:
    entry = db.get_or_404(HourEntry, entry_id)
    require_hours_access(current_user, entry.clause)
    return entry


@bp.route("/saisies/<int:entry_id>", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def edit_entry(entry_id: int):
    entry = _entry_or_403(entry_id)
    form = EntryForm(
        data=None
        if request.method == "POST"
        else {
            "participant_code": entry.participant.code,
            "employer_siret": entry.employer.identifier,
            "modality": entry.modality,
            "month": f"{entry.month:%Y-%m}",
            "hours": entry.hours,
            "contract_type": entry.contract_type or "",
        }
    )
    if form.validate_on_submit():
        try:
            changes = EntryChanges(
                participant=resolve_participant(form.participant_code.data),
                employer=resolve_employer(form.employer_siret.data),
                modality=form.modality.data,
                month=resolve_month(form.month.data),
                hours=form.hours.data,
                contract_type=form.contract_type.data or None,
            )
            update_hour_entry(current_user, entry, changes)
        except ServiceError as error:
            discard_changes()
            entry = _entry_or_403(entry_id)
            for message in getattr(error, "errors", None) or [error]:
                form.hours.errors.append(getattr(message, "message", str(message)))
        else:
            flash(_("Saisie modifiée."), "success")
            return redirect(url_for("hours.grid", clause_id=entry.clause_id, mois=f"{entry.month:%Y-%m}"))
    return render_template("hours/entry_form.html", form=form, entry=entry)


@bp.route("/saisies/<int:entry_id>/suppression", methods=["POST"])
@role_required(Role.FACILITATOR)
def delete_entry(entry_id: int):
    entry = _entry_or_403(entry_id)
    clause_id, month = entry.clause_id, entry.month
    delete_hour_entry(current_user, entry)
    flash(_("Saisie supprimée."), "success")
    return redirect(url_for("hours.grid", clause_id=clause_id, mois=f"{month:%Y-%m}"))


PARTICIPANT_HEADER = [
    "Code bénéficiaire",
    "Heures",
    "Marchés",
    "Mois travaillés",
    "Premier mois",
    "Dernier mois",
    "ETP",
]


@bp.route("/beneficiaires")
@role_required(Role.FACILITATOR)
def participant_totals():
    scope = loggable_clause_ids(current_user)
    year = request.args.get("annee", type=int)
    search = request.args.get("q", "").strip()
    statement = queries.participant_totals_select(year=year, scope=scope, search=search)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        rows = [
            [
                r.code,
                r.hours,
                r.contract_count,
                r.month_count,
                r.first_month,
                r.last_month,
                fte(r.hours),
            ]
            for r in db.session.execute(statement)
        ]
        name = f"heures-par-beneficiaire-{today_paris():%Y-%m-%d}.{fmt}"
        return export_response(name, PARTICIPANT_HEADER, rows, "Bénéficiaires")
    this_year = today_paris().year
    return render_template(
        "hours/participant_totals.html",
        page=paginate(statement, rows=True),
        year=year,
        years=list(range(this_year, this_year - 8, -1)),
        search=search,
        fte=fte,
    )
