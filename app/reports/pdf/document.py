"""Base document of Levier's PDF reports: A4, a cover page, then pages with a header, a footer and
"page n sur N" (ReportLab ``BaseDocTemplate`` with page templates, as pretix's report exporters do)."""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate, Paragraph

from app.core.charts import BLUE, GREY, LIGHT
from app.reports.pdf.styles import BOLD, FONT, H1

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN


class NumberedCanvas(canvas.Canvas):
    """Defer each page until the end so that every footer can say "page n sur N"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_pages = []

    def showPage(self):  # noqa: N802 (ReportLab's API)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            if self._pageNumber > 1:
                self.setFont(FONT, 8)
                self.setFillColor(GREY)
                self.drawRightString(PAGE_WIDTH - MARGIN, 12 * mm, f"Page {self._pageNumber} sur {total}")
            super().showPage()
        super().save()


class ReportDocument(BaseDocTemplate):
    """A4 document: ``cover`` page template first, then ``body`` pages with header and footer."""

    def __init__(self, buffer, *, title: str, header: str, footer: str, author: str = "Levier"):
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 6 * mm,
            bottomMargin=MARGIN + 2 * mm,
            title=title,
            author=author,
            subject=title,
            creator="Levier",
            lang="fr-FR",
        )
        self.header_text = header
        self.footer_text = footer
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        cover = Frame(MARGIN, MARGIN, CONTENT_WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="cover")
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[cover], onPage=self._draw_cover),
                PageTemplate(id="body", frames=[frame], onPage=self._draw_header_footer),
            ]
        )

    def afterFlowable(self, flowable):  # noqa: N802 (ReportLab's API)
        """Each part title (H1) becomes an entry of the table of contents, with its page."""
        if isinstance(flowable, Paragraph) and flowable.style.name == H1.name:
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))

    def _draw_cover(self, canv, doc):
        canv.saveState()
        canv.setFillColor(BLUE)
        canv.rect(0, PAGE_HEIGHT - 28 * mm, PAGE_WIDTH, 28 * mm, stroke=0, fill=1)
        canv.setFillColor(LIGHT)
        canv.rect(0, 0, PAGE_WIDTH, 16 * mm, stroke=0, fill=1)
        canv.setFillColorRGB(1, 1, 1)
        canv.setFont(BOLD, 14)
        canv.drawString(MARGIN, PAGE_HEIGHT - 17 * mm, "Levier")
        canv.setFont(FONT, 9)
        canv.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 17 * mm, "Achats socialement responsables")
        canv.setFillColor(GREY)
        canv.setFont(FONT, 8)
        canv.drawString(MARGIN, 7 * mm, self.footer_text)
        canv.restoreState()

    def _draw_header_footer(self, canv, doc):
        canv.saveState()
        canv.setStrokeColor(BLUE)
        canv.setLineWidth(0.8)
        top = PAGE_HEIGHT - MARGIN + 2 * mm
        canv.line(MARGIN, top - 2 * mm, PAGE_WIDTH - MARGIN, top - 2 * mm)
        canv.setFont(BOLD, 8.5)
        canv.setFillColor(BLUE)
        canv.drawString(MARGIN, top, self.header_text)
        canv.setFont(FONT, 8)
        canv.setFillColor(GREY)
        canv.drawRightString(PAGE_WIDTH - MARGIN, top, "Levier")
        canv.setStrokeColor(LIGHT)
        canv.line(MARGIN, 16 * mm, PAGE_WIDTH - MARGIN, 16 * mm)
        canv.drawString(MARGIN, 12 * mm, self.footer_text)
        canv.restoreState()


def build_pdf(story, **document_options) -> bytes:
    """Lay ``story`` out (cover first) and return the PDF bytes."""
    buffer = BytesIO()
    document = ReportDocument(buffer, **document_options)
    # Two passes at least: the table of contents learns the pages of the parts in the first one.
    document.multiBuild([NextPageTemplate("body"), *story], canvasmaker=NumberedCanvas)
    return buffer.getvalue()
