"""Security headers of every response: framing, sniffing, referrer, script sources, caching, HSTS."""

from flask import Flask, request
from flask_login import current_user

# Scripts come only from our own files: no inline script, no inline event handler (onsubmit=...).
# Inline style attributes remain (Bootstrap components and charts use a few); they cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if app.config.get("SECURITY_HSTS"):
            headers.setdefault("Strict-Transport-Security", HSTS)
        # Every page seen signed in carries personal data (at least the user's name): never stored by
        # the browser or a proxy, so the back button after sign-out shows nothing.
        if request.endpoint not in ("static", "bootstrap.static") and current_user.is_authenticated:
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
