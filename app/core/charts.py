"""Charts as ReportLab drawings: drawn into the PDF report and rendered to SVG for the web pages.

One chart definition, two outputs (style.md, habit 6). Functions take plain values (labels, numbers)
so that they can be fed from the indicator dataclasses without knowing them.
"""

import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

from app.core.formatting import number, percent, target_percent

BLUE = colors.HexColor("#1f3a68")
ACCENT = colors.HexColor("#e4794a")
GREEN = colors.HexColor("#2e7d4f")
GREY = colors.HexColor("#5c6470")
LIGHT = colors.HexColor("#e9edf3")
PALETTE = [BLUE, ACCENT, GREEN, colors.HexColor("#7a5ea8"), colors.HexColor("#c0392b"), GREY]
FONT = "Helvetica"


def _nice_max(value: float) -> float:
    """Round an axis maximum up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _empty(drawing: Drawing, message: str = "Aucune donnée pour cette période") -> Drawing:
    drawing.add(
        String(
            drawing.width / 2,
            drawing.height / 2,
            message,
            fontName=FONT,
            fontSize=9,
            fillColor=GREY,
            textAnchor="middle",
        )
    )
    return drawing


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Decimal | float | int],
    *,
    width: float = 460,
    value_format: Callable = number,
    color=BLUE,
    bar_height: float = 16,
) -> Drawing:
    """Horizontal bars, one per label, each with its value written at its end."""
    height = max(60, len(labels) * (bar_height + 8) + 30)
    drawing = Drawing(width, height)
    if not labels:
        return _empty(drawing)
    numbers = [float(v or 0) for v in values]
    label_width = min(200, max(60, max(len(str(label)) for label in labels) * 5.2))
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 8, 20
    chart.width, chart.height = width - label_width - 80, height - 30
    # HorizontalBarChart draws its first category at the bottom: reverse to read top-down.
    chart.data = [list(reversed(numbers))]
    chart.categoryAxis.categoryNames = [str(label) for label in reversed(labels)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.visibleTicks = False
    chart.categoryAxis.strokeColor = GREY
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(max(numbers) if numbers else 0)
    chart.valueAxis.valueStep = chart.valueAxis.valueMax / 4
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: number(v)
    chart.valueAxis.strokeColor = GREY
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LIGHT
    chart.bars[0].fillColor = color
    chart.bars[0].strokeColor = None
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    # Labels from the exact values (a float would round them a second time): one formatter, one rounding.
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[value_format(v if v is not None else 0) for v in reversed(values)]]
    chart.barWidth = bar_height
    drawing.add(chart)
    return drawing


def share_bars(
    items: Sequence[tuple[str, Decimal | float | None, Decimal | float | None]],
    *,
    width: float = 460,
) -> Drawing:
    """Shares in percent (0-100) as bars, each with its target drawn as a marker.

    ``items`` are (label, achieved %, target %); a missing target draws no marker, a missing value
    draws "non mesuré". Reached targets are green, missed ones orange.
    """
    row = 30
    height = max(50, len(items) * row + 24)
    drawing = Drawing(width, height)
    if not items:
        return _empty(drawing)
    label_width = 170
    bar_width = width - label_width - 70
    for index, (label, value, target) in enumerate(items):
        y = height - 24 - index * row
        drawing.add(String(0, y + 3, str(label), fontName=FONT, fontSize=8.5, fillColor=colors.black))
        drawing.add(Rect(label_width, y, bar_width, 12, fillColor=LIGHT, strokeColor=None))
        if value is None:
            drawing.add(
                String(label_width + 4, y + 3, "non mesuré", fontName=FONT, fontSize=8, fillColor=GREY)
            )
        else:
            reached = target is None or float(value) >= float(target)
            filled = bar_width * min(100.0, max(0.0, float(value))) / 100
            drawing.add(
                Rect(label_width, y, filled, 12, fillColor=GREEN if reached else ACCENT, strokeColor=None)
            )
            drawing.add(
                String(
                    label_width + bar_width + 6,
                    y + 3,
                    percent(value),
                    fontName=FONT,
                    fontSize=8.5,
                    fillColor=colors.black,
                )
            )
        if target is not None:
            x = label_width + bar_width * min(100.0, float(target)) / 100
            drawing.add(Line(x, y - 3, x, y + 15, strokeColor=BLUE, strokeWidth=2))
            drawing.add(
                String(
                    x,
                    y - 10,
                    f"objectif {target_percent(target)}",
                    fontName=FONT,
                    fontSize=6.5,
                    fillColor=BLUE,
                    textAnchor="middle",
                )
            )
    return drawing


def trend_chart(
    years: Sequence[int],
    series: dict[str, Sequence[Decimal | float | int | None]],
    *,
    width: float = 460,
    height: float = 170,
) -> Drawing:
    """One line per series over the years, with a legend above the plot."""
    drawing = Drawing(width, height)
    if not years or not series:
        return _empty(drawing)
    chart = HorizontalLineChart()
    chart.x, chart.y = 50, 25
    chart.width, chart.height = width - 70, height - 55
    chart.data = [[float(v or 0) for v in values] for values in series.values()]
    chart.categoryAxis.categoryNames = [str(year) for year in years]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.strokeColor = GREY
    top = max((max(values) for values in chart.data if values), default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _nice_max(top)
    chart.valueAxis.valueStep = chart.valueAxis.valueMax / 4
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: number(v)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = LIGHT
    chart.valueAxis.strokeColor = GREY
    for index in range(len(chart.data)):
        chart.lines[index].strokeColor = PALETTE[index % len(PALETTE)]
        chart.lines[index].strokeWidth = 2
    chart.joinedLines = True
    drawing.add(chart)
    x = 50
    for index, name in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        drawing.add(Rect(x, height - 14, 10, 8, fillColor=color, strokeColor=None))
        drawing.add(String(x + 14, height - 13, str(name), fontName=FONT, fontSize=8))
        x += 24 + len(str(name)) * 4.6
    return drawing


def to_svg(drawing: Drawing, name: str | None = None) -> str:
    """The drawing as an inline ``<svg>`` element for a web page (no XML prolog).

    ReportLab names every clip path ``clip`` (and its group ``group``): on a page with several charts the
    second would be clipped by the first one's path, so the ids are made unique per chart.
    """
    svg = renderSVG.drawToString(drawing)
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    suffix = name or uuid.uuid4().hex[:8]
    for identifier in ("clip", "group"):
        svg = svg.replace(f'id="{identifier}"', f'id="{identifier}-{suffix}"')
        svg = svg.replace(f"url(#{identifier})", f"url(#{identifier}-{suffix})")
    if "preserveAspectRatio" not in svg[: svg.find(">")]:
        svg = svg.replace("<svg ", '<svg preserveAspectRatio="xMinYMin meet" ', 1)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def trend_chart_with_gaps(
    years: Sequence[int], series: dict[str, Sequence[Decimal | float | int | None]], **options
) -> Drawing:
    """Like ``trend_chart``, but a year without a value (None) is a gap in its line, not a fall to zero."""
    drawing = trend_chart(years, series, **options)
    rows = []
    for values in series.values():
        known = [v for v in values if v is not None]
        # ReportLab cannot draw a line through fewer than two points: such a series keeps its zeros.
        rows.append([None if v is None and len(known) > 1 else float(v or 0) for v in values])
    for item in drawing.contents:
        if isinstance(item, HorizontalLineChart):
            item.data = rows
    return drawing
