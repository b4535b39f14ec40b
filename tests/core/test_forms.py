"""The shared fields: the one French decimal parser, plausible dates, months."""

from datetime import date
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from app.core.db import Hours, Money, Percent
from app.core.forms import (
    BaseForm,
    FrenchDateField,
    FrenchDecimalField,
    MonthField,
    PlausibleDateField,
    parse_french_decimal,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1\u202f234,56 €", Decimal("1234.56")),
        ("1234.5", Decimal("1234.5")),
        (",5", Decimal("0.5")),
        ("-12", Decimal("-12")),
        ("-0", Decimal("0")),
        ("  ", None),
        (None, None),
    ],
)
def test_french_decimals_are_read(text, expected):
    assert parse_french_decimal(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1e40",
        "1E3",
        "1e309",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "sNaN",
        "²",
        "1²",
        "٣",
        "১২",
        "1,2,3",
        "1.234,56",
        "0x10",
        "abc",
        "--1",
    ],
)
def test_french_decimal_refuses_what_is_not_a_plain_number(text):
    with pytest.raises(ValueError, match="Nombre invalide"):
        parse_french_decimal(text)


def test_french_decimal_refuses_what_the_column_cannot_hold():
    assert parse_french_decimal("9 999 999 999 999,99", Money) == Decimal("9999999999999.99")
    with pytest.raises(ValueError, match="Nombre trop grand"):
        parse_french_decimal("10 000 000 000 000", Money)
    with pytest.raises(ValueError, match="Nombre trop grand : 999,99 au plus"):
        parse_french_decimal("1000", Percent)
    with pytest.raises(ValueError, match="2 décimale"):
        parse_french_decimal("12,345", Hours)
    assert parse_french_decimal("12,300", Hours) == Decimal("12.3")


class _Form(BaseForm):
    amount = FrenchDecimalField(column=Money)
    share = FrenchDecimalField(column=Percent)
    signed_on = PlausibleDateField()
    typed_on = FrenchDateField()
    month = MonthField()


def _form(app, **data):
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict(data), meta={"csrf": False})
        form.validate()
        return form


def test_decimal_field_shows_the_refusal_in_french(app):
    form = _form(app, amount="1e309", share="100,5")
    assert form.amount.data is None and form.amount.errors == ["Nombre invalide (exemple : 1 234,56)."]
    assert form.share.data == Decimal("100.5")
    form = _form(app, share="1000")
    assert form.share.errors == ["Nombre trop grand : 999,99 au plus."]


@pytest.mark.parametrize("text", ["0202-05-12", "1989-12-31", "2101-01-01", "12/05/20255"])
def test_dates_out_of_a_plausible_range_are_refused(app, text):
    form = _form(app, signed_on=text, typed_on=text)
    assert form.signed_on.data is None and form.signed_on.errors
    assert form.typed_on.data is None and form.typed_on.errors


def test_dates_and_months_are_read_in_both_formats(app):
    form = _form(app, signed_on="2025-05-12", typed_on="12/05/2025", month="2025-03")
    assert (form.signed_on.data, form.typed_on.data, form.month.data) == (
        date(2025, 5, 12),
        date(2025, 5, 12),
        date(2025, 3, 1),
    )
    assert _form(app, month="03/2025").month.data == date(2025, 3, 1)
    assert _form(app, month="1850-03").month.errors
    assert _form(app, month="2025-13").month.errors == ["Mois invalide : format AAAA-MM attendu."]


def test_to_data_fills_the_service_dataclass_from_the_fields_of_the_same_names(app):
    from dataclasses import dataclass, field

    from wtforms import SelectField, StringField

    from app.core.forms import MultiCheckboxField, options

    @dataclass
    class Data:
        name: str
        commune_code: str | None = None
        codes: list[str] = field(default_factory=list)
        amount: Decimal | None = None
        source: str = "manual"

    class DataForm(BaseForm):
        data_class = Data
        name = StringField()
        commune_code = SelectField(choices=options([("62041", "Arras")], blank="—"), validate_choice=False)
        codes = MultiCheckboxField(choices=options([("BIO", "Bio")]))
        amount = FrenchDecimalField()

    with app.test_request_context(method="POST"):
        form = DataForm(
            formdata=MultiDict({"name": "  Cantine  ", "commune_code": "", "amount": "12,50"}),
            meta={"csrf": False},
        )
        assert form.to_data() == Data(name="Cantine", commune_code=None, codes=[], amount=Decimal("12.50"))
        assert form.to_data(source="decp").source == "decp"
