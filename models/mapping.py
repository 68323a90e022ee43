"""A column mapping file: which column of another system's export holds which of our
fields (`nrm import FILE --mapping MAPPING`), for layouts the reader does not know, and
what its coded values mean.

CSV with a header `column,field` (one line per renamed column) and an optional
`values` column (`1=F; 2=M`), or JSON `{"column": "field", ...}` where a field may be
`{"field": "sex", "values": {"1": "F", "2": "M"}}`; a line `group/,person` says a form
group is about the person (its questions read as ours by their last part), a line
`Village,extra` keeps a column as extra data whatever its title reads as. Columns are
matched case-insensitively, by their whole name or, in a KoboToolbox / ODK group path,
their last part; columns not named keep their own name (our field when it is one, extra
data otherwise).

Values are for exports that write a form's choice names instead of their labels (ODK
Central always does; KoboToolbox with "XML values"): `1` and `2` for the sex, `0` and
`1` for a consent, `kayes_12` for a village. Each is matched as `models.fieldwords.fold`
writes it (`Oui`, `oui ` and `OUI` are one), a value not listed is read as written, and
a listed value with nothing after `=` is unknown (a form's "ne sait pas" code).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

from i18n import Message
from models.columnnames import EXTRA
from models.fieldwords import NOT_KNOWN, fold
from models.fileerrors import RecordFileErrors
from models.recordfile import RecordFileError, read_table
from models.records import RECORD_COLUMNS
from models.validation import READERS

PERSON = "person"
"""The field of a mapping line naming a form group (`group_kf3tq12/,person`): the group's
questions read as the person's own, each by its last part."""


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """What a mapping file says: their columns as our fields, their values as ours."""

    columns: dict[str, str]
    """`{their column (lower case): our field}` (or `PERSON` for a form group)."""
    values: dict[str, dict[str, str]] = dataclass_field(default_factory=dict)
    """`{our field: {their value, folded: ours}}`."""

    def translate(self, header: list[str], rows: list[list[str]]) -> list[tuple[int, str, str]]:
        """Rewrite in place the cells of `rows` (under `header`, our names) whose column
        has values in this mapping; a cell not listed stays as written. The cells of a
        free-text field left so, as (row index, field, cell): a code list that misses a
        village's code would store the code as its name (a coded field refuses it)."""
        unlisted = []
        for name, table in self.values.items():
            if name not in header:
                continue
            at = header.index(name)
            for i, cells in enumerate(rows):
                key = fold(cells[at]) if cells[at] else ""
                if not key or key in NOT_KNOWN:
                    continue
                if (ours := table.get(key)) is not None:
                    cells[at] = ours
                elif name not in READERS:
                    unlisted.append((i, name, cells[at].strip()))
        return unlisted


def read_mapping_file(path: Path) -> ColumnMapping:
    """The mapping a file says; RecordFileError naming the mapping file's problem (unknown
    field, a field or a column given twice, a value that cannot be read, unreadable file),
    `RecordFileErrors` naming every bad line when there are several."""
    pairs = _json_pairs(path) if path.suffix.lower() == ".json" else _table_pairs(path)
    mapping: dict[str, str] = {}
    targets: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    problems: list[Message] = []
    for where, column, field, coded in pairs:
        try:
            _read_entry(where, column, field, coded, mapping, targets, values)
        except RecordFileError as problem:
            problems.append(problem.message)
    if len(problems) == 1:
        raise RecordFileError(problems[0])
    if problems:
        raise RecordFileErrors(problems)
    if not mapping:
        raise RecordFileError("the mapping file maps no column")
    return ColumnMapping(mapping, values)


def _read_entry(
    where: str | Message,
    column: str,
    field: str,
    coded: list[tuple[str, str]],
    mapping: dict[str, str],
    targets: dict[str, str],
    values: dict[str, dict[str, str]],
) -> None:
    """One line of a mapping file into `mapping`, `targets` and `values`; RecordFileError
    naming the line's problem, leaving them as they were."""
    column, field = column.strip().lower(), field.strip().lower()
    if not column and not field:
        return
    if not field:
        raise RecordFileError(
            'mapping file, {where}: "{column}" is given no field', where=where, column=column
        )
    if not column:
        raise RecordFileError(
            "mapping file, {where}: {field} is given no column", where=where, field=field
        )
    if field == PERSON and column.endswith("/"):
        if coded:
            raise RecordFileError(
                "mapping file, {where}: a form group has no values (they go on its questions)",
                where=where,
            )
        mapping[column] = PERSON  # every question of this group is the person's own
        return
    if field not in RECORD_COLUMNS and field != EXTRA:
        raise RecordFileError(
            'mapping file, {where}: unknown field "{field}" (expected one of {expected})',
            where=where,
            field=field,
            expected=", ".join(RECORD_COLUMNS),
        )
    if column in mapping:
        raise RecordFileError(
            'mapping file, {where}: "{column}" is mapped twice, to {field} and {other}',
            where=where,
            column=column,
            field=mapping[column],
            other=field,
        )
    if field in targets and field != EXTRA:
        raise RecordFileError(
            'mapping file, {where}: "{column}" and "{other}" both map to {field}',
            where=where,
            column=column,
            other=targets[field],
            field=field,
        )
    if coded and field == EXTRA:
        raise RecordFileError(
            "mapping file, {where}: a column kept as extra data has no values", where=where
        )
    checked = _checked_values(field, coded, where) if coded else None
    targets[field] = column
    mapping[column] = field
    if checked is not None:
        values[field] = checked


