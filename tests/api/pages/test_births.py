"""The birth a page shows of a record: the date as written where the reader's view holds
it; for the minimal view (reviewers, another organisation's readers), which holds the
birth interval widened to whole years, the year or the years of an estimate, never a day."""

from __future__ import annotations

import re
from pathlib import Path

from api.pages.web import shown_value
from tests.api.conftest import add_suggestion
from tests.api.pages.conftest import Pages
from tests.conftest import write_csv

DATED_ROWS = (
    "record_id,source,case_id,case_type,registered_on,full_name,sex,birth_date,"
    "origin_village,origin_cercle,father_name,mother_name\n"
    "D-1,OIM,C8,return,2024-03-01,SANOGO Mariam,F,04/03/2002,Kolondiéba,Kolondiéba,"
    "Adama,Kadiatou Koné\n"
    "D-2,ONG-A,C9,reintegration,2024-06-01,SANOGO Mariame,F,vers 2003,Kolondiéba,"
    "Kolondiéba,Adama,Kadiatou Kone\n"
)


def _dated_pair(pages: Pages, tmp_path: Path) -> str:
    """A suggestion between a record born on a known day and one born about a year."""
    service = pages.world.client.app.state.service
    assert service.import_file(write_csv(tmp_path / "dated.csv", DATED_ROWS)).ok
    store = pages.world.store
    ids = {r.record_id: r.id for r in store.list_records({}, limit=200).items}
    return str(add_suggestion(store, ids["D-1"], ids["D-2"]))


def _birth_row(page: str, label: str) -> set[str]:
    """The two sides of the birth row of a suggestion's table (in either order)."""
    row = re.search(rf'<th scope="row">{label}</th><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert row, f"no {label} row"
    return {row.group(1), row.group(2)}


def test_a_reviewer_compares_the_birth_years_side_by_side(pages: Pages) -> None:
    page = pages.browser("reviewer").get(f"/review/{pages.world.suggestions['adult']}").text
    assert _birth_row(page, "Date de naissance") == {"1990", "1989–1993"}


def test_the_birth_row_is_worded_in_english_on_choice(pages: Pages) -> None:
    page = pages.browser("reviewer", lang="en").get(f"/review/{pages.world.suggestions['adult']}")
    assert _birth_row(page.text, "Birth date") == {"1990", "1989–1993"}


def test_a_reviewer_sees_the_year_of_a_known_day_never_the_day(
    pages: Pages, tmp_path: Path
) -> None:
    suggestion = _dated_pair(pages, tmp_path)
    page = pages.browser("reviewer").get(f"/review/{suggestion}").text
    assert _birth_row(page, "Date de naissance") == {"2002", "2001–2005"}


def test_the_record_cards_of_a_minimal_reader_give_the_birth_years(pages: Pages) -> None:
    world = pages.world
    assert world.link("A-1", "A-2").status_code == 201
    record = world.store.get_record(world.records["A-1"])
    assert record is not None
    page = pages.browser("tracing_officer@ONG-B").get(f"/persons/{record.entity_id}").text
    cards = re.findall(r"<dt>Date de naissance</dt><dd>([^<]*)</dd>", page)
    assert sorted(cards) == ["1989–1993", "1990"]


def test_a_record_card_gives_the_birth_date_as_written_to_who_holds_the_case(
    pages: Pages, tmp_path: Path
) -> None:
    _dated_pair(pages, tmp_path)
    records = pages.world.store.list_records({}, limit=200).items
    record = next(r for r in records if r.record_id == "D-1")
    page = pages.browser("caseworker@OIM").get(f"/persons/{record.entity_id}").text
    assert "<dt>Date de naissance</dt><dd>04/03/2002</dd>" in page


def test_a_minimal_view_without_a_birth_shows_no_birth_row() -> None:
    view = {"access": "minimal", "birth_earliest": None, "birth_latest": None}
    assert shown_value(view, "birth_date") is None
