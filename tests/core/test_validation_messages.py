"""Every validation message of every form renders: no stray ``%`` turning a refusal into a 500."""

import importlib
import pkgutil
from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from wtforms.fields import FieldList, FormField
from wtforms.validators import AnyOf, Length, NoneOf, NumberRange, ValidationError

import app as app_package


def _form_classes() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name.rsplit(".", 1)[-1].startswith("forms"):
            importlib.import_module(module.name)
    found, pending = set(), list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("app.") and cls not in found:
            found.add(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def _failing_value(validator):
    """A value the validator refuses, so that it formats its message as it would for a user."""
    if isinstance(validator, NumberRange):
        if validator.max is not None:
            return Decimal(str(validator.max)) + 1
        return Decimal(str(validator.min)) - 1
    if isinstance(validator, Length):
        return "x" * (validator.max + 1) if validator.max not in (None, -1) else ""
    if isinstance(validator, AnyOf):
        return object()
    if isinstance(validator, NoneOf):
        return next(iter(validator.values))
    return None


def _walk_fields(fields):
    for field in fields:
        if isinstance(field, FieldList):
            yield from _walk_fields(field.entries)
        elif isinstance(field, FormField):
            yield from _walk_fields(field.form)
        else:
            yield field


FORMS = _form_classes()


def test_every_form_module_is_covered():
    assert len(FORMS) >= 20


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_validation_message_renders_in_french(app, form_class):
    with app.test_request_context(method="POST"):
        form = form_class(meta={"csrf": False})
        for field in _walk_fields(form):
            for validator in field.validators:
                failing = _failing_value(validator)
                if failing is None:
                    message = getattr(validator, "message", None)
                    if message is not None:
                        text = str(message)
                        assert "%(" not in text and "%%" not in text, (field.name, text)
                    continue
                field.data = failing
                with pytest.raises(ValidationError) as refusal:
                    validator(form, field)
                text = str(refusal.value)
                assert text and "%(" not in text and "%%" not in text, (field.name, text)
