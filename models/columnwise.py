"""Validating a records file a chunk of rows at a time, column by column.

A file of a million rows holds few distinct values in most of its columns (four
sources, a few thousand registration dates, a hundred ages): each distinct cell of a
chunk is read once, with the field readers of `models.validation`. A row with a
problem in any cell is then validated on its own by `validate_record`, so values,
errors and warnings are exactly those of reading the file row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from i18n import Message
from models.birthcells import (
    BIRTH_FIELDS,
    NO_BIRTH,
    BirthCells,
    age_disagrees,
    age_range_text,
    birth_on,
    read_birth_cells,
)
from models.mapping import ColumnMapping
from models.recordfile import CHUNK_ROWS, Chunk, RecordFileError, read_chunks
from models.records import RECORD_FIELDS, TEXT_FIELDS
from models.validation import (
    KNOWN_COLUMNS,
    NAME_COLUMNS,
    NO_SOURCE,
    NOT_LISTED,
    READERS,
    FieldError,
    clean,
    has_extra,
    registered_of,
    source_of,
    validate_record,
)


@dataclass(slots=True)
class ValidatedChunk:
    """A chunk's rows validated: `columns[field][i]` is the stored value of `field` for
    the row numbered `numbers[i]`, meaningless where `i` is in `bad`; `problems` holds
    the errors and warnings of each row that has any."""

    numbers: list[int]
    record_ids: list[str]
    """Each row's record id as written (stripped, not cleaned; empty when missing)."""
    columns: dict[str, list[Any]]
    problems: dict[int, list[FieldError]]
    bad: set[int]
    header: tuple[str, ...] = ()
    """The file's columns (renamed by its mapping): which fields it writes."""
    titles: dict[str, str] = field(default_factory=dict)
    """Our columns as the file titles them (`Chunk.titles`), for its messages."""

    def values(self, i: int) -> dict[str, Any] | None:
        """The stored values of row `i` as `validate_record` gives them, or None."""
        if i in self.bad:
            return None
        return {name: self.columns[name][i] for name in RECORD_FIELDS}


def validated_chunks(
    path: Path,
    default_source: str | None = None,
    today: date | None = None,
    *,
    strict: bool = False,
    mapping: ColumnMapping | None = None,
    rows_per_chunk: int = CHUNK_ROWS,
    on_header: Callable[[list[str], list[str]], None] | None = None,
) -> Iterator[ValidatedChunk]:
    """Every row of a records file, a chunk at a time, with its errors and warnings, a
    record id already used by the same source on an earlier row included (two
    organisations may use one id: the contract allows it). `mapping` renames the
    file's columns to ours (`read_chunks`, which tells `on_header` the header it read)
    and its coded values to ours before they are read.
    Raises RecordFileError when the file as a whole cannot be read, or names no
    organisation (no source column, no `default_source`)."""
    seen: dict[str, dict[str, int]] = {}
    births = BirthMemo()
    mapping = mapping or ColumnMapping({})
    chunks = read_chunks(
        path,
        required=("record_id",),
        any_of=NAME_COLUMNS,
        mapping=mapping.columns or None,
        size=rows_per_chunk,
        on_header=on_header,
    )
    for chunk in chunks:
        if default_source is None and "source" not in chunk.header:
            raise RecordFileError(NO_SOURCE)
        unlisted = mapping.translate(chunk.header, chunk.rows)
        validated = validate_chunk(chunk, default_source, today, strict, seen, births)
        for i, name, cell in unlisted:
            problem = Message(NOT_LISTED, value=cell)
            number = chunk.numbers[i]
            validated.problems.setdefault(i, []).append(
                FieldError(number, name, problem, warning=not strict)
            )
            if strict:
                validated.bad.add(i)
        yield validated


def validated_rows(
    path: Path,
    default_source: str | None = None,
    today: date | None = None,
    *,
    strict: bool = False,
    mapping: ColumnMapping | None = None,
    rows_per_chunk: int = CHUNK_ROWS,
) -> Iterator[tuple[int, str, dict[str, Any] | None, list[FieldError]]]:
    """Every row of a records file (`validated_chunks`): its number, its record id as
    written, its stored values (None when bad) and its errors and warnings."""
    chunks = validated_chunks(
        path, default_source, today, strict=strict, mapping=mapping, rows_per_chunk=rows_per_chunk
    )
    for chunk in chunks:
        for i, number in enumerate(chunk.numbers):
            yield number, chunk.record_ids[i], chunk.values(i), chunk.problems.get(i, [])


