from datetime import UTC, date, datetime
from decimal import Decimal

from app.core import charts
from app.core.formatting import date_fr, datetime_fr, hours, money, percent


def test_french_number_formats_use_no_break_spaces():
    assert money(Decimal("1234567.8")) == "1\u00a0234\u00a0567,80\u00a0€"
    assert hours(Decimal("1607")) == "1\u00a0607\u00a0h"
    assert hours(Decimal("833.26")) == "833,26\u00a0h"
    assert hours(Decimal("833.50")) == "833,5\u00a0h"
    assert percent(Decimal("48.26")) == "48,3\u00a0%"
    assert date_fr(date(2026, 1, 15)) == "15/01/2026"


def test_datetimes_are_shown_in_paris_time():
    assert datetime_fr(datetime(2026, 1, 15, 5, 0, tzinfo=UTC)) == "15/01/2026 06:00"
    assert datetime_fr(datetime(2026, 7, 15, 4, 0, tzinfo=UTC)) == "15/07/2026 06:00"


def test_one_chart_definition_renders_to_svg_with_its_labels():
    drawing = charts.bar_chart(
        ["Embauche directe", "Intérim"], [Decimal("1200"), Decimal("300")], value_format=hours
    )
    svg = charts.to_svg(drawing)
    assert svg.startswith("<svg") and "Embauche directe" in svg and "Intérim" in svg
    assert "1\u00a0200\u00a0h" in svg


def test_share_bars_mark_targets_and_missing_values():
    svg = charts.to_svg(
        charts.share_bars([("Bio", Decimal("18"), Decimal("20")), ("EGalim", None, Decimal("50"))])
    )
    assert "objectif 20\u00a0%" in svg and "non mesuré" in svg and "18,0\u00a0%" in svg


def test_empty_chart_says_so():
    assert "Aucune donnée" in charts.to_svg(charts.trend_chart([], {}))


def test_two_charts_on_one_page_do_not_share_clip_ids():
    first = charts.to_svg(charts.bar_chart(["A"], [1]))
    second = charts.to_svg(charts.bar_chart(["B"], [2]))
    assert 'id="clip"' not in first
    ids = {part.split('"')[0] for part in first.split('id="clip-')[1:]}
    assert ids and not any(f'id="clip-{i}"' in second for i in ids)
    assert first.count("preserveAspectRatio") == 1


def test_french_decimal_field_is_a_text_input_that_reads_french_numbers(app):
    from werkzeug.datastructures import MultiDict

    from app.core.forms import BaseForm, FrenchDecimalField

    class AmountForm(BaseForm):
        amount = FrenchDecimalField("Montant")

    with app.test_request_context():
        form = AmountForm(MultiDict({"amount": "1 234,56"}))
        assert form.amount.data == Decimal("1234.56")
        html = str(form.amount)
        assert 'type="text"' in html and 'inputmode="decimal"' in html
