from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.auth import services
from app.auth.forms import UserCreateForm, UserEditForm
from app.auth.models import User
from app.core import audit, audit_labels
from app.core.audit import AuditEntry
from app.core.auth import role_required
from app.core.enums import Role
from app.core.errors import ServiceError
from app.core.forms import attach_service_error, flash_service_error
from app.core.pagination import paginate
from app.core.search import contains, search_filter
from app.extensions import db


@bp.route("/utilisateurs")
@role_required(Role.ADMIN)
def users():
    query = select(User).order_by(User.email)
    search = request.args.get("q", "").strip()
    if search:
        query = query.where(search_filter(search, User.email, User.full_name))
    role = request.args.get("role", "")
    if role in Role.codes():
        query = query.where(User.role == role)
    return render_template("admin/users.html", page=paginate(query), search=search, role=role)


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, form.email.data, form.password.data, form.role.data, form.full_name.data
            )
        except ServiceError as error:
            attach_service_error(form, error, fallback=form.email)
        else:
            flash(_("Compte %(email)s créé.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            services.update_user(
                current_user, user, role=form.role.data, full_name=form.full_name.data.strip()
            )
        except ServiceError as error:
            attach_service_error(form, error, fallback=form.role)
        else:
            flash(_("Compte %(email)s enregistré.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/utilisateurs/<int:user_id>/activation", methods=["POST"])
@role_required(Role.ADMIN)
def toggle_user(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        services.set_user_active(current_user, user, request.form.get("active") == "1")
    except ServiceError as error:
        flash_service_error(error)
    else:
        state = _("réactivé") if user.is_active else _("désactivé")
        flash(_("Compte %(email)s %(state)s.", email=user.email, state=state), "success")
    return redirect(url_for("admin.users"))


@bp.route("/journal")
@role_required(Role.ADMIN)
def audit_log():
    """Browse the audit log: who changed what, when."""
    query = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    object_type = request.args.get("type", "").strip()
    actor = request.args.get("acteur", "").strip()
    action = request.args.get("action", "").strip()
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if actor:
        query = query.where(contains(AuditEntry.actor, actor))
    if action:
        query = query.where(AuditEntry.action == action)
    types = db.session.scalars(
        select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    ).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    page = paginate(query, per_page=50)
    return render_template(
        "admin/audit_log.html",
        page=page,
        entries=audit.describe(page.items),
        object_label=audit_labels.object_label,
        types=types,
        actions=[(code, audit.action_label(code)) for code in actions],
        object_type=object_type,
        actor=actor,
        action=action,
    )
