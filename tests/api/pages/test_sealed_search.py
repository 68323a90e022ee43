"""A search posted from a page is shown at an address that holds it sealed: back and
reload show the results again in the session that searched, no name is in the address,
and the address reads as nothing in another session or altered."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.api.pages.conftest import Pages, send
from tests.api.pages.test_tracing_pages import SOUGHT

LAPSED = "Cette recherche n&#39;est plus disponible"


def _traces(pages: Pages) -> int:
    store = pages.world.client.app.state.service.store
    return store.audit_rows({"action": "trace"})[1]


def test_a_posted_tracing_search_is_shown_at_an_address_without_the_name(
    tracing: Pages,
) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", **SOUGHT)
    address = str(page.url)
    assert page.status_code == 200 and ">Fatimata D.</a>" in page.text
    assert urlsplit(address).path == "/tracing" and list(parse_qs(urlsplit(address).query)) == ["s"]
    assert not [v for v in SOUGHT.values() if len(v) > 2 and v in address]


def test_reloading_the_results_searches_again_and_is_audited_again(tracing: Pages) -> None:
    client = tracing.browser("tracing_officer")
    address = str(send(client, "/tracing", **SOUGHT).url)
    before = _traces(tracing)
    again = client.get(address)
    assert again.status_code == 200 and ">Fatimata D.</a>" in again.text
    assert 'value="Sirakoro"' in again.text  # the form shows what was searched
    assert _traces(tracing) == before + 1


def test_the_results_address_reads_as_nothing_in_another_session(tracing: Pages) -> None:
    address = str(send(tracing.browser("tracing_officer"), "/tracing", **SOUGHT).url)
    before = _traces(tracing)
    elsewhere = tracing.browser("tracing_officer").get(address)
    assert elsewhere.status_code == 200 and LAPSED in elsewhere.text
    assert "Fatimata" not in elsewhere.text and _traces(tracing) == before


def test_an_altered_results_address_reads_as_nothing(tracing: Pages) -> None:
    client = tracing.browser("tracing_officer")
    address = str(send(client, "/tracing", **SOUGHT).url)
    sealed = parse_qs(urlsplit(address).query)["s"][0]
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    for forged in (flipped, "x", "", sealed[:20]):
        page = client.get("/tracing", params={"s": forged})
        assert page.status_code == 200 and "Fatimata D." not in page.text, forged
    assert LAPSED in client.get("/tracing", params={"s": flipped}).text


def test_a_tracing_search_is_not_shown_at_the_find_page(tracing: Pages) -> None:
    client = tracing.browser("caseworker@OIM")
    sealed = parse_qs(urlsplit(str(send(client, "/tracing", **SOUGHT).url)).query)["s"][0]
    page = client.get("/find", params={"s": sealed})
    assert LAPSED in page.text and "Fatimata" not in page.text


def test_a_posted_name_search_is_shown_at_an_address_without_the_name(tracing: Pages) -> None:
    client = tracing.browser("caseworker@OIM")
    page = send(client, "/find", name="Fatimata Diara", birth_year="")
    assert page.status_code == 200 and "Fatimata" in page.text
    assert "Fatimata" not in str(page.url) and "s=" in str(page.url)
    assert client.get(str(page.url)).text.count("Fatimata D.") == page.text.count("Fatimata D.")


def test_a_pattern_in_the_tracing_form_keeps_what_the_family_said(tracing: Pages) -> None:
    page = send(tracing.browser("tracing_officer"), "/tracing", **{**SOUGHT, "given": "Fatimata?"})
    assert page.status_code == 422 and 'value="Sirakoro"' in page.text
    assert 'value="Fatimata?"' in page.text


def test_the_results_address_does_not_tell_how_long_the_search_was(tracing: Pages) -> None:
    client = tracing.browser("tracing_officer")
    short = str(send(client, "/tracing", given="Awa").url)
    longer = str(send(client, "/tracing", **SOUGHT, father="Bakary Diarra", mother="Awa").url)
    assert len(short) == len(longer)
