"""Which unknown import columns (kept in a record's `extra`) are protected, which are safe.

A case file often carries columns the contract does not name: `telephone`,
`adresse_actuelle`, a Kobo geopoint's `_gps_latitude`. The import keeps them in
`extra`; who may read them is decided here, from one declaration,
`service/data/extra_columns.csv` (`column,kind,why`, kind `protected` or `safe`):

- a column is *protected* when its name, or one of its words (split on `_`, digits
  dropped, accents folded: `Téléphone-Mère 2` → `telephone`, `mere`), is declared
  protected: it leaves the service only with the need-to-know view, like `phone`;
- a column is *safe* when declared safe and not protected: every view but the
  minimal one shows it;
- any other column is unknown, and shown only with the need-to-know view.

`NRM_EXTRA_COLUMNS_FILE` replaces the shipped declaration; `NRM_PROTECTED_COLUMNS` and
`NRM_SAFE_COLUMNS` (comma-separated) add to it. Protected wins: a column cannot be
declared safe into showing a phone.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DECLARATION = Path(__file__).parent / "data" / "extra_columns.csv"
FILE_VAR, PROTECTED_VAR, SAFE_VAR = (
    "NRM_EXTRA_COLUMNS_FILE",
    "NRM_PROTECTED_COLUMNS",
    "NRM_SAFE_COLUMNS",
)


def normalise(name: str) -> str:
    """`Téléphone-Mère` → `telephone_mere`: lower case, accents folded, `_` between words;
    a group path (`grp_contact/telephone`) keeps its last part."""
    folded = unicodedata.normalize("NFKD", name.rsplit("/", 1)[-1])
    plain = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


@dataclass(frozen=True, slots=True)
class ExtraColumns:
    protected: frozenset[str]
    safe: frozenset[str]

    def is_protected(self, column: str) -> bool:
        name = normalise(column)
        words = [w for w in re.split(r"[_0-9]+", name) if w]
        joined = "_".join(words)
        return (
            name in self.protected
            or any(w in self.protected for w in words)
            or any(p in joined for p in self.protected if "_" in p.strip("_"))
        )

    def is_safe(self, column: str) -> bool:
        """Declared safe (exact name once normalised, a leading `_` kept) and not
        protected."""
        folded = column.rsplit("/", 1)[-1].strip().lower()
        name = ("_" if folded.startswith("_") else "") + normalise(column)
        return (name in self.safe or folded in self.safe) and not self.is_protected(column)


def _from_env(variable: str) -> set[str]:
    return {
        normalise(c) if not c.strip().startswith("_") else c.strip().lower()
        for c in os.environ.get(variable, "").split(",")
        if c.strip()
    }


@cache
def _declared(path: str) -> tuple[frozenset[str], frozenset[str]]:
    protected: set[str] = set()
    safe: set[str] = set()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            column = row["column"].strip().lower()
            (protected if row["kind"].strip() == "protected" else safe).add(column)
    return frozenset(protected), frozenset(safe)


def extra_columns() -> ExtraColumns:
    """The declaration in force (read once per file; the variables are read each call)."""
    protected, safe = _declared(os.environ.get(FILE_VAR) or str(DECLARATION))
    return ExtraColumns(protected | _from_env(PROTECTED_VAR), safe | _from_env(SAFE_VAR))
