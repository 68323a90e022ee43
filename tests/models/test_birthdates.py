from datetime import date

import pytest

from models.ages import interval_from_age, parse_age
from models.birthdates import (
    DateError,
    Precision,
    is_unknown,
    parse_birth_date,
    parse_plain_date,
)
from models.validation import validate_record

EXACT = [
    ("1995-03-12", date(1995, 3, 12)),
    ("12/03/1995", date(1995, 3, 12)),
    ("12-03-1995", date(1995, 3, 12)),
    ("12 mars 1995", date(1995, 3, 12)),
    ("douze mars mil neuf cent quatre-vingt-quinze", date(1995, 3, 12)),
    ("1er août 2004".replace("1er", "premier"), date(2004, 8, 1)),
]


@pytest.mark.parametrize(("written", "day"), EXACT)
def test_a_full_date_is_a_one_day_interval(written: str, day: date) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest, interval.precision) == (day, day, Precision.DAY)


@pytest.mark.parametrize("written", ["01/01/1998", "1998-01-01", "31/12/1998", "1998-12-31"])
def test_first_january_and_thirty_first_december_are_probable_placeholders(written: str) -> None:
    interval = parse_birth_date(written)
    assert interval.placeholder
    assert interval.precision is Precision.YEAR
    assert (interval.earliest, interval.latest) == (date(1998, 1, 1), date(1998, 12, 31))


@pytest.mark.parametrize(
    "written", ["2001-02", "février 2001", "fevrier 2001", "00/02/2001", "2001-02-00"]
)
def test_a_month_covers_the_whole_month(written: str) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest) == (date(2001, 2, 1), date(2001, 2, 28))
    assert interval.precision is Precision.MONTH


@pytest.mark.parametrize(
    "written",
    [
        "1990",
        "00/00/1990",
        "xx/xx/1990",
        "1990-00-00",
        "née en 1990",
        "en 1990",
        "mil neuf cent quatre-vingt-dix",
    ],
)
def test_a_year_covers_the_whole_year(written: str) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest) == (date(1990, 1, 1), date(1990, 12, 31))
    assert interval.precision is Precision.YEAR


@pytest.mark.parametrize(
    "written",
    [
        "vers 1995",
        "né vers 1995",
        "née vers 1995",
        "Née vers 1995",
        "vers mil neuf cent quatre-vingt-quinze",
    ],
)
def test_vers_a_year_is_two_years_either_side(written: str) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest) == (date(1993, 1, 1), date(1997, 12, 31))
    assert interval.precision is Precision.APPROX


@pytest.mark.parametrize(
    "written", ["32/13/1999", "31/02/2001", "hier", "1995-13", "vers", "12/03/1995x", "1700"]
)
def test_an_unreadable_date_is_an_error_quoting_the_value(written: str) -> None:
    with pytest.raises(DateError, match="cannot read"):
        parse_birth_date(written)


def test_a_stated_age_is_one_year_either_side_of_the_exact_interval() -> None:
    interval = interval_from_age(15, date(2021, 6, 1))
    assert interval.precision is Precision.AGE
    assert interval.earliest == date(2004, 6, 2)
    assert interval.latest == date(2007, 6, 1)


def test_an_estimated_age_is_wider_than_a_stated_one() -> None:
    stated = interval_from_age(15, date(2021, 6, 1))
    estimated = interval_from_age(15, date(2021, 6, 1), estimated=True)
    assert estimated.precision is Precision.AGE_ESTIMATED
    assert estimated.earliest < stated.earliest and estimated.latest > stated.latest


def test_an_infant_interval_never_ends_after_the_registration() -> None:
    interval = interval_from_age(0, date(2021, 6, 1), estimated=True)
    assert interval.latest == date(2021, 6, 1)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("15", (15, False)),
        ("~15", (15, True)),
        ("15?", (15, True)),
        ("environ 15 ans", (15, True)),
        ("15 (estimé)", (15, True)),
        ("15 ans", (15, False)),
        ("env. 15 ans", (15, True)),
        ("± 15", (15, True)),
    ],
)
def test_ages_may_be_marked_estimated(written: str, expected: tuple[int, bool]) -> None:
    assert parse_age(written) == expected


@pytest.mark.parametrize(
    ("written", "years"), [("15,5", 15), ("15.5", 15), ("1,5", 1), ("1 an et 6 mois", 1)]
)
def test_an_age_in_years_and_a_part_counts_the_completed_years(written: str, years: int) -> None:
    assert parse_age(written) == (years, False)


