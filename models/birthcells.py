"""A row's birth date and age cells, read: the birth interval they give on the row's
registration date, and what they say wrong (an unreadable cell, a birth after the
registration, an age its birth date cannot have, an age given on an unreadable date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from i18n import N_, Day, Message
from models.ages import AgeSpan, birth_interval, read_age
from models.birthdates import BirthInterval, DateError, is_unknown, parse_birth_date

Problem = tuple[str, str | Message, str | None]
"""A problem of one field: (column, message, the text kept when the value is an unreadable
date or age, a warning unless strict; None for an error)."""


BIRTH_FIELDS = (
    "birth_date",
    "birth_earliest",
    "birth_latest",
    "birth_precision",
    "birth_placeholder",
    "age",
    "age_estimated",
)
NO_BIRTH = (None, None, None, None, False, None, False)
"""The birth fields of a row without a birth date or an age, in `BIRTH_FIELDS` order."""


@dataclass(frozen=True, slots=True)
class BirthCells:
    """What a row's birth date and age cells say before the date they are read on is
    known (`read_birth_cells`): the same pair of cells reads the same on every row."""

    birth_date: str | None
    """The date as written, or the cell saying it is not known."""
    written: str | None
    """The date as written when it could be read."""
    interval: BirthInterval | None
    age: AgeSpan | None
    age_text: str | None
    problems: tuple[Problem, ...]


def read_birth_cells(written: str | None, age_text: str | None) -> BirthCells:
    """Read the cleaned birth date and age cells of a row: an unreadable one is a
    problem, with its text to keep."""
    problems: list[Problem] = []
    birth_date = None
    if written and is_unknown(written):
        birth_date, written = written, None
    if age_text and is_unknown(age_text):
        age_text = None
    interval = None
    if written:
        try:
            interval = parse_birth_date(written)
        except DateError as exc:
            problems.append(("birth_date", exc.message, written))
            written = None
        else:
            birth_date = written
    age = None
    if age_text:
        try:
            age = read_age(age_text)
        except DateError as exc:
            problems.append(("age", exc.message, age_text))
    return BirthCells(birth_date, written, interval, age, age_text, tuple(problems))


AGE_UNDATED = N_(
    'the age "{value}" is not counted: the registration date it was given on cannot be read'
)


def birth_on(
    cells: BirthCells, reference: date, *, dated: bool = True, given_on: bool = True
) -> tuple[tuple[Any, ...], list[Problem]]:
    """The birth fields (`BIRTH_FIELDS` order) of a row registered on `reference` (or
    read today), and their problems: those of the cells, and a birth after `reference`.
    An age gives the interval only when no date was read; a record's `age` holds one age,
    not a range ("12-13 ans": `age_range_text`). A row whose registration date could not
    be read (not `dated`) gets no interval from its age: counted from today, "12" written
    in 2015 would be a birth ten years too late. An age is checked against the birth date
    only on a row `given_on` its own registration date: without one, a re-import's age
    counts from the stored date, which the row cannot know."""
    problems = list(cells.problems)
    span = cells.age
    age, estimated = (span.single, span.estimated) if span else (None, False)
    interval = cells.interval
    if dated and given_on and (disagreement := age_disagrees(cells, reference)) is not None:
        problems.append(disagreement)
    if interval is None and span is not None and not dated:
        problems.append(("age", Message(AGE_UNDATED, value=cells.age_text), cells.age_text))
    elif interval is None and span is not None:
        interval = birth_interval(span, reference)
    if interval is not None and interval.earliest > reference:
        problems.append(
            (
                "birth_date" if cells.written else "age",
                Message(
                    '"{value}" is after {reference}',
                    value=cells.written or cells.age_text,
                    reference=Day(reference),
                ),
                None,
            )
        )
        interval = None
    if interval is None:
        return (cells.birth_date, None, None, None, False, age, estimated), problems
    return (
        cells.birth_date,
        interval.earliest,
        interval.latest,
        interval.precision.value,
        interval.placeholder,
        age,
        estimated,
    ), problems


AGE_DISAGREES = N_(
    'the age "{age}" does not fit the birth date "{date}" on {reference} (the date counts)'
)


SAID_IN_FULL = frozenset({AGE_UNDATED, AGE_DISAGREES})


def age_disagrees(cells: BirthCells, reference: date) -> Problem | None:
    """A row whose age, counted from its registration date, cannot be its birth date's
    (born 1995, aged 12 in 2023): the date counts, and the row says so, since whether
    the person is a child is then the date's word alone."""
    if cells.interval is None or cells.age is None:
        return None
    by_age = birth_interval(cells.age, reference)
    if by_age.latest >= cells.interval.earliest and cells.interval.latest >= by_age.earliest:
        return None
    message = Message(
        AGE_DISAGREES, age=cells.age_text, date=cells.written, reference=Day(reference)
    )
    return ("age", message, cells.age_text)


def age_range_text(cells: BirthCells) -> str | None:
    """The age cell as written when it gave a range or a bound, not one age ("12-13 ans",
    "plus de 18 ans"): a record's `age` cannot hold it, so its extra data keeps it."""
    span = cells.age
    return cells.age_text if span is not None and span.single is None else None
