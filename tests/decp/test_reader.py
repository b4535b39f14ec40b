"""The streaming reader finds records in every container shape and refuses what is not DECP."""

import io
import json

import pytest

from app.decp.services.reader import CONCESSION, MARCHE, CountingReader, UnreadableFile, iter_records


def _records(document):
    return list(iter_records(io.BytesIO(json.dumps(document).encode())))


def test_2022_object_with_marche_and_contrat_concession():
    records = _records(
        {"marches": {"marche": [{"id": "1"}, {"id": "2"}], "contrat-concession": [{"id": "3"}]}}
    )

    assert [(r.position, r.path, r.kind, r.data["id"]) for r in records] == [
        (0, "marches.marche[0]", MARCHE, "1"),
        (1, "marches.marche[1]", MARCHE, "2"),
        (2, "marches.contrat-concession[0]", CONCESSION, "3"),
    ]


def test_2019_list_and_top_level_concessions():
    records = _records(
        {"marches": [{"id": "1"}], "contrats-concession": [{"id": "2"}], "autre": [{"id": "x"}]}
    )

    assert [(r.path, r.kind) for r in records] == [
        ("marches[0]", None),
        ("contrats-concession[0]", CONCESSION),
    ]


def test_bare_list_of_records():
    assert [r.data["id"] for r in _records([{"id": "1", "titulaires": [{"id": "a"}]}])] == ["1"]


def test_nested_lists_inside_records_are_kept_whole():
    record = _records(
        {"marches": [{"id": "1", "modifications": [{"modification": {"id": 1}}], "t": [[1, 2]]}]}
    )[0]
    assert record.data["modifications"] == [{"modification": {"id": 1}}]
    assert record.data["t"] == [[1, 2]]


@pytest.mark.parametrize(
    "content", [b"", b"not json", b'{"marches": [{"id": "1"},', b'{"data": []}', b"\xff\xfe"]
)
def test_unreadable_content_raises(content):
    with pytest.raises(UnreadableFile):
        list(iter_records(io.BytesIO(content)))


def test_counting_reader_reports_bytes_for_the_progress_bar():
    payload = json.dumps({"marches": [{"id": str(i)} for i in range(50)]}).encode()
    seen = []
    reader = CountingReader(io.BytesIO(payload), seen.append)

    assert len(list(iter_records(reader))) == 50
    assert sum(seen) == len(payload) == reader.bytes_read
