"""Administrators set each buyer's yearly SPASER targets."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.core.auth import role_required
from app.core.dates import today_paris
from app.core.enums import Role
from app.core.errors import ServiceError
from app.core.forms import attach_service_error, flash_service_error
from app.core.pagination import paginate
from app.core.search import search_filter
from app.extensions import db
from app.objectives import bp, services
from app.objectives.forms import ObjectiveForm
from app.objectives.models import Objective
from app.referential.models import Buyer


def _year(value) -> int:
    year = value or today_paris().year
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    year = _year(request.args.get("annee", type=int))
    search = request.args.get("q", "").strip()
    statement = select(Buyer).order_by(Buyer.name)
    if search:
        statement = statement.where(search_filter(search, Buyer.name, Buyer.siret))
    page = paginate(statement)
    objectives = {
        o.buyer_id: o
        for o in db.session.scalars(
            select(Objective).where(
                Objective.year == year, Objective.buyer_id.in_([b.id for b in page.items])
            )
        )
    }
    return render_template(
        "objectives/index.html", page=page, objectives=objectives, year=year, search=search
    )


@bp.route("/<int:buyer_id>/<int:year>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(buyer_id: int, year: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    year = _year(year)
    objective = services.find_objective(buyer.id, year)
    form = ObjectiveForm(obj=objective)
    if form.validate_on_submit():
        try:
            services.save_objective(current_user, buyer, year, form.to_data())
        except ServiceError as error:
            attach_service_error(form, error, fallback=form.social_contract_count_share)
        else:
            flash(_("Objectifs %(year)s de %(buyer)s enregistrés.", year=year, buyer=buyer.name), "success")
            return redirect(url_for("objectives.index", annee=year))
    previous = services.find_objective(buyer.id, year - 1)
    return render_template(
        "objectives/edit.html", form=form, buyer=buyer, year=year, objective=objective, previous=previous
    )


@bp.route("/<int:buyer_id>/<int:year>/copier", methods=["POST"])
@role_required(Role.ADMIN)
def copy(buyer_id: int, year: int):
    buyer = db.get_or_404(Buyer, buyer_id)
    year = _year(year)
    try:
        services.copy_previous_year(current_user, buyer, year)
    except ServiceError as error:
        flash_service_error(error)
    else:
        flash(_("Objectifs %(previous)s recopiés pour %(year)s.", previous=year - 1, year=year), "success")
    return redirect(url_for("objectives.edit", buyer_id=buyer.id, year=year))
