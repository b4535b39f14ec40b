"""Reference data: territories, buyers, companies and structures, CPV codes, communes."""

from flask import Blueprint

bp = Blueprint("referential", __name__)

from app.referential import routes  # noqa: E402,F401
