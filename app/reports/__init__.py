"""The annual SPASER follow-up report: indicators, PDF, dashboard, versions."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("reports", __name__)

add_nav_item(_l("Tableau de bord"), "reports.dashboard", [Role.READER, Role.OFFICER], order=10)
add_nav_item(_l("Rapports SPASER"), "reports.versions", [Role.READER, Role.OFFICER], order=80)

from app.reports import routes  # noqa: E402,F401
