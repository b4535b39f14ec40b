"""Spreadsheet input and output for every feature: CSV as French Excel reads and writes it, and XLSX.

Reading: UTF-8 (with or without BOM) then Windows-1252, the separator guessed from the first line, XLSX
through openpyxl's read-only mode. Writing: CSV in UTF-8 with BOM, ``;`` and decimal commas; XLSX in
write-only mode (constant memory) with numbers as numbers and dates as dates.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
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


def read_csv(
    content: bytes, *, encodings: Sequence[str] = ENCODINGS, delimiters: Sequence[str] = DELIMITERS
) -> list[tuple[int, list]]:
    """``(line number, cells)`` for every record; the separator is the one the first line uses most."""
    for encoding in encodings:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TabularError(_("Le fichier CSV doit être encodé en UTF-8 (enregistrez-le en « CSV UTF-8 »)."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(delimiters, key=first_line.count)  # ties and no separator at all: the first one
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:
        raise TabularError(_("Le fichier CSV est mal formé : %(error)s.", error=str(error))) from None


def read_xlsx(content: bytes) -> list[tuple[int, list]]:
    """``(row number, cells)`` for every row of the first sheet, values as Excel last computed them."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise TabularError(_("Le fichier XLSX est illisible ou endommagé.")) from None
    sheet = workbook.worksheets[0]
    rows = [(index, list(cells)) for index, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    workbook.close()
    return rows


def read_rows(filename: str, content: bytes) -> list[tuple[int, list]]:
    """``(line number, cells)`` for every non-empty line of a CSV or XLSX upload; line 1 is the first."""
    name = (filename or "").lower()
    if is_xlsx(name, content):
        rows = read_xlsx(content)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = read_csv(content)
    else:
        raise TabularError(_("Format de fichier non pris en charge : CSV ou XLSX attendu."))
    return [(line, cells) for line, cells in rows if any(text_of(cell) for cell in cells)]


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
