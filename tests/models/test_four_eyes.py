"""Who needs two reviewers: a record that may be a child's, a person of whom one may be, a
person of unknown age (`models.review`)."""

from datetime import date

import numpy as np

from models.review import (
    could_be_minor,
    minor_persons,
    persons_needing_four_eyes,
    possible_minors,
)

TODAY = date(2025, 6, 1)
RECORDS = [
    {"birth_latest": date(2010, 1, 1), "registered_on": date(2020, 1, 1)},
    {"birth_latest": date(2000, 1, 1), "registered_on": date(2020, 1, 1)},
    {"birth_latest": date(2002, 1, 2), "registered_on": date(2020, 1, 1)},
    {"birth_latest": date(2002, 1, 1), "registered_on": date(2020, 1, 1)},
    {"birth_latest": date(2008, 2, 29), "registered_on": date(2026, 2, 27)},
    {"birth_latest": date(2008, 2, 29), "registered_on": date(2026, 2, 28)},
    {"birth_latest": date(2010, 1, 1), "registered_on": None},
    {"birth_latest": date(2000, 1, 1), "registered_on": None},
    {"birth_latest": None, "registered_on": date(2020, 1, 1)},
    {"birth_latest": None, "registered_on": None},
]


def _days(field: str) -> np.ndarray:
    return np.asarray([r[field].toordinal() if r[field] else 0 for r in RECORDS])


def test_the_records_rule_read_at_once_is_could_be_minor_record_by_record() -> None:
    at_once = possible_minors(_days("birth_latest"), _days("registered_on"), TODAY)
    assert at_once.tolist() == [could_be_minor(r, TODAY) for r in RECORDS]


def test_a_person_of_whom_one_record_may_be_a_childs_needs_two_reviewers() -> None:
    ages = [
        {"person": "P", "birth_latest": date(2000, 1, 1), "registered_on": date(2020, 1, 1)},
        {"person": "P", "birth_latest": date(2010, 1, 1), "registered_on": date(2020, 1, 1)},
    ]
    assert minor_persons(ages, TODAY) == {"P"}


def test_a_person_no_record_of_whom_tells_the_age_needs_two_reviewers() -> None:
    ages = [
        {"person": "P", "birth_latest": None, "registered_on": date(2020, 1, 1)},
        {"person": "P", "birth_latest": None, "registered_on": None},
    ]
    assert minor_persons(ages, TODAY) == {"P"}


def test_a_person_whose_dated_records_are_all_an_adults_needs_one_reviewer() -> None:
    ages = [
        {"person": "P", "birth_latest": date(1990, 1, 1), "registered_on": date(2020, 1, 1)},
        {"person": "P", "birth_latest": None, "registered_on": date(2021, 1, 1)},
    ]
    assert minor_persons(ages, TODAY) == set()


def test_persons_are_read_at_once_each_by_its_own_records() -> None:
    person = np.asarray([0, 0, 1, 2, 2])
    born = [date(1990, 1, 1), 0, 0, date(1985, 1, 1), date(2012, 1, 1)]
    latest = np.asarray([d.toordinal() if d else 0 for d in born])
    registered = np.full(5, date(2020, 1, 1).toordinal())
    assert persons_needing_four_eyes(person, latest, registered, TODAY).tolist() == [
        False,
        True,
        True,
    ]
