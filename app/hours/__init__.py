"""Insertion hours: monthly logging, checks, imports and follow-up."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("hours", __name__)

add_nav_item(
    _l("Suivi des heures"),
    "hours.index",
    [Role.FACILITATOR, Role.OFFICER, Role.READER],
    order=300,
    group=_l("Heures"),
)
add_nav_item(_l("Clauses en retard"), "hours.behind", [Role.FACILITATOR], order=310, group=_l("Heures"))
add_nav_item(_l("Saisies d'heures"), "hours.entries", [Role.FACILITATOR], order=320, group=_l("Heures"))
add_nav_item(
    _l("Importer des heures"), "hours.import_upload", [Role.FACILITATOR], order=330, group=_l("Heures")
)
add_nav_item(
    _l("Heures par bénéficiaire"),
    "hours.participant_totals",
    [Role.FACILITATOR],
    order=340,
    group=_l("Heures"),
)

from app.hours import routes  # noqa: E402,F401
