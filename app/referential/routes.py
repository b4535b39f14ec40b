"""Reference data pages: buyers and territories (administrators), companies, CPV search and lookup."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from app.core.auth import authenticated, role_required
from app.core.enums import Role, StructureKind
from app.core.errors import ServiceError
from app.core.forms import show_service_error
from app.core.pagination import paginate
from app.core.search import contains, starts_with
from app.extensions import db
from app.referential import bp, services
from app.referential.forms import BuyerForm, CompanyForm, TerritoryForm
from app.referential.models import Buyer, Company, CpvCode, Territory

CPV_LOOKUP_LIMIT = 15


def _save(form, save, success: str, endpoint: str):
    """Run ``save`` (a service call) and redirect; on refusal, show the message (nothing is saved)."""
    try:
        save()
    except ServiceError as error:
        show_service_error(form, error)
        return None
    flash(success, "success")
    return redirect(url_for(endpoint))


# Buyers ---------------------------------------------------------------------------------------


@bp.route("/acheteurs")
@role_required(Role.ADMIN)
def buyers():
    search = request.args.get("q", "").strip()
    query = select(Buyer).order_by(Buyer.name)
    if search:
        query = query.where(
            or_(contains(Buyer.name, search), starts_with(Buyer.siret, search.replace(" ", "")))
        )
    return render_template("referential/buyers.html", page=paginate(query), search=search)


@bp.route("/acheteurs/nouveau", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create_buyer():
    form = BuyerForm()
    if form.validate_on_submit():
        response = _save(
            form,
            lambda: services.create_buyer(current_user, **form.to_data()),
            _("Acheteur %(name)s créé.", name=form.name.data),
            "referential.buyers",
        )
        if response:
            return response
    return render_template(
        "referential/form.html", form=form, title=_("Nouvel acheteur"), back="referential.buyers"
    )


@bp.route("/acheteurs/<int:buyer_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_buyer(buyer_id: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    form = BuyerForm(obj=buyer)
    if form.validate_on_submit():
        response = _save(
            form,
            lambda: services.update_buyer(current_user, buyer, **form.to_data()),
            _("Acheteur %(name)s enregistré.", name=form.name.data),
            "referential.buyers",
        )
        if response:
            return response
    return render_template(
        "referential/form.html",
        form=form,
        title=_("Acheteur %(name)s", name=buyer.name),
        back="referential.buyers",
    )


# Territories ----------------------------------------------------------------------------------


@bp.route("/territoires")
@role_required(Role.ADMIN)
def territories():
    rows = db.session.scalars(select(Territory).order_by(Territory.name)).all()
    return render_template("referential/territories.html", territories=rows)


@bp.route("/territoires/nouveau", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create_territory():
    form = TerritoryForm()
    if form.validate_on_submit():
        response = _save(
            form,
            lambda: services.save_territory(current_user, None, **form.to_data()),
            _("Territoire %(name)s créé.", name=form.name.data),
            "referential.territories",
        )
        if response:
            return response
    return render_template(
        "referential/form.html", form=form, title=_("Nouveau territoire"), back="referential.territories"
    )


@bp.route("/territoires/<int:territory_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_territory(territory_id: int):
    territory = db.get_or_404(Territory, territory_id)
    form = TerritoryForm(obj=territory)
    if form.validate_on_submit():
        response = _save(
            form,
            lambda: services.save_territory(current_user, territory, **form.to_data()),
            _("Territoire %(name)s enregistré.", name=form.name.data),
            "referential.territories",
        )
        if response:
            return response
    return render_template(
        "referential/form.html",
        form=form,
        title=_("Territoire %(name)s", name=territory.name),
        back="referential.territories",
    )


# Companies and structures ---------------------------------------------------------------------


@bp.route("/entreprises")
@role_required(Role.OFFICER, Role.FACILITATOR)
def companies():
    search = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    query = select(Company).order_by(Company.name)
    if search:
        query = query.where(
            or_(contains(Company.name, search), starts_with(Company.identifier, search.replace(" ", "")))
        )
    if kind in StructureKind.codes():
        query = query.where(Company.kind == kind)
    return render_template("referential/companies.html", page=paginate(query), search=search, kind=kind)


@bp.route("/entreprises/nouvelle", methods=["GET", "POST"])
@role_required(Role.OFFICER, Role.FACILITATOR)
def create_company():
    form = CompanyForm()
    if form.validate_on_submit():
        response = _save(
            form,
            lambda: services.save_company(current_user, None, **form.to_data()),
            _("Entreprise %(name)s créée.", name=form.name.data),
            "referential.companies",
        )
        if response:
            return response
    return render_template(
        "referential/form.html",
        form=form,
        title=_("Nouvelle entreprise ou structure"),
        back="referential.companies",
    )


@bp.route("/entreprises/<int:company_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER, Role.FACILITATOR)
def edit_company(company_id: int):
    company = db.get_or_404(Company, company_id)
    form = CompanyForm(obj=company)
    if form.validate_on_submit():
        response = _save(
            form,
            lambda: services.save_company(current_user, company, **form.to_data()),
            _("Entreprise %(name)s enregistrée.", name=form.name.data),
            "referential.companies",
        )
        if response:
            return response
    return render_template(
        "referential/form.html", form=form, title=company.name, back="referential.companies"
    )


# CPV codes ------------------------------------------------------------------------------------


def cpv_select(search: str):
    """CPV codes whose code starts with, or whose label contains, ``search``."""
    query = select(CpvCode).order_by(CpvCode.code)
    digits = search.replace("-", "").replace(" ", "")
    if digits.isdigit():
        return query.where(starts_with(CpvCode.code, digits[:8]))
    if search:
        query = query.where(contains(CpvCode.label, search))
    return query


@bp.route("/cpv")
@authenticated
def cpv_search():
    search = request.args.get("q", "").strip()[:100]
    return render_template(
        "referential/cpv.html", page=paginate(cpv_select(search), per_page=50), search=search
    )


@bp.route("/cpv.json")
@authenticated
def cpv_lookup():
    """Suggestions for the contract form's CPV field (progressive enhancement)."""
    search = request.args.get("q", "").strip()[:100]
    if len(search) < 2:
        return jsonify(results=[])
    rows = db.session.scalars(cpv_select(search).limit(CPV_LOOKUP_LIMIT)).all()
    return jsonify(results=[{"code": r.full_code, "label": r.label} for r in rows])
