"""The record's fields are declared once (`PersonRecordIn` with its `Kept` marks); the
lists the file contract, validation and the person view read are derived from them."""

from __future__ import annotations

from models.records import (
    PROTECTED_FIELDS,
    RECORD_COLUMNS,
    RECORD_FIELDS,
    SHOWN_FIELDS,
    TEXT_FIELDS,
    kept,
)


def test_file_positions_number_the_columns_without_gap_or_repeat() -> None:
    positions = sorted(kept(n).file for n in RECORD_COLUMNS)
    assert positions == list(range(len(RECORD_COLUMNS)))


def test_every_file_column_is_a_stored_field() -> None:
    assert set(RECORD_COLUMNS) <= set(RECORD_FIELDS)


def test_worked_out_fields_are_not_file_columns() -> None:
    assert not {"birth_earliest", "birth_latest", "birth_precision", "extra"} & set(RECORD_COLUMNS)


def test_text_fields_are_file_columns() -> None:
    assert set(TEXT_FIELDS) <= set(RECORD_COLUMNS)


def test_protected_fields_are_a_victims_contact_and_location() -> None:
    assert frozenset({"phone", "current_location"}) == PROTECTED_FIELDS


def test_the_person_view_shows_protected_fields_last() -> None:
    assert SHOWN_FIELDS[-len(PROTECTED_FIELDS) :] == tuple(sorted(PROTECTED_FIELDS))
