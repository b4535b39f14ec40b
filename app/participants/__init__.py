"""Participants (bénéficiaires): pseudonymous records, eligibility, identity kept apart, outcomes."""

from flask import Blueprint

bp = Blueprint("participants", __name__)

from app.participants import routes  # noqa: E402,F401
