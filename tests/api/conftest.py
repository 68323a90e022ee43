"""A small review world: records from two organisations, scored pairs turned into
suggestions (one adult pair, one pair of a child, one tracing request, two people of one
case), and a token per role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.app import create_app
from models.store import Store
from models.users import UserRole
from service.importing import import_records
from service.registry import active_model
from service.scoring import score_pair, suggestion_row
from tests.conftest import write_csv

REVIEW_ROWS = (
    "record_id,source,case_id,case_type,registered_on,full_name,sex,birth_date,"
    "origin_village,origin_cercle,father_name,mother_name,phone,current_location\n"
    "A-1,OIM,C1,return,2024-03-01,TRAORE Aminata,F,1990,Sirakoro,Kati,Bakary,Fatoumata Diarra,"
    "+223 70 00 00 01,Centre d'accueil de Mopti\n"
    "A-2,ONG-A,C2,reintegration,2024-06-01,TRAORÉ Aminata,F,vers 1991,Sirakoro,Kati,Bakari,"
    "Fatoumata Diara,+223 70 00 00 02,Foyer de Gao\n"
    "K-1,OIM,C3,identification,2024-02-01,COULIBALY Awa,F,2012,Banamba,Koulikoro,Seydou,"
    "Mariam Keita,,Centre de transit de Bamako\n"
    "K-2,ONG-A,C4,return,2024-05-01,KULIBALI Awa,F,vers 2012,Banamba,Koulikoro,Seydou,"
    "Mariam Keïta,,\n"
    "T-1,ONG-A,C5,tracing_request,2024-07-01,DIALLO Oumar,M,1985,Douentza,Douentza,Amadou,"
    "Kadia Bah,,\n"
    "T-2,OIM,C6,return,2024-08-01,DIALO Oumarou,M,vers 1984,Douentza,Douentza,Hamadou,"
    "Kadiatou Ba,,\n"
    "S-1,OIM,C7,reintegration,2024-01-01,KONE Moussa,M,1980,Ségou,Ségou,Ali,Awa Sidibé,,\n"
    "S-2,OIM,C7,reintegration,2024-01-01,KONE Moussa,M,1982,Ségou,Ségou,Ali,Awa Sidibe,,\n"
)
PAIRS = {"adult": ("A-1", "A-2"), "child": ("K-1", "K-2"), "tracing": ("T-1", "T-2")}


def bearer(store: Store, role: UserRole, org: str | None = None) -> dict[str, str]:
    """The headers of a new user of this role (and organisation)."""
    _, token = store.add_user(f"{role.value}-{uuid.uuid4().hex[:6]}", role, org)
    return {"Authorization": f"Bearer {token}"}


@dataclass
class World:
    store: Store
    client: TestClient
    records: dict[str, uuid.UUID]
    suggestions: dict[str, uuid.UUID]
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        if who not in self.tokens:
            role, _, org = who.partition("@")
            name = who if who not in ("admin", "caseworker") else f"{who}-user"
            _, token = self.store.add_user(name, UserRole(role.rstrip("0123456789")), org or None)
            self.tokens[who] = token
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def etag(self, name: str, who: str = "reviewer") -> str:
        """The ETag of suggestion `name`, as a reviewer reads it."""
        response = self.client.get(
            f"/suggestions/{self.suggestions[name]}", headers=self.headers(who)
        )
        assert response.status_code == 200, response.text
        return response.headers["ETag"]

    def decide(
        self, name: str, decision: str, who: str = "reviewer", etag: str | None = None
    ) -> Response:
        """Decide suggestion `name` with the ETag just read (or the one given)."""
        return self.client.post(
            f"/suggestions/{self.suggestions[name]}/decision",
            json={"decision": decision, "note": "vu les deux dossiers"},
            headers=self.headers(who, **{"If-Match": etag or self.etag(name, who)}),
        )

    def link(
        self, first: str, second: str, action: str = "link", who: str = "reviewer", **extra: str
    ) -> Response:
        """A reviewer (`who`) links (or unlinks) two records directly."""
        return self.client.post(
            "/links",
            json={
                "record_a": str(self.records[first]),
                "record_b": str(self.records[second]),
                "action": action,
                **extra,
            },
            headers=self.headers(who),
        )


def add_suggestion(store: Store, first: uuid.UUID, second: uuid.UUID) -> uuid.UUID:
    a, b = store.get_record(first), store.get_record(second)
    assert a is not None and b is not None
    scored = score_pair(a, b, active_model(store), store.estimated_record_count())
    by_id = {a.id: a.model_dump(), b.id: b.model_dump()}
    row = suggestion_row(scored, by_id[scored["record_a"]], by_id[scored["record_b"]])
    store.sync_suggestions([row], scope=[a.id, b.id])
    with store.review_transaction() as tx:
        found = tx.suggestion_for_pair(a.id, b.id)
    assert found is not None
    return found["id"]


@pytest.fixture
def world(store: Store, tmp_path: Path) -> World:
    report = import_records(store, write_csv(tmp_path / "review.csv", REVIEW_ROWS))
    assert report.ok, report
    records = {r.record_id: r.id for r in store.list_records({}, limit=200).items}
    suggestions = {
        name: add_suggestion(store, records[x], records[y]) for name, (x, y) in PAIRS.items()
    }
    return World(store, TestClient(create_app(store)), records, suggestions)
