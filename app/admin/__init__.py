from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.enums import Role
from app.core.navigation import add_nav_item

bp = Blueprint("admin", __name__)

add_nav_item(_l("Utilisateurs"), "admin.users", [Role.ADMIN], order=900, group=_l("Administration"))
add_nav_item(
    _l("Journal des modifications"), "admin.audit_log", [Role.ADMIN], order=990, group=_l("Administration")
)

from app.admin import routes  # noqa: E402,F401
