"""The one paginator of list pages: a page of a SQL select, as entities or as rows, page size bounded.

It answers what Bootstrap-Flask's ``render_pagination`` and the ``pager`` macro ask (``items``, ``page``,
``pages``, ``total``, ``has_prev``/``prev_num``, ``has_next``/``next_num``, ``iter_pages``) with public
SQLAlchemy only: a count over the select as a sub-query, then the select with LIMIT/OFFSET.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import abort, current_app, request
from sqlalchemy import Select, func, select

from app.extensions import db

MAX_PER_PAGE = 200


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def iter_pages(
        self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4, right_edge: int = 2
    ) -> Iterator[int | None]:
        """Page numbers to link, ``None`` for a gap: the edges and the pages around the current one."""
        end = self.pages + 1
        if end == 1:
            return
        left_end = min(1 + left_edge, end)
        yield from range(1, left_end)
        if left_end == end:
            return
        middle_start = max(left_end, self.page - left_current)
        middle_end = min(self.page + right_current + 1, end)
        if middle_start > left_end:
            yield None
        yield from range(middle_start, middle_end)
        if middle_end == end:
            return
        right_start = max(middle_end, end - right_edge)
        if right_start > middle_end:
            yield None
        yield from range(right_start, end)


def paginate(
    statement: Select, per_page: int | None = None, *, rows: bool = False, convert: Callable | None = None
) -> Page:
    """The page asked for in ``?page=`` of ``statement``: entities, or whole rows when ``rows`` is true.

    ``convert`` turns each item into what the template shows (a dataclass of a row, for instance).
    A page past the last one does not exist: 404, whose page says so (not an empty « no record » list).
    """
    per_page = min(per_page or current_app.config.get("PER_PAGE", 25), MAX_PER_PAGE)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    if page > 1 and (page - 1) * per_page >= total:
        abort(404)
    result = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page))
    items = list(result) if rows else list(result.unique().scalars())
    if convert is not None:
        items = [convert(item) for item in items]
    return Page(items=items, page=page, per_page=per_page, total=total)
