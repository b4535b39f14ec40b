"""Base form and the validators every feature shares (SIRET, CPV, money, month)."""

import dataclasses
from datetime import date
from typing import get_args, get_origin, get_type_hints

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import Numeric
from wtforms import DateField, DecimalField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.core.dates import parse_month
from app.core.db import Money
from app.core.identifiers import is_valid_siret, normalize_cpv, normalize_siret  # noqa: F401  (the form API)
from app.core.numbers import INVALID_NUMBER, parse_french_decimal  # noqa: F401  (the form API)
from app.core.transaction import discard_changes


class BaseForm(FlaskForm):
    """Every Levier form: CSRF-protected, French messages, and the one adapter to the services.

    ``data_class`` names the dataclass a service takes; ``to_data()`` fills it from the fields of the
    same names. Forms without one give a dict of their fields (keyword arguments of a service).
    """

    data_class: type | None = None
    TECHNICAL_FIELDS = frozenset({"csrf_token", "submit"})

    class Meta:
        locales = ["fr_FR", "fr"]

    def to_data(self, data_class: type | None = None, **values):
        """The service's input: typed fields from the form, ``values`` for what the form does not hold.

        Text is stripped; an empty optional value is None; a multiple choice is a list.
        """
        data_class = data_class or self.data_class
        if data_class is None:
            fields = {
                name: field.data for name, field in self._fields.items() if name not in self.TECHNICAL_FIELDS
            }
            return {**fields, **values}
        hints = get_type_hints(data_class)
        for item in dataclasses.fields(data_class):
            if item.name not in values and item.name in self._fields:
                values[item.name] = _as_type(self._fields[item.name].data, hints.get(item.name))
        return data_class(**values)


def _as_type(value, hint):
    """A field's value shaped for a dataclass annotation (``str``, ``str | None``, ``list[...]``)."""
    arguments = get_args(hint)
    optional = type(None) in arguments
    base = next((a for a in arguments if a is not type(None)), hint) if optional else hint
    if get_origin(base) is list or base is list:
        return list(value or [])
    if isinstance(value, str):
        value = value.strip()
    if optional and value == "":
        return None
    if base is str and value is None and not optional:
        return ""
    return value


class Siret:
    """A SIRET: 14 digits with a valid Luhn key (INSEE), spaces allowed when typed."""

    def __init__(self, message=None):
        self.message = message or _l(
            "SIRET invalide : 14 chiffres attendus, avec une clé de contrôle correcte."
        )

    def __call__(self, form, field):
        if not field.data:
            return
        if not is_valid_siret(field.data):
            raise ValidationError(self.message)
        field.data = normalize_siret(field.data)


class Cpv:
    """A code of the CPV 2008 list (with or without its check digit).

    ``find`` returns the listed code (with ``check_digit`` and ``full_code``) or None; the referential
    passes it, so that core knows no feature.
    """

    def __init__(self, find):
        self.find = find

    def __call__(self, form, field):
        if not field.data:
            return
        code, check = normalize_cpv(field.data)
        if len(code) != 8 or not code.isdigit():
            raise ValidationError(_l("Code CPV invalide : 8 chiffres attendus (par exemple 45000000-7)."))
        row = self.find(code)
        if row is None:
            raise ValidationError(_l("Ce code CPV n'existe pas dans la nomenclature CPV 2008."))
        if check is not None and check != row.check_digit:
            raise ValidationError(
                _l("Chiffre de contrôle CPV incorrect : %(code)s attendu.", code=row.full_code)
            )
        field.data = code


class PositiveMoney:
    """A strictly positive amount, at most two decimals."""

    def __call__(self, form, field):
        if field.data is None:
            return
        if field.data <= 0:
            raise StopValidation(_l("Le montant doit être strictement positif."))
        if field.data.as_tuple().exponent < -2:
            raise StopValidation(_l("Deux décimales au plus (centimes)."))


class FrenchDecimalField(DecimalField):
    """A decimal typed the French way (see ``parse_french_decimal``), bounded by its column's precision.

    A text input (``type="number"`` would refuse the comma and the spaces), with a decimal keypad on phones.
    """

    widget = TextInput()

    def __init__(self, *args, column: Numeric = Money, **kwargs):
        self.column = column
        render_kw = {"inputmode": "decimal", **(kwargs.pop("render_kw", None) or {})}
        kwargs.pop("widget", None)
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            self.data = parse_french_decimal(valuelist[0], self.column)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format(self.data, "f").replace(".", ",")


EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def check_plausible_date(value: date | None) -> None:
    """Refuse a date outside 1990-2100 (a typo such as 0202 or 20255), with a French message."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            str(
                _l(
                    "Date invraisemblable : entre %(first)s et %(last)s.",
                    first=EARLIEST_DATE.year,
                    last=LATEST_DATE.year,
                )
            )
        )


class PlausibleDateField(DateField):
    """A date from the browser's date picker (``yyyy-mm-dd``) or typed ``dd/mm/yyyy``, within 1990-2100."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            super().process_formdata([text])
        except ValueError:
            self.data = None
            raise ValueError(
                str(_l("Date invalide : format jj/mm/aaaa attendu (par exemple 12/05/2025)."))
            ) from None
        try:
            check_plausible_date(self.data)
        except ValueError:
            self.data = None
            raise


class FrenchDateField(PlausibleDateField):
    """The same date, in a text box that shows it ``dd/mm/yyyy`` (for pages without a date picker)."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d/%m/%Y") if self.data else ""


class MonthField(StringField):
    """A month typed ``AAAA-MM`` (or ``MM/AAAA``): its first day, within 1990-2100."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        try:
            month = parse_month(text)
        except ValueError:
            raise ValueError(str(_l("Mois invalide : format AAAA-MM attendu."))) from None
        check_plausible_date(month)
        self.data = month

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:%Y-%m}" if isinstance(self.data, date) else (self.data or "")


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs, blank: str | None = None) -> list[SelectChoice]:
    """Choices of a select field from ``(value, label)`` pairs (WTForms' ``SelectChoice``), blank first."""
    choices = [SelectChoice(value, label) for value, label in pairs]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def attach_service_error(form, error, fallback=None) -> bool:
    """Show a service refusal under the field it names (or ``fallback``); False when no field took it.

    A refusal discards what the request wrote (see ``app.core.transaction``): the view just shows it.
    """
    discard_changes()
    target = getattr(form, error.field or "", None)
    if target is None or not hasattr(target, "errors"):
        target = fallback
    if target is None:
        return False
    target.errors = [*target.errors, error.message]
    return True


def flash_service_error(error, category: str = "danger") -> None:
    """Show a service refusal as a flash message (no form on the page); discard what the request wrote."""
    discard_changes()
    flash(error.message, category)


def show_service_error(form, error, fallback=None, *, as_flash: bool = False) -> None:
    """Show a service refusal under its field, otherwise above the form (``form.form_errors``).

    ``as_flash``: otherwise as a flash message, for pages that show no form-level errors.
    """
    if attach_service_error(form, error, fallback):
        return
    if as_flash:
        flash(error.message, "danger")
    else:
        form.form_errors.append(error.message)
