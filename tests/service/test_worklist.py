"""The queue with names and the exports: who is who, never a protected field, every read
audited, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from models.records import PROTECTED_FIELDS
from models.store import Store
from models.users import UserRole
from service import Actor, Service
from service.errors import Forbidden
from service.worklist import DECISION_COLUMNS, QUEUE_COLUMNS
from tests.api.conftest import PAIRS, REVIEW_ROWS, add_suggestion
from tests.conftest import write_csv


@pytest.fixture
def service(store: Store, tmp_path: Path) -> Service:
    service = Service(store)
    report = service.import_file(write_csv(tmp_path / "r.csv", REVIEW_ROWS), link=False)
    assert report.ok, report
    ids = {r.record_id: r.id for r in store.list_records({}, limit=200).items}
    for first, second in PAIRS.values():
        add_suggestion(store, ids[first], ids[second])
    return service


def _actor(service: Service, role: UserRole) -> Actor:
    user, _ = service.store.add_user(f"u-{role.value}", role, "OIM")
    return Actor(user, lang="en")


def test_the_named_queue_names_both_persons_and_hides_protected_fields(service: Service) -> None:
    items, total = service.named_queue(
        _actor(service, UserRole.REVIEWER), {"status": "pending"}, 10, 0
    )
    assert total == 3
    names = {p["name"] for item in items for p in item["people"]}
    assert {"TRAORE Aminata", "COULIBALY Awa", "DIALO Oumarou"} <= names
    assert all(not (set(p) & PROTECTED_FIELDS) for item in items for p in item["people"])
    assert all(item["reasons"] for item in items)


def test_the_exports_have_their_columns_and_are_audited(service: Service) -> None:
    actor = _actor(service, UserRole.REVIEWER)
    queue = service.export_queue(actor, {"status": "pending"})
    decisions = service.export_decisions(actor)
    assert queue.columns == QUEUE_COLUMNS and len(queue.rows) == 3
    assert all(set(row) == set(QUEUE_COLUMNS) for row in queue.rows)
    assert decisions.columns == DECISION_COLUMNS and decisions.rows == []
    actions = [row["action"] for row in service.store.audit_rows({})[0]]
    assert "export_suggestions" in actions and "export_decisions" in actions


@pytest.mark.parametrize("role", [UserRole.CASEWORKER, UserRole.TRACING_OFFICER])
def test_the_worklist_is_the_reviewers(service: Service, role: UserRole) -> None:
    with pytest.raises(Forbidden):
        service.export_decisions(_actor(service, role))


DATED_ROWS = (
    "record_id,source,case_id,case_type,full_name,sex,birth_date,origin_village\n"
    "D-1,OIM,C7,return,SANOGO Rokia,F,2012-03-14,Kolondieba\n"
    "D-2,ONG-A,C8,identification,SANOGHO Rokia,F,14/03/2012,Kolondieba\n"
)


def test_a_reviewer_reads_the_day_of_birth_of_her_own_organisations_records_only(
    store: Store, tmp_path: Path
) -> None:
    """The queue's lines and its export give another organisation's record the years of
    its birth, as the suggestion's side-by-side view does, never the day."""
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "d.csv", DATED_ROWS), link=False).ok
    ids = {r.record_id: r.id for r in store.list_records({}, limit=10).items}
    add_suggestion(store, ids["D-1"], ids["D-2"])
    actor = _actor(service, UserRole.REVIEWER)

    items, _ = service.named_queue(actor, {"status": "pending"}, 10, 0)
    born = {p["record_id"]: p["birth_date"] for p in items[0]["people"]}
    exported = service.export_queue(actor, {"status": "pending"}).rows[0]

    assert born == {"D-1": "2012-03-14", "D-2": "2012"}
    assert {exported["birth_date_a"], exported["birth_date_b"]} == {"2012-03-14", "2012"}


def _dated_pair(store: Store, tmp_path: Path) -> tuple[Service, Actor]:
    """D-1 (OIM) and D-2 (ONG-A) suggested, read by a reviewer of OIM."""
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "d.csv", DATED_ROWS), link=False).ok
    ids = {r.record_id: r.id for r in store.list_records({}, limit=10).items}
    add_suggestion(store, ids["D-1"], ids["D-2"])
    return service, _actor(service, UserRole.REVIEWER)


def _birth_reason(reasons: list[str]) -> str:
    return next(r for r in reasons if r.startswith("birth"))


def test_the_queues_reasons_quote_the_years_of_a_birth_read_minimally(
    store: Store, tmp_path: Path
) -> None:
    """The reasons were worded for reviewers, to the day; to a reader of another
    organisation's record they quote the years. "Same date" beside the reader's own
    record, whose day they read, would give the other's day: that level is withheld."""
    service, actor = _dated_pair(store, tmp_path)

    items, _ = service.named_queue(actor, {"status": "pending"}, 10, 0)
    exported = service.export_queue(actor, {"status": "pending"}).rows[0]["reasons"]

    for reasons in (items[0]["reasons"], exported.split(" ; ")):
        assert _birth_reason(reasons) == (
            "birth: 2012 ~ 2012 (consistent years; the detail, kept for readers of the case "
            "file, would tell the date)"
        )


