from app.food import bp  # noqa: F401
