from datetime import date

import numpy as np
import pytest

from matching.compare.dates import BirthLevel, birth_levels


def _ordinal(d: date | None) -> int:
    return d.toordinal() if d else -1


def _level(first: tuple, second: tuple) -> BirthLevel:
    earliest = np.array([_ordinal(first[0]), _ordinal(second[0])])
    latest = np.array([_ordinal(first[1]), _ordinal(second[1])])
    exact = np.array([first[2], second[2]])
    return BirthLevel(int(birth_levels(earliest, latest, exact, np.array([0]), np.array([1]))[0]))


DAY = (date(2004, 5, 6), date(2004, 5, 6), True)
YEAR_2004 = (date(2004, 1, 1), date(2004, 12, 31), False)
VERS_2005 = (date(2003, 1, 1), date(2007, 12, 31), False)
YEAR_2007 = (date(2007, 1, 1), date(2007, 12, 31), False)
YEAR_2012 = (date(2012, 1, 1), date(2012, 12, 31), False)
UNKNOWN = (None, None, False)


@pytest.mark.parametrize(
    ("first", "second", "level"),
    [
        (DAY, DAY, BirthLevel.SAME_DAY),
        (DAY, YEAR_2004, BirthLevel.OVERLAP_NARROW),
        (DAY, VERS_2005, BirthLevel.OVERLAP_WIDE),
        (YEAR_2004, YEAR_2007, BirthLevel.WITHIN_5_YEARS),
        (VERS_2005, YEAR_2007, BirthLevel.OVERLAP_WIDE),
        (YEAR_2004, YEAR_2012, BirthLevel.FURTHER),
        (DAY, UNKNOWN, BirthLevel.MISSING),
    ],
)
def test_birth_intervals_compare_by_overlap_and_gap(
    first: tuple, second: tuple, level: BirthLevel
) -> None:
    assert _level(first, second) == level


def test_a_placeholder_date_is_never_the_same_day() -> None:
    placeholder = (date(2004, 1, 1), date(2004, 12, 31), False)
    assert _level(placeholder, placeholder) == BirthLevel.OVERLAP_NARROW


def test_ages_given_years_apart_are_consistent() -> None:
    from models.ages import interval_from_age

    first = interval_from_age(12, date(2019, 3, 1))
    second = interval_from_age(16, date(2023, 6, 1))
    assert _level(
        (first.earliest, first.latest, False), (second.earliest, second.latest, False)
    ) in (
        BirthLevel.OVERLAP_NARROW,
        BirthLevel.OVERLAP_WIDE,
    )