@pytest.mark.parametrize("written", ["-3", "150", "15.5.2", "quinze ou seize"])
def test_an_unreadable_age_is_an_error(written: str) -> None:
    with pytest.raises(DateError):
        parse_age(written)


def test_registration_dates_accept_iso_and_french_order_only() -> None:
    assert parse_plain_date("2021-03-04") == parse_plain_date("04/03/2021") == date(2021, 3, 4)
    with pytest.raises(DateError):
        parse_plain_date("vers 2021")


@pytest.mark.parametrize(
    "written,earliest,latest",
    [
        ("né(e) vers 1990", date(1988, 1, 1), date(1992, 12, 31)),
        ("2001-03-12 00:00:00", date(2001, 3, 12), date(2001, 3, 12)),
        ("2001-03-12T00:00:00", date(2001, 3, 12), date(2001, 3, 12)),
        ("12/03/2001 00:00", date(2001, 3, 12), date(2001, 3, 12)),
        ("2001/03/12", date(2001, 3, 12), date(2001, 3, 12)),
        ("1er mars 2001", date(2001, 3, 1), date(2001, 3, 1)),
        ("03/2001", date(2001, 3, 1), date(2001, 3, 31)),
    ],
)
def test_birth_dates_as_field_exports_write_them(
    written: str, earliest: date, latest: date
) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest) == (earliest, latest)


@pytest.mark.parametrize(
    "written,age,estimated",
    [
        ("quinze", 15, False),
        ("douze ans", 12, False),
        ("6 mois", 0, False),
        ("15.0", 15, False),
    ],
)
def test_ages_as_field_exports_write_them(written: str, age: int, estimated: bool) -> None:
    assert parse_age(written) == (age, estimated)


@pytest.mark.parametrize("written", ["inconnu", "ND", "NSP", "N/A", "?"])
def test_a_cell_saying_not_known_is_no_date_and_no_error(written: str) -> None:
    assert is_unknown(written)
    values, errors = validate_record(
        {
            "record_id": "R1",
            "source": "OIM",
            "full_name": "Awa Diarra",
            "birth_date": written,
            "age": written,
        },
        2,
    )
    assert not errors and values is not None
    assert values["birth_earliest"] is None and values["age"] is None


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("12-Mar-2005", date(2005, 3, 12)),
        ("12/Mar/2005", date(2005, 3, 12)),
        ("Mar 12, 2005", date(2005, 3, 12)),
        ("Mar 12, 2005 12:00:00 AM", date(2005, 3, 12)),
        ("March 12th, 2005", date(2005, 3, 12)),
    ],
)
def test_an_english_export_date_with_a_month_name_is_a_day(written: str, day: date) -> None:
    """ODK Briefcase exports a date `Mar 12, 2005` and a date-time with `AM`/`PM`: read
    as unknown, every record of such an export lost its birth."""
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest, interval.precision) == (day, day, Precision.DAY)


def test_an_english_month_and_year_is_a_month() -> None:
    interval = parse_birth_date("May 2001")
    assert (interval.earliest, interval.latest) == (date(2001, 5, 1), date(2001, 5, 31))


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("15 août 2015", date(2015, 8, 15)),
        ("1er janvier 2015", date(2015, 1, 1)),
        ("2024-02-01T10:00:00+00:00", date(2024, 2, 1)),
        ("2024-02-01T10:00:00.123+01:00", date(2024, 2, 1)),
    ],
)
def test_registration_dates_as_field_exports_write_them(written: str, day: date) -> None:
    assert parse_plain_date(written) == day


@pytest.mark.parametrize("written", ["mars 2015", "vers 2015", "2015"])
def test_a_registration_date_is_a_day_not_a_month_or_a_year(written: str) -> None:
    with pytest.raises(DateError):
        parse_plain_date(written)


@pytest.mark.parametrize(("written", "month"), [("janv. 2012", 1), ("févr. 2010", 2)])
def test_abbreviated_months_with_a_dot_are_read(written: str, month: int) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest.month, interval.precision.value) == (month, "month")


def test_a_registration_date_on_the_last_day_of_a_year_is_that_day() -> None:
    assert parse_plain_date("31 décembre 2015") == date(2015, 12, 31)


