"""Validation of one person-record row into the values the store keeps.

Pure: it works on plain dicts and reports every problem of a row, each naming the
column and the value, e.g. `birth_date: cannot read "32/13/1999"`. Each field is read
by a function of its cleaned cell (`READERS`, `registered_of`, `read_birth_cells`), which
`models.columnwise` also runs once per distinct cell of a chunk of a file's rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from i18n import N_, Message, Words
from models import fieldwords
from models.birthcells import (
    BIRTH_FIELDS,
    SAID_IN_FULL,
    Problem,
    age_range_text,
    birth_on,
    read_birth_cells,
)
from models.birthdates import (
    DateError,
    is_unknown,
    parse_plain_date,
)
from models.fieldwords import fold
from models.records import RECORD_COLUMNS, TEXT_FIELDS, UNNAMED_SOURCE, CaseType, RelationKind, Role

NO_SOURCE = N_(
    "the file has no source column: name the organisation that recorded these cases (--source ORG)"
)

CANNOT_READ_EXPECTED = N_('cannot read "{value}" (expected {expected})')
_CASE_TYPES = {c.value for c in CaseType}
_ROLES = {r.value for r in Role}
_RELATIONS = {r.value for r in RelationKind}
NOT_KEPT = frozenset({"_index"})
"""Columns of a field export that say nothing of the person: Kobo's `_index`, a row's
position in one export, renumbered by the next (kept, it made every row of a re-export
"changed" and linked again)."""
KNOWN_COLUMNS = frozenset(RECORD_COLUMNS) | NOT_KEPT
NAME_COLUMNS = ("full_name", "family_name", "given_names")
"""A row needs at least one of these."""


ERROR = N_("row {row}, {column}: {message}")
WARNING = N_("row {row}, {column}: {message} (kept in {field}_raw; the value counts as unknown)")
KEPT = N_("row {row}, {column}: {message} (kept as written in {field}_raw)")
"""A warning whose message says itself what counts (an age beside a birth date it does
not fit, an age whose registration date cannot be read)."""
RAW_SUFFIX = "_raw"
"""Where an unreadable date or age is kept as written (in the record's extra data)."""
NOT_LISTED = N_(
    '"{value}" is not among the mapping file\'s values for this column: read as written'
)
READ_AS_WRITTEN = frozenset({NOT_LISTED})
"""Warnings about a value read as written (not unknown, not kept apart)."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem of one cell. A warning (an unreadable date or age outside `strict`) leaves
    the row valid, the value unknown and the text kept in `<column>_raw`."""

    row: int
    column: str
    message: str | Message
    warning: bool = False

    def as_message(self, titles: dict[str, str] | None = None) -> Message:
        """The message, naming the column as the file titles it (`titles`: `Sexe (F/M)`
        for `sex`) and the extra data key by our name."""
        message = self.message if isinstance(self.message, Message) else Message(self.message)
        column = (titles or {}).get(self.column, self.column)
        if not self.warning:
            return Message(ERROR, row=self.row, column=column, message=message)
        if message.msgid in READ_AS_WRITTEN:
            return Message(ERROR, row=self.row, column=column, message=message)
        template = KEPT if message.msgid in SAID_IN_FULL else WARNING
        return Message(template, row=self.row, column=column, field=self.column, message=message)

    def text(self, lang: str) -> str:
        return self.as_message().text(lang)

    def __str__(self) -> str:
        return self.text("en")


def clean(value: Any) -> str | None:
    """A cell's text without stray spaces (a run of spaces, tabs or line breaks becomes
    one space) nor the apostrophe a spreadsheet user types to keep `'0012` or
    `'15/08/2013` as text; None when nothing is left."""
    if not value:
        return None
    text = value.strip() if isinstance(value, str) else str(value).strip()
    if text.startswith("'"):
        text = text[1:].strip()
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
    `<column>_raw`), or an error when `strict`; the values are None only on errors.
    `models.columnwise` reads many rows at once with the same field readers."""
    problems: list[Problem] = []
    out: dict[str, Any] = {}

    record_id = clean(raw.get("record_id"))
    if record_id is None:
        problems.append(("record_id", N_("missing"), None))
    out["record_id"] = record_id
    out["source"], problem = source_of(clean(raw.get("source")), default_source)
    if problem is not None:
        problems.append(("source", problem, None))
    for column in TEXT_FIELDS:
        out[column] = clean(raw.get(column))
    if not (out["full_name"] or out["family_name"] or out["given_names"]):
        problems.append(("full_name", NAME_REQUIRED, None))

    for column, reader in READERS.items():
        out[column], problem = reader(clean(raw.get(column)))
        if problem is not None:
            problems.append((column, problem, None))

    registered = clean(raw.get("registered_on"))
    out["registered_on"], problem = registered_of(registered, today)
    if problem is not None:
        problems.append(("registered_on", problem, registered))

    birth = read_birth_cells(clean(raw.get("birth_date")), clean(raw.get("age")))
    values, found = birth_on(
        birth,
        out["registered_on"] or today or date.today(),
        dated=problem is None,
        given_on=out["registered_on"] is not None,
    )
    out.update(zip(BIRTH_FIELDS, values, strict=True))
    problems.extend(found)
    out["extra"] = (
        {
            key: text
            for key, value in raw.items()
            if key and key not in KNOWN_COLUMNS and (text := clean(value)) is not None
        }
        if has_extra(raw)
        else {}
    )
    if (text := age_range_text(birth)) is not None:
        out["extra"]["age" + RAW_SUFFIX] = text
    errors: list[FieldError] = []
    for column, message, written in problems:
        warning = written is not None and not strict
        errors.append(FieldError(row, column, message, warning=warning))
        if warning:
            out["extra"][column + RAW_SUFFIX] = written
    return (None if any(not e.warning for e in errors) else out), errors


NAME_REQUIRED = N_("a name is required (full_name, family_name or given_names)")


def has_extra(header: Iterable[str]) -> bool:
    """Whether a row with these columns may hold extra data (a column not ours)."""
    names = set(header)
    return len(names) > len(KNOWN_COLUMNS) or not KNOWN_COLUMNS.issuperset(names)


def source_of(cleaned: str | None, default: str | None) -> tuple[str | None, str | Message | None]:
    """The organisation of a row (its cell, else the default), and the problem if none is
    named or the one named is no organisation."""
    source = cleaned or default
    if source is None:
        return None, N_("missing: name the organisation (--source ORG)")
    if source.lower() == UNNAMED_SOURCE:
        return source, Message('"{source}" is not an organisation: name it', source=source)
    return source, None


def _choice(
    allowed: set[str], words: dict[str, str]
) -> Callable[[str | None], tuple[str | None, Message | None]]:
    """A coded value, or the words field files write for it (`models.fieldwords`)."""

    def read(value: str | None) -> tuple[str | None, Message | None]:
        if value is None:
            return None, None
        folded = fold(value)
        found = (
            folded
            if folded in allowed
            else words.get(folded) or fieldwords.said(frozenset(allowed)).get(folded)
        )
        if found is None:
            return None, Message(
                'unknown value "{value}" (expected {expected})',
                value=value,
                expected=Words(sorted(allowed)),
            )
        return found, None

    return read


def _mapped(
    mapping: dict[str, str], expected: str | Message
) -> Callable[[str | None], tuple[str | None, Message | None]]:
    """A value read through `mapping`; a cell saying it is not known (`NSP`, `n/a`,
    `inconnu`) is no value and no error."""

    def read(value: str | None) -> tuple[str | None, Message | None]:
        if value is None or (folded := fold(value)) in fieldwords.NOT_KNOWN:
            return None, None
        mapped = mapping.get(folded)
        if mapped is None:
            return None, Message(CANNOT_READ_EXPECTED, value=value, expected=expected)
        return mapped, None

    return read


READERS = {
    "case_type": _choice(_CASE_TYPES, fieldwords.CASE_TYPE),
    "role": _choice(_ROLES, fieldwords.ROLE),
    "sex": _mapped(fieldwords.SEX, "F, M"),
    "return_consent": _mapped(fieldwords.CONSENT, Words(["yes", "no"])),
}
"""The fields read from one cleaned cell into a value or a problem, in the order a row's
problems are reported."""


def registered_of(
    text: str | None, today: date | None = None
) -> tuple[date | None, Message | None]:
    """The registration date, and the problem when it cannot be read (a cell saying it
    is not known is no problem) or is after today (a typing error: an age counted from
    it would give a birth years too late)."""
    if not text:
        return None, None
    try:
        registered = parse_plain_date(text)
    except DateError as exc:
        return None, None if is_unknown(text) else exc.message
    if registered > (today or date.today()):
        return None, Message("a registration date after today: {date}", date=text)
    return registered, None


NAME_FIELDS = ("full_name", "family_name", "given_names", "aliases")
PLACE_FIELDS = ("origin_village", "origin_commune", "origin_cercle", "origin_region")
CASE_FIELDS = ("case_id", "case_type")
FIELD_GROUPS: tuple[tuple[str, ...], ...] = (NAME_FIELDS, BIRTH_FIELDS, PLACE_FIELDS, CASE_FIELDS)
"""Fields a file writes together: one column of a group writes the whole group (a new
village beside the commune another file gave would be a place nobody wrote). The role is
no member: a file that says which case a record is in without saying its role (a file of
phone numbers with the case number) leaves the stored role while the case is the same,
and a suspect's in any case (`models.store.importing._role_in_new_case`)."""
KEPT_WHEN_SAME = (NAME_FIELDS, PLACE_FIELDS, CASE_FIELDS)
"""Groups whose fields a file does not have keep their stored values when the fields it
has are those stored (`implied_fields`): the same village written again without its
commune column keeps the commune; the same name without an alias column keeps the
`dite` alias. A birth is always written whole (an age is read on a registration date)."""
RAW_COLUMNS = ("registered_on", "birth_date", "age")
"""The columns whose unreadable text is kept in the extra data (`RAW_SUFFIX`)."""


