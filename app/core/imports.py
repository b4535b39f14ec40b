"""One pipeline for every file import: read -> parse each row -> check in batches -> preview -> write.

A feature declares an ``Importer``: its columns, how one row becomes a typed record (``parse_row``, no
database), the business rules over a batch of records (``check_batch``: one query per referenced table
per batch, never per row, and the same rule functions as the feature's forms and services), the rules
over the whole file (``finish``), and how a checked batch is written (``write_batch``, bulk inserts).
``run_import`` does the rest, the same way for every feature (ma-cantine's ``BaseImportView`` is the
model): the file is streamed (CSV in UTF-8 or Windows-1252 with ``;``, ``,`` or tab, or XLSX), rows are
handled ``batch_size`` at a time so memory stays flat in the file size, every error carries its line
number (line 1 is the header) and column, and writing is all or nothing: the caller commits only a
valid report and rolls back otherwise (one request, one command, one transaction).

A source that is not a spreadsheet (a JSON file such as DECP) plugs in with three overrides: ``rows``
yields ``(record number, record)`` from a streaming reader, ``read_header`` returns
``Header({}, is_data=True)`` (no header line) and ``row_values`` returns the record itself; its
``parse_row`` normalises one record, ``check_batch`` preloads what a batch refers to, ``write_batch`` is
its bulk writer. Previews, numbered errors, progress and all-or-nothing then come from here.
"""

import itertools
import sys
import unicodedata
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

import click
from flask_babel import gettext as _
from sqlalchemy import insert

from app.core.errors import ServiceError
from app.core.tabular import TabularError, iter_rows, text_of
from app.extensions import db

Source = bytes | BinaryIO


class ImportFileError(ServiceError):
    """The file itself cannot be read (format, encoding, columns, size): no line is checked."""


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str = ""
    required: bool = True


@dataclass(frozen=True)
class RowError:
    line: int | None
    message: str
    column: str | None = None
    is_duplicate: bool = False

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Ligne %(line)s : %(message)s", line=self.line, message=self.message)


class RowErrors(list):
    """Every problem of one row, so that a user fixes a line once rather than once per cell."""

    def __init__(self, line: int | None):
        super().__init__()
        self.line = line

    def add(self, message: str, column: str | None = None, *, is_duplicate: bool = False) -> None:
        self.append(RowError(self.line, message, column, is_duplicate))

    def take(self, parse: Callable, *args, column: str | None = None, **kwargs):
        """``parse(*args)``, or None with its message kept (parsers raise ValueError, ServiceError)."""
        try:
            return parse(*args, **kwargs)
        except ValueError as error:  # ServiceError is a ValueError too
            self.add(getattr(error, "message", None) or str(error), column)
            return None


def simplify(text) -> str:
    """Lower case, no accents, single underscores: how headers and labels are compared."""
    text = unicodedata.normalize("NFKD", text_of(text)).encode("ascii", "ignore").decode()
    return "_".join(text.strip().lower().replace("-", " ").replace("/", " ").replace("'", " ").split())


@dataclass
class Header:
    """Where each declared column is in the file; ``is_data``: the first line was already a data row."""

    positions: dict[str, int]
    is_data: bool = False


@dataclass
class ImportReport:
    """What a run found (and wrote): counts, errors by line, the first records for the preview."""

    filename: str
    importer: "Importer"
    rows: int = 0
    valid: int = 0
    written: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and self.valid > 0

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def error_messages(self) -> list[str]:
        return [str(error) for error in self.errors]


class Importer(ABC):
    """What a feature declares. Subclasses set ``columns`` and implement ``parse_row``; they override
    ``check_batch``, ``finish`` and ``write_batch`` for their rules and their writing."""

    columns: tuple[Column, ...] = ()
    batch_size: int = 1000
    max_rows: int | None = None
    preview_limit: int = 500
    label: str = ""

    def __init__(self, actor):
        self.actor = actor

    # --- reading ------------------------------------------------------------------------------------

    def rows(self, filename: str, source: Source) -> Iterator[tuple[int, list]]:
        if isinstance(source, bytes | bytearray) and not source:
            raise ImportFileError(_("Le fichier est vide."))
        try:
            yield from iter_rows(filename, source, max_rows=self.max_rows)
        except TabularError as error:
            raise ImportFileError(error.message) from None

    def row_values(self, header: Header, cells) -> dict[str, Any]:
        """``{column: raw value}`` of one row (a JSON source yields dicts already and returns them)."""
        return {name: (cells[i] if i < len(cells) else None) for name, i in header.positions.items()}

    def read_header(self, line: int, cells: list) -> Header:
        """Find the declared columns (order free, accents and case ignored); a missing one stops the import."""
        names = [simplify(cell) for cell in cells]
        missing = [c.name for c in self.columns if c.required and c.name not in names]
        if missing:
            raise ImportFileError(
                _(
                    "Colonnes manquantes : %(missing)s. La première ligne doit contenir : %(expected)s.",
                    missing=", ".join(missing),
                    expected=", ".join(c.name for c in self.columns),
                )
            )
        return Header({c.name: names.index(c.name) for c in self.columns if c.name in names})

    # --- the feature's part -------------------------------------------------------------------------

    @abstractmethod
    def parse_row(self, line: int, values: dict[str, Any], errors: RowErrors):
        """One row as a typed record, or None with its problems in ``errors``. No database here."""

    def check_batch(self, records: list) -> tuple[list, list[RowError]]:
        """The records of a batch that pass the business rules, and the errors of the others."""
        return records, []

    def finish(self) -> list[RowError]:
        """Rules over the whole file (totals across batches); called once every batch was checked."""
        return []

    @abstractmethod
    def write_batch(self, records: list) -> None:
        """Write the checked records of a batch (bulk inserts), inside the import's one transaction."""

    def after_write(self, report: ImportReport) -> None:  # noqa: B027  (an optional hook: nothing by default)
        """Once everything was written (an audit summary, for instance)."""


