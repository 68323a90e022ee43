"""Reading record and relation files: CSV (`,` or `;`, UTF-8 with or without BOM) and XLSX.

Rows are streamed, never loaded whole, so a file of a million rows reads in
bounded memory. Header names are case-insensitive; row numbers are those a
person sees in a spreadsheet (the header is row 1, the first record row 2).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from i18n import N_, Message
from models.fileerrors import RecordFileError
from models.headers import header_names

Row = dict[str, str]
UNNAMED = Message("a column without a name")
IN_FILE = N_("{file}: {error}")
"""An error of a file as a whole, or of a row of one among several files."""
HEADER_SEARCH_ROWS = 5
"""Rows below the first where a header is looked for when the first is not one."""
MAX_CELL_CHARS = 10_000
"""The longest cell a record or relations file may hold (a name, a place, a note)."""
CELL_LIMIT = f"{MAX_CELL_CHARS:,}"
csv.field_size_limit(MAX_CELL_CHARS)  # process-wide: no CSV this project reads has longer cells


FORMULA_STARTS = ("=", "+", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet will show and never run: text that starts like a formula
    (`=`, `+`, `@`, `-` unless the whole cell is a number, tab, carriage return), after
    any spaces or line breaks and in any width (`＝`, which a spreadsheet may read as `=`),
    gets a leading apostrophe, as OWASP advises for CSV injection. Other values pass
    unchanged."""
    if not isinstance(value, str) or not value:
        return value
    start = unicodedata.normalize("NFKC", value.lstrip(" \n\u00a0\u3000")[:1])
    if start and (
        start in FORMULA_STARTS or (start == "-" and not _NUMBER.fullmatch(value.strip()))
    ):
        return "'" + value
    return value


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _hashtags(cells: list[str]) -> bool:
    """An HXL hashtag row (`#affected +sex`) under the header: labels, not a record."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


FRENCH_TITLES = {
    "record_id": "Identifiant",
    "full_name": "Nom et prénom",
    "family_name": "Nom",
    "given_names": "Prénom",
    "relation": "Lien de parenté",
    "related_record_id": "Identifiant du parent",
}
"""A title a French form gives each required column, which an error about a missing one
names beside ours: a caseworker's file says "Identifiant", not "record_id"."""


def _titled(columns: Iterable[str]) -> str:
    return ", ".join(f"{c} ({FRENCH_TITLES[c]})" if c in FRENCH_TITLES else c for c in columns)


