"""Shapes of the report outputs: JSON decimals, the PDF's contents, food section and cover logo."""

import io
import re

from PIL import Image
from pypdf import PdfReader

from app.referential.models import Buyer
from app.reports.exports import DecimalText, flatten, indicators_as_dict
from app.reports.pdf.annual import render_annual_report
from app.reports.queries.indicators import compute_indicators
from tests import factories as f
from tests.reports.handmade import YEAR, make_handmade_data


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 80), (31, 58, 104)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_every_json_decimal_has_two_places_even_an_empty_sum(db):
    buyer = f.BuyerFactory()
    f.ObjectiveFactory(buyer=buyer, year=2025, participants=3)
    decimals = [
        (key, value)
        for key, value in flatten(indicators_as_dict(compute_indicators(buyer.id, 2025)))
        if isinstance(value, DecimalText)
    ]
    assert decimals and all(re.fullmatch(r"-?\d+\.\d{2}", value) for _key, value in decimals), decimals
    assert dict(decimals)["hours.realized"] == "0.00" and dict(decimals)["food.total"] == "0.00"


def test_pdf_has_contents_and_a_one_sentence_food_section_without_purchases(db):
    buyer = f.BuyerFactory(name="Commune sans cantine")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_annual_report(
        compute_indicators(buyer.id, 2025)))).pages)  # fmt: skip
    text = " ".join(text.split())
    assert "Sommaire" in text and "Annexe : méthode" in text
    assert "Aucun achat de denrées n'est enregistré pour Commune sans cantine en 2025" in text
    assert "Par famille de produits" not in text


def test_admin_uploads_a_logo_that_the_cover_prints(db, as_admin):
    buyer = f.BuyerFactory(name="Département test")
    response = as_admin.post(
        f"/referentiel/acheteurs/{buyer.id}/logo",
        data={"logo": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Buyer, buyer.id).logo_mimetype == "image/png"
    pdf = PdfReader(io.BytesIO(render_annual_report(compute_indicators(buyer.id, 2025))))
    assert list(pdf.pages[0].images), "the cover shows the logo"
    refused = as_admin.post(
        f"/referentiel/acheteurs/{buyer.id}/logo",
        data={"logo": (io.BytesIO(b"not an image"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 200 and "PNG ou JPEG" in refused.get_data(as_text=True)


def test_the_pdf_states_what_each_qpv_figure_counts(db):
    data = make_handmade_data()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_annual_report(
        compute_indicators(data["buyer"].id, YEAR)))).pages).split())  # fmt: skip
    assert "1 participant(s) (33,3 %) résident dans un quartier prioritaire" in text.replace("\u00a0", " ")
    assert "1 d'entre eux ont été retenus au titre du critère" in text.replace("\u00a0", " ")
