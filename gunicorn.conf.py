"""gunicorn settings (read from the working directory, or ``gunicorn -c gunicorn.conf.py``).

Responses carry no ``Server: gunicorn`` header: the software and version serving the application are
nobody's business (gunicorn has no setting for it, so its default headers are filtered).
"""

import gunicorn.http.wsgi

_default_headers = gunicorn.http.wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


gunicorn.http.wsgi.Response.default_headers = _default_headers_without_server

bind = "127.0.0.1:8000"
workers = 3
# Bounded request line and headers (gunicorn's defaults, stated): bodies are bounded by the application.
limit_request_line = 4094
limit_request_fields = 100
