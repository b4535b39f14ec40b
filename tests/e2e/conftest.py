"""The journeys in a real browser: Debian's Chromium driven by Playwright, the app on a loopback port.

The application is the test session's (its database, emptied when the last journey ends), filled once
with the demo data set and served by werkzeug in a thread. axe-core, installed from npm into
``tests/e2e/node_modules`` when missing, checks every page visited; screenshots go to
``tests/e2e/artifacts/``. Nothing here is skipped: a missing browser or npm fails the run loudly.
"""

import logging
import os
import random
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.core.dates import today_paris
from app.extensions import db as _db
from app.main.cli import DemoBuilder
from tests.conftest import _empty_tables, _seed_reference_data
from tests.e2e.checks import DESKTOP

E2E_DIR = Path(__file__).resolve().parent
AXE_SCRIPT = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("LEVIER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=fr-FR",  # the browser of a French user (navigator.language, Accept-Language)
]


@pytest.fixture(autouse=True)
def db(app):
    """The journeys share the demo data set, in the order of their files: no emptying between them."""
    yield _db


@pytest.fixture(scope="session")
def axe_path() -> Path:
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the browser tests (apt-get install npm)")
        subprocess.run([npm, "install", "--no-audit", "--no-fund"], cwd=E2E_DIR, check=True)
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core was not installed into {AXE_SCRIPT.parent}")
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (.ci/run installs it: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def demo(app, tmp_path_factory):
    """The demo data set (four accounts, three years of contracts, hours, food, objectives, a report).

    Its reports go to a folder of their own: the tables are emptied afterwards, and a later test numbering
    versions from 1 again must not find these files in its way.
    """
    storage = app.config["REPORT_STORAGE"]
    app.config["REPORT_STORAGE"] = str(tmp_path_factory.mktemp("e2e-reports"))
    _empty_tables()
    _seed_reference_data()
    DemoBuilder(random.Random(62), today_paris()).build()
    _db.session.commit()
    yield
    _empty_tables()
    _seed_reference_data()
    app.config["REPORT_STORAGE"] = storage


@pytest.fixture(scope="package")
def live_server(app, demo):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def _is_error(message) -> bool:
    """A console error, except the browser's note on a form refused with 400 or 422 (the page explains it)."""
    return message.type == "error" and not re.match(
        r"Failed to load resource: .* status of 4(00|22) ", message.text
    )


@pytest.fixture
def page(browser, axe_path, live_server, request):
    context = browser.new_context(
        viewport=DESKTOP,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        base_url=live_server,
        accept_downloads=True,
    )
    context.add_init_script(path=str(axe_path))  # injected by the DevTools protocol: a CSP cannot block it
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: _is_error(message) and page.errors.append(message.text))
    yield page
    context.close()
    assert not page.errors, f"JavaScript errors in the browser: {page.errors}"
