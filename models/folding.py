"""Names folded alike in both databases, for the filters that read them as typed.

A caseworker types "Sekou Traore" or "N'DIAYE" for "Sékou TRAORÉ" and "Ndiaye". Neither
database ignores accents, and their `lower()` differ (SQLite's folds unaccented letters
only: "TRAORÉ" read as "traoré" on PostgreSQL, not on SQLite). So a filter compares
`folded` values: one table of letters, applied by PostgreSQL's `translate()` and, on
SQLite, by the same table in Python (`fold`, registered on each connection): the same
answer on both. Accented, Bambara and Fula letters (ɛ, ɔ, ɲ, ŋ, ɓ, ɗ, ƴ) become their
plain letter, capitals small, and apostrophes, hyphens and combining accents go; a
letter outside the table stays as it is, on both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

_ACCENTED = {
    "a": "ÀÁÂÃÄÅàáâãäå",
    "b": "Ɓɓ",
    "c": "Çç",
    "d": "Ɗɗ",
    "e": "ÈÉÊËèéêëƐɛ",
    "i": "ÌÍÎÏìíîï",
    "n": "ÑñƝɲŊŋ",
    "o": "ÒÓÔÕÖòóôõöƆɔ",
    "u": "ÙÚÛÜùúûü",
    "y": "ÝŸýÿƳƴ",
}
_LETTERS = [
    *_ACCENTED.items(),
    *((letter, letter.upper()) for letter in "abcdefghijklmnopqrstuvwxyz"),
]
_DROPPED = "'’‘ʼ`-\u0300\u0301\u0302\u0303\u0308\u0327"
FROM = "".join(letters for _, letters in _LETTERS) + _DROPPED
TO = "".join(plain * len(letters) for plain, letters in _LETTERS)
"""`translate(value, FROM, TO)`: each letter of FROM becomes the one at its place in TO;
those past TO's end (`_DROPPED`) are removed."""
_TABLE = str.maketrans(FROM[: len(TO)], TO, _DROPPED)


def fold(value: str | None) -> str | None:
    """`value` folded as the database folds it (`folded`)."""
    return None if value is None else value.translate(_TABLE)


class folded(FunctionElement[str]):
    """`value` folded (`fold`) in SQL, on either database."""

    type = Text()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _translated(element: folded, compiler: Any, **kw: Any) -> str:
    return compiler.process(func.translate(*element.clauses.clauses, FROM, TO), **kw)


@compiles(folded, "sqlite")
def _in_python(element: folded, compiler: Any, **kw: Any) -> str:
    return compiler.process(func.nrm_fold(*element.clauses.clauses), **kw)


def register_fold(dbapi_connection: Any) -> None:
    """Give a SQLite connection `nrm_fold`, what `folded` calls there."""
    dbapi_connection.create_function("nrm_fold", 1, fold, deterministic=True)
