"""Redirects to a ``next`` URL that the client sent: only ever a path of this site (no open redirect)."""

from urllib.parse import urlsplit

from flask import redirect, request, url_for


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path of this site (``/marches/?page=2``), None otherwise.

    Browsers read ``\\`` as ``/`` and drop tabs and newlines, so ``/\\evil.example`` and ``/\\t/evil.example``
    are protocol-relative URLs to another site: any backslash, control character or space is refused.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a local path, else ``fallback`` (an URL built with ``url_for``)."""
    return local_path(target) or fallback


def redirect_next(endpoint: str, **values):
    """Redirect to the ``next`` sent with the request (form, then query string) if local, else to ``endpoint``."""
    target = request.form.get("next") or request.args.get("next")
    return redirect(safe_next(target, url_for(endpoint, **values)))
