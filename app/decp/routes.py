"""The DECP upload page (officers, admins) and the export page with its download (also readers)."""

import json

from flask import Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.core.auth import role_required
from app.core.enums import Role
from app.core.transaction import discard_changes
from app.decp import bp
from app.decp.exports import export_decp
from app.decp.forms import UPLOAD_MAX_MEGABYTES, DecpExportForm, DecpImportForm
from app.decp.services import import_decp
from app.decp.services.cleaning import WARNING_REASONS
from app.decp.services.reader import UnreadableFile
from app.extensions import db
from app.referential.models import Buyer


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def import_page():
    if request.content_length and request.content_length > UPLOAD_MAX_MEGABYTES * 1024 * 1024:
        flash(
            _(
                "Fichier trop volumineux pour la page (%(size)s Mo au plus) : utilisez la commande "
                "« flask decp import ».",
                size=UPLOAD_MAX_MEGABYTES,
            ),
            "danger",
        )
        return render_template("decp/import.html", form=DecpImportForm(formdata=None), summary=None), 413
    form = DecpImportForm()
    summary = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            summary = import_decp(
                current_user,
                upload.stream,
                name=upload.filename,
                buyer_siret=form.buyer.data,
                batch_size=None,
            )
        except UnreadableFile as error:
            discard_changes()
            form.file.errors.append(
                _("Fichier illisible, rien n'a été importé : %(error)s", error=str(error))
            )
        else:
            summary.dry_run = form.dry_run.data
            if summary.dry_run:
                discard_changes()
    return render_template("decp/import.html", form=form, summary=summary, reasons=WARNING_REASONS)


def _export_form() -> DecpExportForm:
    return DecpExportForm(request.args)


@bp.route("/export")
@role_required(Role.OFFICER, Role.READER)
def export_page():
    form = _export_form()
    result = buyer = None
    if request.args and form.validate():
        buyer = db.get_or_404(Buyer, form.buyer_id.data)
        result = export_decp(buyer, form.year.data)
    return render_template("decp/export.html", form=form, result=result, buyer=buyer)


@bp.route("/export/telecharger")
@role_required(Role.OFFICER, Role.READER)
def export_download():
    form = _export_form()
    if not form.validate():
        abort(400)
    buyer = db.get_or_404(Buyer, form.buyer_id.data)
    result = export_decp(buyer, form.year.data)
    body = json.dumps(result.document, ensure_ascii=False, indent=2) + "\n"
    filename = f"decp_{buyer.siret}_{form.year.data}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
