"""Participants: list and search, record, edit, outcomes, right of access and erasure, retention setting."""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.auth import role_required
from app.core.dates import today_paris
from app.core.enums import Eligibility, Gender, QualificationLevel, Role
from app.core.errors import ServiceError
from app.core.figures import fte
from app.core.forms import attach_service_error, flash_service_error
from app.core.pagination import paginate
from app.core.redirects import redirect_next
from app.core.tabular import download
from app.extensions import db
from app.hours import queries as hour_queries
from app.hours.exports import export_response
from app.hours.services.access import loggable_clause_ids
from app.participants import bp, queries, services
from app.participants.forms import EraseForm, OutcomeForm, ParticipantForm, RetentionForm
from app.participants.models import Outcome, Participant
from app.referential.queries import commune_name


def _facilitator_scope():
    """A facilitator's due outcomes are those of people who worked on their clauses; admins see all."""
    return loggable_clause_ids(current_user)


def _participant(participant_id: int) -> Participant:
    return db.get_or_404(Participant, participant_id)


# Statistical columns only: names and contact details never leave the application in an export.
EXPORT_HEADER = [
    "Code",
    "Genre",
    "Année de naissance",
    "Niveau de qualification",
    "Résident QPV",
    "Code commune",
    "Commune",
    "Critères d'éligibilité",
]


def _export(statement, fmt: str):
    rows = [
        [
            p.code,
            Gender.label_of(p.gender),
            p.birth_year,
            QualificationLevel.label_of(p.qualification_level),
            p.is_qpv_resident,
            p.commune_code,
            commune_name(p.commune_code),
            ", ".join(p.criteria),
        ]
        for p in db.session.scalars(statement)
    ]
    name = f"beneficiaires-{today_paris():%Y-%m-%d}.{fmt}"
    return export_response(name, EXPORT_HEADER, rows, "Bénéficiaires")


