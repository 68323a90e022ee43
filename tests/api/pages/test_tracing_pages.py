"""The tracing pages as specifications: a tracing search as the family tells it, the
tracing-request case files, a request's potential matches confirmed or dismissed from the
page; who may open them, the search rate limit, CSRF, and never a location or a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service import Actor
from service.ratelimit import SharedLimit
from tests.api.pages.conftest import Pages, field, send
from tests.conftest import write_csv
from tests.service.test_tracingsearch import TWO_SOUGHT

SOUGHT = {"given": "Fatimata", "family": "Diara", "sex": "F", "age": "15", "village": "Sirakoro"}
CASE = "/tracing/cases/TR-5?source=CROIX"
PROTECTED = ("+223", "Centre d", "Foyer de", "Mopti", "Téléphone", "Lieu actuel")
"""Phones and current locations of the family and review worlds, and their labels."""
SLASHED = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "father_name\n"
    "Q-9,CROIX,CRM-RFL/2024/7,tracing_request,sought,Fatoumata DIARRA,F,vers 2009,Sirakoro,"
    "Bakary Diarra\n"
)


def _decision_forms(text: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+/decision)"', text)


def _decide(client: TestClient, page_text: str, decision: str, **extra: str):
    return client.post(
        _decision_forms(page_text)[0],
        data={
            "csrf": field(page_text, "csrf"),
            "source": field(page_text, "source"),
            "decision": decision,
            **extra,
        },
        follow_redirects=False,
    )


def test_a_tracing_search_ranks_persons_with_reasons(tracing: Pages) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", **SOUGHT)
    assert page.status_code == 200
    first = re.search(r'<td><a href="(/persons/[^"]+)">([^<]+)</a>', page.text)
    assert first and first.group(2) == "Fatimata D."
    assert "prénom : Fatimata ~ Fatimata" in page.text and "moins de 18 ans" in page.text


def test_a_tracing_search_speaks_the_readers_language(tracing: Pages) -> None:
    page = send(tracing.browser("tracing_officer", lang="en"), "/tracing", **SOUGHT)
    assert "Trace a person" in page.text and "given name" in page.text.lower()
    assert "under 18" in page.text and "moins de 18 ans" not in page.text


def test_the_empty_form_searches_nothing(tracing: Pages) -> None:
    page = tracing.browser("tracing_officer").get("/tracing")
    assert page.status_code == 200 and 'name="given"' in page.text
    assert "Personnes qui pourraient être la personne recherchée" not in page.text


def test_a_tracing_search_needs_a_name(tracing: Pages) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", village="Sirakoro", father="Bakary")
    assert page.status_code == 422
    assert "décrivez la personne recherchée par un nom" in page.text
    assert 'value="Sirakoro"' in page.text  # the form keeps what was typed


def test_an_age_that_is_not_a_number_is_said_so(tracing: Pages) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", given="Fatimata", age="beaucoup")
    assert page.status_code == 422 and "Donnez l&#39;âge en années" in page.text


@pytest.mark.parametrize("age", ["environ 15 ans", "quinze", "15 ans"])
def test_an_age_is_read_as_families_say_it(tracing: Pages, age: str) -> None:
    page = send(
        tracing.browser("tracing_officer"), "/tracing", given="Fatimata", family="Diara", age=age
    )
    assert page.status_code == 200 and ">Fatimata D.</a>" in page.text


def test_a_search_that_finds_no_one_says_what_to_add(tracing: Pages) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", given="Kadiatou")
    assert page.status_code == 200 and "Personne ne correspond." in page.text
    assert 'id="unfound-hint"' in page.text and "deux éléments au moins" in page.text


def test_too_many_tracing_searches_get_a_page_saying_when_to_come_back(tracing: Pages) -> None:
    service = tracing.world.client.app.state.service
    service.search_limit = SharedLimit("search", per_window=2, window=60, clock=lambda: 90.0)
    client = tracing.browser("tracing_officer")
    answers = [send(client, "/tracing", **SOUGHT) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert "Trop de demandes" in refused.text and "trop de recherches" in refused.text
    assert "Vous pourrez réessayer dans 30 secondes." in refused.text
    assert refused.headers["Retry-After"] == "30"


@pytest.mark.parametrize("who", ["tracing_officer", "caseworker@OIM", "admin"])
def test_the_tracing_pages_open_for_the_tracing_roles(tracing: Pages, who: str) -> None:
    client = tracing.browser(who)
    assert send(client, "/tracing", **SOUGHT).status_code == 200
    for url in ("/tracing", "/tracing/cases", CASE):
        assert client.get(url).status_code == 200, url
    home = client.get("/").text
    assert 'href="/tracing"' in home and 'href="/tracing/cases"' in home


def test_a_reviewer_is_refused_every_tracing_page(tracing: Pages) -> None:
    officer_page = tracing.browser("tracing_officer").get(CASE).text
    reviewer = tracing.browser("reviewer")
    for url in ("/tracing", "/tracing/cases", CASE):
        page = reviewer.get(url)
        assert page.status_code == 403 and "Non autorisé" in page.text, url
    sent = reviewer.post("/tracing", data={"csrf": field(reviewer.get("/"), "csrf"), **SOUGHT})
    assert sent.status_code == 403
    decided = reviewer.post(
        _decision_forms(officer_page)[0],
        data={"csrf": field(reviewer.get("/").text, "csrf"), "decision": "confirmed"},
    )
    assert decided.status_code == 403
    assert 'href="/tracing' not in reviewer.get("/").text


def test_the_requests_list_links_each_request_with_its_source_and_status(tracing: Pages) -> None:
    page = tracing.browser("tracing_officer").get("/tracing/cases")
    assert page.status_code == 200 and "2 demandes" in page.text
    assert f'href="{CASE}"' in page.text and "ouverte" in page.text


def test_the_requests_list_is_paged(tracing: Pages, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.pages.tracing.CASES_PAGE", 1)
    client = tracing.browser("tracing_officer")
    first, second = client.get("/tracing/cases"), client.get("/tracing/cases?page=1")
    cases = [re.findall(r'class="case">([^<]+)<', p.text) for p in (first, second)]
    assert len(cases[0]) == len(cases[1]) == 1 and cases[0] != cases[1]
    assert 'href="?page=1"' in first.text and 'href="?page=0"' in second.text


def test_a_request_lists_its_potential_matches_to_confirm_or_dismiss(tracing: Pages) -> None:
    page = tracing.browser("tracing_officer").get(CASE)
    assert page.status_code == 200 and "Demande de recherche TR-5" in page.text
    assert "Fatoumata D." in page.text and "père : Bakari Diara ~ Bakary Diarra" in page.text
    assert _decision_forms(page.text) and "non décidée" in page.text
    assert 'value="confirmed"' in page.text and 'value="dismissed"' in page.text


def test_confirming_a_match_from_the_page_matches_the_request(tracing: Pages) -> None:
    client = tracing.browser("tracing_officer")
    answer = _decide(client, client.get(CASE).text, "confirmed", note="vu avec la mère")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{CASE}&done=confirmed"
    after = client.get(answer.headers["location"])
    assert "Correspondance confirmée" in after.text and 'id="status">aboutie' in after.text
    assert ". La demande a abouti. Rien de la personne" in after.text  # sentences apart
    assert len(_decision_forms(after.text)) == 1  # the confirmed match only
    listed = client.get("/tracing/cases").text
    assert re.search(r"TR-5</a>.*?aboutie", listed, re.S)


def test_dismissing_the_confirmed_match_reopens_the_request(tracing: Pages) -> None:
    client = tracing.browser("tracing_officer")
    _decide(client, client.get(CASE).text, "confirmed")
    answer = _decide(client, client.get(CASE).text, "dismissed")
    after = client.get(answer.headers["location"])
    assert "Correspondance écartée." in after.text and 'id="status">ouverte' in after.text
    assert "écartée</span>" in after.text


def test_a_decision_without_the_form_token_is_refused_and_changes_nothing(
    tracing: Pages,
) -> None:
    client = tracing.browser("tracing_officer")
    page = client.get(CASE).text
    answer = client.post(
        _decision_forms(page)[0],
        data={"csrf": "forged", "source": "CROIX", "decision": "confirmed"},
    )
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert 'id="status">ouverte' in client.get(CASE).text


def test_a_case_id_with_slashes_has_its_page_and_its_decisions(
    tracing: Pages, tmp_path: Path
) -> None:
    service = tracing.world.client.app.state.service
    assert service.import_file(write_csv(tmp_path / "slashed.csv", SLASHED)).ok
    client = tracing.browser("tracing_officer")
    url = "/tracing/cases/CRM-RFL/2024/7?source=CROIX"
    assert f'href="{url}"' in client.get("/tracing/cases").text
    page = client.get(url)
    assert page.status_code == 200 and "Demande de recherche CRM-RFL/2024/7" in page.text
    answer = _decide(client, page.text, "confirmed")
    assert answer.status_code == 303 and answer.headers["location"] == f"{url}&done=confirmed"


def test_an_unknown_request_is_a_page_saying_so(tracing: Pages) -> None:
    page = tracing.browser("tracing_officer").get("/tracing/cases/NOPE")
    assert page.status_code == 404 and "Introuvable" in page.text


def test_no_tracing_page_shows_a_location_or_a_phone(tracing: Pages) -> None:
    client = tracing.browser("caseworker@OIM")  # sees OIM's protected fields elsewhere
    seen = [send(client, "/tracing", **SOUGHT), send(client, "/tracing", name="Aminata Traore")]
    seen.append(client.get("/tracing/cases"))
    seen.append(client.get(CASE))
    decided = _decide(client, seen[-1].text, "confirmed")
    seen.append(client.get(decided.headers["location"]))
    for page in seen:
        assert page.status_code == 200
        assert not [word for word in PROTECTED if word in page.text], page.url


def test_with_two_sought_children_the_officer_says_which_one_a_match_is(
    tracing: Pages, tmp_path: Path
) -> None:
    service = tracing.world.client.app.state.service
    assert service.import_file(write_csv(tmp_path / "two.csv", TWO_SOUGHT)).ok
    client = tracing.browser("tracing_officer")
    page = client.get("/tracing/cases/TR-7?source=CROIX")
    assert page.status_code == 200 and 'name="sought_record_id"' in page.text
    (girl,) = tracing.world.store.find_record("V-1")
    action = f"/tracing/cases/TR-7/matches/{girl.entity_id}/decision"
    answer = client.post(
        action,
        data={
            "csrf": field(page, "csrf"),
            "source": "CROIX",
            "sought_record_id": "W-3",
            "decision": "confirmed",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    found = service.tracing_matches(Actor.operator("test"), "TR-7", source="CROIX")["matches"]
    assert [m["sought_record_id"] for m in found if m["entity_id"] == str(girl.entity_id)] == [
        "W-3"
    ]
    after = client.get(answer.headers["location"]).text
    assert "Correspondance confirmée pour Seydu DIARA." in after
    assert "La demande reste ouverte pour les autres personnes recherchées." in after
    assert "Personne recherchée : Fatimata DIARA" in after
    assert "Personne recherchée : Seydu DIARA" in after


def test_the_request_list_links_each_person_found_by_the_sought_record(
    tracing: Pages, tmp_path: Path
) -> None:
    service = tracing.world.client.app.state.service
    assert service.import_file(write_csv(tmp_path / "two.csv", TWO_SOUGHT)).ok
    operator = Actor.operator("test")
    found = service.tracing_matches(operator, "TR-7", source="CROIX")["matches"]
    best = {m["sought_record_id"]: m["entity_id"] for m in reversed(found)}
    for sought, person in best.items():
        service.decide_tracing_match(
            operator, "TR-7", person, "confirmed", source="CROIX", sought_record_id=sought
        )

    listed = tracing.browser("tracing_officer").get("/tracing/cases").text

    assert "Ouvrir la personne trouvée pour la fiche W-2" in listed
    assert "Ouvrir la personne trouvée pour la fiche W-3" in listed


@pytest.mark.parametrize("age", ["16-18 ans", "plus de 15 ans", "entre 15 et 18 ans"])
def test_a_tracing_search_reads_an_age_range(tracing: Pages, age: str) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", **{**SOUGHT, "age": age})
    assert page.status_code == 200 and "prénom : Fatimata ~ Fatimata" in page.text


def test_a_suspect_among_the_results_carries_a_warning(tracing: Pages) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", given="Drissa", family="Diarra")
    row = re.search(r"<tr class=\"suspect\"><td>(.*?)</td>", page.text)
    assert row and "Drissa D." in row.group(1)
    assert "cité(e) comme suspect(e) dans un dossier" in row.group(1)


def test_the_page_of_a_person_named_as_a_suspect_warns_its_reader(tracing: Pages) -> None:
    store = tracing.world.client.app.state.service.store
    (uncle,) = store.find_record("U-1", "DNPEF")
    (girl,) = store.find_record("V-1", "DNPEF")
    client = tracing.browser("tracing_officer")
    warned = client.get(f"/persons/{uncle.entity_id}").text
    assert 'id="named-suspect"' in warned and "ne lui confiez jamais un enfant" in warned
    assert 'id="named-suspect"' not in client.get(f"/persons/{girl.entity_id}").text


def test_a_decision_on_a_match_says_who_took_it_when_and_why(tracing: Pages) -> None:
    client = tracing.browser("tracing_officer")
    decided = _decide(client, client.get(CASE).text, "confirmed", note="Reconnue par sa mère")
    page = client.get(decided.headers["location"]).text
    said = re.search(r'<p class="meta decided">(.*?)</p>', page, re.S)
    assert said and "Reconnue par sa mère" in said.group(1)
    user = tracing.world.client.get("/me", headers=tracing.world.headers("tracing_officer"))
    assert user.json()["name"] in said.group(1)


def test_the_list_of_requests_names_the_person_each_seeks(tracing: Pages) -> None:
    page = tracing.browser("tracing_officer").get("/tracing/cases").text
    row = re.search(
        r'class="case">TR-5</a></td><td data-label="Personne recherchée">([^<]*)<', page
    )
    assert row and row.group(1) == "Fatimata DIARA"


def test_a_sought_name_in_arabic_script_is_told_to_be_written_in_latin_letters(
    tracing: Pages,
) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", given="فاطمة", family="Diarra")
    assert "Personne ne correspond." in page.text and "en lettres latines" in page.text
