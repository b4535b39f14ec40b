"""Base form and the validators every feature shares (SIRET, CPV, money, month)."""

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from stdnum.fr import siret as stdnum_siret
from wtforms import DecimalField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from app.core.transaction import discard_changes


class BaseForm(FlaskForm):
    """Every Levier form: CSRF-protected, French messages."""

    class Meta:
        locales = ["fr_FR", "fr"]


@lru_cache(maxsize=16384)  # pure, and called several times per record by DECP imports
def normalize_siret(value: str | None) -> str:
    return stdnum_siret.compact(value or "")


@lru_cache(maxsize=16384)
def is_valid_siret(value: str | None) -> bool:
    return stdnum_siret.is_valid(normalize_siret(value))


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


def normalize_cpv(value: str | None) -> tuple[str, str | None]:
    """Split ``45000000-7`` or ``45000000`` into (8 digits, check digit or None)."""
    text = (value or "").strip().replace(" ", "")
    code, _, check = text.partition("-")
    return code, (check or None)


class Cpv:
    """A code of the CPV 2008 list loaded in the database (with or without its check digit)."""

    def __call__(self, form, field):
        if not field.data:
            return
        from app.extensions import db
        from app.referential.models import CpvCode

        code, check = normalize_cpv(field.data)
        if len(code) != 8 or not code.isdigit():
            raise ValidationError(_l("Code CPV invalide : 8 chiffres attendus (par exemple 45000000-7)."))
        row = db.session.get(CpvCode, code)
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
    """A decimal typed the French way: ``1 234,56`` as well as ``1234.56``.

    A text input (``type="number"`` would refuse the comma and the spaces), with a decimal keypad on phones.
    """

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        render_kw = {"inputmode": "decimal", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        text = text.replace("€", "").replace(",", ".")
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Nombre invalide (exemple : 1 234,56).")) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Nombre invalide (exemple : 1 234,56)."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format(self.data, "f").replace(".", ",")


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


def show_service_error(form, error, fallback=None) -> None:
    """Show a service refusal under its field, otherwise above the form (``form.form_errors``)."""
    if not attach_service_error(form, error, fallback):
        form.form_errors.append(error.message)
