"""Eligibility criteria that depend on age (domain.md section 4): JEUNE under 26, SENIOR 50 and over.

The age is the one reached during the year (year − birth year), as the report's age bands count it.
"""

from flask_babel import gettext as _

from app.core.enums import Eligibility

YOUTH_LIMIT = 26
SENIOR_AGE = 50


def age_criterion_error(criteria, birth_year: int | None, year: int, code: str = "") -> str | None:
    """Why ``criteria`` do not fit a person born in ``birth_year`` during ``year`` (None when they do)."""
    if birth_year is None:
        return None
    age = year - birth_year
    who = (
        _("%(code)s a %(age)s ans en %(year)s", code=code, age=age, year=year)
        if code
        else _("La personne a %(age)s ans en %(year)s", age=age, year=year)
    )
    if Eligibility.JEUNE in criteria and age >= YOUTH_LIMIT:
        return _("%(who)s : le critère « jeune de moins de 26 ans » ne s'applique pas. Corrigez ses critères "
                 "d'éligibilité.", who=who)  # fmt: skip
    if Eligibility.SENIOR in criteria and age < SENIOR_AGE:
        return _("%(who)s : le critère « 50 ans et plus » ne s'applique pas. Corrigez ses critères "
                 "d'éligibilité.", who=who)  # fmt: skip
    return None
