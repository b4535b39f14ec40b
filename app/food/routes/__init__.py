"""The food pages: sites, buyers and suppliers (``sites``), purchases and their import (``purchases``)."""

from app.food.routes import purchases, sites  # noqa: F401
