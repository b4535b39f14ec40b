import pytest


@pytest.fixture(autouse=True)
def report_storage(app, tmp_path, monkeypatch):
    """Each test gets its own report folder, as empty as its database."""
    monkeypatch.setitem(app.config, "REPORT_STORAGE", str(tmp_path / "reports"))
    return tmp_path / "reports"
