"""A header row's cells as our column names: a mapping file's names first, then ours
however a file titles them (`models.columnnames`), and the field exports' own columns
standing in for ours a file lacks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from i18n import N_
from models.columnnames import (
    EXTRA,
    column_name,
    in_persons_group,
    only_more_precise,
    question_of,
    settled,
)
from models.fileerrors import RecordFileError
from models.records import RECORD_COLUMNS

BOTH_READ = N_(
    'the columns "{first}" and "{second}" both read as {name}: rename one, or name one in a '
    "mapping file (--mapping)"
)

STAND_INS = {
    "record_id": ("_id", "_uuid", "meta/instanceid", "meta-instanceid"),
    "registered_on": ("_submission_time", "submissiondate"),
}
"""A KoboToolbox / ODK export's own columns that stand for ours when the file has no such
column: the submission's id is the record id, its submission time the registration date
(KoboToolbox: `_id` as always read, else `_uuid`, `meta/instanceID`, `_submission_time`;
ODK Central: `meta-instanceID`, `SubmissionDate`). Not `KEY`: a repeat group's table has
one too, and its rows are the escort's or the household's, not persons of a case.
(`_index`, the row's position in one export, identifies nothing: it is not kept,
`models.validation.NOT_KEPT`.)"""


def header_names(cells: Iterable[Any], mapping: dict[str, str] | None = None) -> list[str]:
    """Column names, case-insensitive: a mapping's (`--mapping`) first, by the whole name
    or its last part (the user named it); then ours however a file titles them
    (`models.columnnames.column_name`: French titles, other systems', Kobo / ODK group
    paths), and Kobo's own columns stand in for missing ones."""
    own = tuple(c for c, f in (mapping or {}).items() if c.endswith("/"))
    written: list[str] = []
    names: list[str] = []
    kept: set[str] = set()
    cells_written = [str(c).strip() if c is not None else "" for c in cells]
    for cell in (c.lower() for c in cells_written):
        mapped = (mapping or {}).get(cell)
        if mapped is None and in_persons_group(cell, own):  # an escort's `age` is not hers
            mapped = (mapping or {}).get(question_of(cell))
        if mapped == EXTRA:  # the user said so: whatever its title reads as
            if cell in RECORD_COLUMNS:
                raise RecordFileError(
                    'the mapping keeps "{column}" as extra data, but it is one of our '
                    "columns: rename it in the file",
                    column=cell,
                )
            written.append(cell)
            names.append(cell)
            kept.add(cell)
        else:
            written.append(mapped or cell)
            names.append(column_name(mapped or cell, own))
    names = [n or f"column_{i + 1}" for i, n in enumerate(names)]  # a note under no name is kept
    names = _most_specific(written, settled(written, names))
    for ours, theirs in STAND_INS.items():
        if ours not in names:
            for kobo in theirs:
                if kobo in names and kobo not in kept:
                    names[names.index(kobo)] = ours
                    break
    seen: dict[str, str] = {}
    for title, name in zip(cells_written, names, strict=True):
        if name and name in seen:
            if seen[name].lower() == title.lower():
                raise RecordFileError('column "{name}" appears twice in the header', name=name)
            raise RecordFileError(
                BOTH_READ,
                first=seen[name],
                second=title,
                name=name,
            )
        seen[name] = title
    return names


def _most_specific(written: list[str], names: list[str]) -> list[str]:
    """Two titles read as one of ours ("Village" and "Village d'origine", "Tel" and
    "Téléphone"): the one that says it most (our own name, or a mapping's, which is
    written as ours by then; else the longest title, when it only says it more precisely:
    `models.columnnames.only_more_precise`) is read, the other kept whole as extra data;
    two as specific, or a longer one that may be about someone else, are refused, naming
    both titles as written."""
    out = list(names)
    for name in {n for n in names if names.count(n) > 1}:
        at = [i for i, n in enumerate(names) if n == name]
        rank = sorted(at, key=lambda i: (written[i] != name, -len(written[i])))
        best, second = rank[0], rank[1]
        if written[best] == written[second]:
            continue  # one title written twice: "appears twice" below
        same = (written[best] == name) == (written[second] == name)
        if same and (
            len(written[best]) == len(written[second])
            or not only_more_precise(written[best], written[second], name)
        ):
            raise RecordFileError(
                BOTH_READ,
                first=written[best],
                second=written[second],
                name=name,
            )
        for i in rank[1:]:
            out[i] = written[i]
    return out
