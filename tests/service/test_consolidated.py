"""The person view's consolidated record: what most records say, and the rest."""

from __future__ import annotations

from typing import Any

from service.entities import consolidate


def _record(n: int, written: str, earliest: str, latest: str, precision: str) -> dict[str, Any]:
    return {
        "id": f"r{n}",
        "registered_on": f"2024-01-0{n}",
        "birth_date": written,
        "birth_earliest": earliest,
        "birth_latest": latest,
        "birth_precision": precision,
    }


def test_one_day_written_two_ways_is_one_birth_date() -> None:
    view = consolidate(
        [
            _record(1, "2013-08-15", "2013-08-15", "2013-08-15", "day"),
            _record(2, "15/08/2013", "2013-08-15", "2013-08-15", "day"),
        ]
    )
    assert view["birth_date"] == {"value": "2013-08-15", "records": ["r2", "r1"], "conflicts": []}


def test_a_placeholder_day_names_its_year_only() -> None:
    """ "01/01/2013" is read as 2013 (a form's default day), not as New Year's Day."""
    view = consolidate(
        [
            _record(1, "2013-08-15", "2013-08-15", "2013-08-15", "day"),
            _record(2, "15/08/2013", "2013-08-15", "2013-08-15", "day"),
            _record(3, "01/01/2013", "2013-01-01", "2013-12-31", "year"),
        ]
    )
    assert view["birth_date"]["value"] == "2013-08-15"
    assert view["birth_date"]["conflicts"] == [{"value": "2013", "records": ["r3"]}]


def test_a_month_and_a_vague_birth_keep_what_they_name() -> None:
    view = consolidate(
        [
            _record(1, "08/2013", "2013-08-01", "2013-08-31", "month"),
            _record(2, "vers 2012", "2011-01-01", "2013-12-31", "approx"),
        ]
    )
    values = {view["birth_date"]["value"], *(c["value"] for c in view["birth_date"]["conflicts"])}
    assert values == {"2013-08", "vers 2012"}
