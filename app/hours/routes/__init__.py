"""The hours pages: follow-up, monthly grid and entries (``entries``), spreadsheet import (``imports``)."""

from app.hours.routes import entries, imports  # noqa: F401
