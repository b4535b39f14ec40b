from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import bp, services
from app.auth.forms import LoginForm, PasswordChangeForm
from app.core.auth import authenticated, public
from app.core.errors import ServiceError
from app.core.forms import attach_service_error
from app.core.redirects import redirect_next


@bp.route("/connexion", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Adresse ou mot de passe incorrect, ou compte désactivé."), "danger")
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Bienvenue, %(name)s.", name=user.display_name), "success")
            return redirect_next("main.home")
    return render_template("auth/login.html", form=form)


@bp.route("/deconnexion", methods=["POST"])
@authenticated
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/mon-compte/mot-de-passe", methods=["GET", "POST"])
@authenticated
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, current_user, form.current_password.data, form.new_password.data
            )
        except ServiceError as error:
            attach_service_error(form, error, fallback=form.current_password)
        else:
            flash(_("Mot de passe modifié."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
