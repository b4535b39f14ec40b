from app.referential import bp  # noqa: F401
