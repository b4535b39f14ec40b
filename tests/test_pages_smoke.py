"""Every page, for every role, on the demo data: no server error, and every form field has a label."""

from html.parser import HTMLParser

import pytest

from app.core.enums import Role
from tests.conftest import login

SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}
MINIMUM_PAGES = {"admin": 60, "officer": 35, "facilitator": 22, "reader": 20}


class FieldLabels(HTMLParser):
    """Collect form fields and the ids that a <label for> or an aria attribute names."""

    def __init__(self):
        super().__init__()
        self.fields: list[dict] = []
        self.labelled: set[str] = set()
        self.label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button", "reset", "image"):
                return
            attrs["_inside_label"] = self.label_depth > 0
            self.fields.append(attrs)

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)

    def unlabelled(self) -> list[str]:
        return [
            field.get("name") or field.get("id") or "?"
            for field in self.fields
            if not (
                field["_inside_label"]
                or field.get("aria-label")
                or field.get("aria-labelledby")
                or field.get("title")
                or (field.get("id") and field["id"] in self.labelled)
            )
        ]


def _get_paths(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        path = rule.rule
        for argument in rule.arguments:
            converter = rule._converters[argument].__class__.__name__
            value = "1" if converter in ("IntegerConverter", "NumberConverter") else None
            if value is None:
                value = {"fmt": "csv", "extension": "csv", "token": "inconnu"}.get(argument, "x")
            path = path.replace(f"<int:{argument}>", value).replace(f"<{argument}>", value)
            path = path.replace(f"<string:{argument}>", value)
            # Rules such as <any(csv, xlsx):extension>
            if "<any(" in path:
                start = path.index("<any(")
                path = path[:start] + "csv" + path[path.index(">", start) + 1 :]
        yield rule.endpoint, path


@pytest.fixture
def demo(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_page_answers_without_error_and_labels_its_fields(app, client, db, demo, role):
    from sqlalchemy import select

    from app.auth.models import User

    user = db.session.scalars(select(User).where(User.role == role)).first()
    login(client, user)
    failures, unlabelled, pages = [], [], 0
    for _endpoint, path in _get_paths(app):
        response = client.get(path)
        pages += response.status_code == 200
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {path}")
            continue
        if response.status_code == 200 and response.mimetype == "text/html":
            parser = FieldLabels()
            parser.feed(response.get_data(as_text=True))
            missing = parser.unlabelled()
            if missing:
                unlabelled.append(f"{path}: {missing}")
    assert failures == []
    assert unlabelled == []
    assert pages >= MINIMUM_PAGES[role]  # the walk really reached the pages of that role
