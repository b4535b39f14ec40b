"""Paragraph and table styles of the report: Helvetica, the Levier blue, numbers right-aligned."""

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from app.core.charts import ACCENT, BLUE, GREEN, GREY, LIGHT

FONT, BOLD = "Helvetica", "Helvetica-Bold"

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, spaceAfter=6)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10.5, textColor=GREY, spaceAfter=4)
# Headings keep with what follows them: never a title alone at the bottom of a page.
H1 = ParagraphStyle(
    "h1", fontName=BOLD, fontSize=17, leading=21, textColor=BLUE, spaceBefore=6, spaceAfter=10, keepWithNext=1
)
H2 = ParagraphStyle(
    "h2",
    fontName=BOLD,
    fontSize=11.5,
    leading=15,
    textColor=BLUE,
    spaceBefore=10,
    spaceAfter=5,
    keepWithNext=1,
)
# A title placed by a CondPageBreak that already keeps room for what follows it.
H2_FLOW = ParagraphStyle("h2_flow", parent=H2, keepWithNext=0)
TOC_ENTRY = ParagraphStyle("toc", fontName=FONT, fontSize=10.5, leading=16)
TOC_TITLE = ParagraphStyle("toc_title", parent=H1, keepWithNext=0)
BULLET = ParagraphStyle("bullet", parent=BODY, leftIndent=12, bulletIndent=2, spaceAfter=3)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=10.5)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)
HEAD = ParagraphStyle("head", parent=CELL, fontName=BOLD, textColor=colors.white)
HEAD_RIGHT = ParagraphStyle("head_right", parent=HEAD, alignment=TA_RIGHT)
COVER_TITLE = ParagraphStyle("cover_title", fontName=BOLD, fontSize=28, leading=34, textColor=BLUE)
COVER_SUB = ParagraphStyle("cover_sub", fontName=FONT, fontSize=13, leading=18, textColor=GREY)
COVER_BUYER = ParagraphStyle("cover_buyer", fontName=BOLD, fontSize=18, leading=23, textColor=colors.black)
KPI_VALUE = ParagraphStyle(
    "kpi_value", fontName=BOLD, fontSize=15, leading=18, textColor=BLUE, alignment=TA_CENTER
)
KPI_LABEL = ParagraphStyle(
    "kpi_label", fontName=FONT, fontSize=8, leading=10, textColor=GREY, alignment=TA_CENTER
)
REACHED = ParagraphStyle("reached", parent=CELL, fontName=BOLD, textColor=GREEN)
MISSED = ParagraphStyle("missed", parent=CELL, fontName=BOLD, textColor=ACCENT)


def escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def data_table(header, rows, widths, numeric=(), total=None) -> Table:
    """A table that splits across pages with its header repeated; ``numeric`` columns align right."""
    numeric = set(numeric)

    def cell(value, index, head=False):
        if hasattr(value, "wrap"):
            return value
        style = (
            (HEAD_RIGHT if index in numeric else HEAD) if head else (CELL_RIGHT if index in numeric else CELL)
        )
        return Paragraph(escape(value), style)

    body = [[cell(v, i, True) for i, v in enumerate(header)]]
    body += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    if total:
        body.append(
            [
                Paragraph(f"<b>{escape(v)}</b>", CELL_RIGHT if i in numeric else CELL)
                for i, v in enumerate(total)
            ]
        )
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), BLUE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe3")),
    ]
    for index in range(1, len(body)):
        if index % 2 == 0:
            commands.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor("#f4f6f9")))
    if total:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, BLUE))
        commands.append(("BACKGROUND", (0, -1), (-1, -1), LIGHT))
    table.setStyle(TableStyle(commands))
    return table


def kpi_row(items, width) -> Table:
    """Headline figures side by side: (value, label) boxes."""
    cells = [[Paragraph(escape(value), KPI_VALUE) for value, _label in items]]
    cells.append([Paragraph(escape(label), KPI_LABEL) for _value, label in items])
    table = Table(cells, colWidths=[width / len(items)] * len(items), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 9),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 9),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def status_cell(reached: bool, text: str) -> Table:
    """A green check or an orange cross drawn as vector lines (no font dependency), then the word."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine

    mark = Drawing(10, 10)
    mark.add(Circle(5, 5, 5, fillColor=GREEN if reached else ACCENT, strokeColor=None))
    white = colors.white
    if reached:
        mark.add(PolyLine([2.4, 5.2, 4.3, 3.1, 7.8, 7.2], strokeColor=white, strokeWidth=1.4))
    else:
        mark.add(Line(3, 3, 7, 7, strokeColor=white, strokeWidth=1.4))
        mark.add(Line(3, 7, 7, 3, strokeColor=white, strokeWidth=1.4))
    cell = Table([[mark, Paragraph(escape(text), REACHED if reached else MISSED)]], colWidths=[14, None])
    cell.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return cell
