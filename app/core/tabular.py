"""Spreadsheet input and output for every feature: CSV as French Excel reads and writes it, and XLSX.

Reading: UTF-8 (with or without BOM) then Windows-1252, the separator guessed from the first line, XLSX
through openpyxl's read-only mode. Writing: CSV in UTF-8 with BOM, ``;`` and decimal commas; XLSX in
write-only mode (constant memory) with numbers as numbers and dates as dates.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from flask import Response, current_app, has_app_context
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.errors import ServiceError

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel for Windows saves "CSV" in Windows-1252 unless told to use "CSV UTF-8".
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (";", ",", "\t")
DATE_FORMAT = "DD/MM/YYYY"
AMOUNT_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"


class TabularError(ServiceError):
    """The file cannot be read as a spreadsheet at all (encoding, CSV syntax, damaged XLSX)."""


# --- Reading ------------------------------------------------------------------------------------------


def is_xlsx(filename: str, content: bytes) -> bool:
    """An XLSX file is a ZIP archive, whatever its name says."""
    return (filename or "").lower().endswith(".xlsx") or (
        content[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(content))
    )


# Defaults when no application is around (the configuration may lower or raise them).
LIMITS = {
    "IMPORT_MAX_ROWS": 50_000,
    "IMPORT_MAX_COLUMNS": 60,
    "XLSX_MAX_UNCOMPRESSED_BYTES": 100 * 1024 * 1024,
}


def _limit(name: str) -> int:
    return current_app.config.get(name, LIMITS[name]) if has_app_context() else LIMITS[name]


def _too_many_rows(max_rows: int) -> TabularError:
    return TabularError(
        _("Fichier trop long : %(n)s lignes au plus. Découpez-le en plusieurs fichiers.", n=max_rows)
    )


def _bounded_cells(line: int, cells: list) -> list:
    """The cells of a row up to the column limit; a filled cell beyond it is an error."""
    limit = _limit("IMPORT_MAX_COLUMNS")
    if len(cells) > limit:
        if any(cell not in (None, "") for cell in cells[limit:]):
            raise TabularError(_("Ligne %(line)s : trop de colonnes (%(n)s au plus).", line=line, n=limit))
        cells = cells[:limit]
    return cells


def _bounded_rows(rows: Iterator[tuple[int, list]], max_rows: int | None) -> Iterator[tuple[int, list]]:
    """Rows with their cells bounded; more than ``max_rows`` records (plus the header) is an error."""
    for count, (line, cells) in enumerate(rows, start=1):
        if max_rows is not None and count > max_rows + 1:  # the header line and max_rows records
            raise _too_many_rows(max_rows)
        yield line, _bounded_cells(line, cells)


def _binary(source: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else source


def detect_encoding(source: BinaryIO, encodings: Sequence[str] = ENCODINGS, chunk_size: int = 1 << 16) -> str:
    """The first of ``encodings`` that decodes the whole stream, read chunk by chunk (memory stays flat)."""
    for encoding in encodings:
        source.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := source.read(chunk_size):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        source.seek(0)
        return encoding
    raise TabularError(_("Le fichier CSV doit être encodé en UTF-8 (enregistrez-le en « CSV UTF-8 »)."))


def _csv_records(text, delimiter: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for cells in reader:
            if any("\x00" in cell for cell in cells):  # no text column may hold one (PostgreSQL refuses them)
                raise TabularError(
                    _(
                        "Ligne %(line)s : caractère invalide (octet nul). Le fichier est-il bien un CSV ?",
                        line=reader.line_num,
                    )
                )
            yield reader.line_num, cells
    except csv.Error as error:
        raise TabularError(_("Le fichier CSV est mal formé : %(error)s.", error=str(error))) from None


def iter_csv(
    source: bytes | BinaryIO,
    *,
    encodings: Sequence[str] = ENCODINGS,
    delimiters: Sequence[str] = DELIMITERS,
    max_rows: int | None = None,
) -> Iterator[tuple[int, list]]:
    """``(line number, cells)`` for every record, streamed; the separator is the one the first line uses most.

    UTF-8 (with or without BOM) first, then Windows-1252 (French Excel's default "CSV"). Columns are
    bounded (``IMPORT_MAX_COLUMNS``), and records by ``max_rows`` when given.
    """
    stream = _binary(source)
    encoding = detect_encoding(stream, encodings)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        first_line = text.readline()
        text.seek(0)
        delimiter = max(delimiters, key=first_line.count)  # ties and no separator at all: the first one
        yield from _bounded_rows(_csv_records(text, delimiter), max_rows)
    finally:
        if not stream.closed:
            text.detach()  # leave the caller's file open


def check_xlsx_size(source: bytes | BinaryIO) -> None:
    """Refuse a "zip bomb" before openpyxl inflates it: the declared uncompressed size of the archive."""
    stream = _binary(source)
    position = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TabularError(_("Le fichier XLSX est illisible ou endommagé.")) from None
    finally:
        stream.seek(position)
    if inflated > _limit("XLSX_MAX_UNCOMPRESSED_BYTES"):
        raise TabularError(
            _(
                "Fichier XLSX trop volumineux une fois décompressé (%(mb)s Mo au plus) : "
                "enregistrez-le en CSV ou découpez-le.",
                mb=_limit("XLSX_MAX_UNCOMPRESSED_BYTES") // (1024 * 1024),
            )
        )


def _sheet_rows(sheet, max_rows: int | None) -> Iterator[tuple[int, list]]:
    declared_rows = sheet.max_row if isinstance(sheet.max_row, int) else 0
    if max_rows is not None and declared_rows > max_rows + 1:
        raise _too_many_rows(max_rows)
    # max_col bounds what openpyxl builds for each row, whatever width the sheet declares.
    # A sheet without a declared size (written in streaming mode) gets rows as wide as their cells.
    max_columns = _limit("IMPORT_MAX_COLUMNS")
    is_sized = isinstance(sheet.max_column, int)
    width = min(sheet.max_column, max_columns + 1) if is_sized else max_columns + 1
    for index, cells in enumerate(sheet.iter_rows(values_only=True, max_col=width), start=1):
        cells = list(cells)
        while not is_sized and cells and cells[-1] is None:
            cells.pop()
        yield index, cells


def iter_xlsx(source: bytes | BinaryIO, *, max_rows: int | None = None) -> Iterator[tuple[int, list]]:
    """``(row number, cells)`` for every row of the first sheet, streamed (openpyxl's read-only mode).

    Bounded before reading (uncompressed size, the sheet's declared dimensions) and while reading (rows
    and columns), so that a small hostile file cannot occupy a worker for minutes.
    """
    check_xlsx_size(source)
    try:
        workbook = load_workbook(_binary(source), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise TabularError(_("Le fichier XLSX est illisible ou endommagé.")) from None
    try:
        yield from _bounded_rows(_sheet_rows(workbook.worksheets[0], max_rows), max_rows)
    except TabularError:
        raise
    except Exception:
        raise TabularError(_("Le fichier XLSX est illisible ou endommagé.")) from None
    finally:
        workbook.close()


def read_csv(
    content: bytes, *, encodings: Sequence[str] = ENCODINGS, delimiters: Sequence[str] = DELIMITERS
) -> list[tuple[int, list]]:
    """``(line number, cells)`` for every record (see ``iter_csv``), at most ``IMPORT_MAX_ROWS``."""
    return list(
        iter_csv(content, encodings=encodings, delimiters=delimiters, max_rows=_limit("IMPORT_MAX_ROWS"))
    )


def read_xlsx(content: bytes) -> list[tuple[int, list]]:
    """``(row number, cells)`` for every row of the first sheet, at most ``IMPORT_MAX_ROWS``."""
    return list(iter_xlsx(content, max_rows=_limit("IMPORT_MAX_ROWS")))


def _head(source: bytes | BinaryIO) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source[:4])
    position = source.tell()
    head = source.read(4)
    source.seek(position)
    return head


def iter_rows(
    filename: str, source: bytes | BinaryIO, *, max_rows: int | None = None
) -> Iterator[tuple[int, list]]:
    """``(line number, cells)`` for every non-empty line of a CSV or XLSX file, streamed; line 1 is the first."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or _head(source) == b"PK\x03\x04":
        rows = iter_xlsx(source, max_rows=max_rows)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = iter_csv(source, max_rows=max_rows)
    else:
        raise TabularError(_("Format de fichier non pris en charge : CSV ou XLSX attendu."))
    return ((line, cells) for line, cells in rows if any(text_of(cell) for cell in cells))


def read_rows(filename: str, content: bytes) -> list[tuple[int, list]]:
    """``(line number, cells)`` for every non-empty line of a CSV or XLSX upload; line 1 is the first."""
    return list(iter_rows(filename, content, max_rows=_limit("IMPORT_MAX_ROWS")))


def text_of(value) -> str:
    """A cell as stripped text (numbers from XLSX without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


# --- Writing ------------------------------------------------------------------------------------------


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """OWASP's rule for CSV: a text cell that a spreadsheet would run as a formula gets a leading quote.

    Values arrive from third-party DECP and food files; opened in Excel or LibreOffice, ``=HYPERLINK(...)``
    or ``=cmd|...`` would run. Only text is touched: numbers and dates are written as such.
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, french: bool = True) -> bytes:
    """CSV for French Excel (UTF-8 with BOM, ``;``, ``1234,50``, ``31/12/2025``, ``oui``/``non``).

    With ``french=False``: plain UTF-8 with ``,``, ``1234.50`` and ISO dates, as open-data schemas want.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow([_csv_cell(name, french) for name in header])
    for row in rows:
        writer.writerow([_csv_cell(value, french) for value in row])
    text = buffer.getvalue()
    return ("\ufeff" + text if french else text).encode("utf-8")


def _csv_cell(value, french: bool):
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralize(value)
    if not french:
        if isinstance(value, Decimal):
            return format(value, "f")
        return value.isoformat() if isinstance(value, date) else value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def xlsx_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str = "Export",
    column_formats: Sequence[str | None] | None = None,
    date_format: str | None = DATE_FORMAT,
    float_format: str | None = AMOUNT_FORMAT,
    bold_header: bool = True,
    min_width: int = 12,
    freeze_header: bool = True,
) -> bytes:
    """A one-sheet workbook written row by row (constant memory): numbers are numbers, dates are dates.

    A date takes ``date_format`` (None: Excel's ISO default); a cell of a column with a format in
    ``column_formats`` takes it, even when empty; any other float takes ``float_format``.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    if freeze_header:
        sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(min_width, min(50, len(str(name)) + 4))
    sheet.append(
        [
            _header_cell(sheet, name) if bold_header else _xlsx_cell(sheet, name, None, None, None)
            for name in header
        ]
    )
    formats = list(column_formats or ())
    for row in rows:
        sheet.append(
            [
                _xlsx_cell(sheet, value, formats[i] if i < len(formats) else None, date_format, float_format)
                for i, value in enumerate(row)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet, name) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=name)
    cell.data_type = "s"
    cell.font = Font(bold=True)
    return cell


def _xlsx_cell(sheet, value, column_format, date_format, float_format) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        value = float(value)  # Excel has no decimal type; amounts have two decimals, well within a double
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: openpyxl would store "=..." as a live formula
    if isinstance(value, date):
        if date_format:
            cell.number_format = date_format
    elif column_format:
        cell.number_format = column_format
    elif isinstance(value, float) and float_format:
        cell.number_format = float_format
    return cell


def download(content: bytes | str, filename: str, mimetype: str | None = None) -> Response:
    """An attachment; the type follows the extension (XLSX, else CSV) unless given."""
    if mimetype is None:
        mimetype = XLSX_MIMETYPE if filename.endswith(".xlsx") else CSV_MIMETYPE
    return Response(
        content, content_type=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def spreadsheet_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence], **xlsx_options
) -> Response:
    """The rows as CSV or, for a ``.xlsx`` name, as a workbook laid out by ``xlsx_options``."""
    if filename.endswith(".xlsx"):
        return download(xlsx_bytes(header, rows, **xlsx_options), filename)
    return download(csv_bytes(header, rows), filename)
