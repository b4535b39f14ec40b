"""Headers: a script policy with no inline script, HSTS in production, no caching of personal pages."""

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flask import Flask

from app.core.headers import register_security_headers

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ROOT = TEMPLATES.parent


def test_every_page_carries_a_content_security_policy_without_inline_script(client):
    policy = client.get("/connexion").headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_or_event_handler():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(template.name)
    assert offenders == []


def test_pages_of_a_signed_in_user_are_not_stored(as_officer, client):
    assert as_officer.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in (client.get("/static/js/levier.js").headers.get("Cache-Control") or "")


def test_hsts_only_in_production():
    for hsts, expected in ((True, True), (False, False)):
        app = Flask("t")
        app.config["SECURITY_HSTS"] = hsts
        app.config["SECRET_KEY"] = "x"
        from app.extensions import login_manager

        login_manager.init_app(app)
        register_security_headers(app)
        app.add_url_rule("/", "index", lambda: "ok")
        header = app.test_client().get("/").headers.get("Strict-Transport-Security")
        assert bool(header) is expected and (not header or "max-age=31536000" in header)


def test_demo_refuses_to_run_in_production(app, runner):
    app.config["IS_PRODUCTION"] = True
    try:
        result = runner.invoke(args=["demo"])
    finally:
        app.config["IS_PRODUCTION"] = False
    assert result.exit_code != 0 and "Refusé en production" in result.output


def test_gunicorn_does_not_announce_itself(tmp_path):
    port = 18000 + (hash(str(tmp_path)) % 1000)
    env = {
        "PATH": "/usr/bin:/bin",
        "LEVIER_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'levier.db'}",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        assert response.status == 200
        assert response.headers.get("Server") is None
    finally:
        server.terminate()
        server.wait(timeout=10)