def validate_chunk(
    chunk: Chunk,
    default_source: str | None,
    today: date | None,
    strict: bool,
    seen: dict[str, dict[str, int]],
    births: BirthMemo | None = None,
) -> ValidatedChunk:
    """The rows of `chunk` validated as `validate_record` validates each; a record id
    `seen` (by source, then id: the row it was first on) on an earlier row is an error.
    `births` remembers the birth cells read in earlier chunks of the file."""
    count = len(chunk.numbers)
    flagged: set[int] = set()
    cells = _Cells(chunk)
    columns: dict[str, list[Any]] = {name: cells.cleaned(name) for name in TEXT_FIELDS}
    columns["record_id"] = list(map(clean, cells.raw("record_id")))  # ids seldom repeat
    flagged.update(i for i, v in enumerate(columns["record_id"]) if v is None)
    columns["source"] = cells.read("source", lambda v: source_of(clean(v), default_source), flagged)
    names = zip(columns["full_name"], columns["family_name"], columns["given_names"], strict=True)
    flagged.update(i for i, parts in enumerate(names) if not any(parts))
    for name, reader in READERS.items():
        columns[name] = cells.read(name, lambda v, read=reader: read(clean(v)), flagged)
    registered = cells.read("registered_on", lambda v: registered_of(clean(v), today), flagged)
    columns["registered_on"] = registered
    read = _births(cells, registered, today, flagged, births or BirthMemo())
    for k, name in enumerate(BIRTH_FIELDS):
        columns[name] = [birth[k] for birth in read]
    columns["extra"] = _extra(chunk, cells, count)
    validated = ValidatedChunk(
        chunk.numbers,
        [record_id or "" for record_id in columns["record_id"]],
        columns,
        {},
        set(),
        tuple(chunk.header),
        chunk.titles,
    )
    for i in sorted(flagged):
        raw = dict(zip(chunk.header, chunk.rows[i], strict=True))
        values, errors = validate_record(raw, chunk.numbers[i], default_source, today, strict)
        validated.problems[i] = errors
        if values is None:
            validated.bad.add(i)
            continue
        for name in RECORD_FIELDS:
            columns[name][i] = values[name]
    _mark_repeated(validated, [clean(s) or "" for s in cells.raw("source")], default_source, seen)
    return validated


class _Cells:
    """The columns of one chunk, each distinct cell read once."""

    def __init__(self, chunk: Chunk) -> None:
        self.count = len(chunk.numbers)
        self.columns: dict[str, tuple[str, ...]] = dict(
            zip(chunk.header, zip(*chunk.rows, strict=True), strict=True)
        )
        """Each column's cells (a name twice in the header: the last one, as in a row's dict)."""

    def raw(self, name: str) -> Sequence[str]:
        found = self.columns.get(name)
        return ("",) * self.count if found is None else found

    def cleaned(self, name: str) -> list[str | None]:
        cells = self.columns.get(name)
        if cells is None:
            return [None] * self.count
        read = {cell: clean(cell) for cell in set(cells)}
        return [read[cell] for cell in cells]

    def read(
        self,
        name: str,
        reader: Callable[[str], tuple[Any, str | Message | None]],
        flagged: set[int],
    ) -> list[Any]:
        """Each row's value of column `name` by `reader` (a cell to a value and a problem);
        the rows with a problem are added to `flagged`."""
        cells = self.raw(name)
        read = {cell: reader(cell) for cell in set(cells)}
        wrong = {cell for cell, (_, problem) in read.items() if problem is not None}
        if wrong:
            flagged.update(i for i, cell in enumerate(cells) if cell in wrong)
        return [read[cell][0] for cell in cells]


