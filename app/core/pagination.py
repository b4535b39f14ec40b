"""Pagination of SQL selects for list pages (Flask-SQLAlchemy's paginate, page size bounded)."""

from flask import abort, current_app, request

from app.extensions import db


def existing_page(page):
    """A page number past the last page is a page that does not exist (404), not an empty list."""
    if page.page > 1 and not page.items:
        abort(404)
    return page


def paginate(select_statement, per_page: int | None = None):
    per_page = per_page or current_app.config.get("PER_PAGE", 25)
    return existing_page(
        db.paginate(
            select_statement,
            page=request.args.get("page", 1, type=int),
            per_page=per_page,
            max_per_page=200,
            error_out=False,
        )
    )
