"""Generic fields beside the Malian ones: free text, identifiers, categories.

The engine is tuned for Malian names, places and birth intervals, but records
from elsewhere carry other fields too: an address, a postcode, an identity
number. Each is declared as a :class:`GenericField` of one kind, compared
with string distances (rapidfuzz) into ordered levels like the Malian
comparisons (`missing` first, no evidence), and weighed with m and u fitted
by the same EM (:func:`matching.model.em_session`), see
:mod:`matching.generic_link`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from matching.comparisons import Comparison
from matching.text import fold
from matching.values import Vocabulary

Kind = Literal["text", "identifier", "category"]

LEVELS: dict[str, tuple[str, ...]] = {
    "text": ("missing", "exact", "close", "similar", "different"),
    "identifier": ("missing", "exact", "one_edit", "two_edits", "different"),
    "category": ("missing", "exact", "different"),
}
PRIOR_M: dict[str, tuple[float, ...]] = {
    "text": (0, 0.70, 0.12, 0.08, 0.10),
    "identifier": (0, 0.80, 0.10, 0.04, 0.06),
    "category": (0, 0.90, 0.10),
}
PRIOR_U: dict[str, tuple[float, ...]] = {
    "text": (0, 0.01, 0.01, 0.05, 0.93),
    "identifier": (0, 0.01, 0.01, 0.02, 0.96),
    "category": (0, 0.30, 0.70),
}
CLOSE = 0.92
SIMILAR = 0.80
"""Jaro-Winkler similarity of two texts (spaces ignored) for the `close` and `similar` levels."""


@dataclass(frozen=True, slots=True)
class GenericField:
    """One extra field of the records, by its key in the record mapping."""

    name: str
    kind: Kind
    tf: bool = False
    """An exact agreement weighs by how common the value is (a shared postcode of a
    big town proves less than one of a hamlet)."""
    block: bool = False
    """Its exact value is a blocking key."""

    @property
    def comparison(self) -> Comparison:
        return Comparison(self.name, LEVELS[self.kind], ("exact",) if self.tf else ())


def normalise(kind: Kind, value: Any) -> str | None:
    """Folded text (identifiers and categories without spaces); None when nothing is left."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    folded = fold(str(value))
    if kind != "text":
        folded = folded.replace(" ", "")
    return folded or None


def field_level(kind: Kind, a: str, b: str) -> str:
    """The level of two normalised, known values of one kind."""
    if a == b:
        return "exact"
    if kind == "category":
        return "different"
    if kind == "identifier":
        distance = DamerauLevenshtein.distance(a, b, score_cutoff=2)
        return ("exact", "one_edit", "two_edits", "different")[min(distance, 3)]
    a, b = a.replace(" ", ""), b.replace(" ", "")
    if a == b:
        return "close"
    similarity = JaroWinkler.similarity(a, b)
    if similarity >= CLOSE:
        return "close"
    return "similar" if similarity >= SIMILAR else "different"


@dataclass
class FieldColumn:
    """One generic field over the population: a code per record into its unique values."""

    field: GenericField
    codes: np.ndarray
    values: list[str]


def field_columns(
    records: Iterable[Mapping[str, Any]], fields: Iterable[GenericField]
) -> list[FieldColumn]:
    fields = tuple(fields)
    vocabularies = [Vocabulary() for _ in fields]
    codes: list[list[int]] = [[] for _ in fields]
    for record in records:
        for k, spec in enumerate(fields):
            codes[k].append(vocabularies[k].code(normalise(spec.kind, record.get(spec.name))))
    return [
        FieldColumn(spec, np.asarray(codes[k], dtype=np.int32), vocabularies[k].values)
        for k, spec in enumerate(fields)
    ]


def blocking_keys(columns: list[FieldColumn], n: int) -> list[list[str]]:
    """`x:<field>|<value>` for every field declared `block`, per record."""
    keys: list[list[str]] = [[] for _ in range(n)]
    for column in columns:
        if not column.field.block:
            continue
        for row, code in enumerate(column.codes.tolist()):
            if code >= 0:
                keys[row].append(f"x:{column.field.name}|{column.values[code]}")
    return keys
