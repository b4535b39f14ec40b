"""Base form and the validators every feature shares (SIRET, CPV, money, month)."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from app.core.identifiers import is_valid_siret, normalize_cpv, normalize_siret  # noqa: F401  (the form API)


class BaseForm(FlaskForm):
    """Every Levier form: CSRF-protected, French messages."""

    class Meta:
        locales = ["fr_FR", "fr"]


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
    """Show a service refusal under the field it names (or ``fallback``); False when no field took it."""
    target = getattr(form, error.field or "", None)
    if target is None or not hasattr(target, "errors"):
        target = fallback
    if target is None:
        return False
    target.errors = [*target.errors, error.message]
    return True


def show_service_error(form, error, fallback=None) -> None:
    """Show a service refusal under its field, otherwise above the form (``form.form_errors``)."""
    if not attach_service_error(form, error, fallback):
        form.form_errors.append(error.message)