def test_the_side_by_side_reasons_withhold_a_birth_level_finer_than_years(
    store: Store, tmp_path: Path
) -> None:
    service, actor = _dated_pair(store, tmp_path)
    suggestion = uuid.UUID(service.named_queue(actor, {"status": "pending"}, 10, 0)[0][0]["id"])

    detail = service.read_suggestion(actor, suggestion).detail
    stored = store.get_suggestion(suggestion)

    birth = next(c for c in detail["comparison"] if c["field"] == "birth")
    assert stored is not None
    kept = next(r for r in stored["reasons"] if r["field"] == "birth")
    assert (kept["level"], "14/03/2012" in kept["en"]) == ("same_day", True)
    assert (birth["level"], birth["weight"]) == ("withheld", 0.0)
    assert "14/03" not in birth["reason"] and "same date" not in birth["reason"]


def test_a_birth_level_of_years_keeps_its_level_and_weight_quoted_in_years(
    store: Store, tmp_path: Path
) -> None:
    rows = (
        "record_id,source,case_id,case_type,full_name,sex,birth_date,origin_village\n"
        "E-1,OIM,C7,return,SANOGO Rokia,F,2012-03-14,Kolondieba\n"
        "E-2,ONG-A,C8,identification,SANOGHO Rokia,F,03/05/2013,Kolondieba\n"
    )
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "e.csv", rows), link=False).ok
    ids = {r.record_id: r.id for r in store.list_records({}, limit=10).items}
    suggestion = add_suggestion(store, ids["E-1"], ids["E-2"])

    detail = service.read_suggestion(_actor(service, UserRole.REVIEWER), suggestion).detail
    stored = store.get_suggestion(suggestion)

    birth = next(c for c in detail["comparison"] if c["field"] == "birth")
    assert stored is not None
    kept = next(r for r in stored["reasons"] if r["field"] == "birth")
    assert (birth["level"], birth["weight"]) == (kept["level"], kept["weight"])
    assert birth["level"] == "within_2_years"
    assert birth["reason"].split(" (")[0] in ("birth: 2012 ~ 2013", "birth: 2013 ~ 2012")
    assert birth["reason"].rsplit(" ", 1)[1] == kept["en"].rsplit(" ", 1)[1]


def test_a_reader_with_a_purpose_reads_the_reasons_as_worded(store: Store, tmp_path: Path) -> None:
    service, actor = _dated_pair(store, tmp_path)
    stated = Actor(actor.user, lang="en", purpose="vérification d'identité avant le retour")

    items, _ = service.named_queue(stated, {"status": "pending"}, 10, 0)

    assert "14/03/2012" in _birth_reason(items[0]["reasons"])


def test_the_queue_gives_the_case_type_and_role_of_a_case_file_its_reader_may_read(
    store: Store, tmp_path: Path
) -> None:
    """ "identification" says a victim's file: another organisation's case type and role
    are not in its minimal view."""
    service, actor = _dated_pair(store, tmp_path)

    item = service.named_queue(actor, {"status": "pending"}, 10, 0)[0][0]

    people = {p["record_id"]: p for p in item["people"]}
    assert people["D-1"]["case_type"] == "return"
    assert people["D-2"]["case_type"] is None and people["D-2"]["role"] is None
    assert sorted(item["case_types"], key=str) == [None, "return"]
    listed = service.list_suggestions(actor, {"status": "pending"}, 10, 0, None, (None, None))
    assert sorted(listed.items[0]["case_types"], key=str) == [None, "return"]


def test_a_list_read_with_a_purpose_names_in_its_audit_row_the_case_files_it_opened(
    store: Store, tmp_path: Path
) -> None:
    """With a purpose stated the queue gives another organisation's case type and day of
    birth: its audit row says whose, as a record read so does."""
    service, actor = _dated_pair(store, tmp_path)
    d2 = next(r.id for r in store.list_records({}, limit=10).items if r.record_id == "D-2")
    stated = Actor(actor.user, lang="en", purpose="vérification d'identité avant le retour")

    service.named_queue(stated, {"status": "pending"}, 10, 0)
    service.export_queue(stated, {"status": "pending"})
    service.list_suggestions(stated, {"status": "pending"}, 10, 0, None, (None, None))
    service.named_queue(actor, {"status": "pending"}, 10, 0)

    rows = service.store.audit_rows({})[0]
    opened = [r["detail"].get("other_organisation") for r in rows if r["purpose"]]
    plain = [r["detail"].get("other_organisation") for r in rows if not r["purpose"]]
    assert opened == [[str(d2)]] * 3
    assert plain == [None] * len(plain)


def _tracing_pair(service: Service, org: str, filters: dict) -> list[dict]:
    user, _ = service.store.add_user(f"r-{org}-{uuid.uuid4().hex[:6]}", UserRole.REVIEWER, org)
    items, _ = service.named_queue(Actor(user, lang="en"), {"status": "pending", **filters}, 10, 0)
    return [i for i in items if {p["record_id"] for p in i["people"]} == {"T-1", "T-2"}]


def test_a_tracing_request_is_named_to_a_reader_of_its_case_file_only(service: Service) -> None:
    """T-1 is ONG-A's tracing request, T-2 OIM's return: an OIM reviewer reading T-1
    minimally is not told that it is a tracing request."""
    assert [i["tracing_request"] for i in _tracing_pair(service, "ONG-A", {})] == [True]
    assert [i["tracing_request"] for i in _tracing_pair(service, "OIM", {})] == [False]


def test_a_case_type_filter_keeps_the_pairs_by_the_case_files_its_reader_may_read(
    service: Service,
) -> None:
    """Which pairs a case type keeps would otherwise tell another organisation's case
    types."""
    kept = {"case_type": "tracing_request"}
    assert len(_tracing_pair(service, "ONG-A", kept)) == 1
    assert _tracing_pair(service, "OIM", kept) == []
    assert len(_tracing_pair(service, "OIM", {"case_type": "return"})) == 1
