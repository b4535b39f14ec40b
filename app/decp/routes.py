from app.decp import bp  # noqa: F401
