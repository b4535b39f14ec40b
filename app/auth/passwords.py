"""Password rules: long enough, and not guessable (zxcvbn, given the account's own words).

zxcvbn (Dropbox's strength estimator) scores a password from 0 to 4 against common passwords, names,
keyboard patterns, dates and the words it is given (email, name); we ask for 3 ("safely unguessable").
"""

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MIN_SCORE = 3
# zxcvbn's cost grows with the length; nobody types a longer password (the hash takes any length anyway).
MAX_PASSWORD_LENGTH = 128


def _user_words(*texts: str | None) -> list[str]:
    words = []
    for text in texts:
        if text:
            words.append(text.lower())
            words.extend(w for w in re.split(r"[^\w]+", text.lower()) if len(w) >= 3)
    return words


def _is_built_from(password: str, words: list[str]) -> bool:
    """True when little is left of ``password`` once the account's words, digits and signs are removed."""
    rest = password.lower()
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(re.sub(r"[\W\d_]+", "", rest)) < 4


def password_problem(password: str, *, email: str = "", full_name: str = "") -> str | None:
    """Why ``password`` is refused (a French sentence), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("Au moins %(n)s caractères.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        return str(_l("Au plus %(n)s caractères.", n=MAX_PASSWORD_LENGTH))
    words = _user_words(email, full_name, "levier")
    result = zxcvbn(password, user_inputs=words)
    if result["score"] < MIN_SCORE or _is_built_from(password, words):
        return str(
            _l(
                "Mot de passe trop facile à deviner (mot courant, suite de touches, date, ou construit "
                "à partir du nom ou de l'adresse). Préférez plusieurs mots sans rapport entre eux."
            )
        )
    return None


class StrongPassword:
    """WTForms validator; the account's email and name are read from the form or from ``user_of(form)``."""

    def __init__(self, user_of=None):
        self.user_of = user_of

    def __call__(self, form, field):
        user = self.user_of(form) if self.user_of else None
        email = getattr(user, "email", None) or getattr(getattr(form, "email", None), "data", "") or ""
        name = getattr(user, "full_name", None) or getattr(getattr(form, "full_name", None), "data", "") or ""
        problem = password_problem(field.data or "", email=email, full_name=name)
        if problem:
            raise ValidationError(problem)
