"""Participants (bénéficiaires): pseudonymous records, eligibility, identity kept apart, outcomes."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("participants", __name__)

add_nav_item(_l("Bénéficiaires"), "participants.index", [Role.FACILITATOR], order=350, group=_l("Heures"))
add_nav_item(
    _l("Sorties à renseigner"), "participants.outcomes_due", [Role.FACILITATOR], order=360, group=_l("Heures")
)
add_nav_item(
    _l("Données personnelles"), "participants.settings", [Role.ADMIN], order=920, group=_l("Administration")
)

from app.participants import routes  # noqa: E402,F401
