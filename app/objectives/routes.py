from app.objectives import bp  # noqa: F401
