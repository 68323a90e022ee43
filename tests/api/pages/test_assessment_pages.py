"""The assessment page's decisions: recorded from the page on the assessment it showed,
refused with what stands in the way, listed with the one in force; never without the
form token."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from models.store.returns import add_return_decision
from tests.api.pages.conftest import Pages, field, state_purpose
from tests.conftest import write_csv
from tests.service.family import RECORDS, RELATIONS

RECENT = (date.today() - timedelta(days=12)).isoformat()
"""A determination date of the past year, whenever the tests run."""


@pytest.fixture
def girl(pages: Pages, tmp_path: Path) -> str:
    """The review world, plus a girl of 2009 whose uncle is named as a suspect: her
    person's id."""
    service = pages.world.client.app.state.service
    report = service.import_file(
        write_csv(tmp_path / "family.csv", RECORDS), write_csv(tmp_path / "rel.csv", RELATIONS)
    )
    assert report.ok
    (record,) = pages.world.store.find_record("V-1")
    return str(record.entity_id)


def _decide(client: TestClient, person: str, **form: str):
    page = client.get(f"/persons/{person}/assessment")
    data = {"csrf": field(page, "csrf"), "version": field(page, "version"), **form}
    return client.post(f"/persons/{person}/assessment/decide", data=data, follow_redirects=False)


def test_a_caseworker_records_a_decision_and_sees_it_in_force(pages: Pages, girl: str) -> None:
    client = pages.browser("caseworker@DNPEF")
    answer = _decide(client, girl, decision="further_assessment", note="rencontrer la mère")
    assert answer.status_code == 303
    page = html.unescape(client.get(answer.headers["location"]).text)
    assert "La décision a été enregistrée" in page
    assert "évaluation complémentaire nécessaire" in page and "en vigueur" in page
    assert "rencontrer la mère" in page


def test_a_childs_return_is_refused_without_a_determination_and_says_why(
    pages: Pages, girl: str
) -> None:
    client = pages.browser("admin")
    refused = _decide(client, girl, decision="return_recommended")
    text = html.unescape(refused.text)
    assert refused.status_code == 409
    assert "La décision n'a pas été enregistrée" in text
    assert "intérêt supérieur de l'enfant" in text
    assert "Aucune décision enregistrée" in text


def test_an_admin_overrides_a_suspect_in_the_family_with_a_reason(pages: Pages, girl: str) -> None:
    client = pages.browser("admin")
    answer = _decide(
        client,
        girl,
        decision="return_recommended",
        bid_date=RECENT,
        bid_body="Comité DIE de Kati",
        override="l'oncle est détenu",
    )
    assert answer.status_code == 303
    page = html.unescape(client.get(answer.headers["location"]).text)
    assert "Passé outre par un administrateur" in page and "l'oncle est détenu" in page
    assert "Comité DIE de Kati" in page


def test_only_an_admin_is_offered_the_override(pages: Pages, girl: str) -> None:
    assert 'name="override"' in pages.browser("admin").get(f"/persons/{girl}/assessment").text
    page = pages.browser("caseworker@DNPEF").get(f"/persons/{girl}/assessment").text
    assert 'name="override"' not in page


def test_a_page_read_before_the_assessment_changed_is_told_to_read_it_again(
    pages: Pages, girl: str
) -> None:
    client = pages.browser("caseworker@DNPEF")
    page = client.get(f"/persons/{girl}/assessment")
    answer = client.post(
        f"/persons/{girl}/assessment/decide",
        data={"csrf": field(page, "csrf"), "version": "old", "decision": "further_assessment"},
    )
    assert answer.status_code == 412 and "relisez-les avant de décider" in answer.text


def test_half_a_determination_is_asked_again(pages: Pages, girl: str) -> None:
    answer = _decide(pages.browser("admin"), girl, decision="further_assessment", bid_body="Comité")
    assert answer.status_code == 422 and "Donnez la date et l" in html.unescape(answer.text)


def test_no_decision_without_the_form_token(pages: Pages, girl: str) -> None:
    client = pages.browser("caseworker@DNPEF")
    page = client.get(f"/persons/{girl}/assessment")
    answer = client.post(
        f"/persons/{girl}/assessment/decide",
        data={"version": field(page, "version"), "decision": "further_assessment"},
    )
    assert answer.status_code == 403
    assert "Aucune décision enregistrée" in client.get(f"/persons/{girl}/assessment").text


