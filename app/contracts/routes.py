"""Contract pages: list, export, form, page, archive; clauses. Thin views over services and queries."""

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.contracts import bp, services
from app.contracts.exports import contracts_csv, contracts_xlsx
from app.contracts.forms import ClauseForm, ContractForm, submitted_version
from app.contracts.models import Clause, Contract
from app.contracts.queries import (
    ContractFilters,
    clause_progress,
    contract_history,
    contracts_select,
    contracts_summary,
    cpv_full_code,
    cpv_label,
    load_contract,
    notification_years,
    planned_hours_by_contract,
    with_list_relations,
)
from app.core import audit
from app.core.auth import role_required
from app.core.dates import PARIS
from app.core.enums import HoursMethod, Role
from app.core.errors import ServiceError
from app.core.forms import flash_service_error, show_service_error
from app.core.pagination import paginate
from app.core.tabular import download
from app.core.transaction import discard_changes
from app.extensions import db
from app.referential.models import Buyer, Territory

READERS = (Role.OFFICER, Role.READER, Role.FACILITATOR)


def _contract_or_404(contract_id: int) -> Contract:
    return db.get_or_404(Contract, contract_id)


def _clause_or_404(clause_id: int) -> Clause:
    return db.get_or_404(Clause, clause_id)


@bp.route("/")
@role_required(*READERS)
def index():
    filters = ContractFilters.from_args(request.args)
    page = paginate(with_list_relations(contracts_select(filters)))
    return render_template(
        "contracts/list.html",
        page=page,
        filters=filters,
        summary=contracts_summary(filters),
        planned=planned_hours_by_contract([c.id for c in page.items]),
        buyers=db.session.scalars(select(Buyer).order_by(Buyer.name)).all(),
        territories=db.session.scalars(select(Territory).order_by(Territory.name)).all(),
        years=notification_years(),
    )


def _export_name(extension: str) -> str:
    return f"marches-{datetime.now(PARIS):%Y%m%d-%H%M}.{extension}"


@bp.route("/export.csv")
@role_required(*READERS)
def export_csv():
    statement = contracts_select(ContractFilters.from_args(request.args))
    return download(contracts_csv(statement), _export_name("csv"))


@bp.route("/export.xlsx")
@role_required(*READERS)
def export_xlsx():
    statement = contracts_select(ContractFilters.from_args(request.args))
    return download(contracts_xlsx(statement), _export_name("xlsx"))


MISSING_VERSION = (
    "Formulaire incomplet : la version de l'objet modifié manque ou est illisible. "
    "Rechargez la page puis saisissez de nouveau ; rien n'a été enregistré."
)


def _attach_error(form, error: ServiceError) -> None:
    """Show a service refusal next to its field (``holders-N`` is the N-th filled holder row)."""
    discard_changes()
    field = error.field or ""
    if field.startswith("holders-"):
        filled = [e for e in form.holders if (e.identifier.data or "").strip()]
        index = int(field.split("-")[1])
        if index < len(filled):
            row = filled[index]
            target = row.identifier if "SIRET" in error.message else row.company_name
            target.errors = [*target.errors, error.message]
            return
    if field == "holders":
        form.form_errors.append(error.message)
    else:
        show_service_error(form, error)


