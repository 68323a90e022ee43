"""The pages as specifications: sign-in, roles, CSRF, names in the queue, deciding with the
ETag a page carries, the person view with its revert, family and assessment, protected
fields, French by default and English on choice."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.pages.web import local_path
from service import Service
from service.context import PURPOSE_MIN_LENGTH
from service.relinking import relink_all
from tests.api.outdated import correct_the_childs_record
from tests.api.pages.conftest import Pages, field, send, sign_in, state_purpose
from tests.api.test_review import UNDATED
from tests.conftest import write_csv


def _decide(client: TestClient, page_text: str, suggestion: object, decision: str, **extra: str):
    return client.post(
        f"/review/{suggestion}/decide",
        data={
            "csrf": field(page_text, "csrf"),
            "etag": field(page_text, "etag"),
            "decision": decision,
            **extra,
        },
        follow_redirects=False,
    )


def test_the_home_page_speaks_french_and_offers_sign_in(pages: Pages) -> None:
    page = TestClient(pages.world.client.app).get("/")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text and "Se connecter" in page.text


def test_sign_in_keeps_a_session_not_the_token_in_an_http_only_strict_cookie(
    pages: Pages,
) -> None:
    client = TestClient(pages.world.client.app)
    token = pages.world.headers("reviewer")["Authorization"].removeprefix("Bearer ")
    answer = sign_in(client, token)
    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 303
    assert "nrm_session=nrs_" in cookie and token not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_an_unknown_token_is_refused_with_a_message(pages: Pages) -> None:
    answer = sign_in(TestClient(pages.world.client.app), "nrm_not-a-token")
    assert answer.status_code == 401
    assert "Ce jeton est inconnu ou révoqué." in answer.text


def test_sign_in_without_the_form_token_is_refused(pages: Pages) -> None:
    client = TestClient(pages.world.client.app)
    token = pages.world.headers("reviewer")["Authorization"].removeprefix("Bearer ")
    answer = client.post("/signin", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 403 and "nrm_session" not in answer.headers.get("set-cookie", "")


def test_a_page_without_a_session_sends_to_sign_in(pages: Pages) -> None:
    answer = TestClient(pages.world.client.app).get("/review", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/signin?next=/review"


def test_sign_out_ends_the_session(pages: Pages) -> None:
    client = pages.browser("reviewer")
    home = client.get("/")
    out = client.post("/signout", data={"csrf": field(home, "csrf")}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_sign_out_ends_the_session_for_a_copy_of_its_cookie_too(pages: Pages) -> None:
    """A cookie copied from a shared computer in a field office opens nothing once its
    user signed out."""
    client = pages.browser("reviewer")
    home = client.get("/")
    copy = TestClient(pages.world.client.app, cookies=dict(client.cookies))
    assert copy.get("/review", follow_redirects=False).status_code == 200
    client.post("/signout", data={"csrf": field(home, "csrf")}, follow_redirects=False)
    assert copy.get("/review", follow_redirects=False).status_code == 303


def test_rotating_the_token_ends_its_page_sessions(pages: Pages) -> None:
    client = pages.browser("reviewer")
    assert client.get("/review", follow_redirects=False).status_code == 200
    pages.world.store.rotate_token("reviewer")
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_a_session_idle_too_long_ends(pages: Pages, monkeypatch: pytest.MonkeyPatch) -> None:
    client = pages.browser("reviewer")
    assert client.get("/review", follow_redirects=False).status_code == 200
    monkeypatch.setattr("service.sessions.IDLE", timedelta(0))
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_the_home_page_links_what_each_role_may_do(pages: Pages) -> None:
    reviewer = pages.browser("reviewer").get("/").text
    officer = pages.browser("tracing_officer").get("/").text
    assert 'href="/review"' in reviewer and 'href="/find"' not in reviewer
    assert 'href="/find"' in officer and 'href="/review"' not in officer


def test_the_home_page_promises_the_assessment_only_to_who_may_open_it(pages: Pages) -> None:
    officer = pages.browser("tracing_officer").get("/").text
    caseworker = pages.browser("caseworker").get("/").text
    assert "évaluation du retour" not in officer and "Puis ses fiches et sa famille" in officer
    assert "évaluation du retour" in caseworker


def test_the_queue_names_both_persons(pages: Pages) -> None:
    page = pages.browser("reviewer").get("/review")
    assert page.status_code == 200
    names = re.findall(r'class="name">([^<]*)<', page.text)
    assert "COULIBALY Awa" in names and "KULIBALI Awa" in names
    assert "3 suggestions" in page.text


def test_a_role_outside_the_queue_gets_a_refusal_page(pages: Pages) -> None:
    page = pages.browser("tracing_officer").get("/review")
    assert page.status_code == 403 and "Non autorisé" in page.text


def test_a_suggestion_shows_each_fields_reason_and_the_form_carries_its_etag(
    pages: Pages,
) -> None:
    suggestion = pages.world.suggestions["adult"]
    page = pages.browser("reviewer").get(f"/review/{suggestion}")
    assert page.status_code == 200
    assert "Pourquoi : champ par champ" in page.text and "nom" in page.text
    assert field(page, "etag") == pages.world.etag("adult")
    assert 'data-key="m"' in page.text and 'data-key="n"' in page.text


def test_a_decision_from_the_page_is_recorded_and_leads_to_the_next(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}")
    answer = _decide(client, page.text, suggestion, "non_match")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/review/next")
    stored = pages.world.store.get_suggestion(suggestion)
    assert stored is not None and stored["status"] == "rejected"


def test_a_stale_page_gets_a_conflict_message_not_an_error(pages: Pages) -> None:
    suggestion = pages.world.suggestions["adult"]
    first, second = pages.browser("reviewer"), pages.browser("reviewer2")
    page_one, page_two = first.get(f"/review/{suggestion}"), second.get(f"/review/{suggestion}")
    assert _decide(first, page_one.text, suggestion, "match").status_code == 303
    stale = _decide(second, page_two.text, suggestion, "non_match")
    assert stale.status_code == 409
    assert "Cette suggestion a changé depuis que vous l&#39;avez ouverte" in stale.text
    assert "confirmée" in stale.text  # the page shows it as it is now


def test_a_page_on_records_an_import_changed_says_so_and_decides_nothing(
    pages: Pages, tmp_path: Path
) -> None:
    suggestion = pages.world.suggestions["child"]
    client = pages.browser("reviewer")
    page = client.get(f"/review/{suggestion}")
    correct_the_childs_record(Service(pages.world.store), tmp_path)

    stale = _decide(client, page.text, suggestion, "non_match")

    assert stale.status_code == 409
    assert "Un import a changé ces fiches depuis que vous les avez ouvertes" in stale.text
    stored = pages.world.store.get_suggestion(suggestion)
    assert stored is not None and stored["status"] == "pending"


def test_a_decision_without_the_form_token_is_refused_and_changes_nothing(
    pages: Pages,
) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}")
    answer = client.post(
        f"/review/{suggestion}/decide",
        data={"etag": field(page, "etag"), "decision": "match", "csrf": "forged"},
    )
    assert answer.status_code == 403 and "CSRF" in answer.text
    stored = pages.world.store.get_suggestion(suggestion)
    assert stored is not None and stored["status"] == "pending"


def test_the_four_eyes_queue_lists_a_childs_merge_confirmed_once(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["child"]
    page = client.get(f"/review/{suggestion}")
    assert _decide(client, page.text, suggestion, "match").status_code == 303
    second = pages.browser("reviewer2").get("/review/second")
    assert f"/review/{suggestion}" in second.text and "1 confirmation" in second.text
    assert f"/review/{suggestion}" not in client.get("/review").text


def test_the_four_eyes_queue_leaves_out_the_reviewers_own_confirmations(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["child"]
    assert _decide(client, client.get(f"/review/{suggestion}").text, suggestion, "match")
    assert f"/review/{suggestion}" not in client.get("/review/second").text
    own = client.get(f"/review/{suggestion}?queue=second").text
    assert 'id="yours"' in own and 'id="decide-match"' not in own
    assert 'id="decide-non-match"' in own  # a reviewer may still undo their own mistake


def test_a_child_s_first_confirmation_says_a_second_reviewer_must_confirm(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["child"]
    answer = _decide(client, client.get(f"/review/{suggestion}").text, suggestion, "match")
    assert answer.headers["location"] == "/review/next?done=first_confirmation"
    shown = client.get(answer.headers["location"]).text
    assert "un second relecteur doit confirmer" in shown


def test_the_minor_queue_lists_a_pair_whose_person_no_record_dates_with_its_banner(
    pages: Pages, tmp_path: Path
) -> None:
    store = pages.world.store
    service = pages.world.client.app.state.service
    assert service.import_file(write_csv(tmp_path / "undated.csv", UNDATED)).ok
    with store.review_transaction() as tx:
        pair = tx.suggestion_for_pair(
            store.find_record("U-1")[0].id, store.find_record("U-2")[0].id
        )
    assert pair is not None
    client = pages.browser("reviewer")
    assert f"/review/{pair['id']}" in client.get("/review?minor=yes").text
    assert f"/review/{pair['id']}" not in client.get("/review?minor=no").text
    assert "mineur : deux réviseurs" in client.get(f"/review/{pair['id']}").text


def test_a_pair_already_one_person_says_a_rejection_will_split_it(pages: Pages) -> None:
    world = pages.world
    assert world.link("A-1", "T-1").status_code == 201
    assert world.link("T-1", "A-2").status_code == 201
    page = pages.browser("reviewer").get(f"/review/{world.suggestions['adult']}").text
    assert 'id="one-person"' in page and "séparera cette personne" in page


def test_a_second_reviewer_stays_in_the_four_eyes_queue(pages: Pages) -> None:
    first = pages.browser("reviewer")
    suggestion = pages.world.suggestions["child"]
    assert _decide(first, first.get(f"/review/{suggestion}").text, suggestion, "match")
    second = pages.browser("reviewer2")
    listed = second.get("/review/second").text
    assert f'href="/review/{suggestion}?queue=second"' in listed
    page = second.get(f"/review/{suggestion}?queue=second").text
    answer = _decide(second, page, suggestion, "match", queue="second")
    assert answer.headers["location"] == "/review/next?done=match&queue=second"
    emptied = second.get(answer.headers["location"], follow_redirects=False)
    assert emptied.headers["location"].startswith("/review/second?empty=1")
    shown = second.get(emptied.headers["location"]).text
    assert (
        shown.count("Aucune suggestion n&#39;attend dans cette file.")
        + shown.count("Aucune suggestion n'attend dans cette file.")
        == 1
    )


def _merged_person(pages: Pages) -> tuple[TestClient, str]:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    assert _decide(client, client.get(f"/review/{suggestion}").text, suggestion, "match")
    record = pages.world.store.get_record(pages.world.records["A-1"])
    assert record is not None and record.entity_id is not None
    return client, str(record.entity_id)


def test_a_person_seen_minimally_shows_the_birth_years_never_a_day(pages: Pages) -> None:
    _, person = _merged_person(pages)
    page = pages.browser("tracing_officer@ONG-B").get(f"/persons/{person}").text
    row = re.search(r'<tr><th scope="row">Date de naissance</th><td>([^<]*)', page)
    assert row and row.group(1) in ("1990", "1989–1993")


def test_the_person_view_shows_records_and_history_and_reverts_a_merge(pages: Pages) -> None:
    client, person = _merged_person(pages)
    page = client.get(f"/persons/{person}")
    assert page.status_code == 200 and "A-1" in page.text and "A-2" in page.text
    answer = client.post(
        f"/persons/{person}/revert",
        data={
            "csrf": field(page, "csrf"),
            "decision": field(page, "decision"),
            "reason": "deux personnes",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    first = pages.world.store.get_record(pages.world.records["A-1"])
    second = pages.world.store.get_record(pages.world.records["A-2"])
    assert first is not None and second is not None
    assert first.entity_id is None or first.entity_id != second.entity_id
    after = client.get(answer.headers["location"])
    assert "La décision a été annulée" in after.text


def test_after_a_split_the_history_names_the_other_record_and_the_reasons(
    pages: Pages,
) -> None:
    relink_all(pages.world.store)  # every record a person; one of them
    answer = pages.world.link("A-1", "A-2", "unlink", note="pas la même mère")
    assert answer.status_code == 201, answer.text
    store = pages.world.store
    shown, other = (store.get_record(pages.world.records[r]) for r in ("A-1", "A-2"))
    assert shown is not None and other is not None
    assert None not in (shown.entity_id, other.entity_id) and shown.entity_id != other.entity_id
    page = pages.browser("reviewer").get(f"/persons/{shown.entity_id}").text
    history = page.split('<ol class="history">')[1]
    assert "« pas la même mère »" in history  # the reviewer sees every record minimally
    assert f'<a href="/persons/{other.entity_id}">ONG-A · A-2</a>' in history
    assert "une autre personne désormais" in history and str(other.id)[:8] not in history


def test_a_revert_reason_of_one_letter_is_refused_as_over_the_api(pages: Pages) -> None:
    client, person = _merged_person(pages)
    page = client.get(f"/persons/{person}")
    answer = client.post(
        f"/persons/{person}/revert",
        data={"csrf": field(page, "csrf"), "decision": field(page, "decision"), "reason": "x"},
    )
    assert answer.status_code == 422 and "dites pourquoi vous annulez" in answer.text
    assert "La décision a été annulée" not in answer.text


def test_undoing_a_childs_merge_says_the_pair_needs_two_confirmations_again(
    pages: Pages,
) -> None:
    suggestion = pages.world.suggestions["child"]
    for who in ("reviewer", "reviewer2"):
        client = pages.browser(who)
        assert _decide(client, client.get(f"/review/{suggestion}").text, suggestion, "match")
    record = pages.world.store.get_record(pages.world.records["K-1"])
    assert record is not None and record.entity_id is not None
    page = client.get(f"/persons/{record.entity_id}")
    merge = re.findall(r'name="decision" value="([^"]+)"', page.text)[-1]  # the second
    answer = client.post(
        f"/persons/{record.entity_id}/revert",
        data={"csrf": field(page, "csrf"), "decision": merge, "reason": "pas le même père"},
    )
    assert "la paire attend de nouveau deux confirmations" in answer.text
    assert f"/review/{suggestion}" not in pages.browser("reviewer").get("/review/second").text


def test_the_person_view_writes_dates_as_french_does(pages: Pages) -> None:
    _, person = _merged_person(pages)
    page = pages.browser("caseworker@OIM").get(f"/persons/{person}").text
    assert "1 mars 2024" in page and "2024-03-01" not in page  # registered on
    assert re.search(r"\d{1,2} [a-zéû]+\.? \d{4} à \d{2}:\d{2} · ", page)  # the decision's time


def test_a_revert_needs_a_reason(pages: Pages) -> None:
    client, person = _merged_person(pages)
    page = client.get(f"/persons/{person}")
    answer = client.post(
        f"/persons/{person}/revert",
        data={"csrf": field(page, "csrf"), "decision": field(page, "decision"), "reason": " "},
    )
    assert answer.status_code == 422 and "Dites pourquoi" in answer.text


def test_protected_fields_show_only_to_the_recording_organisations_caseworker(
    pages: Pages,
) -> None:
    _, person = _merged_person(pages)
    own = pages.browser("caseworker@OIM").get(f"/persons/{person}").text
    other = pages.browser("caseworker@UNICEF").get(f"/persons/{person}").text
    reviewer = pages.browser("reviewer").get(f"/persons/{person}").text
    assert "+223 70 00 00 01" in own and "Centre d&#39;accueil de Mopti" in own
    assert "+223 70 00 00 02" not in own  # ONG-A recorded that one
    for text in (other, reviewer):
        assert "+223" not in text and "Mopti" not in text and "Foyer de Gao" not in text


def test_another_organisations_case_shows_only_once_its_reader_says_why(pages: Pages) -> None:
    """A page never states a purpose for its reader: the minimal view (no village), and a
    form to say why; then the case view (still no phone), the purpose in the audit."""
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    minimal = other.get(f"/persons/{person}")
    assert "Sirakoro" not in minimal.text and 'name="purpose"' in minimal.text
    stated = state_purpose(other, minimal, "retour prévu à Kati").text
    assert "Sirakoro" in stated and "+223" not in stated
    assert "Motif indiqué" in stated
    rows, _ = pages.world.store.audit_rows({"object_type": "entity"})
    assert "retour prévu à Kati" in {r["purpose"] for r in rows}


def test_another_organisations_assessment_asks_why_first(pages: Pages) -> None:
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    asked = other.get(f"/persons/{person}/assessment")
    assert asked.status_code == 403 and 'name="purpose"' in asked.text
    stated = state_purpose(other, asked, "retour prévu à Kati")
    assert stated.status_code == 200 and "un retour est sûr" in stated.text


def test_a_link_cannot_state_a_purpose_for_its_reader(pages: Pages) -> None:
    """A purpose counts only with this session's form token: a link made by someone else
    opens the minimal view, and the audit trail holds no purpose the reader never typed."""
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    crafted = other.get(
        f"/persons/{person}", params={"purpose": "lien reçu par courriel", "csrf": "x"}
    )
    assert "Sirakoro" not in crafted.text and "Motif indiqué" not in crafted.text
    rows, _ = pages.world.store.audit_rows({"object_type": "entity"})
    assert "lien reçu par courriel" not in {r["purpose"] for r in rows}


def test_a_stated_purpose_never_travels_in_a_url(pages: Pages) -> None:
    """The purpose and the form token go in a posted form and come back as a cookie
    scoped to the person's pages: neither the access log nor the history holds them."""
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    asked = other.get(f"/persons/{person}")
    said = {
        "csrf": field(asked, "csrf"),
        "next": field(asked, "next"),
        "purpose": "retour prévu à Kati",
    }
    answer = other.post("/purpose", data=said, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/persons/{person}"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Max-Age" not in cookie and "retour prévu" not in cookie
    family = other.get(f"/persons/{person}/family")
    assert "Motif indiqué" in family.text and "purpose=" not in family.text


def test_a_purpose_opens_only_the_person_it_was_stated_for(pages: Pages) -> None:
    world = pages.world
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    state_purpose(other, other.get(f"/persons/{person}"), "retour prévu à Kati")
    stranger = world.store.get_record(world.records["T-1"])
    assert stranger is not None and str(stranger.entity_id) != person
    elsewhere = other.get(f"/persons/{stranger.entity_id}")
    assert "Motif indiqué" not in elsewhere.text


def test_a_purpose_is_stated_for_one_persons_pages_only(pages: Pages) -> None:
    """A purpose cannot be stretched over every person (`next=/persons`), nor slip a
    cookie attribute in with its page."""
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    asked = other.get(f"/persons/{person}")
    for target in ("/persons", "/persons/", f"/persons/{person}x", "/find; Max-Age=99999"):
        said = {"csrf": field(asked, "csrf"), "next": target, "purpose": "retour prévu à Kati"}
        refused = other.post("/purpose", data=said, follow_redirects=False)
        assert refused.status_code == 400 and "set-cookie" not in refused.headers


def test_a_tampered_or_expired_purpose_states_nothing(
    pages: Pages, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    state_purpose(other, other.get(f"/persons/{person}"), "retour prévu à Kati")
    (sent,) = [c for c in other.cookies.jar if c.name == "nrm_purpose"]
    other.cookies.delete("nrm_purpose")
    tampered = sent.value[:-1] + ("0" if sent.value[-1] != "0" else "1")
    other.cookies.set("nrm_purpose", tampered, domain=sent.domain, path=sent.path)
    assert "Motif indiqué" not in other.get(f"/persons/{person}").text
    monkeypatch.setattr("api.pages.web.PURPOSE_SECONDS", -1)
    state_purpose(other, other.get(f"/persons/{person}"), "retour prévu à Kati")
    assert "Motif indiqué" not in other.get(f"/persons/{person}").text


def test_signing_out_forgets_the_stated_purpose(pages: Pages) -> None:
    world = pages.world
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    state_purpose(other, other.get(f"/persons/{person}"), "retour prévu à Kati")
    (kept,) = [c for c in other.cookies.jar if c.name == "nrm_purpose"]
    home = other.get("/")
    other.post("/signout", data={"csrf": field(home, "csrf")})
    assert "nrm_purpose" not in other.cookies
    token = world.headers("caseworker@UNICEF")["Authorization"].removeprefix("Bearer ")
    assert sign_in(other, token).status_code == 303
    assert "Motif indiqué" not in other.get(f"/persons/{person}").text
    other.cookies.set("nrm_purpose", kept.value, domain=kept.domain, path=kept.path)
    assert "Motif indiqué" not in other.get(f"/persons/{person}").text  # an earlier sign-in's


def test_a_purpose_of_a_keystroke_opens_nothing_and_says_why(pages: Pages) -> None:
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    asked = other.get(f"/persons/{person}")
    assert f'minlength="{PURPOSE_MIN_LENGTH}"' in asked.text
    refused = state_purpose(other, asked, ".")
    assert refused.status_code == 422 and "dites en quelques mots pourquoi" in refused.text
    assert 'name="purpose"' in refused.text and "nrm_purpose" not in other.cookies
    assert "Sirakoro" not in other.get(f"/persons/{person}").text


def test_a_purpose_posted_without_the_form_token_is_refused(pages: Pages) -> None:
    _, person = _merged_person(pages)
    other = pages.browser("caseworker@UNICEF")
    data = {"csrf": "x", "next": f"/persons/{person}", "purpose": "lien reçu par courriel"}
    refused = other.post("/purpose", data=data, follow_redirects=False)
    assert refused.status_code == 403 and "set-cookie" not in refused.headers


def test_a_suggestion_page_hides_protected_fields_from_reviewers(pages: Pages) -> None:
    page = pages.browser("reviewer").get(f"/review/{pages.world.suggestions['adult']}")
    assert "+223" not in page.text and "Mopti" not in page.text


def test_family_and_assessment_follow_the_tracing_roles(pages: Pages) -> None:
    _, person = _merged_person(pages)
    assert pages.browser("reviewer").get(f"/persons/{person}/family").status_code == 403
    family = pages.browser("tracing_officer").get(f"/persons/{person}/family")
    assert family.status_code == 200 and "Fiche familiale" in family.text
    assert pages.browser("tracing_officer").get(f"/persons/{person}/assessment").status_code == 403
    assessment = pages.browser("caseworker@OIM").get(f"/persons/{person}/assessment")
    assert assessment.status_code == 200 and "un retour est sûr" in assessment.text


def test_english_on_choice_through_the_switch(pages: Pages) -> None:
    page = pages.browser("reviewer", lang="en").get("/review")
    assert '<html lang="en">' in page.text and "Review queue" in page.text


def test_english_from_the_browsers_language(pages: Pages) -> None:
    page = pages.browser("reviewer").get("/review", headers={"Accept-Language": "en-GB,en"})
    assert "Review queue" in page.text


def test_the_switch_never_sends_to_another_site() -> None:
    assert local_path("//evil.example/x") == "/"
    assert local_path("https://evil.example/") == "/"
    assert local_path("/review?page=2") == "/review?page=2"


def test_pages_stay_out_of_the_api_document(pages: Pages) -> None:
    paths = pages.world.client.get("/openapi.json").json()["paths"]
    assert not any(p == "/" or p.startswith(("/review", "/persons", "/exports")) for p in paths)


def test_the_api_documentation_loads_nothing_from_elsewhere(pages: Pages) -> None:
    client = TestClient(pages.world.client.app)
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower() and "/static/swagger/swagger-ui-bundle.js" in docs
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/swagger/swagger-ui.css").status_code == 200


def test_skipping_walks_the_queue_one_suggestion_further_each_time(pages: Pages) -> None:
    client = pages.browser("reviewer")
    seen = []
    page = client.get("/review/next")
    for _ in range(3):
        seen.append(str(page.url).split("?")[0].rsplit("/", 1)[1])
        page = client.get(re.search(r'href="(/review/next\?skip=\d+)"', page.text).group(1))
    assert sorted(seen) == sorted(str(s) for s in pages.world.suggestions.values())
    assert "Aucune suggestion n'attend dans cette file." in page.text


def test_an_unknown_person_is_a_page_saying_so(pages: Pages) -> None:
    page = pages.browser("reviewer").get("/persons/00000000-0000-4000-8000-000000000000")
    assert page.status_code == 404 and "Introuvable" in page.text


def test_the_session_cookie_is_secure_over_https(pages: Pages) -> None:
    client = TestClient(pages.world.client.app, base_url="https://nrm.example")
    token = pages.world.headers("reviewer")["Authorization"].removeprefix("Bearer ")
    assert "Secure" in sign_in(client, token).headers["set-cookie"]


def test_flags_are_the_caseworkers_and_tracing_officers(pages: Pages) -> None:
    assert pages.browser("reviewer").get("/flagged").status_code == 403
    page = pages.browser("caseworker@OIM").get("/flagged?flag=possible_retrafficking")
    assert page.status_code == 200 and "Signalements" in page.text
    assert 'href="/flagged"' in pages.browser("tracing_officer").get("/").text


def test_no_page_shadows_an_api_route(pages: Pages) -> None:
    app = pages.world.client.app
    api = set(pages.world.client.get("/openapi.json").json()["paths"])
    page_paths = {
        getattr(r, "path", "") for r in app.routes if not getattr(r, "include_in_schema", True)
    }
    assert page_paths and not page_paths & api


def test_a_mistyped_address_is_a_page_not_json(pages: Pages) -> None:
    page = pages.browser("reviewer").get("/persons/not-a-person")
    assert page.status_code == 404 and "Cette adresse ne mène à aucune page." in page.text


def test_a_name_written_as_a_pattern_is_said_above_the_form_that_keeps_it(pages: Pages) -> None:
    page = send(pages.browser("caseworker"), "/find", name="a*")
    assert page.status_code == 422 and 'value="a*"' in page.text and 'role="alert"' in page.text


def test_a_name_of_one_letter_is_a_message_not_an_empty_page(pages: Pages) -> None:
    page = send(pages.browser("caseworker"), "/find", name="A")
    assert page.status_code == 422 and "au moins deux lettres" in page.text


@pytest.mark.parametrize("year", ["99999", "99999999999999999999999", "12a"])
def test_a_birth_year_out_of_range_is_a_message_not_an_error(pages: Pages, year: str) -> None:
    page = send(pages.browser("caseworker"), "/find", name="Traoré", birth_year=year)
    assert page.status_code == 422 and "une date de naissance d&#39;une seule année" in page.text


@pytest.mark.parametrize("path", ["/flagged", "/tracing/cases", "/review"])
def test_a_page_number_no_list_has_is_a_missing_page_not_an_error(pages: Pages, path: str) -> None:
    page = pages.browser("admin").get(path, params={"page": str(2**63 - 1)})
    assert page.status_code == 404  # as any forged parameter of a page


def test_an_address_typed_wrong_in_a_browser_gets_the_french_page(pages: Pages) -> None:
    browser = pages.browser("reviewer")
    page = browser.get("/nowhere", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and "Cette adresse ne mène à aucune page." in page.text
    api = browser.get("/nowhere", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json() == {"detail": "Introuvable"}


def test_signing_in_again_ends_the_session_the_browser_held(pages: Pages) -> None:
    """On a shared computer, the next user's sign-in closes the one before, even for a
    copy of its cookie."""
    client = pages.browser("reviewer")
    copy = TestClient(pages.world.client.app, cookies=dict(client.cookies))
    token = pages.world.headers("tracing_officer")["Authorization"].removeprefix("Bearer ")
    sign_in(client, token)
    assert copy.get("/review", follow_redirects=False).status_code == 303


def test_signing_out_of_an_ended_session_still_clears_the_browser(pages: Pages) -> None:
    client = pages.browser("reviewer")
    home = client.get("/")
    pages.world.store.rotate_token("reviewer")
    out = client.post("/signout", data={"csrf": field(home, "csrf")}, follow_redirects=False)
    assert out.status_code == 303 and 'nrm_session=""' in out.headers.get("set-cookie", "")


def test_a_reviewer_reads_how_often_the_engine_is_right_on_the_queues_random_share(
    pages: Pages,
) -> None:
    queue = pages.browser("reviewer").get("/review").text
    assert 'href="/review/calibration"' in queue
    page = pages.browser("reviewer").get("/review/calibration")
    assert page.status_code == 200
    assert "Le moteur a-t-il raison ?" in page.text
    assert "0,1 – 0,2" in page.text and "aucune décision encore" in page.text


def test_the_calibration_page_is_refused_outside_the_review_roles(pages: Pages) -> None:
    page = pages.browser("tracing_officer").get("/review/calibration")
    assert page.status_code == 403


@pytest.mark.parametrize("born", ["2009", "06/2009", "juin 2009", "12/03/2009"])
def test_a_birth_year_may_be_given_as_a_date_of_that_year(tracing: Pages, born: str) -> None:
    page = send(tracing.browser("caseworker"), "/find", name="Fatoumata Diarra", birth_year=born)
    assert page.status_code == 200 and ">Fatoumata D.</a>" in page.text


def test_a_name_search_says_why_each_person_is_listed(tracing: Pages) -> None:
    page = send(tracing.browser("caseworker"), "/find", name="Fatoumata Diarra")
    assert "<th>Raisons</th>" in page.text and "prénom : Fatoumata ~ Fatoumata" in page.text


def test_the_icon_browsers_ask_for_is_served(pages: Pages) -> None:
    client = pages.browser("reviewer")
    asked = client.get("/favicon.ico", follow_redirects=False)
    assert asked.status_code == 301 and asked.headers["location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


def test_a_name_in_arabic_script_is_told_to_be_written_in_latin_letters(tracing: Pages) -> None:
    page = send(tracing.browser("caseworker"), "/find", name="فاطمة سانوغو")
    assert 'id="unfound-hint"' in page.text and "en lettres latines" in page.text