def test_another_organisations_caseworker_reads_with_a_purpose_but_is_told_who_decides(
    pages: Pages, girl: str
) -> None:
    client = pages.browser("caseworker@OIM")
    asked = client.get(f"/persons/{girl}/assessment")
    page = state_purpose(client, asked, "retour prévu depuis la Libye")
    text = html.unescape(page.text)
    assert page.status_code == 200 and "return-decision" not in text
    assert "Seul un travailleur social d'une organisation qui tient" in text
    answer = client.post(
        f"/persons/{girl}/assessment/decide",
        data={"csrf": field(page, "csrf"), "version": "x", "decision": "further_assessment"},
    )
    assert answer.status_code == 403
    rows, _ = pages.world.store.audit_rows({"action": "read_assessment"})
    assert {r["purpose"] for r in rows} == {"retour prévu depuis la Libye"}


def test_a_refused_decision_keeps_what_the_caseworker_typed(pages: Pages, girl: str) -> None:
    refused = _decide(
        pages.browser("caseworker@DNPEF"),
        girl,
        decision="return_recommended",
        note="la mère attend sa fille",
        bid_body="Comité DIE de Kati",
        bid_date=RECENT,
    )
    assert refused.status_code == 409
    assert field(refused, "note") == "la mère attend sa fille"
    assert field(refused, "bid_body") == "Comité DIE de Kati"
    assert '<option value="return_recommended" selected>' in refused.text


def test_the_flags_page_lists_return_decisions_due_for_caseworkers(pages: Pages, girl: str) -> None:
    page = pages.browser("caseworker@DNPEF").get("/flagged")
    assert page.status_code == 200
    assert "Décisions de retour à réviser" in page.text
    assert "Aucune décision à réviser" in page.text
    tracer = pages.browser("tracing_officer").get("/flagged")
    assert "Décisions de retour à réviser" not in tracer.text


def test_a_decision_past_its_review_date_links_to_its_assessment(pages: Pages, girl: str) -> None:
    store = pages.world.store
    records = [str(r.id) for r in store.find_record("V-1") + store.find_record("B-1")]
    row = {
        "person": girl,
        "decision": "further_assessment",
        "note": None,
        "review_by": date.today() - timedelta(days=3),
        "best_interests": None,
        "override": None,
        "assessment": {"assessed_on": "2026-01-01", "status": "risk", "basis": "x"},
        "user_id": None,
        "user_name": "caseworker",
        "organisation": "DNPEF",
    }
    add_return_decision(store, row, records, None)
    page = html.unescape(pages.browser("caseworker@DNPEF").get("/flagged").text)
    assert f'href="/persons/{girl}/assessment"' in page
    assert "évaluation complémentaire nécessaire" in page


def test_an_unreadable_review_date_is_named(pages: Pages, girl: str) -> None:
    answer = _decide(
        pages.browser("caseworker@DNPEF"), girl, decision="further_assessment", review_by="demain"
    )
    assert answer.status_code == 422
    assert "Donnez la date de révision" in html.unescape(answer.text)


def _rows(page: str) -> dict[str, str]:
    """The factors' rows of an assessment page, by the factor's words."""
    table = page.split('<table class="factors">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr class="[a-z_]+"><td>(.*?)</td>(.*?)</tr>', table, re.DOTALL)
    return {factor: html.unescape(rest) for factor, rest in rows}


def test_each_factor_names_the_records_it_rests_on(pages: Pages, girl: str) -> None:
    page = pages.browser("caseworker@DNPEF").get(f"/persons/{girl}/assessment").text
    rows = _rows(page)
    assert "DNPEF · U-1" in rows["Implication de la famille dans la traite"]
    assert "aucune fiche" in rows["Consentement au retour"]
    assert "Fiches" in page and "organisation · identifiant de la fiche" in html.unescape(page)


def test_the_records_of_each_factor_are_named_in_english_too(pages: Pages, girl: str) -> None:
    page = pages.browser("caseworker@DNPEF", lang="en").get(f"/persons/{girl}/assessment").text
    rows = _rows(page)
    family = next(rest for factor, rest in rows.items() if factor.startswith("Family"))
    assert "DNPEF · U-1" in family
    assert "<th>Records</th>" in page and "no record" in page
