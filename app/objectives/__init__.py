"""Yearly SPASER objectives per buyer."""

from flask import Blueprint

bp = Blueprint("objectives", __name__)

from app.objectives import routes  # noqa: E402,F401
