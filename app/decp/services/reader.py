"""Stream DECP records out of a JSON file of any size, whatever its shape (2019 or 2022 format).

Accepted containers: ``marches`` as a list (2019) or ``{"marche": [...], "contrat-concession": [...]}``
(2022 schema ``marches``), and concessions under ``concessions``, ``contrats-concession`` or
``contrat-concession``, at the top level or inside ``marches``; a bare list of records is accepted too.

The file is read twice, memory staying flat: a first pass (events only, nothing built) finds the
containers, bounds the nesting depth and counts the records; the second builds each record with ijson's
C backend (``ijson.items``), ten times faster than rebuilding records from events in Python. A stream
that cannot be rewound is first copied to a temporary file.

Real files are not always valid JSON: ``NaN`` and ``Infinity`` (written by pandas) and NUL characters
are let through the parser here and reported per record (``RawRecord.problems``), so that one bad record
does not cost the whole file.
"""

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import ijson

MARCHE = "marche"
CONCESSION = "concession"

# Deeper than any DECP record (about 8 levels): beyond, the file is refused before the parser's work,
# which grows with the square of the depth, can block a worker (issue 12, 100 000 nested arrays).
MAX_DEPTH = 64

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

# Stand-in for a NaN/Infinity number: a string no real file holds (a private-use character first).
NON_FINITE_MARK = "\uf8ff"
_NON_FINITE_JSON = b'"\\uf8ff'

# A JSON string token, or a NaN/Infinity literal outside any string.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|-?Infinity|NaN')
# The longest head of a buffer made of complete strings and other characters (ends outside any string).
_COMPLETE = re.compile(rb'(?:[^"]+|"[^"\\]*(?:\\.[^"\\]*)*")*')
_TRAILING_WORD = re.compile(rb"[-A-Za-z]+\Z")
_CHUNK = 64 * 1024


class UnreadableFile(Exception):
    """The file is not JSON, is truncated, or holds no DECP container: nothing of it is imported."""


@dataclass
class RawRecord:
    position: int  # index of the record in the file, counted from 0 in reading order
    path: str  # where it sits, e.g. ``marches.marche[12]``
    kind: str | None  # MARCHE, CONCESSION or None when the container does not say
    data: dict
    # (reason, field) found while reading: ("non_finite", "montant") -> value read as missing;
    # ("nul_character", "objet") -> the record cannot be stored.
    problems: list[tuple[str, str]] = field(default_factory=list)


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

    def seekable(self) -> bool:
        return hasattr(self.stream, "seekable") and self.stream.seekable()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.stream.seek(offset, whence)

    def tell(self) -> int:
        return self.stream.tell()


class _Probe:
    """Pass bytes through unchanged, noting whether an escaped NUL character (``\\u0000``) goes by."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.tail = b""
        self.nul = False
        self.non_finite = False

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        if not self.nul and (b"\\u0000" in self.tail + chunk[:8] or b"\\u0000" in chunk):
            self.nul = True
        self.tail = chunk[-8:]
        return chunk


class _Sanitizer:
    """Let the strict parser read ``NaN``/``Infinity`` (as a marked string) and raw NUL bytes in strings.

    Chunks are cut outside strings only, so a token is never split; chunks without any of these bytes,
    nearly all of them, pass unchanged after one regular-expression scan.
    """

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.carry = b""
        self.non_finite = False
        self.nul = False

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the type of the stream with read(0)
            return b""
        while True:
            chunk = self.raw.read(_CHUNK)
            data = self.carry + chunk
            if not chunk:
                self.carry = b""
                return self._fix(data)
            end = _COMPLETE.match(data).end()
            if end == len(data) and (word := _TRAILING_WORD.search(data)):
                end = word.start()  # a literal may go on in the next chunk
            head, self.carry = data[:end], data[end:]
            if head:
                return self._fix(head)

    def _fix(self, data: bytes) -> bytes:
        if b"\x00" in data or b"NaN" in data or b"Infinity" in data:
            data = _TOKENS.sub(self._replace, data)
        if b"\\u0000" in data:
            self.nul = True
        return data

    def _replace(self, match: re.Match) -> bytes:
        token = match.group()
        if token.startswith(b'"'):
            if b"\x00" in token:
                self.nul = True
                return token.replace(b"\x00", b"\\u0000")
            return token
        self.non_finite = True
        return _NON_FINITE_JSON + token + b'"'


def _display_path(prefix: str, index: int) -> str:
    base = prefix[: -len(".item")] if prefix.endswith(".item") else ""
    return f"{base}[{index}]" if base else f"[{index}]"


def _skip_value(events: Iterator, depth: int) -> None:
    """Consume a container's events up to its end; refuse the file beyond ``MAX_DEPTH``."""
    inner = 1
    for event, _value in events:
        if event == "start_map" or event == "start_array":
            inner += 1
            if depth + inner > MAX_DEPTH:
                raise UnreadableFile(f"imbrication de plus de {MAX_DEPTH} niveaux")
        elif event == "end_map" or event == "end_array":
            inner -= 1
            if inner == 0:
                return


