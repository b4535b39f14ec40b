"""Access control, declared once per endpoint and enforced for every request (deny by default).

Each view declares who reaches it with ``@role_required(...)``, ``@authenticated`` or ``@public``.
A view without a declaration is refused with 403 and ``tests/core/test_access_rules.py`` fails.
Administrators pass every role check.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from app.core.enums import Role
from app.extensions import login_manager

ACCESS_ATTRIBUTE = "levier_access"
PUBLIC = "public"
AUTHENTICATED = "authenticated"


def _declare(rule) -> Callable:
    def decorator(view: Callable) -> Callable:
        setattr(view, ACCESS_ATTRIBUTE, rule)
        return view

    return decorator


def role_required(*roles: Role) -> Callable:
    """Let signed-in users with one of ``roles`` (or admins) reach the view."""
    if not roles:
        raise ValueError("role_required needs at least one role")
    return _declare(frozenset(Role(r) for r in roles))


public = _declare(PUBLIC)
authenticated = _declare(AUTHENTICATED)


def access_rule(view: Callable):
    return getattr(view, ACCESS_ATTRIBUTE, None)


def make_public(app, endpoint: str) -> None:
    """Declare an endpoint registered by Flask or an extension (static files) as public."""
    view = app.view_functions[endpoint]

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    app.view_functions[endpoint] = public(wrapper)


def enforce_access():
    """``before_request`` hook: apply the endpoint's declared rule."""
    if request.endpoint is None:
        return None  # no route matched: the 404 handler answers
    view = current_app.view_functions.get(request.endpoint)
    rule = access_rule(view)
    if rule is None:
        current_app.logger.error("Endpoint %s has no access rule: refused", request.endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if rule == AUTHENTICATED or current_user.has_role(*rule):
        return None
    abort(403)