def _render_contract_form(form, contract=None, conflict=None, refused=False):
    code = form.cpv_code.data if form.cpv_code.data else None
    return render_template(
        "contracts/form.html",
        form=form,
        contract=contract,
        conflict=conflict,
        refused=refused,
        cpv_label=cpv_label(code) if code and not form.cpv_code.errors else "",
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def create():
    form = ContractForm()
    refused = False
    if request.form.get("add_holder"):
        form.add_holder_row()
    elif form.validate_on_submit():
        try:
            contract = services.create_contract(current_user, form.to_data())
        except ServiceError as error:
            _attach_error(form, error)
            refused = True
        else:
            flash(_("Marché %(ref)s enregistré.", ref=contract.reference), "success")
            return redirect(url_for("contracts.view", contract_id=contract.id))
    return _render_contract_form(form, refused=refused)


@bp.route("/<int:contract_id>/modifier", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit(contract_id: int):
    contract = _contract_or_404(contract_id)
    form = ContractForm(current_buyer_id=contract.buyer_id)
    conflict = None
    refused = False
    if request.method == "GET":
        form.fill_from(contract)
    elif request.form.get("add_holder"):
        form.add_holder_row()
    elif form.validate_on_submit():
        expected = submitted_version(form.version)
        try:
            if expected is None:
                raise ServiceError(_(MISSING_VERSION))
            services.update_contract(current_user, contract, form.to_data(), expected_version=expected)
        except services.StaleContractError as error:
            discard_changes()
            conflict = audit.describe_changes("Contract", error.changes)
            form.version.data = contract.version
        except StaleDataError:
            discard_changes()
            conflict = []
            form.version.data = contract.version
        except ServiceError as error:
            _attach_error(form, error)
            refused = True
        else:
            flash(_("Marché %(ref)s enregistré.", ref=contract.reference), "success")
            if services.clauses_off_their_basis(contract):
                flash(_("Le montant a changé : vérifiez les heures calculées des clauses."), "warning")
                return redirect(url_for("contracts.amendment", contract_id=contract.id))
            return redirect(url_for("contracts.view", contract_id=contract.id))
    return _render_contract_form(form, contract, conflict, refused)


@bp.route("/<int:contract_id>/avenant", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def amendment(contract_id: int):
    """After an amendment: what the formula now gives, and the officer's choice to keep or update."""
    contract = _contract_or_404(contract_id)
    if request.method == "POST":
        decision, _sep, clause_id = (request.form.get("decision") or "").partition("-")
        clause = next((c for c in contract.clauses if str(c.id) == clause_id), None)
        if clause is None or decision not in ("keep", "update"):
            abort(400)
        try:
            services.settle_clause_basis(current_user, clause, update=decision == "update")
        except ServiceError as error:
            discard_changes()
            flash(error.message, "danger")
        else:  # the request's commit point (app.core.transaction) saves it
            flash(_("Heures de la clause enregistrées."), "success")
        return redirect(url_for("contracts.amendment", contract_id=contract.id))
    return render_template(
        "contracts/amendment.html", contract=contract, stale=services.clauses_off_their_basis(contract)
    )


@bp.route("/<int:contract_id>")
@role_required(*READERS)
def view(contract_id: int):
    contract = load_contract(contract_id) or abort(404)
    return render_template(
        "contracts/view.html",
        contract=contract,
        progress=clause_progress(contract),
        history=audit.describe(contract_history(contract)),
        cpv_label=cpv_label(contract.cpv_code),
        cpv_full=cpv_full_code(contract.cpv_code),
        can_write=current_user.has_role(Role.OFFICER),
    )


@bp.route("/<int:contract_id>/archiver", methods=["POST"])
@role_required(Role.OFFICER)
def archive(contract_id: int):
    contract = _contract_or_404(contract_id)
    services.archive_contract(current_user, contract)
    flash(
        _(
            "Marché %(ref)s archivé : il n'apparaît plus dans les listes ni les rapports.",
            ref=contract.reference,
        ),
        "success",
    )
    return redirect(url_for("contracts.view", contract_id=contract.id))


@bp.route("/<int:contract_id>/restaurer", methods=["POST"])
@role_required(Role.OFFICER)
def restore(contract_id: int):
    contract = _contract_or_404(contract_id)
    services.restore_contract(current_user, contract)
    flash(_("Marché %(ref)s restauré.", ref=contract.reference), "success")
    return redirect(url_for("contracts.view", contract_id=contract.id))


def _clause_form_response(form, contract, clause=None):
    """Save the clause, or (« Calculer » button) only show the computed hours."""
    preview = None
    refused = False
    if request.form.get("preview") and form.validate_on_submit():
        method = form.hours_method.data
        if method == HoursMethod.MANUAL:
            form.planned_hours.errors = [_("Choisissez une méthode de calcul pour utiliser le calculateur.")]
        else:
            try:
                preview = services.compute_planned_hours(
                    method,
                    contract.amount_excl_tax,
                    labour_share=form.labour_share.data,
                    insertion_rate=form.insertion_rate.data,
                    hourly_cost=form.hourly_cost.data,
                    euros_per_hour=form.euros_per_hour.data,
                )
            except ServiceError as error:
                form.form_errors.append(error.message)
    elif form.validate_on_submit():
        try:
            if clause is None:
                services.add_clause(current_user, contract, form.to_data())
            else:
                expected = submitted_version(form.version)
                if expected is None:
                    raise ServiceError(_(MISSING_VERSION))
                services.update_clause(current_user, clause, form.to_data(), expected_version=expected)
                db.session.flush()  # a concurrent commit since the check: StaleDataError
        except (ServiceError, StaleDataError) as error:
            discard_changes()
            if isinstance(error, StaleDataError):
                error = ServiceError(_(services.STALE_CLAUSE))
            show_service_error(form, error)
            refused = True
        else:
            flash(_("Clause enregistrée."), "success")
            return redirect(url_for("contracts.view", contract_id=contract.id, _anchor="clauses"))
    return render_template(
        "contracts/clause_form.html",
        form=form,
        contract=contract,
        clause=clause,
        preview=preview,
        refused=refused,
    )


@bp.route("/<int:contract_id>/clauses/nouvelle", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def add_clause(contract_id: int):
    contract = _contract_or_404(contract_id)
    return _clause_form_response(ClauseForm(), contract)


@bp.route("/clauses/<int:clause_id>/modifier", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def edit_clause(clause_id: int):
    clause = _clause_or_404(clause_id)
    form = ClauseForm()
    if request.method == "GET":
        form.fill_from(clause)
    return _clause_form_response(form, clause.contract, clause)


@bp.route("/clauses/<int:clause_id>/supprimer", methods=["POST"])
@role_required(Role.OFFICER)
def delete_clause(clause_id: int):
    clause = _clause_or_404(clause_id)
    contract_id = clause.contract_id
    try:
        services.remove_clause(current_user, clause)
    except ServiceError as error:
        flash_service_error(error)
    else:
        flash(_("Clause supprimée."), "success")
    return redirect(url_for("contracts.view", contract_id=contract_id, _anchor="clauses"))
