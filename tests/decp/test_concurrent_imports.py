"""Two DECP imports at once: the page says one is in progress, the command waits for it; no traceback."""

import html
import threading
import time

from app.core.locks import process_lock
from app.decp.services import DECP_IMPORT_LOCK
from tests.decp.helpers import WRAPPED_2022
from tests.decp.test_pages import _contract_count, _upload


def test_the_page_says_an_import_is_in_progress_and_writes_nothing(as_officer, db):

    with process_lock(DECP_IMPORT_LOCK):
        response = _upload(as_officer, WRAPPED_2022)
    assert response.status_code == 200
    assert "Un autre import DECP est en cours" in html.unescape(response.get_data(as_text=True))
    assert _contract_count(db) == 0
    assert _upload(as_officer, WRAPPED_2022).status_code == 200
    assert _contract_count(db) > 0


def test_the_command_waits_for_the_running_import_then_imports(app, runner, db):

    held, release = threading.Event(), threading.Event()

    def other_import():
        with app.app_context(), process_lock(DECP_IMPORT_LOCK):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=other_import)
    thread.start()
    held.wait(10)
    threading.Timer(1.5, release.set).start()
    started = time.monotonic()
    result = runner.invoke(args=["decp", "import", str(WRAPPED_2022)])
    thread.join(10)
    assert result.exit_code == 0, result.output
    assert "Un autre import DECP est en cours" in result.output
    assert time.monotonic() - started >= 1.0
    assert _contract_count(db) > 0