@bp.route("/")
@role_required(Role.FACILITATOR)
def index():
    search = request.args.get("q", "").strip()
    criterion = request.args.get("critere", "")
    criterion = criterion if criterion in Eligibility.codes() else ""
    gender = request.args.get("genre", "")
    gender = gender if gender in Gender.codes() else ""
    statement = queries.participant_search(search, criterion, gender)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        return _export(statement, fmt)
    return render_template(
        "participants/index.html",
        page=paginate(statement),
        search=search,
        criterion=criterion,
        gender=gender,
        due_count=queries.outcomes_due_count(scope=_facilitator_scope()),
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def create():
    form = ParticipantForm()
    if form.validate_on_submit():
        try:
            participant = services.create_participant(current_user, form.to_data())
        except ServiceError as error:
            attach_service_error(form, error, fallback=form.gender)
        else:
            flash(_("Bénéficiaire %(code)s créé.", code=participant.code), "success")
            return redirect(url_for("participants.detail", participant_id=participant.id))
    return render_template("participants/form.html", form=form, participant=None)


@bp.route("/<int:participant_id>")
@role_required(Role.FACILITATOR)
def detail(participant_id: int):
    participant = _participant(participant_id)
    by_clause = hour_queries.hours_of_participant_by_clause(participant.id)
    totals = db.session.execute(
        hour_queries.participant_totals_select().where(Participant.id == participant.id)
    ).first()
    return render_template(
        "participants/detail.html",
        participant=participant,
        by_clause=by_clause,
        totals=totals,
        fte=fte(totals.hours) if totals else None,
        outcome_form=OutcomeForm(data={"observed_on": today_paris()}),
        erase_form=EraseForm(),
        commune=commune_name(participant.commune_code),
        last_month=services.last_hours_month(participant),
    )


@bp.route("/<int:participant_id>/modifier", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def edit(participant_id: int):
    participant = _participant(participant_id)
    identity = participant.identity
    initial = None
    if request.method == "GET":
        initial = {
            "gender": participant.gender,
            "birth_year": participant.birth_year,
            "qualification_level": participant.qualification_level or "",
            "is_qpv_resident": participant.is_qpv_resident,
            "commune_code": participant.commune_code or "",
            "criteria": participant.criteria,
            "other_eligibility_reason": participant.other_eligibility_reason,
        }
        if identity is not None:
            initial.update({name: getattr(identity, name) for name in services.IDENTITY_FIELDS})
    form = ParticipantForm(data=initial)
    if form.validate_on_submit():
        try:
            services.update_participant(current_user, participant, form.to_data())
        except ServiceError as error:
            attach_service_error(form, error, fallback=form.gender)
        else:
            flash(_("Bénéficiaire %(code)s enregistré.", code=participant.code), "success")
            return redirect(url_for("participants.detail", participant_id=participant.id))
    return render_template("participants/form.html", form=form, participant=participant)


@bp.route("/<int:participant_id>/sorties", methods=["POST"])
@role_required(Role.FACILITATOR)
def record_outcome(participant_id: int):
    participant = _participant(participant_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_outcome(
                current_user, participant, form.status.data, form.observed_on.data, form.notes.data
            )
        except ServiceError as error:
            flash_service_error(error)
        else:
            flash(_("Sortie enregistrée pour %(code)s.", code=participant.code), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    return redirect_next("participants.detail", participant_id=participant.id)


@bp.route("/sorties/<int:outcome_id>/suppression", methods=["POST"])
@role_required(Role.FACILITATOR)
def delete_outcome(outcome_id: int):
    outcome = db.get_or_404(Outcome, outcome_id)
    participant_id = outcome.participant_id
    services.delete_outcome(current_user, outcome)
    flash(_("Sortie supprimée."), "success")
    return redirect(url_for("participants.detail", participant_id=participant_id))


@bp.route("/sorties-a-renseigner")
@role_required(Role.FACILITATOR)
def outcomes_due():
    return render_template(
        "participants/outcomes_due.html",
        page=paginate(queries.outcomes_due_select(scope=_facilitator_scope()), rows=True),
        outcome_form=OutcomeForm(data={"observed_on": today_paris()}),
    )


@bp.route("/<int:participant_id>/export.<fmt>")
@role_required(Role.FACILITATOR)
def export_data(participant_id: int, fmt: str):
    """Right of access (GDPR art. 15): everything held on the person, identity included, for them."""
    participant = _participant(participant_id)
    if fmt not in ("json", "csv"):
        abort(404)
    data = services.export_participant_data(current_user, participant)
    name = f"donnees-{participant.code}"
    if fmt == "json":
        return download(json.dumps(data, ensure_ascii=False, indent=2), f"{name}.json", "application/json")
    rows = []
    for key, value in data.items():
        if key == "identite":
            rows.extend(["identite", k, v] for k, v in value.items())
        elif key in ("heures", "sorties"):
            for index, item in enumerate(value, start=1):
                rows.extend([f"{key} {index}", k, v] for k, v in item.items())
        else:
            rows.append(["beneficiaire", key, ", ".join(value) if isinstance(value, list) else value])
    return export_response(f"{name}.csv", ["Rubrique", "Champ", "Valeur"], rows)


@bp.route("/<int:participant_id>/effacement", methods=["POST"])
@role_required(Role.FACILITATOR)
def erase(participant_id: int):
    participant = _participant(participant_id)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            services.erase_participant_identity(current_user, participant, form.reason.data or "")
        except ServiceError as error:
            flash_service_error(error, "warning")
        else:
            flash(
                _(
                    "Identité de %(code)s effacée ; le code et les heures sont conservés.",
                    code=participant.code,
                ),
                "success",
            )
    return redirect(url_for("participants.detail", participant_id=participant.id))


@bp.route("/parametres", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings():
    form = RetentionForm(data=None if request.method == "POST" else {"years": services.retention_years()})
    if form.validate_on_submit():
        try:
            services.set_retention_years(current_user, form.years.data)
        except ServiceError as error:
            attach_service_error(form, error, fallback=form.years)
        else:
            flash(_("Durée de conservation enregistrée."), "success")
            return redirect(url_for("participants.settings"))
    to_purge = db.session.scalars(services.identities_to_purge()).all()
    return render_template(
        "participants/settings.html",
        form=form,
        to_purge=to_purge,
        cutoff=services.purge_cutoff(),
    )
