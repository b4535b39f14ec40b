"""List searches that ignore case and accents ("mediatheque" finds "Médiathèque"), on SQLite and PostgreSQL.

Both sides of the comparison are folded the same way: the term in Python by ``fold``, the column in SQL by
``folded`` — on PostgreSQL with ``translate``/``replace``/``lower`` (built-in, immutable, so an expression
index such as a pg_trgm one can serve it), on SQLite with ``fold`` itself registered as the deterministic
function ``levier_fold`` on every connection. ``%``, ``_`` and ``\\`` typed by the user match themselves.
"""

import unicodedata

from sqlalchemy import String, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

LIKE_ESCAPE = "\\"
LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"}


def _accented_letters() -> tuple[str, str]:
    """Latin letters with diacritics (Latin-1 and Latin Extended-A/B) and their plain lower-case letter."""
    source, target = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            source.append(char)
            target.append(base.lower())
    return "".join(source), "".join(target)


ACCENTED, PLAIN = _accented_letters()
_TABLE = str.maketrans({**dict(zip(ACCENTED, PLAIN, strict=True)), **LIGATURES})


def fold(text: str | None) -> str | None:
    """``text`` without accents or ligatures, in lower case: the form both sides of a search compare in."""
    if text is None:
        return None
    return text.translate(_TABLE).lower()


class folded(FunctionElement):
    """SQL: the folded form of a text expression (see ``fold``)."""

    type = String()
    inherit_cache = True
    name = "levier_fold"


@compiles(folded)
def _folded_sqlite(element, compiler, **kw):
    return f"levier_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw):
    sql = f"translate({compiler.process(element.clauses, **kw)}, '{ACCENTED}', '{PLAIN}')"
    for ligature, letters in LIGATURES.items():
        sql = f"replace({sql}, '{ligature}', '{letters}')"
    return f"lower({sql})"


def register_sqlite_fold(dbapi_connection) -> None:
    """Make ``levier_fold`` available on a SQLite connection (called by the connect event)."""
    dbapi_connection.create_function("levier_fold", 1, fold, deterministic=True)


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards escaped, so that the user's ``%`` and ``_`` match themselves."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def contains(column, term: str) -> ColumnElement[bool]:
    """``column`` contains ``term``, whatever the case and the accents."""
    return folded(column).like(f"%{escape_like(fold(term))}%", escape=LIKE_ESCAPE)


def starts_with(column, prefix: str) -> ColumnElement[bool]:
    """``column`` (an identifier: SIRET, CPV code) starts with ``prefix``, taken literally."""
    return column.like(f"{escape_like(prefix)}%", escape=LIKE_ESCAPE)


def search_filter(term: str, *columns) -> ColumnElement[bool]:
    """One of ``columns`` contains ``term`` (case and accents ignored)."""
    return or_(*(contains(column, term) for column in columns))
