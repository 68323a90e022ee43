"""A column mapping file: which column of another system's export holds which of our
fields (`nrm import FILE --mapping MAPPING`), for layouts the reader does not know.

CSV with a header `column,field` (one line per renamed column), or JSON
`{"column": "field", ...}`; a line `group/,person` says a form group is about the
person (its questions read as ours by their last part). Columns are matched
case-insensitively, by their whole name or, in a KoboToolbox / ODK group path, their
last part; columns not named keep their own name (our field when it is one, extra data
otherwise).
"""

from __future__ import annotations

import json
from pathlib import Path

from i18n import Message
from models.recordfile import RecordFileError, read_table
from models.records import RECORD_COLUMNS

PERSON = "person"
"""The field of a mapping line naming a form group (`group_kf3tq12/,person`): the group's
questions read as the person's own, each by its last part."""


def read_mapping(path: Path) -> dict[str, str]:
    """`{their column (lower case): our field}`; RecordFileError naming the mapping file's
    problem (unknown field, a field or a column given twice, unreadable file)."""
    if path.suffix.lower() == ".json":
        pairs = _json_pairs(path)
    else:
        pairs = [
            (Message("row {row}", row=number), raw.get("column", ""), raw.get("field", ""))
            for number, raw in read_table(path, required=("column", "field"))
        ]
    mapping: dict[str, str] = {}
    targets: dict[str, str] = {}
    for where, column, field in pairs:
        column, field = column.strip().lower(), field.strip().lower()
        if not column or not field:
            continue
        if field == PERSON and column.endswith("/"):
            mapping[column] = PERSON  # every question of this group is the person's own
            continue
        if field not in RECORD_COLUMNS:
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
        if field in targets:
            raise RecordFileError(
                'mapping file, {where}: "{column}" and "{other}" both map to {field}',
                where=where,
                column=column,
                other=targets[field],
                field=field,
            )
        targets[field] = column
        mapping[column] = field
    if not mapping:
        raise RecordFileError("the mapping file maps no column")
    return mapping


def _json_pairs(path: Path) -> list[tuple[str | Message, str, str]]:
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
    if not isinstance(document, _Pairs) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in document
    ):
        raise RecordFileError(
            "the mapping file must be a JSON object {example}", example='{"column": "field"}'
        )
    return [(f'"{column}"', column, field) for column, field in document]


class _Pairs(list):
    """A JSON object's (key, value) pairs in order, duplicate keys included."""
