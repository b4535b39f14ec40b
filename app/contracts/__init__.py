"""Contracts (marchés) and their social clauses."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("contracts", __name__)

add_nav_item(_l("Marchés"), "contracts.index", [Role.OFFICER, Role.READER, Role.FACILITATOR], order=10)

from app.contracts import routes  # noqa: E402,F401
