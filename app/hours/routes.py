from app.hours import bp  # noqa: F401
