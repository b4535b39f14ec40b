"""Cell parsers of the purchase imports: each returns a value or raises ValueError with a French message."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from app.core.db import Money
from app.core.numbers import parse_french_decimal
from app.core.tabular import text_of

CENT = Decimal("0.01")

# trueValues / falseValues of ma-cantine's est_circuit_court and est_local (schema "import-achats-siret").
MA_CANTINE_TRUE = {"OUI", "oui", "x"}
MA_CANTINE_FALSE = {"non", "NON", ""}


def parse_amount(value) -> Decimal:
    """An amount from a cell, through the one decimal parser (no exponent, NaN, or more than the column holds)."""
    if value is None or text_of(value) == "":
        raise ValueError(_("montant HT manquant."))
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        # A spreadsheet's float (12.300000001) is taken to the cent; a non-finite one is refused below.
        text = format(number.quantize(CENT, rounding=ROUND_HALF_UP), "f") if number.is_finite() else str(value)
    else:
        text = str(value)
    try:
        amount = parse_french_decimal(text, Money)
    except ValueError as error:
        raise ValueError(
            _("montant HT « %(value)s » invalide (exemple : 1234,56). %(why)s", value=value, why=str(error))
        ) from None
    if amount <= 0:
        raise ValueError(_("le montant HT doit être strictement positif (%(value)s).", value=text_of(value)))
    return amount


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    if not text:
        raise ValueError(_("date d'achat manquante."))
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("date « %(value)s » invalide : jj/mm/aaaa ou aaaa-mm-jj attendu.", value=text))


def parse_codes(value, allowed: set[str], column: str) -> list[str]:
    """A comma-separated multi-value, items possibly padded with spaces (ma-cantine ``categories_egalim``)."""
    codes = [item.strip().upper() for item in text_of(value).split(",") if item.strip()]
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise ValueError(
            _("%(column)s : valeur inconnue « %(values)s ».", column=column, values=", ".join(unknown))
        )
    return list(dict.fromkeys(codes))


def parse_enum(value, allowed, column: str, *, required: bool) -> str | None:
    text = text_of(value).strip().upper()
    if not text:
        if required:
            raise ValueError(_("%(column)s manquant.", column=column))
        return None
    if text not in set(allowed):
        raise ValueError(
            _("%(column)s : valeur inconnue « %(value)s ».", column=column, value=text_of(value))
        )
    return text


def parse_flag(value, column: str) -> bool:
    text = text_of(value)
    if text in MA_CANTINE_TRUE:
        return True
    if text in MA_CANTINE_FALSE:
        return False
    raise ValueError(
        _("%(column)s : « %(value)s » non reconnu (OUI, oui, x ou non).", column=column, value=text)
    )


def siret_text(value) -> str:
    text = text_of(value).replace(" ", "")
    # A SIRET typed in a spreadsheet becomes a number and loses its leading zeros.
    return text.zfill(14) if text.isdigit() and len(text) < 14 else text
