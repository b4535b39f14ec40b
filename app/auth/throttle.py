"""Sign-in throttling (Flask-Limiter): per account and per address, failed attempts only, growing waits.

Only refused attempts count (``deduct_when``): a user who types the right password is never slowed down
by their own success. The windows grow (minute, hour, day), so a guesser is locked out for longer and
longer; the storage is ``RATELIMIT_STORAGE_URI`` (memory by default: per process; use Redis or
Memcached when several gunicorn workers serve the application).
"""

from flask import request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.extensions import limiter

# Failed attempts tolerated for one account before the next attempt is refused, window by window.
PER_ACCOUNT = "5 per minute; 20 per hour; 50 per day"
# One address may serve a whole office behind a NAT: more generous, same growth.
PER_ADDRESS = "20 per minute; 100 per hour; 500 per day"


def _account_key() -> str:
    email = (request.form.get("email") or "").strip().lower()[:255]
    return f"account:{email}" if email else f"address:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code != 302  # a successful sign-in redirects


def _message() -> str:
    return _(
        "Trop de tentatives de connexion infructueuses pour ce compte ou depuis cette adresse : "
        "réessayez plus tard (l'attente s'allonge à chaque nouvel échec)."
    )


def throttled(view):
    """Apply both limits to the POSTs of ``view``."""
    for limit, key in ((PER_ADDRESS, get_remote_address), (PER_ACCOUNT, _account_key)):
        view = limiter.limit(
            limit,
            key_func=key,
            methods=["POST"],
            deduct_when=_failed,
            error_message=_message,
            scope=f"login-{'address' if key is get_remote_address else 'account'}",
        )(view)
    return view
