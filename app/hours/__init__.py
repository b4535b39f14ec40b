"""Insertion hours: monthly logging, checks, imports and follow-up."""

from flask import Blueprint

bp = Blueprint("hours", __name__)

from app.hours import routes  # noqa: E402,F401
