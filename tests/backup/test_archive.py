"""Backup and restore: export -> empty database -> import gives the same rows, figures and report files,
SQLite to PostgreSQL and back (SQLite to SQLite when the suite runs without PostgreSQL)."""

import hashlib
import json
import zipfile
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.reports.models import ReportVersion
from app.reports.queries.indicators import compute_indicators
from tests.migrated import app_for, dispose, empty_database, engines


def _snapshot() -> dict:
    """Every row of every table (datetimes in UTC: SQLite keeps no time zone), ordered by key."""
    tables = {}
    for table in db.metadata.sorted_tables:
        ordering = list(table.primary_key.columns)
        rows = db.session.execute(select(table).order_by(*ordering)).mappings().all()
        tables[table.name] = [
            {
                k: (
                    v
                    if not isinstance(v, datetime)
                    else (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(UTC)
                )
                for k, v in row.items()
            }
            for row in rows
        ]
    return tables


def _figures() -> dict:
    years = sorted({v.year for v in db.session.scalars(select(ReportVersion))} | {2024, 2025})
    return {year: compute_indicators(None, year, now=datetime(2026, 6, 1, tzinfo=UTC)) for year in years}


def _report_checksums(app) -> dict:
    root = Path(app.config["REPORT_STORAGE"])
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*.pdf")
    }


def _state(app) -> tuple:
    with app.app_context():
        return _snapshot(), _figures(), _report_checksums(app)


def _invoke(app, *args):
    with app.app_context():  # else the commands would find the suite's own application
        return app.test_cli_runner().invoke(args=list(args))


@contextmanager
def _round_trip(source_app, target_engine, tmp_path, archive: Path, expected):
    result = _invoke(source_app, "data", "export", str(archive))
    assert result.exit_code == 0, result.output
    with empty_database(target_engine, tmp_path) as url:
        target = app_for(url, tmp_path)
        try:
            result = _invoke(target, "data", "import", str(archive))
            assert result.exit_code == 0, result.output
            assert _state(target) == expected
            again = _invoke(target, "data", "import", str(archive))
            assert again.exit_code != 0 and "pas vide" in again.output
            yield target
        finally:
            dispose(target)


def test_export_wipe_import_gives_identical_rows_figures_and_files(tmp_path):
    chain = ["sqlite", "postgresql", "sqlite"] if "postgresql" in engines() else ["sqlite", "sqlite"]
    with empty_database(chain[0], tmp_path) as url:
        source = app_for(url, tmp_path)
        try:
            result = _invoke(source, "demo")
            assert result.exit_code == 0, result.output
            expected = _state(source)
            assert sum(len(rows) for rows in expected[0].values()) > 1000 and expected[2]
        finally:
            dispose(source)
        with ExitStack() as databases:
            current = source
            for step, engine in enumerate(chain[1:], start=1):
                archive = tmp_path / f"archive-{step}.zip"
                current = databases.enter_context(_round_trip(current, engine, tmp_path, archive, expected))
            _refusals(current, archive, tmp_path)


def _refusals(app, archive: Path, tmp_path):
    """A mismatched revision and an altered report file are refused, and nothing is written."""
    before = _state(app)
    with zipfile.ZipFile(archive) as original:
        manifest = json.loads(original.read("manifest.json"))
        members = {name: original.read(name) for name in original.namelist()}

    def rewritten(name, manifest, members):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as copy:
            for member, content in members.items():
                copy.writestr(member, json.dumps(manifest) if member == "manifest.json" else content)
        return path

    older = rewritten("older.zip", {**manifest, "schema_revision": "e37d06a963e8"}, members)
    result = _invoke(app, "data", "import", str(older))
    assert result.exit_code != 0 and "révision de schéma e37d06a963e8" in result.output
    report = next(name for name in members if name.startswith("reports/"))
    altered = rewritten("altered.zip", manifest, {**members, report: b"%PDF-1.4 falsifie"})
    result = _invoke(app, "data", "import", str(altered))
    assert result.exit_code != 0 and "altéré" in result.output
    assert _state(app) == before


def test_import_refuses_a_file_that_is_not_an_archive(tmp_path, app, runner):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    result = runner.invoke(args=["data", "import", str(bogus)])
    assert result.exit_code != 0 and "ZIP attendu" in result.output
