from app.participants import bp  # noqa: F401
