"""Small arithmetic shared by every figure: shares in percent, rounded the same way everywhere."""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
FTE_HOURS = Decimal(1607)  # legal annual working time in France (docs/domain.md §4)


def as_decimal(value) -> Decimal:
    return ZERO if value is None else Decimal(value)


def share(part, whole, digits: int = 2) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (None when ``whole`` is zero), rounded half up."""
    whole = as_decimal(whole)
    if whole == 0:
        return None
    return (as_decimal(part) * 100 / whole).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fte(hours) -> Decimal:
    """Full-time equivalents: hours ÷ 1 607, to two decimals."""
    return (as_decimal(hours) / FTE_HOURS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
