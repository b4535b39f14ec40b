"""The annual report as a PDF: data in (the indicator dataclasses), bytes out."""

from app.reports.pdf.annual import render_annual_report

__all__ = ["render_annual_report"]
