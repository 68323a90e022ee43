"""Validating a records file column by column gives, row for row, what validating each
row on its own gives: the same values, errors and warnings, in the same order."""

import csv
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from i18n import Message
from models.columnwise import BirthMemo, validated_rows
from models.recordfile import read_table
from models.validation import NAME_COLUMNS, FieldError, clean, validate_record

CELLS = {
    "record_id": ["R1", "R2", " R1 ", "", "R  3", "R 3", "'R2"],
    "source": ["OIM", "oim ", "", "unspecified", "DNPEF", "'OIM"],
    "full_name": ["", "TRAORE  Aminata", " Awa\tDiarra ", "x"],
    "family_name": ["", "Diarra"],
    "case_id": ["", "C1", "C 2 "],
    "case_type": ["", "return", "Tracing Request", "tracing-request", "witness"],
    "role": ["", "victim", "SUSPECT", "x"],
    "sex": ["", "F", "féminin", "X", " m "],
    "return_consent": ["", "oui", "Non", "peut-être"],
    "registered_on": ["", "2021-06-01", "01/06/2021", "le 3", "inconnu", "2021-06-01 10:00"],
    "birth_date": ["", "1995", "vers 1995", "32/13/1999", "2030-01-01", "ND", "mars 2001"],
    "age": ["", "15", "~15", "vieux", "200", "6 mois", "NSP", "3", "12-13 ans", "plus de 18 ans"],
    "commentaire": ["", " vue  à Kayes "],
}
TODAY = date(2022, 1, 1)

rows = st.lists(
    st.fixed_dictionaries({column: st.sampled_from(cells) for column, cells in CELLS.items()}),
    min_size=1,
    max_size=25,
)


def _row_by_row(path: Path, default_source: str | None, strict: bool) -> list[Any]:
    """What reading the file row by row gives (a record id repeated by one source is an
    error of the later row)."""
    seen: dict[tuple[str, str], int] = {}
    found = []
    for number, raw in read_table(path, required=("record_id",), any_of=NAME_COLUMNS):
        values, errors = validate_record(raw, number, default_source, TODAY, strict)
        record_id = clean(raw.get("record_id")) or ""
        if record_id:
            source = clean(raw.get("source")) or default_source or ""
            first = seen.setdefault((source, record_id), number)
            if first != number:
                message = Message('"{value}" already on row {first}', value=record_id, first=first)
                errors.append(FieldError(number, "record_id", message))
                values = None
        found.append((number, record_id, values, errors))
    return found


def _comparable(found: list[Any]) -> list[Any]:
    return [
        (number, record_id, values, [(e.column, str(e), e.warning) for e in errors])
        for number, record_id, values, errors in found
    ]


@settings(max_examples=150, deadline=None)
@given(rows, st.sampled_from([None, "OIM"]), st.booleans(), st.sampled_from([1, 3, 5000]))
def test_column_by_column_equals_row_by_row(
    written: list[dict[str, str]], default_source: str | None, strict: bool, per_chunk: int
) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "records.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(CELLS))
            writer.writeheader()
            writer.writerows(written)
        try:
            expected = _comparable(_row_by_row(path, default_source, strict))
        except ValueError as exc:  # no row at all: the same error either way
            expected = [str(exc)]
        try:
            found = _comparable(
                list(
                    validated_rows(
                        path, default_source, TODAY, strict=strict, rows_per_chunk=per_chunk
                    )
                )
            )
        except ValueError as exc:
            found = [str(exc)]
    assert found == expected


def test_forgetting_the_birth_cells_read_before_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "records.csv"
    path.write_text(
        "record_id,source,full_name,registered_on,birth_date,age\n"
        "R1,OIM,Awa,2021-06-01,,15\nR2,OIM,Awa,2021-06-02,,15\nR3,OIM,Awa,2021-06-01,,15\n"
        "R4,OIM,Awa,2021-06-01,2030,\nR5,OIM,Awa,2021-06-01,1999,vieux\n"
    )
    remembered = _comparable(list(validated_rows(path, rows_per_chunk=2)))
    monkeypatch.setattr(BirthMemo, "LIMIT", 1)
    assert _comparable(list(validated_rows(path, rows_per_chunk=2))) == remembered
    assert remembered == _comparable(_row_by_row(path, None, strict=False))
