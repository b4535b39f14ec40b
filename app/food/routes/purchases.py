"""Purchases: filtered list with exports, entry form, soft delete, and the preview-then-confirm import."""

import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.auth import role_required
from app.core.enums import FoodCharacteristic, FoodFamily, Role
from app.core.errors import ServiceError
from app.core.forms import flash_service_error, show_service_error
from app.core.pagination import paginate
from app.core.redirects import redirect_next
from app.core.tabular import download
from app.core.transaction import discard_changes
from app.extensions import db
from app.food import bp, services
from app.food.exports import purchases_csv, purchases_xlsx, template_csv, template_xlsx
from app.food.forms import ImportForm, PurchaseForm
from app.food.models import Purchase
from app.food.queries.lists import (
    PurchaseFilters,
    all_sites,
    all_suppliers,
    purchase_years,
    purchases_select,
    purchases_total,
)
from app.food.services.imports import (
    LEVIER_COLUMNS,
    MA_CANTINE_COLUMNS,
    apply_import,
    count_existing_duplicates,
    parse_import,
)

READERS = (Role.OFFICER, Role.READER)
WRITERS = (Role.OFFICER,)
IMPORT_SESSION_KEY = "food_import"


@bp.route("/achats")
@role_required(*READERS)
def purchases():
    filters = PurchaseFilters.from_args(request.args)
    total, count = purchases_total(filters)
    return render_template(
        "food/purchases.html",
        page=paginate(purchases_select(filters)),
        filters=filters,
        total=total,
        count=count,
        sites=all_sites(),
        suppliers=all_suppliers(),
        years=purchase_years(),
        families=FoodFamily.choices(),
        characteristics=FoodCharacteristic.choices(),
    )


@bp.route("/achats/export.<any(csv, xlsx):extension>")
@role_required(*READERS)
def export_purchases(extension: str):
    """Exactly the list on screen: the same filters, every page."""
    filters = PurchaseFilters.from_args(request.args)
    content = purchases_csv(filters) if extension == "csv" else purchases_xlsx(filters)
    return download(content, f"achats-alimentaires.{extension}")


def _purchase_form(purchase: Purchase | None) -> PurchaseForm:
    form = PurchaseForm(obj=purchase)
    if purchase is not None and request.method == "GET":
        form.codes.data = purchase.codes
        form.origin.data = purchase.origin or ""
    elif request.method == "GET" and request.args.get("site", type=int):
        form.site_id.data = request.args.get("site", type=int)
    return form


@bp.route("/achats/nouveau", methods=["GET", "POST"])
@role_required(*WRITERS)
def create_purchase():
    form = _purchase_form(None)
    if form.validate_on_submit():
        try:
            purchase = services.create_purchase(current_user, form.to_data())
        except ServiceError as error:
            show_service_error(form, error, as_flash=True)
        else:
            flash(_("Achat « %(name)s » enregistré.", name=purchase.description), "success")
            if request.form.get("again"):
                return redirect(url_for("food.create_purchase", site=purchase.site_id))
            return redirect(url_for("food.purchases", site=purchase.site_id))
    status = 422 if request.method == "POST" else 200
    return render_template("food/purchase_form.html", form=form, purchase=None), status


@bp.route("/achats/<int:purchase_id>/modifier", methods=["GET", "POST"])
@role_required(*WRITERS)
def edit_purchase(purchase_id: int):
    purchase = db.session.get(Purchase, purchase_id)
    if purchase is None or purchase.deleted_at is not None:
        abort(404)
    form = _purchase_form(purchase)
    if form.validate_on_submit():
        try:
            services.update_purchase(current_user, purchase, form.to_data())
        except ServiceError as error:
            show_service_error(form, error, as_flash=True)
        else:
            flash(_("Achat « %(name)s » enregistré.", name=purchase.description), "success")
            return redirect(url_for("food.purchases", site=purchase.site_id))
    status = 422 if request.method == "POST" else 200
    return render_template("food/purchase_form.html", form=form, purchase=purchase), status


@bp.route("/achats/<int:purchase_id>/supprimer", methods=["POST"])
@role_required(*WRITERS)
def delete_purchase(purchase_id: int):
    purchase = db.get_or_404(Purchase, purchase_id)
    try:
        services.delete_purchase(current_user, purchase)
    except ServiceError as error:
        flash_service_error(error)
    else:
        flash(_("Achat « %(name)s » supprimé.", name=purchase.description), "success")
    return redirect_next("food.purchases")


# --- Import ---------------------------------------------------------------------------------------------


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "food-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(max_age_seconds: int = 86400) -> None:
    """Files previewed but never confirmed are kept one day at most."""
    limit = time.time() - max_age_seconds
    for path in _upload_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _stored_upload() -> tuple[Path, str] | None:
    pending = session.get(IMPORT_SESSION_KEY) or {}
    token = pending.get("token", "")
    if not token.isalnum():
        return None
    path = _upload_dir() / token
    return (path, pending.get("filename", "")) if path.exists() else None


@bp.route("/achats/import", methods=["GET", "POST"])
@role_required(*WRITERS)
def import_purchases():
    form = ImportForm()
    result = duplicates = None
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        result = parse_import(upload.filename, content)
        if result.is_valid:
            _forget_old_uploads()
            token = secrets.token_hex(16)
            (_upload_dir() / token).write_bytes(content)
            session[IMPORT_SESSION_KEY] = {"token": token, "filename": upload.filename}
            duplicates = count_existing_duplicates(result)
    return render_template(
        "food/import.html",
        form=form,
        result=result,
        duplicates=duplicates,
        levier_columns=LEVIER_COLUMNS,
        ma_cantine_columns=MA_CANTINE_COLUMNS,
    )


@bp.route("/achats/import/confirmer", methods=["POST"])
@role_required(*WRITERS)
def confirm_import():
    stored = _stored_upload()
    if stored is None:
        flash(_("Le fichier à importer n'est plus disponible : déposez-le de nouveau."), "warning")
        return redirect(url_for("food.import_purchases"))
    path, filename = stored
    result = parse_import(filename, path.read_bytes())
    try:
        count = apply_import(current_user, result, source=filename)
    except ServiceError as error:
        discard_changes()
        flash(_("Rien n'a été importé. %(message)s", message=error.message), "danger")
        return redirect(url_for("food.import_purchases"))
    path.unlink(missing_ok=True)
    session.pop(IMPORT_SESSION_KEY, None)
    flash(_("%(count)s achats importés depuis %(file)s.", count=count, file=filename), "success")
    return redirect(url_for("food.purchases"))


@bp.route("/achats/import/modele.<any(csv, xlsx):extension>")
@role_required(*READERS)
def import_template(extension: str):
    content = template_csv() if extension == "csv" else template_xlsx()
    return download(content, f"modele-import-achats.{extension}")
