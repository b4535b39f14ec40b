"""Every figure of the indicators JSON, formatted by the one helper, is on the dashboard and in the PDF.

Walks the JSON of the demo data (the Département, last year) key by key: the unit of each figure follows
from its key, the exact value comes from the indicators (the JSON holds it rounded to the hundredth), and
its display is looked for in the dashboard HTML and in the text of the PDF (pypdf). A breakdown line is
looked for in the row of its label.
"""

import html
import io
import re
from decimal import Decimal

from pypdf import PdfReader

from app.auth.models import User
from app.core.formatting import display, percent_against, target_percent
from app.referential.models import Buyer
from app.reports.exports import flatten, indicators_as_dict
from app.reports.pdf.annual import render_annual_report
from app.reports.queries.indicators import compute_indicators
from tests.conftest import login

MONEY = {"amount", "contract_amount", "total", "organic", "siqo", "other_egalim", "egalim", "short_circuit", "local",
         "awarded_amount"}  # fmt: skip
HOURS = {"planned", "commitment", "realized", "realized_committed", "realized_uncommitted", "realized_to_date",
         "cumulated", "hours", "realized_hours"}  # fmt: skip
COUNTS = {"count", "participants", "contract_count", "holders", "employers", "known_exits"}
SKIPPED = {
    "year",
    "extracted_at",
    "first_year",
    "label",
    "reference",
    "code",
    "unit",
    "reached",
    "siret",
    "name",
}


BY_KEY = {"fte": "fte", "target": "target", **dict.fromkeys(MONEY, "money"), **dict.fromkeys(HOURS, "hours"),
          **dict.fromkeys(COUNTS, "count")}  # fmt: skip


def _unit(path: list[str]) -> str | None:
    key = path[-1]
    if key in SKIPPED or path[0] in ("buyer", "meat_fish") and key in ("families", "siret", "name"):
        return None
    if key.isdigit() and path[-2] == "families":
        return None
    if path[0] == "excluded":
        return "count"
    if key.endswith("share") or key.endswith("rate"):
        return "percent"
    if key in BY_KEY:
        return BY_KEY[key]
    raise AssertionError(f"unit unknown for {'.'.join(path)}")


def _normal(text: str) -> str:
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


def _figures(indicators) -> list[tuple[str, str, str | None]]:
    """(key, displayed text, label of its line or None) for every figure of the JSON."""
    data = indicators_as_dict(indicators)
    exact = _exact_values(indicators)
    figures = []
    for key, value in flatten(data):
        path = key.split(".")
        if value is None or isinstance(value, bool):
            continue
        if path[0] == "objectives":
            continue  # checked below with the objectives' own formatting
        unit = _unit(path)
        if unit is None:
            continue
        number = exact.get(key, Decimal(value) if isinstance(value, str) else value)
        label = None
        parent = _parent(data, path)
        if isinstance(parent, dict) and "label" in parent:
            label = parent["label"]
        shown = target_percent(number) if unit == "target" else display(number, unit)
        figures.append((key, shown, label))
    for o in indicators.objectives:
        target = target_percent(o.target) if o.unit == "percent" else display(o.target, o.unit)
        achieved = (
            percent_against(o.achieved, o.target) if o.unit == "percent" else display(o.achieved, o.unit)
        )
        figures += [
            (f"objectives.{o.code}.target", target, o.label),
            (f"objectives.{o.code}.achieved", achieved, o.label),
        ]
    return figures


def _parent(data, path):
    node = data
    for part in path[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _exact_values(ind) -> dict[str, Decimal]:
    """Shares are exact in the indicators and rounded to the hundredth in the JSON: display the exact one."""
    c, h, p, i, mf = ind.contracts, ind.hours, ind.participants, ind.inclusive, ind.meat_fish
    values = {
        "contracts.with_social_consideration.count_share": c.social_count_share,
        "contracts.with_social_consideration.amount_share": c.social_amount_share,
        "contracts.with_environmental_consideration.count_share": c.environmental_count_share,
        "contracts.with_environmental_consideration.amount_share": c.environmental_amount_share,
        "hours.realization_rate": h.realization_rate,
        "hours.cumulative_rate": h.cumulative_rate,
        "participants.qpv.share": p.qpv_share,
        "participants.positive_exits.rate": p.positive_exit_rate,
        "inclusive_suppliers.amount_share": i.amount_share,
        "inclusive_suppliers.awarded_share": i.awarded_share,
        "meat_fish.egalim_share": mf.share,
    }
    for index, row in enumerate(h.by_contract):
        values[f"hours.by_contract.{index}.realization_rate"] = row.realization_rate
        values[f"hours.by_contract.{index}.cumulative_rate"] = row.cumulative_rate
    for index, point in enumerate(ind.trend):
        for name in ("social_count_share", "egalim_share", "organic_share"):
            values[f"trend.{index}.{name}"] = getattr(point, name)
    for name in ("organic_share", "egalim_share", "short_circuit_share", "local_share"):
        values[f"food.{name}"] = getattr(ind.food.overall, name)
        for family, amounts in ind.food.by_family.items():
            values[f"food.by_family.{family}.{name}"] = getattr(amounts, name)
    return {key: value for key, value in values.items() if value is not None}


def _rows(text_lines: list[str], label: str) -> list[str]:
    return [line for line in text_lines if label in line]


def test_every_json_figure_is_on_the_dashboard_and_in_the_pdf(client, db, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    buyer = db.session.scalars(db.select(Buyer).order_by(Buyer.id)).first()
    year = max(t.year for t in compute_indicators(buyer.id, 2026).trend)
    indicators = compute_indicators(buyer.id, year)
    reader = db.session.scalars(db.select(User).filter_by(email="lecteur@demo-levier.fr")).one()
    login(client, reader)
    page = client.get(f"/rapports/?acheteur={buyer.id}&annee={year}").get_data(as_text=True)
    page_rows = [_normal(row) for row in re.findall(r"<tr.*?</tr>", page, flags=re.S)]
    page_rows = [re.sub(r"<[^>]+>", " ", row) for row in page_rows]
    page_rows = [" ".join(row.split()) for row in page_rows]
    page_text = " ".join(_normal(re.sub(r"<[^>]+>", " ", page)).split())
    reader = PdfReader(io.BytesIO(render_annual_report(indicators)))
    pdf_lines = [_normal(line) for p in reader.pages for line in p.extract_text().splitlines()]
    pdf_text = " ".join(pdf_lines)
    missing = []
    figures = _figures(indicators)
    assert len(figures) > 300  # the demo exercises every breakdown
    for key, shown, label in figures:
        shown = _normal(shown)
        if label is None:
            in_page, in_pdf = shown in page_text, shown in pdf_text
        else:
            label = _normal(label)
            in_page = any(shown in row for row in _rows(page_rows, label))
            in_pdf = any(shown in line for line in _rows(pdf_lines, label[:40])) or (
                shown in pdf_text and label[:40] in pdf_text
            )
        if not in_page:
            missing.append(f"dashboard: {key} = {shown} ({label})")
        if not in_pdf:
            missing.append(f"PDF: {key} = {shown} ({label})")
    assert not missing, "\n".join(missing[:40])
