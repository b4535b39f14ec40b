"""DECP interoperability: import and export of the national open procurement data."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("decp", __name__)

add_nav_item(_l("Importer des DECP"), "decp.import_page", [Role.OFFICER], order=400, group=_l("Données DECP"))
add_nav_item(
    _l("Exporter en DECP"),
    "decp.export_page",
    [Role.OFFICER, Role.READER],
    order=410,
    group=_l("Données DECP"),
)

from app.decp import routes  # noqa: E402,F401
