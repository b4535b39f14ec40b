"""Reference data pages: buyers and territories (administrators), companies, CPV search and lookup."""

from functools import partial

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
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
from app.referential.forms import BuyerForm, BuyerLogoForm, CompanyForm, TerritoryForm
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


def _form_page(form, save, message, back: str, title: str):
    """A reference-data form: a valid submission is saved (``save(**data)``), then back to the list."""
    if form.validate_on_submit():
        response = _save(form, lambda: save(**form.to_data()), message(form.name.data), back)
        if response:
            return response
    return render_template("referential/form.html", form=form, title=title, back=back)


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
    return _form_page(
        BuyerForm(),
        partial(services.create_buyer, current_user),
        lambda name: _("Acheteur %(name)s créé.", name=name),
        "referential.buyers",
        _("Nouvel acheteur"),
    )


@bp.route("/acheteurs/<int:buyer_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_buyer(buyer_id: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    return _form_page(
        BuyerForm(obj=buyer),
        partial(services.update_buyer, current_user, buyer),
        lambda name: _("Acheteur %(name)s enregistré.", name=name),
        "referential.buyers",
        _("Acheteur %(name)s", name=buyer.name),
    )


@bp.route("/acheteurs/<int:buyer_id>/logo", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def buyer_logo(buyer_id: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    form = BuyerLogoForm()
    if form.validate_on_submit():
        upload = form.logo.data
        content = None if form.remove.data or not upload else upload.read()
        if content is None and not form.remove.data:
            form.logo.errors.append(_("Choisissez une image, ou cochez « Retirer le logo actuel »."))
        else:
            response = _save(
                form,
                lambda: services.set_buyer_logo(current_user, buyer, content),
                _("Logo de %(name)s enregistré.", name=buyer.name),
                "referential.buyers",
            )
            if response:
                return response
    return render_template("referential/buyer_logo.html", form=form, buyer=buyer)


@bp.route("/acheteurs/<int:buyer_id>/logo.img")
@role_required(Role.ADMIN)
def buyer_logo_image(buyer_id: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    if not buyer.logo:
        abort(404)
    return Response(buyer.logo, mimetype=buyer.logo_mimetype)


# Territories ----------------------------------------------------------------------------------


@bp.route("/territoires")
@role_required(Role.ADMIN)
def territories():
    rows = db.session.scalars(select(Territory).order_by(Territory.name)).all()
    return render_template("referential/territories.html", territories=rows)


@bp.route("/territoires/nouveau", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create_territory():
    return _form_page(
        TerritoryForm(),
        partial(services.save_territory, current_user, None),
        lambda name: _("Territoire %(name)s créé.", name=name),
        "referential.territories",
        _("Nouveau territoire"),
    )


@bp.route("/territoires/<int:territory_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_territory(territory_id: int):
    territory = db.get_or_404(Territory, territory_id)
    return _form_page(
        TerritoryForm(obj=territory),
        partial(services.save_territory, current_user, territory),
        lambda name: _("Territoire %(name)s enregistré.", name=name),
        "referential.territories",
        _("Territoire %(name)s", name=territory.name),
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
    return _form_page(
        CompanyForm(),
        partial(services.save_company, current_user, None),
        lambda name: _("Entreprise %(name)s créée.", name=name),
        "referential.companies",
        _("Nouvelle entreprise ou structure"),
    )


@bp.route("/entreprises/<int:company_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER, Role.FACILITATOR)
def edit_company(company_id: int):
    company = db.get_or_404(Company, company_id)
    return _form_page(
        CompanyForm(obj=company),
        partial(services.save_company, current_user, company),
        lambda name: _("Entreprise %(name)s enregistrée.", name=name),
        "referential.companies",
        company.name,
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
