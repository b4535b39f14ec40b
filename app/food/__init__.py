"""Collective catering: sites, suppliers, food purchases and their EGalim figures."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("food", __name__)

_GROUP = _l("Alimentation")
add_nav_item(_l("Sites et chiffres"), "food.sites", [Role.OFFICER, Role.READER], order=60, group=_GROUP)
add_nav_item(_l("Achats"), "food.purchases", [Role.OFFICER, Role.READER], order=61, group=_GROUP)
add_nav_item(_l("Importer des achats"), "food.import_purchases", [Role.OFFICER], order=62, group=_GROUP)
add_nav_item(_l("Fournisseurs"), "food.suppliers", [Role.OFFICER, Role.READER], order=63, group=_GROUP)

from app.food import routes  # noqa: E402,F401
