"""One rounding, applied once (issue 11 section 1): every expected text below was computed by hand."""

from decimal import Decimal

from app.core.figures import share
from app.core.formatting import gap, hours, money, percent, percent_against, target_percent
from app.reports.exports import DecimalText, annex_rows


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_shares_are_rounded_once_half_up_from_the_exact_value():
    # 82 750,19 / 177 379,50 = 46,6514… % → 46,7 % (never 46,65 then 46,6 by half to even)
    assert _plain(percent(share(Decimal("82750.19"), Decimal("177379.50")))) == "46,7 %"
    assert _plain(percent(Decimal("9.0548"))) == "9,1 %"
    assert _plain(percent(Decimal("1.3475"))) == "1,3 %"  # rounded twice it would read 1,4 %
    assert _plain(percent(Decimal("0.05"))) == "0,1 %"  # half up


def test_hours_and_amounts_round_half_up():
    assert _plain(hours(Decimal("380.25"))) == "380,25 h"
    assert _plain(hours(Decimal("200.01"))) == "200,01 h"
    assert _plain(hours(Decimal("1607"))) == "1 607 h"
    assert _plain(money(Decimal("0.50"), cents=False)) == "1 €"
    assert _plain(money(Decimal("2.50"), cents=False)) == "3 €"  # half to even would give 2 €
    assert _plain(money(Decimal("8602809.65"))) == "8 602 809,65 €"


def test_an_objective_row_never_contradicts_its_mark():
    # 19,96 % against a 20 % target is not reached: shown with the decimals the comparison needs
    assert _plain(percent_against(Decimal("19.96"), Decimal("20"))) == "19,96 %"
    assert _plain(gap(Decimal("19.96"), Decimal("20"), "percent")) == "−0,04 pt"
    assert _plain(percent_against(Decimal("25.04"), Decimal("20"))) == "25,0 %"
    assert _plain(target_percent(Decimal("37.5"))) == "37,5 %"  # never "38 %"
    assert _plain(gap(Decimal("450"), Decimal("400"), "hours")) == "+50 h"


def test_csv_annex_converts_numbers_by_type_not_by_look():
    rows = annex_rows(
        {"hours": {"by_contract": [{"reference": "2025.012", "planned": DecimalText("12.50")}]}}
    )
    assert rows == [("hours.by_contract.0.reference", "2025.012"), ("hours.by_contract.0.planned", "12,50")]
