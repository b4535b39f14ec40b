"""List searches that ignore case and accents ("mediatheque" finds "Médiathèque"), on SQLite and PostgreSQL.

Both sides of the comparison are folded the same way: the term in Python by ``fold``, the column in SQL by
``levier_fold`` — on PostgreSQL an immutable SQL function over the ``unaccent`` extension (created by a
migration; about as fast as ``lower``, and indexable), on SQLite ``fold`` itself, registered as a
deterministic function on every connection. ``%``, ``_`` and ``\\`` typed by the user match themselves.
"""

import unicodedata

from sqlalchemy import DDL, String, and_, event, or_
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import GenericFunction

LIKE_ESCAPE = "\\"
LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}


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


class folded(GenericFunction):
    """SQL: the folded form of a text expression (see ``fold``), ``levier_fold(x)`` on both engines."""

    type = String()
    inherit_cache = True
    name = "levier_fold"


# PostgreSQL: unaccent's rules, in lower case. Declared IMMUTABLE (unaccent with its dictionary named is
# deterministic), so that an expression index (pg_trgm) can serve a search on a large table.
PG_UNACCENT = "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public"
PG_FOLD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION levier_fold(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$"
)


def install_fold_function(metadata) -> None:
    """Create ``levier_fold`` on PostgreSQL with the tables (``create_all``); migrations do it too."""
    for statement in (PG_UNACCENT, PG_FOLD_FUNCTION):
        event.listen(metadata, "before_create", DDL(statement).execute_if(dialect="postgresql"))


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
    """Every word of ``term`` is found in one of ``columns`` (case and accents ignored).

    "gymnase jaures" finds "Gymnase Jean Jaurès": words are looked for apart, in any order.
    """
    words = term.split() or [term]
    return and_(*(or_(*(contains(column, word) for column in columns)) for word in words))
