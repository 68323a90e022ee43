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

from i18n import N_, Message
from models.birthdates import (
    CANNOT_READ,
    DateError,
    interval_from_age,
    is_unknown,
    parse_age,
    parse_birth_date,
    parse_plain_date,
)
from models.recordfile import RecordFileError, read_table
from models.records import RECORD_COLUMNS, TEXT_FIELDS, UNNAMED_SOURCE, CaseType, RelationKind, Role

NO_SOURCE = N_(
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


ERROR = N_("row {row}, {column}: {message}")
WARNING = N_("row {row}, {column}: {message} (kept in {column}_raw; the value counts as unknown)")
RAW_SUFFIX = "_raw"
"""Where an unreadable date or age is kept as written (in the record's extra data)."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem of one cell. A warning (an unreadable date or age outside `strict`) leaves
    the row valid, the value unknown and the text kept in `<column>_raw`."""

    row: int
    column: str
    message: str | Message
    warning: bool = False

    def as_message(self) -> Message:
        message = self.message if isinstance(self.message, Message) else Message(self.message)
        template = WARNING if self.warning else ERROR
        return Message(template, row=self.row, column=self.column, message=message)

    def text(self, lang: str) -> str:
        return self.as_message().text(lang)

    def __str__(self) -> str:
        return self.text("en")


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
    strict: bool = False,
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """Turn one row (header names already lower-cased) into stored values, or errors.
    An unreadable date or age is a warning (the value unknown, its text kept in
    `<column>_raw`), or an error when `strict`; the values are None only on errors."""
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    raw_kept: dict[str, str] = {}

    record_id = _clean(raw.get("record_id"))
    if record_id is None:
        errors.append(FieldError(row, "record_id", "missing"))
    out["record_id"] = record_id
    out["source"] = _clean(raw.get("source")) or default_source
    if out["source"] is None:
        errors.append(FieldError(row, "source", "missing: name the organisation (--source ORG)"))
    elif out["source"].lower() == UNNAMED_SOURCE:
        errors.append(
            FieldError(
                row,
                "source",
                Message('"{source}" is not an organisation: name it', source=out["source"]),
            )
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
            if not is_unknown(registered):
                _unreadable(row, errors, raw_kept, strict, "registered_on", registered, exc)

    _birth(raw, out, row, errors, today or date.today(), (raw_kept, strict))
    out["extra"] = (
        {
            key: text
            for key, value in raw.items()
            if key and key not in KNOWN_COLUMNS and (text := _clean(value)) is not None
        }
        if len(raw) > len(KNOWN_COLUMNS) or not KNOWN_COLUMNS.issuperset(raw)
        else {}
    )
    if raw_kept:
        out["extra"].update(raw_kept)
    return (None if any(not e.warning for e in errors) else out), errors


def _unreadable(
    row: int,
    errors: list[FieldError],
    kept: dict[str, str],
    strict: bool,
    column: str,
    written: str,
    exc: DateError,
) -> None:
    """What becomes of a date or an age that cannot be read: an error when `strict`, else a
    warning with the text kept as written."""
    errors.append(FieldError(row, column, exc.message, warning=not strict))
    if not strict:
        kept[column + RAW_SUFFIX] = written


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
                row,
                column,
                Message(
                    'unknown value "{value}" (expected {expected})',
                    value=value,
                    expected=", ".join(sorted(allowed)),
                ),
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
        errors.append(FieldError(row, column, Message(CANNOT_READ, value=value)))
    return mapped


def _birth(
    raw: dict[str, Any],
    out: dict[str, Any],
    row: int,
    errors: list[FieldError],
    today: date,
    keeping: tuple[dict[str, str], bool],
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
        try:
            interval = parse_birth_date(written)
        except DateError as exc:
            _unreadable(row, errors, *keeping, "birth_date", written, exc)
            written = None
        else:
            out["birth_date"] = written
    if age_text:
        try:
            age, estimated = parse_age(age_text)
        except DateError as exc:
            _unreadable(row, errors, *keeping, "age", age_text, exc)
        else:
            out["age"], out["age_estimated"] = age, estimated
            if interval is None and written is None:
                interval = interval_from_age(age, out["registered_on"] or today, estimated)
    if interval is None:
        return
    reference = out["registered_on"] or today
    if interval.earliest > reference:
        column = "birth_date" if written else "age"
        errors.append(
            FieldError(
                row,
                column,
                Message(
                    '"{value}" is after {reference}', value=written or age_text, reference=reference
                ),
            )
        )
        return
    out["birth_earliest"] = interval.earliest
    out["birth_latest"] = interval.latest
    out["birth_precision"] = interval.precision.value
    out["birth_placeholder"] = interval.placeholder


def validated_rows(
    path: Path,
    default_source: str | None = None,
    today: date | None = None,
    *,
    strict: bool = False,
    mapping: dict[str, str] | None = None,
) -> Iterator[tuple[int, str, dict[str, Any] | None, list[FieldError]]]:
    """Every row of a records file: its number, its record id as written, its stored values
    (None when bad) and its errors and warnings, a record id already used by the same source
    on an earlier row included (two organisations may use one id: the contract allows it).
    `mapping` renames the file's columns to ours (`read_table`).
    Raises RecordFileError when the file as a whole cannot be read, or names no
    organisation (no source column, no `default_source`)."""
    seen: dict[tuple[str, str], int] = {}
    rows = read_table(path, required=("record_id",), any_of=NAME_COLUMNS, mapping=mapping)
    for number, raw in rows:
        if default_source is None and "source" not in raw:
            raise RecordFileError(NO_SOURCE)
        values, errors = validate_record(raw, number, default_source, today, strict)
        record_id = (raw.get("record_id") or "").strip()
        if record_id:
            source = (raw.get("source") or "").strip() or default_source or ""
            first = seen.setdefault((source, record_id), number)
            if first != number:
                errors.append(
                    FieldError(
                        number,
                        "record_id",
                        Message('"{value}" already on row {first}', value=record_id, first=first),
                    )
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
                Message(
                    'unknown value "{value}" (expected {expected})',
                    value=relation or "",
                    expected=", ".join(sorted(_RELATIONS)),
                ),
            )
        )
    if errors:
        return None, errors
    assert record_id and related and relation
    return (record_id, relation.lower(), related), errors
