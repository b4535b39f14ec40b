"""How the hours and participants spreadsheets look: bold header, no frozen row, dates as dd/mm/yyyy dates."""

from flask import Response

from app.core.tabular import DATE_FORMAT, spreadsheet_download

XLSX_LAYOUT = {"min_width": 10, "freeze_header": False, "date_format": DATE_FORMAT, "float_format": None}


def export_response(filename: str, header: list[str], rows, sheet_title: str = "Export") -> Response:
    """CSV for French Excel, or XLSX when ``filename`` ends in ``.xlsx``."""
    return spreadsheet_download(filename, header, rows, title=sheet_title, **XLSX_LAYOUT)
