"""Collective catering: sites, suppliers, food purchases and their EGalim figures."""

from flask import Blueprint

bp = Blueprint("food", __name__)

from app.food import routes  # noqa: E402,F401