def run_import(
    importer: Importer,
    filename: str,
    source: Source,
    *,
    write: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check the whole file; with ``write``, also write it batch by batch while no error was found.

    Nothing is committed here: the caller commits a valid report, and rolls back otherwise (rows of the
    first batches may already have been flushed when a later line is wrong). ``progress`` receives the
    number of rows handled after each batch (a progress bar, a count on a page).
    """
    rows = importer.rows(filename, source)
    try:
        report = ImportReport(filename=filename, importer=importer)
        for batch, read in _batches(importer, rows, report):
            if batch:
                _check(importer, batch, report, write)
            if progress is not None:
                progress(read)
        _finish(importer, report, write)
        return report
    finally:
        rows.close()


def _batches(importer: Importer, rows: Iterator, report: ImportReport) -> Iterator[tuple[list, int]]:
    """Parsed records ``batch_size`` at a time, with the number of rows read for each batch."""
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("Le fichier est vide."))
    header = importer.read_header(*first)
    batch: list = []
    read = 0
    for line, cells in itertools.chain([first], rows) if header.is_data else rows:
        report.rows += 1
        read += 1
        if importer.max_rows is not None and report.rows > importer.max_rows:
            raise ImportFileError(_("Fichier trop long : %(n)s lignes au plus.", n=importer.max_rows))
        errors = RowErrors(line)
        record = importer.parse_row(line, importer.row_values(header, cells), errors)
        report.errors.extend(errors)
        if record is not None and not errors:
            batch.append(record)
        if len(batch) >= importer.batch_size:
            yield batch, read
            batch, read = [], 0
    yield batch, read


def _check(importer: Importer, batch: list, report: ImportReport, write: bool) -> None:
    valid, errors = importer.check_batch(batch)
    report.errors.extend(errors)
    report.valid += len(valid)
    room = importer.preview_limit - len(report.preview)
    if room > 0:
        report.preview.extend(valid[:room])
    if write and not report.errors and valid:
        importer.write_batch(valid)
        report.written += len(valid)


def _finish(importer: Importer, report: ImportReport, write: bool) -> None:
    if report.rows == 0:
        report.errors.append(RowError(None, _("Le fichier ne contient aucune ligne de données.")))
    report.errors.extend(importer.finish())
    report.errors.sort(key=lambda e: (e.line is not None, e.line or 0))
    if write and report.is_valid:
        importer.after_write(report)
    elif write:
        report.written = 0


def estimate_rows(filename: str, source: Source) -> int | None:
    """About how many data rows a file holds, for a progress bar (None when it cannot say cheaply)."""
    if (filename or "").lower().endswith(".xlsx"):
        return None
    if isinstance(source, bytes | bytearray):
        return max(source.count(b"\n") - 1, 0)
    position = source.tell()
    count = sum(chunk.count(b"\n") for chunk in iter(lambda: source.read(1 << 16), b""))
    source.seek(position)
    return max(count - 1, 0)


@contextmanager
def progress_bar(filename: str, source: Source):
    """A click progress bar on stderr for a command-line import (silent when stderr is not a terminal)."""
    with click.progressbar(
        length=estimate_rows(filename, source) or 1, label=_("Lignes vérifiées"), file=sys.stderr
    ) as bar:
        yield bar


def insert_rows(model, rows: list[dict], match: tuple[str, ...]) -> list[int]:
    """Insert ``rows`` in one statement per few hundred rows; the new ids, in the order of ``rows``.

    The ids come back through RETURNING with the ``match`` columns, and are paired with the rows on those
    values: asking the database to keep the parameters' order instead makes SQLite insert row by row.
    Rows equal on every ``match`` column are interchangeable, so pairing them in any order is exact.
    """
    if not rows:
        return []
    columns = [getattr(model, name) for name in match]
    returned = db.session.execute(insert(model).returning(model.id, *columns), rows).all()
    waiting: dict[tuple, list[int]] = defaultdict(list)
    for row in returned:
        waiting[tuple(row[1:])].append(row[0])
    for ids in waiting.values():
        ids.reverse()
    return [waiting[tuple(_stored(model, name, row[name]) for name in match)].pop() for row in rows]


def _stored(model, name: str, value):
    """``value`` as the database gives it back (numbers as Decimal with the column's scale)."""
    column = model.__table__.c[name]
    scale = getattr(column.type, "scale", None)
    if isinstance(value, Decimal) and scale is not None:
        return value.quantize(Decimal(1).scaleb(-scale))
    return value
