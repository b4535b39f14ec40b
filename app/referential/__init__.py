"""Reference data: territories, buyers, companies and structures, CPV codes, communes."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("referential", __name__)

REFERENTIAL = _l("Référentiel")
add_nav_item(_l("Acheteurs"), "referential.buyers", [Role.ADMIN], order=910, group=_l("Administration"))
add_nav_item(
    _l("Territoires"), "referential.territories", [Role.ADMIN], order=920, group=_l("Administration")
)
add_nav_item(
    _l("Entreprises et structures"),
    "referential.companies",
    [Role.OFFICER, Role.FACILITATOR],
    order=800,
    group=REFERENTIAL,
)
add_nav_item(
    _l("Codes CPV"),
    "referential.cpv_search",
    [Role.OFFICER, Role.FACILITATOR, Role.READER],
    order=810,
    group=REFERENTIAL,
)

from app.referential import routes  # noqa: E402,F401