HEADER = {"colonne": "column", "champ": "field", "valeurs": "values", "valeur": "values"}
"""The mapping file's own columns as a French user titles them."""


def _table_pairs(path: Path) -> list[tuple[str | Message, str, str, list[tuple[str, str]]]]:
    pairs = []
    for number, raw in read_table(path, required=("column", "field"), mapping=HEADER):
        unknown = sorted(set(raw) - {"column", "field", "values"})
        if unknown:
            raise RecordFileError(
                'mapping file: unknown column "{column}" (expected {expected})',
                column=unknown[0],
                expected="column, field, values",
            )
        where = Message("row {row}", row=number)
        pairs.append(
            (where, raw["column"], raw["field"], _values_text(raw.get("values") or "", where))
        )
    return pairs


VALUE_PAIR = re.compile(r"^(?P<theirs>[^=]*)=(?P<ours>.*)$", re.DOTALL)
VALUES_EXAMPLE = "1=F; 2=M"


def _values_text(text: str, where: str | Message) -> list[tuple[str, str]]:
    """`1=F; 2=M` (or `|` between pairs) as its (their value, ours) pairs."""
    pairs = []
    for part in re.split(r"[;|\n]", text):
        if not part.strip():
            continue
        found = VALUE_PAIR.match(part.strip())
        if found is None:
            raise _unreadable_values(where, part.strip())
        if "=" in found["ours"]:
            raise RecordFileError(
                'mapping file, {where}: cannot read the values "{part}": separate them with '
                '";" ({example})',
                where=where,
                part=part.strip(),
                example=VALUES_EXAMPLE,
            )
        pairs.append((found["theirs"].strip(), found["ours"].strip()))
    return pairs


def _unreadable_values(where: str | Message, part: str) -> RecordFileError:
    return RecordFileError(
        'mapping file, {where}: cannot read the values "{part}" (expected {example})',
        where=where,
        part=part,
        example=VALUES_EXAMPLE,
    )


def _checked_values(
    field: str, pairs: list[tuple[str, str]], where: str | Message
) -> dict[str, str]:
    """`{their value, folded: ours}`, each of ours readable as the field's value."""
    table: dict[str, str] = {}
    read = READERS.get(field)
    for theirs, ours in pairs:
        key = fold(theirs)
        if not key:
            raise _unreadable_values(where, theirs + "=" + ours)
        if key in table and table[key] != ours:
            raise RecordFileError(
                'mapping file, {where}: the value "{value}" is given twice, as {first} and '
                "{second}",
                where=where,
                value=theirs,
                first=table[key],
                second=ours,
            )
        if read is not None and ours:
            _, problem = read(ours)
            if problem is not None:
                raise RecordFileError(
                    'mapping file, {where}: "{value}" for {field}: {problem}',
                    where=where,
                    value=theirs,
                    field=field,
                    problem=problem,
                )
        table[key] = ours
    return table


def _json_pairs(path: Path) -> list[tuple[str | Message, str, str, list[tuple[str, str]]]]:
    try:
        # Each object as its list of pairs: a column named twice is kept twice, and refused.
        document = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_Pairs)
    except json.JSONDecodeError as exc:
        raise RecordFileError(
            "the mapping file is not JSON: line {line}, column {column}",
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except (OSError, ValueError):
        raise RecordFileError("cannot read the mapping file {path}", path=str(path)) from None
    if not isinstance(document, _Pairs):
        raise RecordFileError(
            "the mapping file must be a JSON object {example}", example='{"column": "field"}'
        )
    return [_json_entry(column, entry) for column, entry in document]


def _json_entry(column: str, entry: Any) -> tuple[str, str, str, list[tuple[str, str]]]:
    """One column of a JSON mapping: `"field"`, or `{"field": …, "values": {…}}` (a value
    `null` or `""`: not known); French keys (`champ`, `valeurs`) read as well."""
    where = f'"{column}"'
    if isinstance(entry, str):
        return where, column, entry, []
    parts = {
        {"champ": "field", "valeurs": "values"}.get(k, k): v
        for k, v in (entry if isinstance(entry, _Pairs) else [])
    }
    field, coded = parts.get("field"), parts.get("values", _Pairs())
    if (
        not isinstance(entry, _Pairs)
        or set(parts) - {"field", "values"}
        or not isinstance(field, str)
    ):
        raise RecordFileError(
            "mapping file, {where}: expected a field name or {example}",
            where=where,
            example='{"field": "sex", "values": {"1": "F", "2": "M"}}',
        )
    if not isinstance(coded, _Pairs) or not all(isinstance(v, str) or v is None for _, v in coded):
        raise RecordFileError(
            'mapping file, {where}: "values" must be an object of texts, such as {example}',
            where=where,
            example='{"1": "F", "2": "M", "99": null}',
        )
    return where, column, field, [(k, (v or "").strip()) for k, v in coded]


class _Pairs(list):
    """A JSON object's (key, value) pairs in order, duplicate keys included."""
