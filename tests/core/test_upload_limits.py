"""Uploads cannot exhaust a worker: size limits per route on the bytes read, bounded rows and columns,
and XLSX "zip bombs" refused before they are inflated."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from app.core.tabular import TabularError, read_csv, read_rows, read_xlsx


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet_xml(content: bytes, change) -> bytes:
    """The same workbook with its first sheet's XML rewritten by ``change``."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_inflated(app, monkeypatch):
    monkeypatch.setitem(app.config, "XLSX_MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(1, 40_000)
    )
    bomb = _with_sheet_xml(
        _xlsx([["a"]]),
        lambda xml: re.sub(rb"<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>".encode(), xml),
    )
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) > 2 * 1024 * 1024
    assert len(bomb) < 300_000
    with pytest.raises(TabularError, match="trop volumineux une fois décompressé"):
        read_xlsx(bomb)


def test_a_sheet_declaring_a_million_rows_is_refused_without_reading_them(app):
    huge = _with_sheet_xml(
        _xlsx([["a", "b"], [1, 2]]), lambda xml: xml.replace(b'ref="A1:B2"', b'ref="A1:XFD1048576"')
    )
    with pytest.raises(TabularError, match="Fichier trop long"):
        read_xlsx(huge)


def test_rows_and_columns_are_bounded(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 100)
    monkeypatch.setitem(app.config, "IMPORT_MAX_COLUMNS", 10)
    with pytest.raises(TabularError, match="Fichier trop long : 100 lignes"):
        read_csv(("a;b\r\n" + "1;2\r\n" * 101).encode())
    assert len(read_csv(("a;b\r\n" + "1;2\r\n" * 100).encode())) == 101
    with pytest.raises(TabularError, match="Ligne 2 : trop de colonnes"):
        read_csv(("a;b\r\n" + ";".join("x" * 11) + "\r\n").encode())
    assert read_csv(("a;b" + ";" * 5000 + "\r\n").encode())[0][1] == ["a", "b"] + [""] * 8
    with pytest.raises(TabularError, match="Ligne 1 : trop de colonnes"):
        read_xlsx(_xlsx([list(range(11))]))
    with pytest.raises(TabularError, match="Fichier trop long"):
        read_rows("x.xlsx", _xlsx([[i] for i in range(102)]))


def test_a_body_beyond_the_default_limit_is_refused_with_413(as_officer):
    response = as_officer.post("/marches/nouveau", data={"object": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)


def test_upload_routes_take_their_own_limit(as_facilitator, app):
    big = b"reference_marche;siret_acheteur\r\n" + b"x;" * (2 * 1024 * 1024)
    response = as_facilitator.post(
        "/heures/import", data={"file": (io.BytesIO(big), "heures.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 200  # read, then refused with a message, not a 413
    assert app.config["UPLOAD_LIMITS"]["hours.import_upload"] >= 5 * 1024 * 1024


def test_a_chunked_upload_is_cut_at_the_limit_whatever_it_announces(as_facilitator, app, monkeypatch):
    monkeypatch.setitem(
        app.config, "UPLOAD_LIMITS", {**app.config["UPLOAD_LIMITS"], "hours.import_upload": 1024 * 1024}
    )
    boundary = "----levier"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + b"a;b\r\n" * 600_000
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = as_facilitator.post(
        "/heures/import",
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": f"multipart/form-data; boundary={boundary}"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "url, filename",
    [("/heures/import", "heures.xlsx"), ("/alimentation/achats/import", "achats.xlsx")],
)
def test_imports_answer_a_hostile_workbook_with_a_message(as_admin, url, filename):
    huge = _with_sheet_xml(
        _xlsx([["a", "b"], [1, 2]]), lambda xml: xml.replace(b'ref="A1:B2"', b'ref="A1:XFD1048576"')
    )
    response = as_admin.post(
        url, data={"file": (io.BytesIO(huge), filename)}, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert "Fichier trop long" in response.get_data(as_text=True)


def test_a_nul_byte_in_a_csv_is_refused_with_its_line(app):
    with pytest.raises(TabularError, match="Ligne 3 : caractère invalide"):
        read_csv(b"a;b\r\n1;2\r\nx\x00y;3\r\n")
