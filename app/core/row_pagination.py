"""Pagination of multi-column selects (Flask-SQLAlchemy's paginate keeps only the first column)."""

from flask import current_app, request
from flask_sqlalchemy.pagination import SelectPagination

from app.core.pagination import existing_page
from app.extensions import db


class RowPagination(SelectPagination):
    def _query_items(self):
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select))


def paginate_rows(select_statement, per_page: int | None = None, convert=None) -> RowPagination:
    page = RowPagination(
        select=select_statement,
        session=db.session(),
        page=request.args.get("page", 1, type=int),
        per_page=per_page or current_app.config.get("PER_PAGE", 25),
        max_per_page=200,
        error_out=False,
    )
    if convert is not None:
        page.items = [convert(row) for row in page.items]
    return existing_page(page)
