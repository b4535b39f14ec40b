"""DECP interoperability: import and export of the national open procurement data."""

from flask import Blueprint

bp = Blueprint("decp", __name__)

from app.decp import routes  # noqa: E402,F401
