"""A complete, versioned archive of Levier: every table, the schema revision, the report files.

The archive is a ZIP file:

- ``manifest.json``: format, schema revision (Alembic), source engine, date, row count of every table,
  every report file with its SHA-256;
- ``tables/<table>.jsonl``: one JSON object per row, read and written in batches (memory stays flat);
- ``reports/<path>``: the generated PDF reports, as kept in ``REPORT_STORAGE``.

Values are written engine-neutrally (decimals as strings, dates and times in ISO 8601, UTC), so an
archive of SQLite restores into PostgreSQL and back. A restore goes into an empty database migrated to
the same revision, in one transaction: refused whole, or done whole.
"""

import base64
import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import Date, DateTime, LargeBinary, Numeric, Table, Time, func, insert, select, text
from sqlalchemy.types import JSON

from app.core.errors import ServiceError
from app.extensions import db

FORMAT = "levier-archive"
FORMAT_VERSION = 1
BATCH = 1000
# Rows the migrations themselves insert: replaced by the archive's on restore.
SEEDED_BY_MIGRATIONS = frozenset({"territories"})


class ArchiveError(ServiceError):
    pass


@dataclass(frozen=True)
class ArchiveSummary:
    revision: str
    rows: dict[str, int]
    report_files: int


def schema_revision() -> str:
    try:
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:
        db.session.rollback()
        revision = None
    if not revision:
        raise ArchiveError("La base n'a pas de révision de schéma : lancez d'abord « flask db upgrade ».")
    return revision


def _tables() -> list[Table]:
    return list(db.metadata.sorted_tables)  # parents before children


def _to_json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _from_json(column, value):
    if value is None or isinstance(column.type, JSON):
        return value
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Time):
        return time.fromisoformat(value)
    if isinstance(column.type, Numeric) and isinstance(value, str):
        return Decimal(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _report_root() -> Path:
    return Path(current_app.config["REPORT_STORAGE"])


def _report_files() -> Iterator[Path]:
    root = _report_root()
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def export_archive(target: Path) -> ArchiveSummary:
    """Write the archive of the whole database and report folder to ``target`` (read-only on the data)."""
    revision = schema_revision()
    rows: dict[str, int] = {}
    reports: dict[str, str] = {}
    partial = target.with_name(target.name + ".partiel")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in _tables():
            count = 0
            with archive.open(f"tables/{table.name}.jsonl", "w") as out:
                ordering = list(table.primary_key.columns) or list(table.columns)
                result = db.session.execute(
                    select(table).order_by(*ordering).execution_options(yield_per=BATCH)
                )
                for row in result.mappings():
                    line = json.dumps({k: _to_json(v) for k, v in row.items()}, ensure_ascii=False)
                    out.write(line.encode("utf-8") + b"\n")
                    count += 1
            rows[table.name] = count
        root = _report_root()
        for path in _report_files():
            name = path.relative_to(root).as_posix()
            reports[name] = _sha256(path)
            archive.write(path, f"reports/{name}")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": revision,
            "engine": db.engine.dialect.name,
            "created_at": datetime.now(UTC).isoformat(),
            "tables": rows,
            "reports": reports,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    partial.replace(target)  # never a half-written archive under the final name
    return ArchiveSummary(revision, rows, len(reports))


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise ArchiveError(
            "Ce fichier n'est pas une archive Levier (manifeste absent ou illisible)."
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(f"Format d'archive inconnu : archive Levier version {FORMAT_VERSION} attendue.")
    return manifest


def _check_restorable(manifest: dict, archive: zipfile.ZipFile) -> None:
    revision = schema_revision()
    if manifest["schema_revision"] != revision:
        raise ArchiveError(
            f"L'archive est à la révision de schéma {manifest['schema_revision']}, la base à la révision "
            f"{revision} : migrez une base vide à la révision de l'archive "
            f"(flask db upgrade {manifest['schema_revision']}), restaurez, puis migrez."
        )
    known = {t.name for t in _tables()}
    if set(manifest["tables"]) != known:
        raise ArchiveError("Les tables de l'archive ne sont pas celles de la base.")
    for name, checksum in manifest["reports"].items():
        digest = hashlib.sha256()
        with archive.open(f"reports/{name}") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != checksum:
            raise ArchiveError(f"Le fichier de rapport {name} de l'archive est altéré (empreinte SHA-256).")
    for table in _tables():
        if table.name not in SEEDED_BY_MIGRATIONS and db.session.scalar(
            select(func.count()).select_from(table)
        ):
            raise ArchiveError(
                f"La base n'est pas vide (table {table.name}) : la restauration ne se fait que dans une "
                "base vide, fraîchement migrée."
            )


def _reset_sequences() -> None:
    """PostgreSQL: the next id of each table follows the restored rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                sequence = db.session.scalar(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                )
                if sequence:
                    db.session.execute(
                        text(
                            f"SELECT setval(:s, COALESCE((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"
                        ),
                        {"s": sequence},
                    )


def _restore_rows(archive: zipfile.ZipFile) -> None:
    for table in reversed(_tables()):
        if table.name in SEEDED_BY_MIGRATIONS:
            db.session.execute(table.delete())
    for table in _tables():
        columns = {c.name: c for c in table.columns}
        batch = []
        with archive.open(f"tables/{table.name}.jsonl") as lines:
            for line in lines:
                record = json.loads(line)
                batch.append({k: _from_json(columns[k], v) for k, v in record.items()})
                if len(batch) >= BATCH:
                    db.session.execute(insert(table), batch)
                    batch = []
        if batch:
            db.session.execute(insert(table), batch)
    _reset_sequences()


def _restore_reports(archive: zipfile.ZipFile, names) -> None:
    root = _report_root()
    for name in names:
        target = (root / name).resolve()
        if not target.is_relative_to(root.resolve()):
            raise ArchiveError(f"Chemin de rapport refusé dans l'archive : {name}.")
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(f"reports/{name}") as src, target.open("wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                out.write(chunk)


def import_archive(source: Path) -> ArchiveSummary:
    """Restore ``source`` into this empty database and the report folder; the caller commits."""
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile):
        raise ArchiveError("Archive illisible : fichier ZIP attendu.") from None
    with archive:
        manifest = read_manifest(archive)
        _check_restorable(manifest, archive)
        _restore_rows(archive)
        _restore_reports(archive, manifest["reports"])
    return ArchiveSummary(manifest["schema_revision"], manifest["tables"], len(manifest["reports"]))
