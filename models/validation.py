"""Validation of one person-record row into the values the store keeps.

Pure and fast: it runs once per row of files with a million rows, so it
works on plain dicts and reports every problem of a row, each naming the
column and the value, e.g. `birth_date: cannot read "32/13/1999"`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from models.birthdates import (
    DateError,
    interval_from_age,
    is_unknown,
    parse_age,
    parse_birth_date,
    parse_plain_date,
)
from models.recordfile import RecordFileError, read_table
from models.records import RECORD_COLUMNS, TEXT_FIELDS, UNNAMED_SOURCE, CaseType, RelationKind, Role

NO_SOURCE = (
    "the file has no source column: name the organisation that recorded these cases "
    "(nrm import --source ORG)"
)

_SEX = {
    "f": "F",
    "m": "M",
    "fem": "F",
    "feminin": "F",
    "féminin": "F",
    "femme": "F",
    "fille": "F",
    "female": "F",
    "masc": "M",
    "masculin": "M",
    "homme": "M",
    "garcon": "M",
    "garçon": "M",
    "male": "M",
    "h": "M",
}
_CONSENT = {"yes": "yes", "oui": "yes", "y": "yes", "o": "yes", "no": "no", "non": "no", "n": "no"}
_CASE_TYPES = {c.value for c in CaseType}
_ROLES = {r.value for r in Role}
_RELATIONS = {r.value for r in RelationKind}
KNOWN_COLUMNS = frozenset(RECORD_COLUMNS)
NAME_COLUMNS = ("full_name", "family_name", "given_names")
"""A row needs at least one of these."""


@dataclass(frozen=True, slots=True)
class FieldError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}"


def _clean(value: Any) -> str | None:
    if not value:
        return None
    text = value.strip() if isinstance(value, str) else str(value).strip()
    if "  " in text or "\t" in text or "\n" in text:
        text = " ".join(text.split())
    return text or None


def validate_record(
    raw: dict[str, Any],
    row: int,
    default_source: str | None = None,
    today: date | None = None,
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """Turn one row (header names already lower-cased) into stored values, or errors."""
    errors: list[FieldError] = []
    out: dict[str, Any] = {}

    record_id = _clean(raw.get("record_id"))
    if record_id is None:
        errors.append(FieldError(row, "record_id", "missing"))
    out["record_id"] = record_id
    out["source"] = _clean(raw.get("source")) or default_source
    if out["source"] is None:
        errors.append(FieldError(row, "source", "missing: name the organisation (--source ORG)"))
    elif out["source"].lower() == UNNAMED_SOURCE:
        errors.append(
            FieldError(row, "source", f'"{out["source"]}" is not an organisation: name it')
        )
    for column in TEXT_FIELDS:
        out[column] = _clean(raw.get(column))
    if not (out["full_name"] or out["family_name"] or out["given_names"]):
        errors.append(
            FieldError(
                row, "full_name", "a name is required (full_name, family_name or given_names)"
            )
        )

    out["case_type"] = _choice(raw, "case_type", _CASE_TYPES, row, errors)
    out["role"] = _choice(raw, "role", _ROLES, row, errors)
    out["sex"] = _mapped(raw, "sex", _SEX, row, errors)
    out["return_consent"] = _mapped(raw, "return_consent", _CONSENT, row, errors)

    registered = _clean(raw.get("registered_on"))
    out["registered_on"] = None
    if registered:
        try:
            out["registered_on"] = parse_plain_date(registered)
        except DateError as exc:
            errors.append(FieldError(row, "registered_on", str(exc)))

    _birth(raw, out, row, errors, today or date.today())
    out["extra"] = (
        {
            key: text
            for key, value in raw.items()
            if key and key not in KNOWN_COLUMNS and (text := _clean(value)) is not None
        }
        if len(raw) > len(KNOWN_COLUMNS) or not KNOWN_COLUMNS.issuperset(raw)
        else {}
    )
    return (None if errors else out), errors


def _choice(
    raw: dict[str, Any], column: str, allowed: set[str], row: int, errors: list[FieldError]
) -> str | None:
    value = _clean(raw.get(column))
    if value is None:
        return None
    folded = value.lower().replace(" ", "_").replace("-", "_")
    if folded not in allowed:
        errors.append(
            FieldError(
                row, column, f'unknown value "{value}" (expected {", ".join(sorted(allowed))})'
            )
        )
        return None
    return folded


def _mapped(
    raw: dict[str, Any], column: str, mapping: dict[str, str], row: int, errors: list[FieldError]
) -> str | None:
    value = _clean(raw.get(column))
    if value is None:
        return None
    mapped = mapping.get(value.lower())
    if mapped is None:
        errors.append(FieldError(row, column, f'cannot read "{value}"'))
    return mapped


def _birth(
    raw: dict[str, Any], out: dict[str, Any], row: int, errors: list[FieldError], today: date
) -> None:
    out.update(
        birth_date=None,
        birth_earliest=None,
        birth_latest=None,
        birth_precision=None,
        birth_placeholder=False,
        age=None,
        age_estimated=False,
    )
    written = _clean(raw.get("birth_date"))
    age_text = _clean(raw.get("age"))
    if written and is_unknown(written):
        out["birth_date"], written = written, None
    if age_text and is_unknown(age_text):
        age_text = None
    interval = None
    if written:
        out["birth_date"] = written
        try:
            interval = parse_birth_date(written)
        except DateError as exc:
            errors.append(FieldError(row, "birth_date", str(exc)))
    if age_text:
        try:
            age, estimated = parse_age(age_text)
        except DateError as exc:
            errors.append(FieldError(row, "age", str(exc)))
        else:
            out["age"], out["age_estimated"] = age, estimated
            if interval is None and written is None:
                interval = interval_from_age(age, out["registered_on"] or today, estimated)
    if interval is None:
        return
    reference = out["registered_on"] or today
    if interval.earliest > reference:
        column = "birth_date" if written else "age"
        errors.append(FieldError(row, column, f'"{written or age_text}" is after {reference}'))
        return
    out["birth_earliest"] = interval.earliest
    out["birth_latest"] = interval.latest
    out["birth_precision"] = interval.precision.value
    out["birth_placeholder"] = interval.placeholder


def validated_rows(
    path: Path, default_source: str | None = None, today: date | None = None
) -> Iterator[tuple[int, str, dict[str, Any] | None, list[FieldError]]]:
    """Every row of a records file: its number, its record id as written, its stored values
    (None when bad) and its errors, a record id already used by the same source on an
    earlier row included (two organisations may use one id: the contract allows it).
    Raises RecordFileError when the file as a whole cannot be read, or names no
    organisation (no source column, no `default_source`)."""
    seen: dict[tuple[str, str], int] = {}
    for number, raw in read_table(path, required=("record_id",), any_of=NAME_COLUMNS):
        if default_source is None and "source" not in raw:
            raise RecordFileError(NO_SOURCE)
        values, errors = validate_record(raw, number, default_source, today)
        record_id = (raw.get("record_id") or "").strip()
        if record_id:
            source = (raw.get("source") or "").strip() or default_source or ""
            first = seen.setdefault((source, record_id), number)
            if first != number:
                errors.append(
                    FieldError(number, "record_id", f'"{record_id}" already on row {first}')
                )
                values = None
        yield number, record_id, values, errors


def validate_relation(
    raw: dict[str, Any], row: int
) -> tuple[tuple[str, str, str] | None, list[FieldError]]:
    """One row of a relations file: (record_id, relation, related_record_id)."""
    errors: list[FieldError] = []
    record_id = _clean(raw.get("record_id"))
    related = _clean(raw.get("related_record_id"))
    relation = _clean(raw.get("relation"))
    if record_id is None:
        errors.append(FieldError(row, "record_id", "missing"))
    if related is None:
        errors.append(FieldError(row, "related_record_id", "missing"))
    if relation is None or relation.lower() not in _RELATIONS:
        errors.append(
            FieldError(
                row,
                "relation",
                f'unknown value "{relation or ""}" (expected {", ".join(sorted(_RELATIONS))})',
            )
        )
    if errors:
        return None, errors
    assert record_id and related and relation
    return (record_id, relation.lower(), related), errors
