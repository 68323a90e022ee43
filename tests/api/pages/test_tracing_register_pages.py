"""Registering a tracing request from the pages: from the tracing requests' list, and from
a tracing search whose description is carried over, posted, never in an address; the
officer lands on the new request with its potential matches."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.api.pages.conftest import Pages, field, send

OFFICER = "tracing_officer@CROIX"
SOUGHT = {"given": "Fatimata", "family": "Diara", "sex": "F", "age": "15", "village": "Sirakoro"}
REQUESTER = {
    "requester_name": "Awa TRAWORE",
    "requester_relation": "mother",
    "requester_age": "40",
    "requester_phone": "+223 70 00 00 99",
}


def _carried_over(page: Response) -> dict[str, str]:
    """The fields of a search results page's form that registers the search as a request."""
    form = re.search(r'<form method="post" action="/tracing/new".*?</form>', page.text, re.S)
    assert form, "no form to register the search"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def _register(client: TestClient, **fields: str) -> Response:
    page = client.get("/tracing/new")
    data = {"csrf": field(page, "csrf"), "step": "register", **fields}
    return client.post("/tracing/new", data=data, follow_redirects=False)


def test_the_tracing_requests_lead_to_a_new_request(tracing: Pages) -> None:
    officer = tracing.browser(OFFICER)
    assert 'href="/tracing/new"' in officer.get("/tracing/cases").text
    form = officer.get("/tracing/new")
    assert form.status_code == 200 and "Nouvelle demande de recherche" in form.text
    assert "CROIX" in form.text and 'name="requester_name"' in form.text


def test_a_search_offers_to_register_its_description_posted(tracing: Pages) -> None:
    officer = tracing.browser(OFFICER)
    results = send(officer, "/tracing", **SOUGHT)
    carried = _carried_over(results)
    assert {k: carried[k] for k in SOUGHT} == SOUGHT
    assert "Fatimata" not in str(results.url)
    filled = officer.post("/tracing/new", data=carried)
    assert filled.status_code == 200
    assert 'name="given" value="Fatimata"' in filled.text.replace('id="given" ', "")
    assert 'value="Sirakoro"' in filled.text and 'name="requester_name" value=""' in filled.text


def test_registering_lands_on_the_new_request_with_its_potential_matches(
    tracing: Pages,
) -> None:
    officer = tracing.browser(OFFICER)
    sent = _register(officer, **SOUGHT, **REQUESTER)
    assert sent.status_code == 303
    assert re.fullmatch(
        r"/tracing/cases/CROIX-DR/\d{4}/\d{8}\?source=CROIX&done=registered",
        sent.headers["location"],
    )
    page = officer.get(sent.headers["location"])
    assert page.status_code == 200 and "Demande de recherche enregistrée" in page.text
    assert "Fatimata D." in page.text and "+223" not in page.text
    assert "Fatimata Diara" in officer.get("/tracing/cases").text


def test_a_refused_request_keeps_what_was_typed_and_stores_nothing(tracing: Pages) -> None:
    store = tracing.world.store
    before = store.count_records()
    officer = tracing.browser(OFFICER)
    refused = _register(officer, **SOUGHT)  # no requester
    assert refused.status_code == 422
    assert "nommez le demandeur" in refused.text and 'value="Sirakoro"' in refused.text
    assert store.count_records() == before


def test_a_sought_person_without_a_name_is_refused_as_a_search_is(tracing: Pages) -> None:
    officer = tracing.browser(OFFICER)
    refused = _register(officer, village="Sirakoro", **REQUESTER)
    assert refused.status_code == 422 and "décrivez la personne recherchée" in refused.text


def test_an_age_that_is_not_one_is_said_so(tracing: Pages) -> None:
    officer = tracing.browser(OFFICER)
    refused = _register(officer, **{**SOUGHT, "age": "beaucoup"}, **REQUESTER)
    assert refused.status_code == 422 and "Donnez l&#39;âge de la personne" in refused.text


def test_a_form_without_its_csrf_token_is_refused(tracing: Pages) -> None:
    officer = tracing.browser(OFFICER)
    sent = officer.post("/tracing/new", data={"csrf": "forged", "step": "register", **SOUGHT})
    assert sent.status_code == 403 and "CSRF" in sent.text


def test_a_reviewer_may_not_register_a_request(tracing: Pages) -> None:
    reviewer = tracing.browser("reviewer")
    assert reviewer.get("/tracing/new").status_code == 403
    sent = _register(reviewer, **SOUGHT, **REQUESTER)
    assert sent.status_code == 403


def test_an_officer_of_no_organisation_is_told_why_nothing_is_registered(tracing: Pages) -> None:
    officer = tracing.browser("tracing_officer")
    assert 'id="no-organisation"' in officer.get("/tracing/new").text
    sent = _register(officer, **SOUGHT, **REQUESTER)
    assert sent.status_code == 403 and "organisation" in sent.text
    store = tracing.world.client.app.state.service.store
    refused, _ = store.audit_rows({"action": "access_refused"})
    assert any("organisation" in row["detail"]["reason"] for row in refused)
