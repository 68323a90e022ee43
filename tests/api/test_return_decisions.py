"""POST /entities/{id}/assessment/decisions and `nrm assess --decide`: a caseworker's
decision on a safe return, made on the assessment read, refused where a return cannot be
recommended, kept with its assessment, and shown stale when it no longer stands."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.app import create_app
from api.cli import main
from models.store import Store
from models.users import UserRole
from service import Actor, Service
from tests.api.conftest import bearer
from tests.conftest import write_csv
from tests.service.family import RECORDS, RELATIONS, import_family

BID = {"decided_on": (date.today() - timedelta(days=12)).isoformat(), "body": "Comité DIE de Kati"}
"""A determination of the past year, whenever the tests run."""


class Family:
    """The family of `tests.service.family`: V-1 (a girl of 2009, also B-1) whose uncle
    U-1 is named as a suspect."""

    def __init__(self, store: Store, tmp_path: Path) -> None:
        import_family(store, tmp_path)
        self.store = store
        self.client = TestClient(create_app(store))
        (record,) = store.find_record("V-1")
        assert record.entity_id is not None
        self.person = record.entity_id

    def headers(self, role: UserRole = UserRole.CASEWORKER, **extra: str) -> dict[str, str]:
        return {**bearer(self.store, role, "DNPEF"), **extra}

    def read(self, role: UserRole = UserRole.CASEWORKER) -> dict:
        response = self.client.get(
            f"/entities/{self.person}/assessment", headers=self.headers(role)
        )
        assert response.status_code == 200
        assert response.headers["ETag"] == f'"{response.json()["version"]}"'
        return response.json()

    def decide(self, body: dict, role: UserRole = UserRole.CASEWORKER, **headers: str):
        version = self.read(role)["version"]
        return self.client.post(
            f"/entities/{self.person}/assessment/decisions",
            json=body,
            headers=self.headers(role, **{"If-Match": f'"{version}"', **headers}),
        )

    def split(self) -> dict[str, dict]:
        """A reviewer unlinks V-1 from B-1; each half's assessment, by record id."""
        records = {r.record_id: r.id for r in self.store.list_records({}, limit=50).items}
        unlinked = self.client.post(
            "/links",
            json={
                "record_a": str(records["V-1"]),
                "record_b": str(records["B-1"]),
                "action": "unlink",
            },
            headers=bearer(self.store, UserRole.REVIEWER),
        )
        assert unlinked.status_code == 201
        halves = {}
        for record_id in ("V-1", "B-1"):
            (record,) = self.store.find_record(record_id)
            halves[record_id] = Service(self.store).assessment_of_entity(
                Actor.operator("test"), record.entity_id, lang="en"
            )
        return halves

    def written(self) -> int:
        with self.store.engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM return_decisions")).scalar_one()


@pytest.fixture
def family(store: Store, tmp_path: Path) -> Family:
    return Family(store, tmp_path)


def test_a_decision_is_made_on_the_assessment_read(family: Family) -> None:
    url = f"/entities/{family.person}/assessment/decisions"
    body = {"decision": "further_assessment"}
    missing = family.client.post(url, json=body, headers=family.headers())
    assert missing.status_code == 428
    stale = family.client.post(url, json=body, headers=family.headers(**{"If-Match": '"old"'}))
    assert stale.status_code == 412
    assert family.written() == 0


@pytest.mark.parametrize("role", [UserRole.REVIEWER, UserRole.TRACING_OFFICER])
def test_only_caseworkers_and_admins_decide(family: Family, role: UserRole) -> None:
    response = family.client.post(
        f"/entities/{family.person}/assessment/decisions",
        json={"decision": "further_assessment"},
        headers={**family.headers(role), "If-Match": '"x"'},
    )
    assert response.status_code == 403


def test_a_minors_return_is_not_recommended_without_a_best_interests_determination(
    family: Family,
) -> None:
    refused = family.decide({"decision": "return_recommended"}, UserRole.ADMIN)
    assert refused.status_code == 409
    assert "intérêt supérieur de l'enfant" in refused.json()["detail"]
    assert family.written() == 0


