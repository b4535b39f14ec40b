"""The one paginator: entities or rows, a bounded page size, an empty page past the end."""

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from app.core.pagination import Page, paginate
from app.referential.models import Company
from tests import factories


def test_pages_of_entities_and_of_rows(app, db):
    for number in range(7):
        factories.CompanyFactory(name=f"Entreprise {number:02d}")
    statement = select(Company).order_by(Company.name)
    with app.test_request_context("/?page=2"):
        page = paginate(statement, per_page=3)
        rows = paginate(
            select(Company.name, Company.identifier).order_by(Company.name), per_page=3, rows=True
        )
    assert [c.name for c in page.items] == ["Entreprise 03", "Entreprise 04", "Entreprise 05"]
    assert (page.total, page.pages, page.prev_num, page.next_num) == (7, 3, 1, 3)
    assert [r.name for r in rows.items] == ["Entreprise 03", "Entreprise 04", "Entreprise 05"]


def test_a_page_past_the_end_does_not_exist_and_the_size_is_bounded(app, db):
    """Issue 16: a page past the last one is a 404 (« la page n'existe pas »), not an empty list."""
    factories.CompanyFactory()
    with app.test_request_context("/?page=9"), pytest.raises(NotFound):
        paginate(select(Company), per_page=10_000)
    with app.test_request_context("/?page=1"):
        page = paginate(select(Company), per_page=10_000)
    assert len(page.items) == 1 and page.total == 1 and page.per_page == 200 and not page.has_next
    with app.test_request_context("/?page=-3"):
        assert paginate(select(Company)).page == 1


def test_page_links_show_the_edges_and_the_pages_around_the_current_one():
    assert list(Page(items=[], page=10, per_page=10, total=200).iter_pages()) == [
        1, 2, None, 8, 9, 10, 11, 12, 13, 14, None, 19, 20,
    ]  # fmt: skip
    assert list(Page(items=[], page=1, per_page=10, total=0).iter_pages()) == []
