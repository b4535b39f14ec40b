"""Spreadsheet import of hours: upload, line-by-line preview, confirmation (re-validated), template."""

import json
import re
import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.auth import role_required
from app.core.enums import Role
from app.core.forms import flash_service_error
from app.core.tabular import download
from app.core.transaction import discard_changes
from app.hours import bp
from app.hours.forms import ImportForm
from app.hours.services.imports import (
    COLUMNS,
    ImportFileError,
    apply_import,
    plan_import,
    template_csv,
    template_xlsx,
)

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STALE_AFTER_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "hour-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store(filename: str, data: bytes) -> str:
    """Keep the checked file server-side under a random token until the user confirms (a day at most)."""
    token = secrets.token_urlsafe(24)
    directory = _upload_dir()
    stale = time.time() - STALE_AFTER_SECONDS
    for old in directory.iterdir():
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    (directory / f"{token}.bin").write_bytes(data)
    (directory / f"{token}.json").write_text(json.dumps({"user_id": current_user.id, "filename": filename}))
    return token


def _load(token: str) -> tuple[str, bytes]:
    if not TOKEN_PATTERN.match(token):
        abort(404)
    directory = _upload_dir()
    meta_file, data_file = directory / f"{token}.json", directory / f"{token}.bin"
    if not meta_file.exists() or not data_file.exists():
        abort(404)
    meta = json.loads(meta_file.read_text())
    if meta.get("user_id") != current_user.id:
        abort(403)
    return meta["filename"], data_file.read_bytes()


def _discard(token: str) -> None:
    for suffix in (".json", ".bin"):
        (_upload_dir() / f"{token}{suffix}").unlink(missing_ok=True)


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.FACILITATOR)
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename, data = upload.filename or "import.csv", upload.read()
        try:
            plan = plan_import(current_user, filename, data)
        except ImportFileError as error:
            form.file.errors.append(error.message)
        else:
            discard_changes()  # the plan wrote nothing; make sure of it
            token = _store(filename, data) if plan.is_valid else None
            return render_template("hours/import_preview.html", plan=plan, token=token, filename=filename)
    return render_template("hours/import.html", form=form, columns=COLUMNS)


@bp.route("/import/<token>", methods=["POST"])
@role_required(Role.FACILITATOR)
def import_confirm(token: str):
    filename, data = _load(token)
    try:
        plan, entries = apply_import(current_user, filename, data)
    except ImportFileError as error:
        flash_service_error(error)
        return redirect(url_for("hours.import_upload"))
    if not entries:
        discard_changes()
        flash(
            _(
                "Les données ont changé depuis la vérification : le fichier n'est plus valide, rien n'a été importé."
            ),
            "danger",
        )
        return render_template("hours/import_preview.html", plan=plan, token=None, filename=filename), 422
    _discard(token)
    flash(_("Import terminé : %(n)s saisie(s) d'heures créée(s).", n=len(entries)), "success")
    return redirect(url_for("hours.entries"))


@bp.route("/import/modele.<fmt>")
@role_required(Role.FACILITATOR)
def import_template(fmt: str):
    if fmt == "csv":
        return download(template_csv(), "modele-import-heures.csv")
    if fmt == "xlsx":
        return download(template_xlsx(), "modele-import-heures.xlsx")
    abort(404)
