"""Reading the first sheet of an XLSX workbook as rows of cell texts (`models.recordfile`
reads every records and relations file through `raw_rows`)."""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from i18n import N_
from models.recordfile import RecordFileError, header_names

EXCEL_ZERO = date(1900, 1, 1)
"""Excel's day 0 and 1 ("00/01/1900", "01/01/1900"): an empty date cell, not a birth."""


def _cell_text(value: Any, number_format: str | None = None) -> str:
    """A cell as text; a date as much of it as `number_format` shows (`mmm-yy` a month:
    "08/2013", `yyyy` a year), Excel's empty date as Excel shows it ("00/01/1900",
    which no date column reads: so said)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value <= EXCEL_ZERO:
            return "00/01/1900"
        shown = re.sub(r'"[^"]*"|\[[^\]]*\]', "", (number_format or "").lower())
        if "y" in shown and "d" not in shown:
            return f"{value.month:02d}/{value.year}" if "m" in shown else str(value.year)
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)


NOT_A_WORKBOOK = N_(
    "the file is not an Excel workbook (.xlsx): save it again from Excel as .xlsx, "
    "or as 'CSV UTF-8'"
)
"""A file named .xlsx that is no workbook (a CSV renamed, an old .xls, a damaged copy)."""


def xlsx_rows(path: Path) -> Iterator[list[str]]:
    """The first sheet's rows. A formula cell reads as the value the spreadsheet computed
    and saved with it; a formula without one (a file written by a program, not saved by
    a spreadsheet) or whose value is an error (`=1/0`) refuses the file, naming the row
    and the column: never a silent empty cell."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        computed = load_workbook(path, read_only=True, data_only=True)
        written = (
            load_workbook(path, read_only=True, data_only=False) if _has_formulas(path) else None
        )
    except (zipfile.BadZipFile, InvalidFileException):
        raise RecordFileError(NOT_A_WORKBOOK) from None
    except Exception as exc:
        raise RecordFileError("cannot open the XLSX file: {error}", error=str(exc)) from None
    try:
        header: list[str] = []
        births: set[int] = set()  # a registration date is a day whatever its cell shows
        values_rows = computed.worksheets[0].iter_rows()
        cell_rows = written.worksheets[0].iter_rows() if written else itertools.repeat(())
        for number, (shown, cells) in enumerate(zip(values_rows, cell_rows, strict=False), start=1):
            values = [c.value for c in shown]
            texts = [
                _cell_text(c.value, getattr(c, "number_format", None) if k in births else None)
                for k, c in enumerate(shown)
            ]
            for k, cell in enumerate(cells):
                if getattr(cell, "data_type", None) != "f":
                    continue
                value = values[k] if k < len(values) else None
                if value is None or (isinstance(value, str) and value in EXCEL_ERRORS):
                    raise _formula_error(number, header, k, cell.value, value)
            if number == 1:
                header = header_names(values)
                births = {k for k, name in enumerate(header) if name == "birth_date"}
            yield texts
    finally:
        computed.close()
        if written is not None:
            written.close()


def _has_formulas(path: Path) -> bool:
    """Whether a sheet of the workbook holds a formula (`<f>` in its XML), read as a
    stream: a workbook without one is parsed once, not twice."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.startswith("xl/worksheets/sheet"):
                continue
            tail = b""
            with archive.open(name) as sheet:
                while chunk := sheet.read(1 << 20):
                    if re.search(rb"<(?:\w+:)?f[ >/]", tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def _formula_error(
    number: int, header: list[str], k: int, formula: Any, value: Any
) -> RecordFileError:
    from openpyxl.utils import get_column_letter

    column = header[k] if k < len(header) and header[k] else get_column_letter(k + 1)
    if value is not None:
        return RecordFileError(
            "row {row}, {column}: the cell holds a formula ({formula}) that computes an error "
            "({value}): type the value itself, or open and save the file in a spreadsheet",
            row=number,
            column=column,
            formula=str(formula),
            value=str(value),
        )
    return RecordFileError(
        "row {row}, {column}: the cell holds a formula ({formula}) that has no computed value "
        "saved with it: type the value itself, or open and save the file in a spreadsheet",
        row=number,
        column=column,
        formula=str(formula),
    )
