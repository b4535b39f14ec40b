"""Catering sites, buyers' food summaries and suppliers."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.auth import role_required
from app.core.enums import LocalDefinition, Role
from app.core.errors import ServiceError
from app.core.forms import flash_service_error, show_service_error
from app.core.pagination import paginate
from app.core.tabular import download
from app.extensions import db
from app.food import bp, services
from app.food.exports import figures_csv, ma_cantine_csv
from app.food.forms import LocalDefinitionForm, SiteForm, SupplierForm
from app.food.models import CateringSite, Supplier
from app.food.queries import figures_by_site, food_figures
from app.food.queries.lists import (
    buyer_objective,
    buyers_with_sites,
    sites_select,
    suppliers_select,
)
from app.food.routes.shared import figures_context, selected_year
from app.referential.models import Buyer

READERS = (Role.OFFICER, Role.READER)
WRITERS = (Role.OFFICER,)


# --- Sites ----------------------------------------------------------------------------------------


@bp.route("/")
@role_required(*READERS)
def sites():
    year, years = selected_year()
    search = request.args.get("q", "").strip()
    buyer_id = request.args.get("acheteur", type=int)
    page = paginate(sites_select(search, buyer_id))
    return render_template(
        "food/sites.html",
        page=page,
        amounts=figures_by_site(year=year),
        year=year,
        years=years,
        search=search,
        buyer_id=buyer_id,
        buyers=buyers_with_sites(),
    )


@bp.route("/sites/nouveau", methods=["GET", "POST"])
@role_required(*WRITERS)
def create_site():
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = services.create_site(current_user, form.to_data())
        except ServiceError as error:
            show_service_error(form, error, as_flash=True)
        else:
            flash(_("Site « %(name)s » créé.", name=site.name), "success")
            return redirect(url_for("food.site", site_id=site.id))
    return render_template("food/site_form.html", form=form, site=None)


@bp.route("/sites/<int:site_id>/modifier", methods=["GET", "POST"])
@role_required(*WRITERS)
def edit_site(site_id: int):
    site = db.get_or_404(CateringSite, site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        try:
            services.update_site(current_user, site, form.to_data())
        except ServiceError as error:
            show_service_error(form, error, as_flash=True)
        else:
            flash(_("Site « %(name)s » enregistré.", name=site.name), "success")
            return redirect(url_for("food.site", site_id=site.id))
    return render_template("food/site_form.html", form=form, site=site)


@bp.route("/sites/<int:site_id>")
@role_required(*READERS)
def site(site_id: int):
    site = db.get_or_404(CateringSite, site_id)
    year, years = selected_year()
    context = figures_context(year=year, buyer_id=site.buyer_id, site_id=site.id)
    return render_template("food/site.html", site=site, years=years, **context)


@bp.route("/sites/<int:site_id>/chiffres.csv")
@role_required(*READERS)
def site_figures_csv(site_id: int):
    site = db.get_or_404(CateringSite, site_id)
    year, _years = selected_year()
    content = figures_csv(food_figures(year=year, site_id=site.id), buyer_objective(site.buyer_id, year))
    return download(content, f"chiffres-alimentation-site-{site.id}-{year}.csv")


@bp.route("/sites/<int:site_id>/ma-cantine.csv")
@role_required(*READERS)
def site_ma_cantine(site_id: int):
    """The site's purchases of a year in the ma-cantine import format, to declare them there."""
    site = db.get_or_404(CateringSite, site_id)
    year, _years = selected_year()
    if not site.siret:
        flash(
            _("Renseignez le SIRET du site : ma-cantine identifie les établissements par leur SIRET."),
            "warning",
        )
        return redirect(url_for("food.site", site_id=site.id, annee=year))
    return download(ma_cantine_csv(site, year), f"achats-ma-cantine-{site.siret}-{year}.csv")


# --- Buyers -----------------------------------------------------------------------------------------


@bp.route("/acheteurs/<int:buyer_id>")
@role_required(*READERS)
def buyer(buyer_id: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    year, years = selected_year()
    context = figures_context(year=year, buyer_id=buyer.id)
    sites = db.session.scalars(sites_select(buyer_id=buyer.id)).all()
    form = LocalDefinitionForm(obj=buyer)
    return render_template(
        "food/buyer.html",
        buyer=buyer,
        years=years,
        sites=sites,
        site_amounts=figures_by_site(year=year, buyer_id=buyer.id),
        local_form=form,
        LocalDefinition=LocalDefinition,
        **context,
    )


@bp.route("/acheteurs/<int:buyer_id>/chiffres.csv")
@role_required(*READERS)
def buyer_figures_csv(buyer_id: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    year, _years = selected_year()
    content = figures_csv(food_figures(year=year, buyer_id=buyer.id), buyer_objective(buyer.id, year))
    return download(content, f"chiffres-alimentation-acheteur-{buyer.id}-{year}.csv")


@bp.route("/acheteurs/<int:buyer_id>/definition-local", methods=["POST"])
@role_required(Role.ADMIN)
def update_local_definition(buyer_id: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    form = LocalDefinitionForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    else:
        try:
            services.update_local_definition(
                current_user, buyer, form.local_definition.data, form.local_radius_km.data
            )
        except ServiceError as error:
            flash_service_error(error)
        else:
            flash(_("Définition du « local » enregistrée."), "success")
    return redirect(url_for("food.buyer", buyer_id=buyer.id))


# --- Suppliers --------------------------------------------------------------------------------------


@bp.route("/fournisseurs")
@role_required(*READERS)
def suppliers():
    search = request.args.get("q", "").strip()
    return render_template("food/suppliers.html", page=paginate(suppliers_select(search)), search=search)


@bp.route("/fournisseurs/nouveau", methods=["GET", "POST"])
@role_required(*WRITERS)
def create_supplier():
    form = SupplierForm()
    if form.validate_on_submit():
        try:
            supplier = services.create_supplier(current_user, form.to_data())
        except ServiceError as error:
            show_service_error(form, error, as_flash=True)
        else:
            flash(_("Fournisseur « %(name)s » créé.", name=supplier.name), "success")
            return redirect(url_for("food.suppliers"))
    return render_template("food/supplier_form.html", form=form, supplier=None)


@bp.route("/fournisseurs/<int:supplier_id>/modifier", methods=["GET", "POST"])
@role_required(*WRITERS)
def edit_supplier(supplier_id: int):
    supplier = db.get_or_404(Supplier, supplier_id)
    form = SupplierForm(obj=supplier)
    if form.validate_on_submit():
        try:
            services.update_supplier(current_user, supplier, form.to_data())
        except ServiceError as error:
            show_service_error(form, error, as_flash=True)
        else:
            flash(_("Fournisseur « %(name)s » enregistré.", name=supplier.name), "success")
            return redirect(url_for("food.suppliers"))
    return render_template("food/supplier_form.html", form=form, supplier=supplier)