def test_a_suspect_in_the_family_needs_an_administrators_override_with_a_reason(
    family: Family,
) -> None:
    body = {"decision": "return_recommended", "best_interests": BID}
    refused = family.decide(body, **{"Accept-Language": "en"})
    assert refused.status_code == 409
    assert "family's involvement in the trafficking is a risk" in refused.json()["detail"]
    assert "consent to return is not recorded" in refused.json()["detail"]
    override = {**body, "override": "the uncle is in custody (court of Kati)"}
    assert family.decide(override).status_code == 403
    assert family.written() == 0
    decided = family.decide(override, UserRole.ADMIN)
    assert decided.status_code == 201
    assert decided.json()["decision"]["override"] == override["override"]
    assert decided.json()["decision"]["best_interests"]["body"] == "Comité DIE de Kati"
    child = next(f for f in family.read()["factors"] if f["factor"] == "child_best_interests")
    assert child["status"] == "risk" and "Comité DIE de Kati" in child["reasons"][-1]


def test_assessing_a_person_named_as_a_suspect_says_so_and_needs_an_override(
    family: Family,
) -> None:
    (uncle,) = family.store.find_record("U-1")
    family.person = uncle.entity_id
    factors = {f["factor"]: f for f in family.read()["factors"]}
    assert factors["person_recorded_as_suspect"]["status"] == "risk"
    assert factors["person_recorded_as_suspect"]["evidence"] == ["U-1"]
    refused = family.decide({"decision": "return_recommended"}, **{"Accept-Language": "en"})
    assert refused.status_code == 409
    assert "named as a suspect themselves" in refused.json()["detail"]
    assert family.written() == 0


def test_an_administrator_overrides_for_a_person_named_as_a_suspect(family: Family) -> None:
    (uncle,) = family.store.find_record("U-1")
    family.person = uncle.entity_id
    body = {"decision": "return_recommended", "override": "identité vérifiée : victime contrainte"}
    decided = family.decide(body, UserRole.ADMIN)
    assert decided.status_code == 201
    assert decided.json()["decision"]["override"] == body["override"]


@pytest.mark.parametrize("override", ["   ", "ok", "  d'accord  "])
def test_an_override_says_why(family: Family, override: str) -> None:
    body = {"decision": "return_recommended", "best_interests": BID, "override": override}
    assert family.decide(body, UserRole.ADMIN).status_code == 422
    assert family.written() == 0


def test_an_override_with_nothing_in_the_way_is_refused(family: Family) -> None:
    body = {"decision": "further_assessment", "override": "because the family asked"}
    response = family.decide(body)
    assert response.status_code == 422
    assert family.written() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "further_assessment", "review_by": "2020-01-01"},
        {
            "decision": "further_assessment",
            "review_by": (date.today() + timedelta(400)).isoformat(),
        },
        {"decision": "further_assessment", "best_interests": {**BID, "decided_on": "2099-01-01"}},
        {"decision": "further_assessment", "best_interests": {**BID, "decided_on": "1990-01-01"}},
        {"decision": "further_assessment", "best_interests": {**BID, "body": "  "}},
        {"decision": "return_home"},
        {"decision": "further_assessment", "status": "confirmed"},
    ],
)
def test_a_wrong_request_is_refused_and_writes_nothing(family: Family, body: dict) -> None:
    assert family.decide(body).status_code == 422
    assert family.written() == 0


def test_the_latest_decision_is_in_force_and_the_earlier_ones_stay_in_the_history(
    family: Family,
) -> None:
    first = family.decide({"decision": "further_assessment", "note": "rencontrer la mère"})
    second = family.decide({"decision": "return_not_recommended", "note": "oncle suspect"})
    assert (first.status_code, second.status_code) == (201, 201)
    decisions = family.read()["decisions"]
    assert [d["decision"] for d in decisions] == ["return_not_recommended", "further_assessment"]
    assert [d["state"] for d in decisions] == ["in_force", "superseded"]
    assert [d["in_force"] for d in decisions] == [True, False]
    assert decisions[0]["organisation"] == "DNPEF"
    assert decisions[0]["assessment_status"] == "risk" and decisions[0]["stale"] == []
    assert decisions[0]["review_by"] == (date.today() + timedelta(90)).isoformat()


def test_a_decision_goes_stale_after_its_review_date(family: Family) -> None:
    family.decide({"decision": "further_assessment"})
    later = date.today() + timedelta(91)
    found = Service(family.store).assessment_of_entity(
        Actor.operator("test"), family.person, lang="en", today=later
    )
    (stale,) = found["decisions"][0]["stale"]
    assert stale.startswith("review date passed")
    assert found["decisions"][0]["state"] == "stale"