def fields_given(header: Iterable[str]) -> frozenset[str]:
    """The record fields a file with these columns writes. A stored record written again
    keeps its values of the others: a file of new phone numbers does not erase the birth
    dates and villages another file gave. The record id and the organisation are always
    written; the extra data is merged key by key (`extra_given`)."""
    names = set(header)
    given = {"record_id", "source", *(n for n in RECORD_COLUMNS if n in names)}
    for group in FIELD_GROUPS:
        if given.intersection(group):
            given.update(group)
    return frozenset(given)


def implied_fields(header: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The fields a file with these columns writes only through their group
    (`KEPT_WHEN_SAME`), each with the fields of its group the file has: a stored value
    of such a field stays when the file's values of those are the stored ones."""
    names = set(header)
    implied: dict[str, tuple[str, ...]] = {}
    for group in KEPT_WHEN_SAME:
        present = tuple(n for n in group if n in names)
        if present:
            implied.update({n: present for n in group if n not in names})
    return implied


def extra_given(header: Iterable[str]) -> frozenset[str]:
    """The keys of a record's extra data a file with these columns writes: its columns
    that are not ours, and the text kept of an unreadable date or age of the fields it
    writes (a file with an age writes the birth date too, and drops its old text)."""
    names = set(header)
    own = {n for n in names if n and n not in KNOWN_COLUMNS}
    given = fields_given(header)
    return frozenset(own | {n + RAW_SUFFIX for n in RAW_COLUMNS if n in given})


def validate_relation(
    raw: dict[str, Any], row: int
) -> tuple[tuple[str, str, str] | None, list[FieldError]]:
    """One row of a relations file: (record_id, relation, related_record_id)."""
    errors: list[FieldError] = []
    record_id = clean(raw.get("record_id"))
    related = clean(raw.get("related_record_id"))
    relation = clean(raw.get("relation"))
    if record_id is None:
        errors.append(FieldError(row, "record_id", "missing"))
    if related is None:
        errors.append(FieldError(row, "related_record_id", "missing"))
    kind = None if relation is None else _choice(_RELATIONS, fieldwords.RELATION)(relation)[0]
    if kind is None:
        errors.append(
            FieldError(
                row,
                "relation",
                Message(
                    'unknown value "{value}" (expected {expected})',
                    value=relation or "",
                    expected=Words(sorted(_RELATIONS)),
                ),
            )
        )
    if errors:
        return None, errors
    assert record_id and related and kind
    return (record_id, kind, related), errors
