"""The streaming reader finds records in every container shape and refuses what is not DECP."""

import io
import json
import time

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
    # Two passes: one to find the containers, one to build the records.
    assert sum(seen) == 2 * len(payload) == reader.bytes_read


class _Pipe(io.RawIOBase):
    """A stream that cannot be rewound, as a chunked upload or a pipe."""

    def __init__(self, payload: bytes):
        self.inner = io.BytesIO(payload)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def test_a_stream_that_cannot_be_rewound_is_read_too():
    payload = json.dumps({"marches": [{"id": str(i)} for i in range(5)]}).encode()

    assert [r.data["id"] for r in iter_records(_Pipe(payload))] == ["0", "1", "2", "3", "4"]


def test_nan_and_infinity_are_read_as_missing_and_noted_per_record():
    payload = b'{"marches": [{"id": "1", "montant": NaN, "objet": "ratio: NaN, Infinity"}, {"id": "2", "dureeMois": -Infinity}]}'

    records = list(iter_records(io.BytesIO(payload)))

    assert records[0].data == {"id": "1", "montant": None, "objet": "ratio: NaN, Infinity"}
    assert records[0].problems == [("non_finite", "montant : NaN")]
    assert records[1].data["dureeMois"] is None and records[1].problems == [
        ("non_finite", "dureeMois : -Infinity")
    ]


def test_nul_characters_escaped_or_raw_are_noted_on_their_record_only():
    payload = b'{"marches": [{"id": "1"}, {"id": "2", "objet": "a\\u0000b"}, {"id": "3", "objet": "c\x00d"}]}'

    records = list(iter_records(io.BytesIO(payload)))

    assert [r.problems for r in records] == [[], [("nul_character", "objet")], [("nul_character", "objet")]]


@pytest.mark.parametrize("opening", [b'{"marches": [', b"["])
def test_deep_nesting_is_refused_quickly(opening):
    closing = b"]}" if opening.startswith(b"{") else b"]"
    payload = opening + b"[" * 100_000 + b"]" * 100_000 + closing  # 200 KB

    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match="imbrication"):
        list(iter_records(io.BytesIO(payload)))
    assert time.perf_counter() - started < 2
