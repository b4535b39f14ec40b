"""Guards on every request body and query, before any view or form reads them.

- Body size: ``request.max_content_length`` per route (``UPLOAD_LIMITS``, else ``MAX_CONTENT_LENGTH``).
  Werkzeug stops reading there and answers 413, chunked uploads included: the limit holds on the bytes
  read, not on the announced length. It must be set before anything parses the body (CSRF protection
  does), hence the first hook.
- NUL bytes: no text field of Levier may hold one, and PostgreSQL refuses them in a query (a 500 on
  every list page's ``?q=%00``); they are refused at the door with a French message.
"""

import re

from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest

_PLAIN_INTEGER = re.compile(r"\s*[+-]?[0-9]{1,9}\s*")


class InvalidInput(BadRequest):
    """A 400 whose French message the error page shows."""

    def __init__(self, message: str):
        super().__init__(description=message)
        self.message_fr = message


class BoundedArgs(ImmutableMultiDict):
    """Query and form values where ``get(name, type=int)`` only accepts a plain integer of 9 digits at
    most (``²``, ``١٢`` or 20 digits give the default, as any other unreadable value: not a 500, and
    not a number beyond any column)."""

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's signature)
        if type is int:
            value = super().get(key)
            if value is None or not isinstance(value, str) or not _PLAIN_INTEGER.fullmatch(value):
                return default
            return int(value)
        return super().get(key, default, type)


class LevierRequest(Request):
    parameter_storage_class = BoundedArgs


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


def register_upload_limits(app: Flask) -> None:
    def apply_route_limit():
        limit = app.config.get("UPLOAD_LIMITS", {}).get(request.endpoint)
        if limit:
            request.max_content_length = limit

    def refuse_nul_bytes():
        fields = [*request.args.keys(), *request.args.values(), *(request.view_args or {}).values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields += [*request.form.keys(), *request.form.values()]
        if _has_nul(fields):
            raise InvalidInput(
                "La demande contient un caractère invalide (octet nul, %00) : retirez-le et recommencez."
            )

    hooks = app.before_request_funcs.setdefault(None, [])
    hooks[0:0] = [apply_route_limit, refuse_nul_bytes]
