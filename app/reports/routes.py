from app.reports import bp  # noqa: F401
