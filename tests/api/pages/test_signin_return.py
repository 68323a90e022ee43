"""Signing in, then back: a page asked for keeps its query; a form sent after its session
ended (idle, or signed out in another tab) is not sent, and the reader comes back, signed
in, to the page it was on, told to send it again; a form's address opened as a page leads
to its page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import update

from models.tables import page_sessions
from tests.api.pages.conftest import Pages, field, sign_in

HTML = {"Accept": "text/html,application/xhtml+xml"}


def _idle(pages: Pages) -> None:
    """Every page session last seen three hours ago: past the two hours a session idles."""
    with pages.world.store.engine.begin() as c:
        c.execute(update(page_sessions).values(last_seen_at=datetime.now(UTC) - timedelta(hours=3)))


def _next(answer: object) -> dict[str, list[str]]:
    location = answer.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith("/signin?"), location
    return parse_qs(urlsplit(location).query)


def _token(pages: Pages, who: str) -> str:
    return pages.world.headers(who)["Authorization"].removeprefix("Bearer ")


def _signed_in_again(pages: Pages, client: TestClient, location: str, who: str = "reviewer"):
    """Sign in through the form `location` shows, as a reader does."""
    form = client.get(location)
    data = {"csrf": field(form, "csrf"), "token": _token(pages, who), "next": field(form, "next")}
    if 'name="unsent"' in form.text:
        data["unsent"] = field(form, "unsent")
    return form, client.post("/signin", data=data, follow_redirects=False)


def _decide(client: TestClient, page: str, suggestion: object, referer: str | None):
    headers = {"Referer": referer} if referer else {}
    return client.post(
        f"/review/{suggestion}/decide",
        data={"csrf": field(page, "csrf"), "etag": field(page, "etag"), "decision": "match"},
        headers=headers,
        follow_redirects=False,
    )


def test_a_page_asked_for_without_a_session_keeps_its_query_through_sign_in(
    pages: Pages,
) -> None:
    client = TestClient(pages.world.client.app)
    answer = client.get("/review?minor=yes&page=0", follow_redirects=False)
    assert _next(answer)["next"] == ["/review?minor=yes&page=0"]
    _, signed = _signed_in_again(pages, client, answer.headers["location"])
    assert signed.headers["location"] == "/review?minor=yes&page=0"


def test_a_decision_after_the_session_idled_out_comes_back_to_its_page_unsent(
    pages: Pages,
) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    address = f"http://testserver/review/{suggestion}?skip=1&queue=second"
    page = client.get(address).text
    _idle(pages)
    answer = _decide(client, page, suggestion, referer=address)
    assert answer.status_code == 303
    assert _next(answer) == {"next": [f"/review/{suggestion}?skip=1&queue=second"], "unsent": ["1"]}
    stored = pages.world.store.get_suggestion(suggestion)
    assert stored is not None and stored["status"] == "pending"


def test_the_sign_in_page_says_the_form_was_not_sent_then_the_page_says_it_again_once(
    pages: Pages,
) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    address = f"http://testserver/review/{suggestion}"
    page = client.get(address).text
    _idle(pages)
    answer = _decide(client, page, suggestion, referer=address)
    form, signed = _signed_in_again(pages, client, answer.headers["location"])
    assert "Votre session a pris fin" in form.text and "envoyez-le à nouveau" in form.text
    assert signed.headers["location"] == f"/review/{suggestion}"
    back = client.get(signed.headers["location"])
    assert back.status_code == 200 and 'id="resend"' in back.text
    assert 'id="decide"' in back.text  # the form, to send again
    assert 'id="resend"' not in client.get(signed.headers["location"]).text


def test_without_a_referer_a_form_comes_back_to_the_page_of_its_address(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}").text
    _idle(pages)
    answer = _decide(client, page, suggestion, referer=None)
    assert _next(answer)["next"] == [f"/review/{suggestion}"]


def test_another_sites_referer_is_not_where_a_form_comes_back_to(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}").text
    _idle(pages)
    answer = _decide(client, page, suggestion, referer="https://evil.example/review?x=1")
    assert _next(answer)["next"] == [f"/review/{suggestion}"]


def test_a_form_answered_at_its_own_address_comes_back_to_the_page_of_that_form(
    pages: Pages,
) -> None:
    """After a refused decision, the address bar shows the form's address (POST only):
    that Referer leads back to the form's page, never to the form's address."""
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}").text
    _idle(pages)
    answer = _decide(
        client, page, suggestion, referer=f"http://testserver/review/{suggestion}/decide"
    )
    assert _next(answer)["next"] == [f"/review/{suggestion}"]


def test_a_form_sent_after_sign_out_in_another_tab_asks_to_sign_in_again(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}").text
    home = client.get("/")
    client.post("/signout", data={"csrf": field(home, "csrf")})  # the other tab
    answer = _decide(client, page, suggestion, referer=f"http://testserver/review/{suggestion}")
    assert answer.status_code == 303 and _next(answer)["unsent"] == ["1"]


def test_a_form_of_a_session_replaced_in_another_tab_asks_to_sign_in_not_a_csrf_refusal(
    pages: Pages,
) -> None:
    """Signed out and in again in another tab: the form of the ended session is neither
    refused as forged nor audited as a refusal; it was not sent."""
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}").text
    home = client.get("/")
    client.post("/signout", data={"csrf": field(home, "csrf")})  # the other tab
    assert sign_in(client, _token(pages, "reviewer")).status_code == 303
    answer = _decide(client, page, suggestion, referer=f"http://testserver/review/{suggestion}")
    assert answer.status_code == 303 and _next(answer)["unsent"] == ["1"]
    audit = pages.world.client.get(
        "/audit?action=access_refused", headers=pages.world.headers("admin")
    )
    assert audit.json()["items"] == []
    stored = pages.world.store.get_suggestion(suggestion)
    assert stored is not None and stored["status"] == "pending"


def test_a_forged_form_token_in_a_live_session_is_still_refused_and_audited(
    pages: Pages,
) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    page = client.get(f"/review/{suggestion}").text
    forged = client.post(
        f"/review/{suggestion}/decide",
        data={"csrf": "0" * 64, "etag": field(page, "etag"), "decision": "match"},
    )
    assert forged.status_code == 403 and "CSRF" in forged.text
    audit = pages.world.client.get(
        "/audit?action=access_refused", headers=pages.world.headers("admin")
    )
    assert [row["detail"]["reason"] for row in audit.json()["items"]] == ["CSRF check"]


def test_signing_out_from_a_page_of_an_ended_session_goes_home(pages: Pages) -> None:
    client = pages.browser("reviewer")
    stale = client.get("/")
    client.post("/signout", data={"csrf": field(client.get("/"), "csrf")})
    again = client.post("/signout", data={"csrf": field(stale, "csrf")}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/"


def test_a_form_address_opened_as_a_page_leads_to_its_page(pages: Pages) -> None:
    client = pages.browser("caseworker@OIM")
    person = "00000000-0000-4000-8000-000000000000"
    for asked, page in (
        (f"/persons/{person}/assessment/decide", f"/persons/{person}/assessment"),
        (f"/persons/{person}/revert", f"/persons/{person}"),
        (f"/review/{person}/decide", f"/review/{person}"),
        ("/purpose", "/"),
        ("/signout", "/"),
    ):
        answer = client.get(asked, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, page), asked


def test_a_form_address_opened_after_sign_in_shows_a_page_not_json(pages: Pages) -> None:
    """An old `next` naming a form's address ends on that form's page."""
    client = TestClient(pages.world.client.app)
    suggestion = pages.world.suggestions["adult"]
    _, signed = _signed_in_again(pages, client, f"/signin?next=/review/{suggestion}/decide")
    page = client.get(signed.headers["location"], headers=HTML)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert str(page.url).endswith(f"/review/{suggestion}")


def test_a_tracing_decisions_address_opened_as_a_page_is_a_page_not_json(pages: Pages) -> None:
    page = pages.browser("tracing_officer").get(
        "/tracing/cases/TR-5/matches/00000000-0000-4000-8000-000000000000/decision",
        headers=HTML,
    )
    assert "text/html" in page.headers["content-type"] and page.status_code == 404


def test_sign_in_never_sends_to_another_site(pages: Pages) -> None:
    client = TestClient(pages.world.client.app)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        _, signed = _signed_in_again(pages, client, f"/signin?next={target}")
        assert signed.headers["location"] == "/", target


def test_a_form_token_in_any_characters_is_refused_not_an_error(pages: Pages) -> None:
    client = pages.browser("reviewer")
    suggestion = pages.world.suggestions["adult"]
    forged = client.post(
        f"/review/{suggestion}/decide", data={"csrf": "é", "decision": "match", "etag": "x"}
    )
    assert forged.status_code == 403 and "CSRF" in forged.text
