"""Ages as the field writes them: one age, a range, a bound or a word (`models.ages`)."""

from datetime import date

import pytest

from models.ages import AgeSpan, birth_interval, interval_from_age, read_age
from models.birthdates import DateError
from models.validation import validate_record

ON = date(2026, 6, 1)


def _years_before(years: int) -> date:
    return ON.replace(year=ON.year - years)


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("12-13 ans", 12, 13),
        ("12 - 14", 12, 14),
        ("12 à 13 ans", 12, 13),
        ("12 ou 13 ans", 12, 13),
        ("12/13", 12, 13),
        ("entre 12 et 14 ans", 12, 14),
        ("quinze ou seize", 15, 16),
        ("13-12", 12, 13),
        ("douze-treize ans", 12, 13),
        ("quatorze quinze", 14, 15),
        ("dix douze", 10, 12),
    ],
)
def test_an_age_range_is_read_as_its_range(written: str, low: int, high: int) -> None:
    span = read_age(written)
    assert (span.low, span.high, span.single) == (low, high, None)


@pytest.mark.parametrize(
    "written",
    ["plus de 18 ans", "18 ans et plus", "18 ans ou plus", "18+", "+18", "> 18", "au moins 18 ans"],
)
def test_at_least_an_age_has_no_upper_bound(written: str) -> None:
    assert read_age(written) == AgeSpan(18, None, tolerance=0)


@pytest.mark.parametrize("written", ["plus de 18 ans", "+18", "adulte", "Majeure"])
def test_an_adult_by_the_cell_is_never_read_as_a_possible_minor(written: str) -> None:
    interval = birth_interval(read_age(written), ON)
    assert interval.latest <= _years_before(18)
    assert interval.earliest <= _years_before(100)


@pytest.mark.parametrize("written", ["mineure", "Mineur(e)", "moins de 18 ans", "< 18"])
def test_a_minor_by_the_cell_is_born_within_eighteen_years(written: str) -> None:
    interval = birth_interval(read_age(written), ON)
    assert interval.earliest > _years_before(18)
    assert interval.latest == ON


def test_a_range_is_widened_as_one_stated_age_is() -> None:
    interval = birth_interval(read_age("12-13 ans"), ON)
    assert interval.earliest == interval_from_age(13, ON).earliest
    assert interval.latest == interval_from_age(12, ON).latest


def test_an_estimated_range_is_widened_as_an_estimated_age() -> None:
    interval = birth_interval(read_age("environ 12-13 ans"), ON)
    assert interval.earliest == interval_from_age(13, ON, estimated=True).earliest
    assert interval.latest == interval_from_age(12, ON, estimated=True).latest


@pytest.mark.parametrize(
    ("written", "age"), [("15", 15), ("vingt-deux", 22), ("1 an et 6 mois", 1)]
)
def test_one_age_stays_one_age(written: str, age: int) -> None:
    assert read_age(written).single == age


@pytest.mark.parametrize("written", ["100-130", "moins de 0", "12-", "vieux"])
def test_an_unreadable_age_or_range_is_an_error(written: str) -> None:
    with pytest.raises(DateError):
        read_age(written)


def test_an_imported_range_gives_the_birth_interval_and_keeps_its_text() -> None:
    raw = {"record_id": "R1", "source": "OIM", "full_name": "Awa Diarra", "age": "12-13 ans"}
    values, errors = validate_record(raw, 2, None, ON, strict=True)
    assert errors == [] and values is not None
    interval = birth_interval(read_age("12-13 ans"), ON)
    assert (values["birth_earliest"], values["birth_latest"]) == (
        interval.earliest,
        interval.latest,
    )
    assert values["age"] is None and values["extra"] == {"age_raw": "12-13 ans"}


def test_an_imported_plus_de_18_is_an_adult_on_the_registration_day() -> None:
    raw = {
        "record_id": "R1",
        "source": "OIM",
        "full_name": "Awa Diarra",
        "age": "plus de 18 ans",
        "registered_on": "2020-03-01",
    }
    values, _ = validate_record(raw, 2, None, ON, strict=True)
    assert values is not None and values["birth_latest"] <= date(2002, 3, 1)


def test_an_age_given_on_an_unreadable_registration_date_is_not_counted_from_today() -> None:
    """ "12" written in "le 3" (of which month?) is kept as written, with a warning: counted
    from today it would be a birth years too late, a woman read as a girl."""
    raw = {"record_id": "R1", "full_name": "Awa Diarra", "age": "12", "registered_on": "le 3"}
    values, errors = validate_record(raw, 2, "OIM", ON, strict=False)
    assert values is not None and values["birth_earliest"] is None and values["age"] == 12
    assert {e.column for e in errors} == {"registered_on", "age"}
    assert all(e.warning for e in errors) and values["extra"]["age_raw"] == "12"


def test_an_age_that_cannot_be_the_birth_date_s_is_a_warning_and_the_date_counts() -> None:
    raw = {
        "record_id": "K2",
        "full_name": "Awa Diarra",
        "birth_date": "1995",
        "age": "12",
        "registered_on": "10/01/2023",
    }
    values, errors = validate_record(raw, 2, "OIM", ON, strict=False)
    assert values is not None and values["birth_earliest"] == date(1995, 1, 1)
    assert [(e.column, e.warning) for e in errors] == [("age", True)]


def test_an_age_that_fits_the_birth_date_says_nothing() -> None:
    raw = {
        "record_id": "K3",
        "full_name": "Awa Diarra",
        "birth_date": "2010",
        "age": "environ 12",
        "registered_on": "10/01/2023",
    }
    assert validate_record(raw, 2, "OIM", ON, strict=True)[1] == []


@pytest.mark.parametrize(("written", "age"), [("12ans", 12), ("2 ans 6 mois", 2), ("18 mois", 1)])
def test_years_and_months_written_together_are_one_age(written: str, age: int) -> None:
    assert read_age(written).single == age


@pytest.mark.parametrize("written", ["plus de 150", "130+"])
def test_a_bound_past_120_is_unreadable(written: str) -> None:
    with pytest.raises(DateError):
        read_age(written)


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("+ de 18 ans", 18, None),
        ("18 ans et +", 18, None),
        ("-18", 0, 17),
        ("moins d’1 an", 0, 0),
        ("nouveau-né", 0, 0),
        ("bébé", 0, 1),
    ],
)
def test_bounds_as_forms_tick_them(written: str, low: int, high: int | None) -> None:
    span = read_age(written)
    assert (span.low, span.high) == (low, high)


def test_vers_marks_an_estimated_age() -> None:
    assert read_age("vers 12 ans") == AgeSpan(12, 12, estimated=True, tolerance=3)
