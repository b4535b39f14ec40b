"""The one decimal parser of Levier: what a person types (forms) or a spreadsheet holds (imports).

Kept apart from the form classes so that services (the imports) use it without WTForms.
"""

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric

from app.core.db import Money

DECIMAL_PATTERN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
GROUP_SEPARATORS = (" ", "\xa0", "\u202f", "\u2009")  # space, no-break, narrow no-break, thin
INVALID_NUMBER = _l("Nombre invalide (exemple : 1 234,56).")


def parse_french_decimal(text: str | None, column: Numeric = Money) -> Decimal | None:
    """The number typed in ``text`` (``1 234,56``, ``1234.56``, ``12 €``), None when blank.

    The one decimal parser of Levier (forms and spreadsheet imports). Refused with a French message
    (``ValueError``): exponents (``1e40``), ``NaN``, ``Infinity``, digits of other scripts (``²``, ``٣``),
    and values the database column (``Numeric(precision, scale)``) cannot hold exactly.
    """
    cleaned = (text or "").strip()
    for separator in GROUP_SEPARATORS:
        cleaned = cleaned.replace(separator, "")
    cleaned = cleaned.removesuffix("€").replace(",", ".")
    if not cleaned:
        return None
    if not DECIMAL_PATTERN.fullmatch(cleaned):
        raise ValueError(str(INVALID_NUMBER))
    value = Decimal(cleaned)
    scale = column.scale or 0
    if abs(value) >= Decimal(10) ** (column.precision - scale):
        limit = Decimal(10) ** (column.precision - scale) - Decimal(1).scaleb(-scale)
        raise ValueError(str(_l("Nombre trop grand : %(limit)s au plus.", limit=_french(limit))))
    if value != value.quantize(Decimal(1).scaleb(-scale)):
        raise ValueError(
            str(_l("%(n)s décimale(s) au plus.", n=scale)) if scale else str(_l("Nombre entier attendu."))
        )
    return value + 0  # drops a "-0"


def _french(value: Decimal) -> str:
    whole, _dot, decimals = format(value, "f").partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    return f"{grouped},{decimals}" if decimals else grouped