def _check_columns(header: list[str], required: Iterable[str], any_of: Iterable[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise RecordFileError("missing required column: {columns}", columns=_titled(missing))
    alternatives = list(any_of)
    if alternatives and not any(c in header for c in alternatives):
        raise RecordFileError(
            "missing required column: one of {columns}", columns=_titled(alternatives)
        )


SAMPLE_BYTES = 1 << 20
FALLBACK_ENCODING = "cp1252"
"""What Excel in a French locale saves a CSV in when it is not asked for UTF-8; a Latin-1
(ISO-8859-1) file reads the same, Windows-1252 being Latin-1 with letters where Latin-1
has control codes."""


def _encoding(path: Path) -> str:
    """UTF-16 after its byte-order mark; UTF-8 (with or without BOM) when the file's first
    megabyte reads as UTF-8, else Windows-1252 when it reads as that; otherwise the file
    is refused with advice.
    (Statistical detection misreads short French files: `Traoré` came back as cp775.)"""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    try:
        sample.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if len(sample) == SAMPLE_BYTES and exc.start >= len(sample) - 3:
            return "utf-8-sig"  # a character cut by the sample's end
        first_bad = sample[exc.start]
    try:
        sample.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError:
        raise RecordFileError(
            "the file is neither UTF-8 nor Windows-1252 (byte 0x{byte:02x} cannot be "
            "read); save it as UTF-8 (Excel: 'CSV UTF-8')",
            byte=first_bad,
        ) from None
    return FALLBACK_ENCODING


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """Rows of a CSV, strictly: a quote left open (which would swallow every row after
    it into one cell) is an error naming the row where it opened."""
    row = 0
    encoding = _encoding(path)
    try:
        with path.open("r", encoding=encoding, newline="") as handle:
            first = handle.readline()
            start = handle.tell()
            lines = [first]  # a title line above the header has no separator to sniff
            while lines[-1] and not any(d in lines[-1] for d in ";,\t") and len(lines) < 6:
                lines.append(handle.readline())
            handle.seek(start)
            delimiter = _sniff_delimiter(lines[-1])
            for reader in (
                csv.reader(io.StringIO(first), delimiter=delimiter, strict=True),
                csv.reader(handle, delimiter=delimiter, strict=True),
            ):
                for cells in reader:
                    row += 1
                    yield cells
    except UnicodeDecodeError as exc:
        raise RecordFileError(
            "row {row}: the file is not {encoding} throughout "
            "(byte 0x{byte:02x} cannot be read); save it as UTF-8 (Excel: 'CSV UTF-8')",
            row=row + 1,
            encoding=encoding.removesuffix("-sig").upper(),
            byte=exc.object[exc.start],
        ) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise RecordFileError(_too_long(row + 1, None)) from None
        raise RecordFileError(
            "row {row}: cannot read the CSV: a quote opened in this row is never closed, "
            "or a quoted cell is followed by other text",
            row=row + 1,
        ) from None


def _header_lower(
    rows: Iterator[list[str]],
    mapping: dict[str, str] | None,
    required: Iterable[str],
    any_of: Iterable[str],
) -> RecordFileError | None:
    """When the first row lacks a required column but one of the next few has them all
    (a title, a date, merged cells above the header), an error that says where the header
    is; None otherwise."""
    required, any_of = list(required), list(any_of)
    for number, cells in enumerate(itertools.islice(rows, HEADER_SEARCH_ROWS), start=2):
        try:
            _check_columns(header_names(cells, mapping), required, any_of)
        except RecordFileError:
            continue
        return RecordFileError(
            "the header is on row {row}, not row 1: delete the rows above it (a title, "
            "merged cells)",
            row=number,
        )
    return None


def _too_long(row: int, column: str | Message | None) -> Message:
    if column is None:
        return Message(
            "row {row}: a cell is longer than {limit} characters", row=row, limit=CELL_LIMIT
        )
    return Message(
        "row {row}, {column}: a cell is longer than {limit} characters",
        row=row,
        column=column,
        limit=CELL_LIMIT,
    )


def raw_rows(path: Path) -> Iterator[list[str]]:
    """Every row of the file as a list of cell texts, the header first."""
    if not path.exists():
        raise RecordFileError("no such file: {path}", path=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from models.xlsxfile import xlsx_rows  # openpyxl is read only for workbooks

        return xlsx_rows(path)
    if path.suffix.lower() in (".xls", ".ods"):
        raise RecordFileError(
            "{suffix} workbooks are not read: save the sheet as XLSX or CSV UTF-8",
            suffix=path.suffix,
        )
    return _csv_rows(path)


CHUNK_ROWS = 5000
"""Rows read together (`read_chunks`): validation works column by column on them."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive rows of a table, each as wide as `header`: `rows[i]` is the row
    numbered `numbers[i]` in the spreadsheet."""

    header: list[str]
    numbers: list[int]
    rows: list[list[str]]
    titles: dict[str, str] = field(default_factory=dict)
    """Our columns the file titles otherwise, with the title as written (`Sexe (F/M)` for
    `sex`): what a message about a cell names, so the user finds their own column."""


def read_chunks(
    path: Path,
    required: Iterable[str] = (),
    any_of: Iterable[str] = (),
    mapping: dict[str, str] | None = None,
    size: int = CHUNK_ROWS,
    on_header: Callable[[list[str], list[str]], None] | None = None,
) -> Iterator[Chunk]:
    """The non-blank rows after the header, `size` at a time. Errors are raised where
    `read_table` raises them: every row before the one at fault is yielded first.
    `on_header` is told the header's cells as written and the columns they name, once
    read, before they are checked.

    Raises RecordFileError for an empty file, a header without rows, a header that
    lacks a required column, a row with text past the header's last column (values
    shifted by a separator outside quotes), or a cell that is too long or holds a NUL
    byte.
    """
    rows = raw_rows(path)
    try:
        first = next(rows)
    except StopIteration:
        raise RecordFileError("the file is empty") from None
    header = header_names(first, mapping)
    if on_header is not None:
        on_header(first, header)
    try:
        _check_columns(header, required, any_of)
    except RecordFileError as missing:
        raise _header_lower(rows, mapping, required, any_of) or missing from None
    titles = {
        name: str(cell).strip()
        for cell, name in zip(first, header, strict=False)
        if cell is not None and str(cell).strip().lower() != name
    }
    width = len(header)
    written = [str(c).strip().lower() if c is not None else "" for c in first][:width]
    count = 0
    numbers: list[int] = []
    kept: list[list[str]] = []
    suspects: list[int] = []
    """Rows of `kept` that may hold a cell too long or a NUL byte (seen on the row's text)."""
    try:
        for number, cells in enumerate(rows, start=2):
            text = "".join(cells)
            if not text.strip():
                continue
            if number == 2 and _hashtags(cells):
                continue
            if len(cells) < width:
                cells = [*cells, *([""] * (width - len(cells)))]
            elif len(cells) > width:
                if any(c.strip() for c in cells[width:]):
                    raise RecordFileError(
                        "row {row}: {cells} cells for the {columns} columns of the header "
                        '(a comma or semicolon outside quotes, as in an unquoted "12,5"?)',
                        row=number,
                        cells=len(cells),
                        columns=width,
                    )
                cells = cells[:width]
            if cells[0].strip().lower() == written[0] and _same_header(cells, written):
                raise RecordFileError(
                    "row {row} repeats the header: remove it (two files pasted one after "
                    "the other?)",
                    row=number,
                )
            if len(text) > MAX_CELL_CHARS or "\x00" in text:
                suspects.append(len(kept))
            numbers.append(number)
            kept.append(cells)
            count += 1
            if len(kept) >= size:
                chunk, numbers, kept = Chunk(header, numbers, kept, titles), [], []
                yield from _checked(chunk, suspects)
                suspects = []
    except RecordFileError:
        if kept:  # a row the reader could not read: those before it count
            yield from _checked(Chunk(header, numbers, kept, titles), suspects)
        raise
    if kept:
        yield from _checked(Chunk(header, numbers, kept, titles), suspects)
    if count == 0:
        raise RecordFileError("the file has a header but no rows")


def _same_header(cells: list[str], written: list[str]) -> bool:
    return [c.strip().lower() for c in cells[: len(written)]] == written


def _checked(chunk: Chunk, suspects: list[int]) -> Iterator[Chunk]:
    """The chunk when none of its `suspects` rows holds a cell too long or a NUL byte;
    else the rows before the first such cell, then a RecordFileError naming its row and
    column."""
    for k in suspects:
        number, row = chunk.numbers[k], chunk.rows[k]
        for name, cell in zip(chunk.header, row, strict=False):
            if len(cell) > MAX_CELL_CHARS:
                error = RecordFileError(_too_long(number, name or UNNAMED))
            elif "\x00" in cell:
                error = RecordFileError(
                    "row {row}, {column}: the cell holds a "
                    "NUL byte (a binary file, or one damaged in transfer)",
                    row=number,
                    column=name or UNNAMED,
                )
            else:
                continue
            if k:
                yield Chunk(chunk.header, chunk.numbers[:k], chunk.rows[:k], chunk.titles)
            raise error
    yield chunk


def read_table(
    path: Path,
    required: Iterable[str] = (),
    any_of: Iterable[str] = (),
    mapping: dict[str, str] | None = None,
) -> Iterator[tuple[int, Row]]:
    """Yield `(row_number, {column: text})` for every non-blank row after the header.
    `mapping` renames the file's columns (lower-cased names) to ours.

    Raises RecordFileError for an empty file, a header without rows, or a
    header that lacks a required column (`read_chunks`).
    """
    for chunk in read_chunks(path, required, any_of, mapping):
        for number, cells in zip(chunk.numbers, chunk.rows, strict=True):
            yield number, dict(zip(chunk.header, cells, strict=True))
