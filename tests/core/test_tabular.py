"""The shared spreadsheet module: what French Excel writes is read back, what Levier writes Excel reads."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from app.core.tabular import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    TabularError,
    csv_bytes,
    download,
    read_csv,
    read_rows,
    spreadsheet_download,
    text_of,
    xlsx_bytes,
)

ROWS = [["siret", "produit", "montant"], ["13002526500013", "Crème fraîche", "12,50"]]


def _csv(rows, delimiter=";") -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize(
    "content",
    [
        _csv(ROWS).encode("utf-8"),
        "\ufeff".encode() + _csv(ROWS).encode("utf-8"),
        _csv(ROWS).encode("cp1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252"],
)
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_windows_1252(app, content):
    assert read_rows("achats.csv", content) == [(1, ROWS[0]), (2, ROWS[1])]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_the_separator_is_the_one_the_first_line_uses(app, delimiter):
    content = _csv([["a", "b", "c"], ["1", "2,5", "x y"]], delimiter)
    content = content.replace(f"{delimiter}2,5", f'{delimiter}"2,5"') if delimiter == "," else content
    assert read_rows("f.csv", content.encode()) == [(1, ["a", "b", "c"]), (2, ["1", "2,5", "x y"])]


def test_on_a_tie_the_semicolon_wins(app):
    assert read_csv(b"a;b,c\r\n") == [(1, ["a", "b,c"])]


def test_a_first_line_without_separator_is_read_with_semicolons(app):
    assert read_csv(b"seule\r\n1;2\r\n") == [(1, ["seule"]), (2, ["1", "2"])]


def test_empty_lines_are_skipped_but_keep_their_line_numbers(app):
    content = b"a;b\r\n\r\n;\r\n1;2\r\n"
    assert read_rows("f.csv", content) == [(1, ["a", "b"]), (4, ["1", "2"])]


def test_a_caller_may_refuse_windows_1252_and_tabs(app):
    with pytest.raises(TabularError, match="UTF-8"):
        read_csv("é;è\r\n".encode("cp1252"), encodings=("utf-8-sig",))
    assert read_csv(b"a\tb;c\r\n", delimiters=(";", ",")) == [(1, ["a\tb", "c"])]


def test_a_malformed_csv_or_damaged_xlsx_gives_a_french_message(app):
    with pytest.raises(TabularError, match="mal formé"):
        read_rows("f.csv", b'a;"' + b"x" * 200_000 + b'"\r\n')
    with pytest.raises(TabularError, match="XLSX est illisible"):
        read_rows("f.xlsx", b"PK\x03\x04 not really a zip")


def test_other_formats_are_refused(app):
    with pytest.raises(TabularError, match="CSV ou XLSX attendu"):
        read_rows("achats.xls", b"\xd0\xcf\x11\xe0")


def test_an_xlsx_is_recognised_by_its_content_whatever_its_name(app):
    content = xlsx_bytes(["a"], [["x"]])
    assert read_rows("export.csv", content) == [(1, ["a"]), (2, ["x"])]


def test_xlsx_round_trip_keeps_numbers_dates_and_text(app):
    header = ["Date", "Montant HT (€)", "Durée (mois)", "Libellé"]
    rows = [[date(2025, 6, 1), Decimal("1234.50"), 12, "Pommes"], [None, None, None, "vide"]]
    content = xlsx_bytes(header, rows, title="Achats alimentaires de l'année 2025 (tous sites)")

    assert read_rows("a.xlsx", content) == [
        (1, header),
        (2, [datetime(2025, 6, 1), 1234.5, 12, "Pommes"]),
        (3, [None, None, None, "vide"]),
    ]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Achats alimentaires de l'année "[:31]
    assert sheet["A2"].number_format == "DD/MM/YYYY" and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].number_format == "General"  # whole numbers keep Excel's own format
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == len("Montant HT (€)") + 4
    assert sheet.column_dimensions["A"].width == 12


def test_xlsx_column_formats_apply_to_every_cell_of_the_column(app):
    content = xlsx_bytes(
        ["Heures", "Montant"], [[Decimal("35.5"), None]], column_formats=["#,##0", "#,##0.00"]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == 35.5 and sheet["A2"].number_format == "#,##0"
    assert sheet["B2"].value is None and sheet["B2"].number_format == "#,##0.00"


def test_xlsx_layout_options(app):
    content = xlsx_bytes(
        ["Mois", "Heures"],
        [[date(2025, 3, 1), 2.5]],
        date_format=None,
        float_format=None,
        bold_header=False,
        min_width=10,
        freeze_header=False,
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].number_format == "yyyy-mm-dd" and sheet["B2"].number_format == "General"
    assert not sheet["A1"].font.b and sheet.freeze_panes is None
    assert sheet.column_dimensions["A"].width == 10


def test_french_csv_has_bom_semicolons_decimal_commas_and_french_dates():
    content = csv_bytes(
        ["Date", "Montant", "Taux", "Nombre", "QPV", "Vide", "Texte"],
        [
            [date(2025, 12, 31), Decimal("1234.50"), 0.25, 3, True, None, "a;b"],
            [None, None, None, 0, False, "", "x"],
        ],
    )
    assert (
        content
        == (
            "\ufeffDate;Montant;Taux;Nombre;QPV;Vide;Texte\r\n"
            '31/12/2025;1234,50;0,25;3;oui;;"a;b"\r\n'
            ";;;0;non;;x\r\n"
        ).encode()
    )


def test_french_csv_never_writes_decimals_in_scientific_notation():
    assert csv_bytes(["h"], [[Decimal("1E+3")], [Decimal("0.0000001")]]).endswith(b"1000\r\n0,0000001\r\n")


def test_plain_csv_for_open_data_has_no_bom_commas_and_iso_values():
    content = csv_bytes(
        ["date", "prix_ht"], [[date(2025, 6, 1), Decimal("12.50")], [None, "a,b"]], french=False
    )
    assert content == b'date,prix_ht\r\n2025-06-01,12.50\r\n,"a,b"\r\n'


def test_text_of_shows_cells_as_typed():
    assert text_of(None) == ""
    assert text_of(13002526500013.0) == "13002526500013"
    assert text_of(12.5) == "12.5"
    assert text_of(datetime(2025, 6, 1)) == "2025-06-01"
    assert text_of("  Pommes ") == "Pommes"


def test_downloads_are_attachments_typed_by_their_extension(app):
    with app.test_request_context():
        csv_response = spreadsheet_download("liste.csv", ["Prix"], [[Decimal("1.5")]])
        xlsx_response = spreadsheet_download("liste.xlsx", ["Prix"], [[Decimal("1.5")]], title="Prix")
        json_response = download("{}", "donnees.json", "application/json")
    assert csv_response.mimetype == CSV_MIMETYPE.split(";")[0]
    assert csv_response.data == "\ufeffPrix\r\n1,5\r\n".encode()
    assert csv_response.headers["Content-Disposition"] == 'attachment; filename="liste.csv"'
    assert xlsx_response.mimetype == XLSX_MIMETYPE
    assert load_workbook(io.BytesIO(xlsx_response.data))["Prix"]["A2"].value == 1.5
    assert json_response.mimetype == "application/json" and json_response.data == b"{}"


def test_a_workbook_made_by_excel_is_read_from_its_first_sheet(app):
    workbook = Workbook()
    workbook.active.append(["siret", "montant"])
    workbook.active.append([13002526500013, 12.5])
    workbook.create_sheet("Autre").append(["ignoré"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_rows("achats.xlsx", buffer.getvalue()) == [
        (1, ["siret", "montant"]),
        (2, [13002526500013, 12.5]),
    ]


def test_csv_download_names_its_charset_once(app):
    from app.core.tabular import download

    with app.test_request_context():
        response = download(b"a;b\n", "liste.csv")
    assert response.headers["Content-Type"].count("charset") == 1
    assert response.headers["Content-Disposition"] == 'attachment; filename="liste.csv"'