def test_a_decision_goes_stale_when_the_persons_records_change(family: Family) -> None:
    family.decide({"decision": "further_assessment"})
    for found in family.split().values():
        (stale,) = found["decisions"][0]["stale"]
        assert "records changed" in stale


def test_after_a_split_neither_half_reads_the_decisions_free_text(family: Family) -> None:
    """The note, override and determination of a decision made before a split may speak
    of the other half's person: both halves see the decision, stale, without them."""
    body = {"decision": "return_recommended", "best_interests": BID}
    override = {**body, "note": "la tante de Kati accueille", "override": "l'oncle est détenu"}
    assert family.decide(override, UserRole.ADMIN).status_code == 201
    for found in family.split().values():
        (shown,) = found["decisions"]
        assert shown["note"] is None and shown["override"] is None
        assert shown["best_interests"] is None and "withheld" in shown["withheld"]
        child = next(f for f in found["factors"] if f["factor"] == "child_best_interests")
        assert not any("Comité DIE" in reason for reason in child["reasons"])


def test_a_person_grown_by_a_merge_still_reads_its_decisions_note(family: Family) -> None:
    (uncle,) = family.store.find_record("U-1")
    family.person = uncle.entity_id
    assert (
        family.decide({"decision": "further_assessment", "note": "voir le juge"}).status_code == 201
    )
    (other,) = family.store.find_record("X-1")
    linked = family.client.post(
        "/links",
        json={"record_a": str(uncle.id), "record_b": str(other.id), "action": "link"},
        headers=bearer(family.store, UserRole.REVIEWER),
    )
    assert linked.status_code == 201
    (merged,) = family.store.find_record("U-1")
    found = Service(family.store).assessment_of_entity(
        Actor.operator("test"), merged.entity_id, lang="en"
    )
    (shown,) = found["decisions"]
    assert shown["note"] == "voir le juge" and shown["withheld"] is None


def test_a_decision_is_audited_and_can_be_neither_changed_nor_deleted(family: Family) -> None:
    decided = family.decide({"decision": "further_assessment", "note": "voir la famille"})
    rows, _ = family.store.audit_rows({"action": "record_return_decision"})
    assert [r["detail"]["decision_id"] for r in rows] == [decided.json()["decision"]["id"]]
    (uncle,) = family.store.find_record("U-1")
    assert str(uncle.entity_id) in rows[0]["object_ids"]  # the answer names the family
    for statement in (
        "UPDATE return_decisions SET note = NULL",
        "DELETE FROM return_decisions",
        "DELETE FROM return_decision_records",
    ):
        with pytest.raises(DBAPIError, match="append-only"), family.store.engine.begin() as c:
            c.execute(text(statement))


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _version(db: str) -> str:
    return json.loads(_cli("assess", "V-1", "--json", "--db", db)[1])["version"]


