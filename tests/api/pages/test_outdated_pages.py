"""The review pages when an import changed a child's records after their first
confirmation: the second reviewer is told before deciding, and after."""

from __future__ import annotations

from pathlib import Path

from service import Service
from tests.api.outdated import CORRECTED, correct_the_childs_record
from tests.api.pages.conftest import Pages, field
from tests.conftest import write_csv


def _confirm(client, suggestion: object):  # type: ignore[no-untyped-def]
    page = client.get(f"/review/{suggestion}").text
    return client.post(
        f"/review/{suggestion}/decide",
        data={"csrf": field(page, "csrf"), "etag": field(page, "etag"), "decision": "match"},
        follow_redirects=False,
    )


def test_the_second_reviewer_reads_that_her_confirmation_will_be_the_first_again(
    pages: Pages, tmp_path: Path
) -> None:
    suggestion = pages.world.suggestions["child"]
    _confirm(pages.browser("reviewer"), suggestion)
    correct_the_childs_record(Service(pages.world.store), tmp_path)

    page = pages.browser("reviewer2").get(f"/review/{suggestion}").text

    assert 'id="outdated"' in page and "Les fiches ont changé" in page
    assert 'id="decide-match"' in page


def test_a_confirmation_on_changed_records_says_it_is_the_first_again(
    pages: Pages, tmp_path: Path
) -> None:
    suggestion = pages.world.suggestions["child"]
    _confirm(pages.browser("reviewer"), suggestion)
    correct_the_childs_record(Service(pages.world.store), tmp_path)
    second = pages.browser("reviewer2")

    answer = _confirm(second, suggestion)

    assert answer.headers["location"] == "/review/next?done=first_again"
    assert "la vôtre est la première" in second.get(answer.headers["location"]).text


def test_the_decided_pairs_page_names_what_changed_since(pages: Pages, tmp_path: Path) -> None:
    world = pages.world
    assert world.decide("adult", "match").status_code == 200
    fixed = (
        CORRECTED.splitlines()[0] + "\n"
        "A-2,ONG-A,C2,reintegration,2024-06-01,TRAORÉ Aminata,F,1993,Sirakoro,Kati,Bakari,"
        "Fatoumata Diara\n"
    )
    report = Service(world.store).import_file(write_csv(tmp_path / "a2.csv", fixed), link=False)
    assert report.ok, report

    page = pages.browser("reviewer2").get("/review/changed").text

    assert 'id="changed"' in page and "TRAORÉ Aminata" in page
    assert "Champs modifiés depuis" in page and "Date de naissance" in page
