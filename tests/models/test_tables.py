"""The record tables are derived from the record's fields (`models.records`): they must
stay the columns the migrations created."""

from __future__ import annotations

import importlib

from models.tables import VALUE_NAMES, record_value_columns

INITIAL = importlib.import_module("models.migrations.versions.0001_initial")
VERSIONS = importlib.import_module("models.migrations.versions.0011_record_versions")


def _shape(columns: list) -> list[tuple[str, str, bool]]:
    return [(c.name, repr(c.type), bool(c.nullable)) for c in columns]


def test_the_record_columns_are_those_the_initial_migration_created() -> None:
    assert _shape(record_value_columns()) == _shape(INITIAL._record_columns())


def test_a_record_version_keeps_every_value_column_of_a_record() -> None:
    assert _shape(VERSIONS.value_columns()) == _shape(record_value_columns())


def test_the_digest_of_a_record_comes_last() -> None:
    assert VALUE_NAMES[-1] == "content_hash"
