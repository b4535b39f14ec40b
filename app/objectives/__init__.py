"""Yearly SPASER objectives per buyer."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("objectives", __name__)

add_nav_item(_l("Objectifs SPASER"), "objectives.index", [Role.ADMIN], order=850, group=_l("Administration"))

from app.objectives import routes  # noqa: E402,F401