def _prefix(stack: list[tuple[str, bool]], key: str) -> str:
    """The ijson prefix of a value that starts now, given the containers open around it."""
    if not stack:
        return ""
    parent, parent_is_array = stack[-1]
    name = "item" if parent_is_array else key
    return f"{parent}.{name}" if parent else name


def _is_decp_container(prefix: str, event: str) -> bool:
    """``marches`` as an object, or a list whose items are records (even empty): the file is DECP."""
    return prefix == "marches" or (
        event == "start_array" and (f"{prefix}.item" if prefix else "item") in CONTAINERS
    )


def _containers(stream: BinaryIO) -> list[str]:
    """The prefixes of the DECP containers of the file, in reading order (first pass, nothing built)."""
    found: list[str] = []
    is_decp = False
    stack: list[tuple[str, bool]] = []  # open containers at the top of the file: (prefix, is_array)
    key = ""
    events = ijson.basic_parse(stream)
    for event, value in events:
        if event == "map_key":
            key = value
        elif event == "end_map" or event == "end_array":
            stack.pop()
        elif event == "start_map" or event == "start_array":
            prefix = _prefix(stack, key)
            if prefix in CONTAINERS:  # a record: not kept at all in this pass
                if prefix not in found:
                    found.append(prefix)
                _skip_value(events, len(stack))
                continue
            is_decp = is_decp or _is_decp_container(prefix, event)
            if len(stack) >= 3:  # no container is deeper: skip this value whole
                _skip_value(events, len(stack))
            else:
                stack.append((prefix, event == "start_array"))
    if not found and not is_decp:
        raise UnreadableFile("aucune liste « marches » ni « concessions » trouvée")
    return found


def _problems(value, path: str, found: list[tuple[str, str]]):
    """Replace NaN/Infinity marks by None and note them, note NUL characters; return the clean value."""
    if isinstance(value, dict):
        return {k: _problems(v, f"{path}.{k}" if path else k, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_problems(v, path, found) for v in value]
    if isinstance(value, str):
        if value.startswith(NON_FINITE_MARK):
            found.append(("non_finite", f"{path} : {value[1:]}"))
            return None
        if "\x00" in value:
            found.append(("nul_character", path))
    return value


def iter_records(stream: BinaryIO) -> Iterator[RawRecord]:
    """Yield every record of the file; raise UnreadableFile on broken JSON or when no container is found."""
    seekable = getattr(stream, "seekable", None)
    if seekable is not None and seekable():
        yield from _read_twice(stream)
        return
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as copy:
        shutil.copyfileobj(stream, copy)
        copy.seek(0)
        yield from _read_twice(copy)


def _read_twice(stream: BinaryIO) -> Iterator[RawRecord]:
    start = stream.tell()
    try:
        # Valid JSON, nearly every file, is read as it is; only a file the parser refuses is sanitised.
        first: _Probe | _Sanitizer = _Probe(stream)
        try:
            containers = _containers(first)
        except ijson.JSONError:
            stream.seek(start)
            first = _Sanitizer(stream)
            containers = _containers(first)
        scan = first.non_finite or first.nul
        position = 0
        for prefix in containers:
            stream.seek(start)
            source = _Sanitizer(stream) if isinstance(first, _Sanitizer) else stream
            for index, data in enumerate(ijson.items(source, prefix)):
                problems: list[tuple[str, str]] = []
                if scan:
                    data = _problems(data, "", problems)
                yield RawRecord(position, _display_path(prefix, index), CONTAINERS[prefix], data, problems)
                position += 1
    except ijson.JSONError as error:
        raise UnreadableFile(f"JSON illisible : {error}") from error
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"encodage illisible : {error}") from error