class BirthMemo:
    """The birth date and age cells a file's earlier rows held, read (`read_birth_cells`),
    and what an age alone gave on a registration date: most pairs come back row after
    row. Forgotten past `LIMIT` entries, so memory stays bounded."""

    LIMIT = 200_000

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], tuple[BirthCells, tuple[Any, ...] | None] | None] = {}
        self.on_day: dict[tuple[tuple[str, str], date], tuple[tuple[Any, ...], bool]] = {}

    def pair(self, pair: tuple[str, str]) -> tuple[BirthCells, tuple[Any, ...] | None] | None:
        if pair in self.pairs:
            return self.pairs[pair]
        if len(self.pairs) >= self.LIMIT:
            self.pairs.clear()
        read = self.pairs[pair] = _read(pair)
        return read

    def age_on(self, pair: tuple[str, str], birth: BirthCells, day: date) -> tuple[Any, ...]:
        """(the birth fields on `day`, whether they hold a problem) for an age alone."""
        key = (pair, day)
        found = self.on_day.get(key)
        if found is None:
            if len(self.on_day) >= self.LIMIT:
                self.on_day.clear()
            values, problems = birth_on(birth, day)
            found = self.on_day[key] = (values, bool(problems))
        return found


def _births(
    cells: _Cells,
    registered: list[date | None],
    today: date | None,
    flagged: set[int],
    memo: BirthMemo,
) -> list[tuple[Any, ...]]:
    """The birth fields of every row (`birth_on`), each distinct pair of birth date and
    age cells read once. A date read from its cell gives the same fields on every row
    (only a row registered before it has a problem); an age alone gives an interval on
    each row's registration date."""
    today = today or date.today()
    births: list[tuple[Any, ...]] = []
    pairs = zip(cells.raw("birth_date"), cells.raw("age"), strict=True)
    for i, pair in enumerate(pairs):
        read = memo.pair(pair)
        if read is None:
            births.append(NO_BIRTH)
            continue
        birth, fixed = read
        reference = registered[i] or today
        if age_range_text(birth) is not None:
            flagged.add(i)  # the row's own validation keeps the range's text
        if fixed is None:
            values, problem = memo.age_on(pair, birth, reference)
            if problem:
                flagged.add(i)
            births.append(values)
            continue
        assert birth.interval is not None
        late = birth.interval.earliest > reference
        given_on = registered[i] is not None
        if birth.problems or late or (given_on and age_disagrees(birth, reference) is not None):
            flagged.add(i)
        births.append(fixed)
    return births


def _read(pair: tuple[str, str]) -> tuple[BirthCells, tuple[Any, ...] | None] | None:
    """A pair of birth date and age cells read, with the fields they give whatever the
    registration date when a date was read (None: nothing in either cell)."""
    birth = read_birth_cells(clean(pair[0]), clean(pair[1]))
    if birth.interval is not None:
        return birth, birth_on(birth, birth.interval.earliest)[0]
    if birth.birth_date is None and birth.age is None and not birth.problems:
        return None
    return birth, None


def _extra(chunk: Chunk, cells: _Cells, count: int) -> list[dict[str, str]]:
    """Each row's cells of columns that are not ours, cleaned (none when empty)."""
    names = [n for n in dict.fromkeys(chunk.header) if n and n not in KNOWN_COLUMNS]
    if not names or not has_extra(chunk.header):
        return [{} for _ in range(count)]
    columns = [cells.cleaned(name) for name in names]
    return [
        {name: text for name, text in zip(names, texts, strict=True) if text is not None}
        for texts in zip(*columns, strict=True)
    ]


def _mark_repeated(
    validated: ValidatedChunk,
    sources: Sequence[str],
    default_source: str | None,
    seen: dict[str, dict[str, int]],
) -> None:
    """A record id already used by the same source on an earlier row is an error of the
    later row (by its id and source as they are stored: cleaned, so `'0012` and `0012`, or
    `A  1` and `A 1`, are one id)."""
    for i, (record_id, source) in enumerate(zip(validated.record_ids, sources, strict=True)):
        if not record_id:
            continue
        first = seen.setdefault(source or default_source or "", {}).setdefault(
            record_id, validated.numbers[i]
        )
        if first != validated.numbers[i]:
            validated.problems.setdefault(i, []).append(
                FieldError(
                    validated.numbers[i],
                    "record_id",
                    Message('"{value}" already on row {first}', value=record_id, first=first),
                )
            )
            validated.bad.add(i)
