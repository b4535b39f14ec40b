"""Spreadsheet input and output shared by the food imports and exports: CSV (any usual separator) and XLSX."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook

from app.core.errors import ServiceError

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel for Windows saves "CSV" in Windows-1252 unless told otherwise.
        return content.decode("cp1252")


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ";"


def read_rows(filename: str, content: bytes) -> list[tuple[int, list]]:
    """Return (line number, cells) for every non-empty line of a CSV or XLSX file; line 1 is the first."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise ServiceError(
                _("Le fichier XLSX est illisible (%(error)s).", error=type(error).__name__)
            ) from None
        sheet = workbook.worksheets[0]
        rows = [
            (index, list(cells)) for index, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        workbook.close()
    elif name.endswith((".csv", ".txt")) or not name:
        text = _decode(content)
        first_line = text.split("\n", 1)[0]
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
        try:
            rows = [(reader.line_num, cells) for cells in reader]
        except csv.Error as error:
            raise ServiceError(_("Le fichier CSV est mal formé : %(error)s.", error=str(error))) from None
    else:
        raise ServiceError(_("Format de fichier non pris en charge : CSV ou XLSX attendu."))
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


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, french: bool = True) -> bytes:
    """CSV for French Excel (UTF-8 with BOM, ``;``) or, with ``french=False``, plain UTF-8 with ``,``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value, french) for value in row])
    text = buffer.getvalue()
    return ("\ufeff" + text if french else text).encode("utf-8")


def _csv_cell(value, french: bool):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if french else text
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if french else value.isoformat()
    return value


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, title: str = "Export") -> bytes:
    """An XLSX workbook whose numbers are numbers and dates are dates (dd/mm/yyyy)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, min(50, len(name) + 4))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(content: bytes, filename: str) -> Response:
    mimetype = XLSX_MIMETYPE if filename.endswith(".xlsx") else "text/csv; charset=utf-8"
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
