"""Request body limits per route (``UPLOAD_LIMITS``), enforced on the bytes read, not the announced length.

Werkzeug stops reading at ``request.max_content_length`` and answers 413, chunked uploads included. The
limit must be set before anything parses the body (CSRF protection does), hence the first hook.
"""

from flask import Flask, request


def register_upload_limits(app: Flask) -> None:
    def apply_route_limit():
        limit = app.config.get("UPLOAD_LIMITS", {}).get(request.endpoint)
        if limit:
            request.max_content_length = limit

    app.before_request_funcs.setdefault(None, []).insert(0, apply_route_limit)
