"""Pages signed in as each role on the review world of `tests.api.conftest` (SQLite and
PostgreSQL), and reading helpers."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from tests.api.conftest import World, world  # noqa: F401  (the fixture, re-exported)
from tests.conftest import write_csv
from tests.service.family import RECORDS, RELATIONS
from tests.service.test_tracingsearch import REQUEST

_FIELD = r'name="{name}" value="([^"]*)"'


def field(page: Response | str, name: str) -> str:
    """The value of a hidden field of a page's form."""
    text = page if isinstance(page, str) else page.text
    found = re.search(_FIELD.format(name=name), text)
    assert found, f"no field {name}"
    return html.unescape(found.group(1))


def state_purpose(client: TestClient, asked: Response, purpose: str) -> Response:
    """Fill in the purpose form of page `asked` and follow to the page it opens."""
    said = {"csrf": field(asked, "csrf"), "next": field(asked, "next"), "purpose": purpose}
    return client.post("/purpose", data=said)


def send(client: TestClient, path: str, **fields: str) -> Response:
    """Fill in the form of page `path` and send it, posted with this session's token, as
    a browser does (a search is never in the address)."""
    page = client.get(path)
    return client.post(path, data={"csrf": field(page, "csrf"), **fields})


def sign_in(client: TestClient, token: str) -> Response:
    form = client.get("/signin")
    return client.post(
        "/signin",
        data={"csrf": field(form, "csrf"), "token": token, "next": "/"},
        follow_redirects=False,
    )


@dataclass
class Pages:
    world: World

    def browser(self, who: str, lang: str | None = None) -> TestClient:
        """A browser (its own cookies) signed in as `who` (a role, `role@ORG` for an
        organisation), speaking `lang` through the switch when given."""
        client = TestClient(self.world.client.app)
        token = self.world.headers(who)["Authorization"].removeprefix("Bearer ")
        assert sign_in(client, token).status_code == 303
        if lang:
            client.get(f"/lang/{lang}")
        return client


@pytest.fixture
def pages(world: World) -> Pages:  # noqa: F811
    return Pages(world)


@pytest.fixture
def tracing(pages: Pages, tmp_path: Path) -> Pages:
    """The review world, plus a family (a girl identified, her household, a suspect uncle)
    and her mother's tracing request TR-5 at CROIX."""
    service = pages.world.client.app.state.service
    family = service.import_file(
        write_csv(tmp_path / "family.csv", RECORDS), write_csv(tmp_path / "rel.csv", RELATIONS)
    )
    assert family.ok and service.import_file(write_csv(tmp_path / "request.csv", REQUEST)).ok
    return pages
