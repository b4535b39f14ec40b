"""Stream DECP records out of a JSON file of any size, whatever its shape (2019 or 2022 format).

Records are rebuilt one at a time from ijson events, so memory stays flat however large the file.
Accepted containers: ``marches`` as a list (2019) or ``{"marche": [...], "contrat-concession": [...]}``
(2022 schema ``marches``), and concessions under ``concessions``, ``contrats-concession`` or
``contrat-concession``, at the top level or inside ``marches``; a bare list of records is accepted too.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import ijson

MARCHE = "marche"
CONCESSION = "concession"

_CONCESSION_KEYS = ("concessions", "contrats-concession", "contrat-concession", "contratsConcession")

# ijson prefix of the items of each accepted container -> kind of record it holds (None: read the record).
CONTAINERS: dict[str, str | None] = {
    "item": None,
    "marches.item": None,
    "marches.marche.item": MARCHE,
    "marches.marches.item": MARCHE,
}
for _key in _CONCESSION_KEYS:
    CONTAINERS[f"{_key}.item"] = CONCESSION
    CONTAINERS[f"marches.{_key}.item"] = CONCESSION
    CONTAINERS[f"{_key}.{_key.rstrip('s')}.item"] = CONCESSION


class UnreadableFile(Exception):
    """The file is not JSON, is truncated, or holds no DECP container: nothing of it is imported."""


@dataclass
class RawRecord:
    position: int  # index of the record in the file, counted from 0 in reading order
    path: str  # where it sits, e.g. ``marches.marche[12]``
    kind: str | None  # MARCHE, CONCESSION or None when the container does not say
    data: dict


class CountingReader:
    """Wrap a binary stream to report how many bytes were read (for the progress bar)."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[int], None] | None = None):
        self.stream = stream
        self.on_read = on_read
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.bytes_read += len(chunk)
        if self.on_read is not None and chunk:
            self.on_read(len(chunk))
        return chunk


def _display_path(prefix: str, index: int) -> str:
    base = prefix[: -len(".item")] if prefix.endswith(".item") else ""
    return f"{base}[{index}]" if base else f"[{index}]"


# noqa reason: one state machine over the ijson events of the measured import path; split into
# functions it would cost a call per JSON event on files of 100 000 records.
def iter_records(stream: BinaryIO) -> Iterator[RawRecord]:  # noqa: C901
    """Yield every record of the file; raise UnreadableFile on broken JSON or when no container is found."""
    position = 0
    counters: dict[str, int] = {}
    found_container = False
    builder = None
    builder_prefix = ""
    depth = 0
    try:
        for prefix, event, value in ijson.parse(stream):
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 0:
                        index = counters.get(builder_prefix, 0)
                        counters[builder_prefix] = index + 1
                        yield RawRecord(
                            position,
                            _display_path(builder_prefix, index),
                            CONTAINERS[builder_prefix],
                            builder.value,
                        )
                        position += 1
                        builder = None
                continue
            if event == "start_array" and (f"{prefix}.item" if prefix else "item") in CONTAINERS:
                found_container = True
            if event == "start_map" and prefix in CONTAINERS:
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                builder_prefix = prefix
                depth = 1
            elif event == "start_map" and prefix == "marches":
                found_container = True
    except ijson.JSONError as error:
        raise UnreadableFile(f"JSON illisible : {error}") from error
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"encodage illisible : {error}") from error
    if not found_container:
        raise UnreadableFile("aucune liste « marches » ni « concessions » trouvée")