@pytest.mark.parametrize("written", ["00/01/1900", "01/01/1900", "1900"])
def test_a_birth_before_1901_is_a_spreadsheet_s_empty_date_not_a_birth(written: str) -> None:
    with pytest.raises(DateError):
        parse_birth_date(written)


def test_a_day_too_large_for_any_date_is_unreadable_not_a_crash() -> None:
    with pytest.raises(DateError):
        parse_birth_date("99999999999999999999 mars 2005")


@pytest.mark.parametrize("written", ["environ 2005", "env. 2005", "2005 ?"])
def test_an_approximate_birth_year_is_read_as_vers(written: str) -> None:
    assert parse_birth_date(written) == parse_birth_date("vers 2005")


def test_a_date_after_le_is_that_date() -> None:
    assert parse_plain_date("le 15/08/2015") == date(2015, 8, 15)
    assert parse_birth_date("né le 15/08/2013") == parse_birth_date("15/08/2013")


def test_a_registration_date_of_an_odk_briefcase_export_is_read() -> None:
    assert parse_plain_date("Jan 5, 2024 3:15:00 PM") == date(2024, 1, 5)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("2004-2006", date(2004, 1, 1), date(2006, 12, 31)),
        ("2008/2009", date(2008, 1, 1), date(2009, 12, 31)),
        ("entre 2004 et 2006", date(2004, 1, 1), date(2006, 12, 31)),
        ("2004 ou 2005", date(2004, 1, 1), date(2005, 12, 31)),
        ("2000-2009", date(2000, 1, 1), date(2009, 12, 31)),
    ],
)
def test_a_range_of_years_is_an_approximate_birth_over_them(
    written: str, first: date, last: date
) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest, interval.precision) == (
        first,
        last,
        Precision.APPROX,
    )


@pytest.mark.parametrize("written", ["2006-2004", "1990-2010", "2000-2010"])
def test_a_range_backwards_or_of_more_than_ten_years_is_not_read(written: str) -> None:
    with pytest.raises(DateError):
        parse_birth_date(written)


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("début 2005", date(2005, 1, 1), date(2005, 6, 30)),
        ("mi-2005", date(2005, 4, 1), date(2005, 9, 30)),
        ("fin 2005", date(2005, 7, 1), date(2005, 12, 31)),
    ],
)
def test_the_start_middle_or_end_of_a_year_is_six_months_of_it(
    written: str, first: date, last: date
) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest) == (first, last)


@pytest.mark.parametrize("written", ["2005 (estimé)", "2005 estimée", "2005 ?"])
def test_an_estimated_year_is_two_years_either_side(written: str) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.latest) == (date(2003, 1, 1), date(2007, 12, 31))
    assert interval.precision is Precision.APPROX


def test_a_two_digit_year_is_never_after_this_year() -> None:
    assert parse_birth_date("12/03/08").earliest == date(2008, 3, 12)
    assert parse_birth_date("12/03/95").earliest == date(1995, 3, 12)
    future = (date.today().year + 1) % 100
    assert parse_birth_date(f"01/06/{future:02d}").earliest.year == 1900 + future


@pytest.mark.parametrize("written", ["39500", "39500.0"])
def test_excel_s_serial_number_of_a_day_is_that_day(written: str) -> None:
    interval = parse_birth_date(written)
    assert (interval.earliest, interval.precision) == (date(2008, 2, 22), Precision.DAY)


def test_a_registration_date_may_be_written_short_or_as_excel_s_serial_number() -> None:
    assert parse_plain_date("15/02/24") == date(2024, 2, 15)
    assert parse_plain_date("45342") == date(2024, 2, 20)


def test_a_short_registration_date_is_of_this_century_even_ahead() -> None:
    """Typed a year ahead, it is said to be after today, never read as 1927."""
    assert parse_plain_date("01/01/27") == date(2027, 1, 1)


@pytest.mark.parametrize("written", ["99999", "20005", "19995"])
def test_five_digits_out_of_excel_s_days_since_1960_are_not_a_day(written: str) -> None:
    """Beyond next year, or a year typed with one digit too many (a day of 1954)."""
    with pytest.raises(DateError):
        parse_birth_date(written)


@pytest.mark.parametrize("written", ["00/01/00", "00/00/00", "12/00/08"])
def test_excel_s_empty_date_written_short_is_no_birth(written: str) -> None:
    with pytest.raises(DateError):
        parse_birth_date(written)