def test_nrm_assess_decide_records_a_decision_on_the_version_printed(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    decide = ("assess", "V-1", "--decide", "further_assessment", "--db", db)
    assert _cli(*decide)[0] == 2  # no --version: which assessment?
    version = _version(db)
    code, out, _ = _cli(*decide, "--version", version, "--note", "voir", "--json")
    assert code == 0
    decision = json.loads(out)["decision"]
    assert decision["decision"] == "further_assessment" and decision["decided_by"]
    assert (
        json.loads(_cli("assess", "V-1", "--json", "--db", db)[1])["decisions"][0]["id"]
        == (decision["id"])
    )


def test_nrm_assess_decide_says_what_stands_in_the_way(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    version = _version(db)
    decide = ("assess", "V-1", "--decide", "return_recommended", "--version", version)
    code, _, err = _cli(*decide, "--lang", "en", "--db", db)
    assert code == 2
    assert "Best Interests Determination" in err
    assert _cli("assess", "V-1", "--note", "no decision", "--db", db)[0] == 2


def test_at_the_command_line_the_operator_overrides_with_a_reason_in_the_audit(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    reason = "the uncle is in custody (court of Kati)"
    decide = ("assess", "V-1", "--decide", "return_recommended", "--version", _version(db))
    bid = ("--bid-date", date.today().isoformat(), "--bid-body", "Comité DIE de Kati")
    code, out, _ = _cli(*decide, *bid, "--override", reason, "--json", "--db", db)
    assert code == 0 and json.loads(out)["decision"]["override"] == reason
    rows, _ = Store.open(db).audit_rows({"action": "record_return_decision"})
    assert rows[0]["detail"]["via"] == "nrm assess --decide" and rows[0]["detail"]["os_user"]


def test_the_decision_answer_names_no_phone_or_location(family: Family) -> None:
    response = family.decide({"decision": "further_assessment"})
    assert "+223" not in response.text and "Centre" not in response.text
    assert "Foyer" not in response.text
    assert uuid.UUID(response.json()["decision"]["id"])


def test_of_two_caseworkers_deciding_on_one_reading_the_second_is_told(family: Family) -> None:
    read = family.read()
    url = f"/entities/{family.person}/assessment/decisions"
    headers = family.headers(**{"If-Match": f'"{read["version"]}"'})
    first = family.client.post(url, json={"decision": "return_not_recommended"}, headers=headers)
    second = family.client.post(url, json={"decision": "further_assessment"}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 412)
    assert first.headers["ETag"] == f'"{family.read()["version"]}"' != f'"{read["version"]}"'
    assert family.written() == 1


def test_a_weak_etag_never_matches(family: Family) -> None:
    version = family.read()["version"]
    response = family.client.post(
        f"/entities/{family.person}/assessment/decisions",
        json={"decision": "further_assessment"},
        headers=family.headers(**{"If-Match": f'W/"{version}"'}),
    )
    assert response.status_code == 412


def test_a_decision_goes_stale_when_the_assessment_changes(
    family: Family, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    family.decide({"decision": "further_assessment"})
    areas = tmp_path / "areas.csv"
    areas.write_text(
        "area,level,security,source,as_of\nKati,cercle,insécurité élevée,cluster,2026-11-01\n"
    )
    monkeypatch.setenv("NRM_INSECURE_AREAS", str(areas))
    (decision,) = family.read()["decisions"]
    assert (
        decision["state"] == "stale"
        and "L'évaluation a changé" in decision["stale"][0].capitalize()
    )


def test_a_refused_return_cannot_be_overridden(store: Store, tmp_path: Path) -> None:
    refusing = RECORDS.replace(
        "current_location\n", "current_location,return_consent\n", 1
    ).replace("Centre d'accueil de Bamako\n", "Centre d'accueil de Bamako,no\n")
    assert (
        Service(store)
        .import_file(
            write_csv(tmp_path / "f.csv", refusing), write_csv(tmp_path / "r.csv", RELATIONS)
        )
        .ok
    )
    (record,) = store.find_record("V-1")
    client = TestClient(create_app(store))
    headers = bearer(store, UserRole.ADMIN)
    url = f"/entities/{record.entity_id}/assessment"
    version = client.get(url, headers=headers).json()["version"]
    body = {
        "decision": "return_recommended",
        "best_interests": BID,
        "override": "the family insists on the return",
    }
    refused = client.post(
        f"{url}/decisions", json=body, headers={**headers, "If-Match": f'"{version}"'}
    )
    assert refused.status_code == 409 and "refusé le retour" in refused.json()["detail"]


def test_another_organisations_caseworker_reads_with_a_purpose_but_does_not_decide(
    family: Family,
) -> None:
    other = bearer(family.store, UserRole.CASEWORKER, "OIM")
    url = f"/entities/{family.person}/assessment"
    purpose = {"X-Purpose": "return planned from Libya"}
    version = family.client.get(url, headers={**other, **purpose}).json()["version"]
    for extra in ({}, purpose):
        response = family.client.post(
            f"{url}/decisions",
            json={"decision": "further_assessment"},
            headers={**other, **extra, "If-Match": f'"{version}"'},
        )
        assert response.status_code == 403
        assert "dossiers de cette personne" in response.json()["detail"]  # not "say why"
    assert family.written() == 0


def _due(family: Family, role: UserRole, org: str | None, today: date) -> list[str]:
    user, _ = family.store.add_user(f"{role.value}-{uuid.uuid4().hex[:6]}", role, org)
    found = Service(family.store).returns_due(Actor(user), today=today)
    return [item["entity_id"] for item in found["items"]]


def test_a_decision_past_its_review_date_is_listed_due(family: Family) -> None:
    review_by = date.today() + timedelta(days=10)
    assert (
        family.decide(
            {"decision": "further_assessment", "review_by": review_by.isoformat()}
        ).status_code
        == 201
    )
    assert _due(family, UserRole.ADMIN, None, review_by - timedelta(days=1)) == []
    assert _due(family, UserRole.ADMIN, None, review_by) == [str(family.person)]
    listed = family.client.get("/returns/due", headers=family.headers())
    assert listed.status_code == 200 and listed.json()["total"] == 0  # not due today


def test_only_the_decision_in_force_is_due(family: Family) -> None:
    soon = (date.today() + timedelta(days=10)).isoformat()
    family.decide({"decision": "further_assessment", "review_by": soon})
    family.decide({"decision": "return_not_recommended"})  # reviewed in 90 days
    assert _due(family, UserRole.ADMIN, None, date.today() + timedelta(days=30)) == []


def test_a_caseworker_sees_the_reviews_due_of_their_organisations_decisions(
    family: Family,
) -> None:
    family.decide({"decision": "further_assessment"})  # a DNPEF caseworker's
    later = date.today() + timedelta(days=91)
    assert _due(family, UserRole.CASEWORKER, "DNPEF", later) == [str(family.person)]
    assert _due(family, UserRole.CASEWORKER, "ENDA", later) == []
    assert _due(family, UserRole.CASEWORKER, None, later) == []


@pytest.mark.parametrize("role", [UserRole.REVIEWER, UserRole.TRACING_OFFICER])
def test_reviews_due_are_for_caseworkers_and_admins(family: Family, role: UserRole) -> None:
    assert family.client.get("/returns/due", headers=family.headers(role)).status_code == 403


def test_nrm_assess_reads_dates_as_a_french_user_writes_them(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    decide = ("assess", "V-1", "--decide", "further_assessment", "--version", _version(db))
    code, _, err = _cli(*decide, "--review-by", "31/02/2027", "--db", db)
    assert code == 2 and "ce n'est pas une date : 31/02/2027" in err
    soon = date.today() + timedelta(days=20)
    code, out, _ = _cli(*decide, "--review-by", soon.strftime("%d/%m/%Y"), "--db", db)
    assert code == 0 and "Décision enregistrée" in out
    assert (
        json.loads(_cli("assess", "V-1", "--json", "--db", db)[1])["decisions"][0]["review_by"]
        == soon.isoformat()
    )


def test_nrm_assess_writes_the_decisions_dates_as_a_french_reader_reads_them(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    decide = ("assess", "V-1", "--decide", "further_assessment", "--version", _version(db))
    assert _cli(*decide, "--review-by", "15/03/2027", "--db", db)[0] == 0

    out = _cli("assess", "V-1", "--lang", "fr", "--db", db)[1]

    assert "à réviser au plus tard le 15 mars 2027" in out
    assert "2027-03-15" not in out


def test_nrm_assess_speaks_the_language_asked(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    out = _cli("assess", "V-1", "--lang", "en", "--db", db)[1]
    assert "(advisory," in out and "indicatif" not in out


def test_after_a_merge_each_persons_decision_is_stale_not_superseded(family: Family) -> None:
    """Two persons, each with a decision, merged: neither decision was made on the merged
    person, so neither stands, and the earlier is not "superseded" by one about another
    person."""
    ids = {r.record_id: r for r in family.store.list_records({}, limit=50).items}
    persons = [ids["U-1"].entity_id, ids["X-1"].entity_id]
    for person, org in zip(persons, ("DNPEF", "ENDA"), strict=True):
        headers = bearer(family.store, UserRole.CASEWORKER, org)
        url = f"/entities/{person}/assessment"
        version = family.client.get(url, headers=headers).json()["version"]
        decided = family.client.post(
            f"{url}/decisions",
            json={"decision": "further_assessment"},
            headers={**headers, "If-Match": f'"{version}"'},
        )
        assert decided.status_code == 201
    linked = family.client.post(
        "/links",
        json={"record_a": str(ids["U-1"].id), "record_b": str(ids["X-1"].id), "action": "link"},
        headers=bearer(family.store, UserRole.REVIEWER),
    )
    assert linked.status_code == 201
    (merged,) = family.store.find_record("U-1")
    found = Service(family.store).assessment_of_entity(
        Actor.operator("test"), merged.entity_id, lang="en"
    )
    assert [d["state"] for d in found["decisions"]] == ["stale", "stale"]
    assert all("records changed" in d["stale"][0] for d in found["decisions"])
