"""A tracing request registered at a desk, over a real store (SQLite and PostgreSQL): kept
open, linked as an import links a file, given potential matches as files arrive, refused
whole, audited."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from models.store import Store
from models.users import UserRole
from service import Actor, Service
from service.errors import Forbidden, PurposeRequired, TooManyRequests
from service.ratelimit import SharedLimit
from service.returns import ReturnRequest
from service.search import WildcardRefused
from service.sought import AgeAndYearDisagree, EmptyDescription, description_of
from service.tracingregister import NoOrganisation, RegistrationRefused
from tests.service.family import GIRL_AS_HER_MOTHER_TELLS, import_family

TODAY = date(2024, 6, 1)
MOTHER = {"name": "Awa TRAWORE", "sex": "F", "age": 40, "phone": "+223 70 00 00 99"}
GIRL = GIRL_AS_HER_MOTHER_TELLS


def _officer(store: Store, role: UserRole = UserRole.TRACING_OFFICER, org: str | None = "CROIX"):
    user, _ = store.add_user(f"{role.value}-{uuid.uuid4().hex[:6]}", role, org)
    return Actor(user)


def _register(store: Store, *sought: dict[str, Any], **options: Any) -> dict[str, Any]:
    actor = options.pop("actor", None) or _officer(store)
    return Service(store).register_tracing_request(
        actor, options.pop("requester", MOTHER), list(sought or [GIRL]), today=TODAY, **options
    )


@pytest.fixture
def family(store: Store, tmp_path: Path) -> Store:
    import_family(store, tmp_path)
    return store


def test_a_registered_request_is_listed_open_under_the_officers_organisation(
    family: Store,
) -> None:
    case = _register(family, relation="mother")
    page = Service(family).tracing_requests(Actor.operator("test"))
    (listed,) = [c for c in page["items"] if c["case_id"] == case["case_id"]]
    assert listed == {k: v for k, v in case.items() if k in listed}
    assert (listed["source"], listed["status"], listed["records"]) == ("CROIX", "open", 2)
    assert listed["registered_on"] == "2024-06-01" and listed["sought"] == ["Fatimata Diara"]


def test_the_case_and_record_ids_are_readable_and_never_reused(family: Store) -> None:
    first, second = _register(family), _register(family)
    assert re.fullmatch(r"CROIX-DR/2024/\d{8}", first["case_id"])
    assert first["case_id"] != second["case_id"]
    assert first["requester_record_id"] == first["case_id"] + "-D"
    assert first["sought_record_ids"] == [first["case_id"] + "-R1"]


def test_its_records_are_stored_with_their_roles_and_linked_to_persons(family: Store) -> None:
    case = _register(family)
    (requester,) = family.find_record(case["requester_record_id"], "CROIX")
    (sought,) = family.find_record(case["sought_record_ids"][0], "CROIX")
    assert (requester.role, sought.role) == ("requester", "sought")
    assert (sought.case_type, sought.registered_on) == ("tracing_request", TODAY)
    assert requester.phone == "+223 70 00 00 99" and sought.father_name == "Bakari Diara"
    assert requester.entity_id is not None and sought.entity_id is not None
    assert family.pending_records() == 0


def test_the_requester_is_declared_the_relation_the_family_gives(family: Store) -> None:
    case = _register(family, relation="mère")
    (requester,) = family.find_record(case["requester_record_id"], "CROIX")
    (sought,) = family.find_record(case["sought_record_ids"][0], "CROIX")
    (relation,) = family.relations_of([sought.id])
    assert (relation.record_id, relation.relation, relation.related_record_id) == (
        sought.id,
        "mother",
        requester.id,
    )


def test_a_requester_and_a_sought_person_of_one_description_stay_two_persons(
    store: Store,
) -> None:
    """The engine's guard, as for a file: a requester never joins a sought person without
    a reviewer, however alike they are written."""
    same = {"name": "Awa TRAORE", "sex": "F", "birth_year": 1984, "village": "Sirakoro"}
    case = _register(store, same, requester=same)
    (requester,) = store.find_record(case["requester_record_id"], "CROIX")
    (sought,) = store.find_record(case["sought_record_ids"][0], "CROIX")
    assert requester.entity_id != sought.entity_id


def test_a_file_imported_later_brings_the_sought_girl_as_a_potential_match(
    store: Store, tmp_path: Path
) -> None:
    case = _register(store)
    service = Service(store)
    before = service.tracing_matches(Actor.operator("test"), case["case_id"], source="CROIX")
    assert before["matches"] == []
    import_family(store, tmp_path)
    after = service.tracing_matches(Actor.operator("test"), case["case_id"], source="CROIX")
    (girl,) = store.find_record("V-1")
    assert after["matches"][0]["entity_id"] == str(girl.entity_id)
    assert not {"phone", "current_location"} & set(after["matches"][0])


def test_a_family_may_seek_several_children_in_one_request(family: Store) -> None:
    boy = {"given": "Seydou", "family": "Diarra", "sex": "M", "age": 12}
    case = _register(family, GIRL, boy, relation="mother")
    assert case["records"] == 3 and case["sought"] == ["Fatimata Diara", "Seydou Diarra"]
    assert len(family.relations_of([family.find_record(case["requester_record_id"])[0].id])) == 2


@pytest.mark.parametrize(
    "age",
    [{"age": 15}, {"age": 12, "age_max": 13}, {"age": 18, "age_max": 120}, {"birth_year": 2009}],
)
def test_the_sought_persons_birth_is_the_one_a_tracing_search_reads(
    store: Store, age: dict[str, int]
) -> None:
    case = _register(store, {"given": "Fatimata", **age})
    (sought,) = store.find_record(case["sought_record_ids"][0], "CROIX")
    searched = description_of({"given": "Fatimata", **age}, TODAY)
    assert (sought.birth_earliest, sought.birth_latest) == (
        searched["birth_earliest"],
        searched["birth_latest"],
    )


@pytest.mark.parametrize(
    ("requester", "sought", "refused"),
    [
        (MOTHER, {"village": "Sirakoro"}, EmptyDescription),
        ({"sex": "F"}, GIRL, RegistrationRefused),
        ({**MOTHER, "birth_year": 1984}, GIRL, RegistrationRefused),
        (MOTHER, {**GIRL, "birth_year": 1990}, AgeAndYearDisagree),
        (MOTHER, {**GIRL, "age": 500}, RegistrationRefused),
        (MOTHER, {**GIRL, "sex": "X"}, RegistrationRefused),
        (MOTHER, {**GIRL, "given": "Fati*"}, WildcardRefused),
        (MOTHER, {**GIRL, "given": "F"}, RegistrationRefused),
        (MOTHER, {**GIRL, "village": "S" * 101}, RegistrationRefused),
        ({**MOTHER, "phone": "7" * 41}, GIRL, RegistrationRefused),
    ],
)
def test_a_refused_request_stores_nothing(
    family: Store, requester: dict[str, Any], sought: dict[str, Any], refused: type[Exception]
) -> None:
    before = family.count_records()
    with pytest.raises(refused):
        _register(family, sought, requester=requester)
    assert family.count_records() == before
    assert family.audit_rows({"action": "register_tracing_request"})[0] == []


def test_a_refusal_says_whose_field_is_wrong_in_french_and_english(family: Store) -> None:
    with pytest.raises(RegistrationRefused) as refused:
        _register(family, {**GIRL, "age": 500})
    assert "sought person 1, Age" in refused.value.text("en")
    assert refused.value.text("fr").startswith("la demande de recherche n'a pas été enregistrée")
    assert "personne recherchée 1, Âge" in refused.value.text("fr")


def test_an_unknown_relation_is_refused(family: Store) -> None:
    with pytest.raises(RegistrationRefused, match="relation"):
        _register(family, relation="cousin par alliance")


def test_a_reviewer_may_not_register_a_request(family: Store) -> None:
    with pytest.raises(Forbidden):
        _register(family, actor=_officer(family, UserRole.REVIEWER))
    assert family.audit_rows({"action": "register_tracing_request"})[0] == []


def test_an_account_without_an_organisation_files_no_request(family: Store) -> None:
    with pytest.raises(NoOrganisation):
        _register(family, actor=_officer(family, UserRole.ADMIN, org=None))


@pytest.mark.parametrize("role", [UserRole.CASEWORKER, UserRole.ADMIN])
def test_caseworkers_and_admins_register_requests_too(family: Store, role: UserRole) -> None:
    assert _register(family, actor=_officer(family, role))["status"] == "open"


def test_the_registration_is_audited_naming_the_officer_and_the_records(family: Store) -> None:
    actor = _officer(family)
    case = _register(family, actor=actor, relation="mother")
    (row,), _ = family.audit_rows({"action": "register_tracing_request"})
    assert actor.user is not None and row["user_name"] == actor.user.name
    assert row["object_ids"] == [f"CROIX/{case['case_id']}"]
    assert row["detail"]["records"] == [case["requester_record_id"], *case["sought_record_ids"]]
    (linked,), _ = family.audit_rows({"action": "tracing_request_linked"})
    assert linked["object_ids"] == row["object_ids"]


def test_a_desk_never_links_the_whole_population_again_its_records_wait(
    family: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where an import would link everyone again (here: as if the store were large and the
    model stale), the request is stored, answered and audited, its records left pending
    for the next import or relink."""
    monkeypatch.setattr("service.linking.DESK_WHOLE_MOST", 0)
    monkeypatch.setattr("service.linking.whole_population_reason", lambda *_: "stale_model")
    pending = family.pending_records()
    case = _register(family)
    assert case["linked"] is False and case["status"] == "open"
    assert family.pending_records() == pending + 2
    (linked,), _ = family.audit_rows({"action": "tracing_request_linked"})
    assert (linked["detail"]["pending"], linked["detail"]["because"]) == (True, "stale_model")


def test_a_failure_to_link_keeps_the_stored_request_and_says_so(
    family: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*_: Any, **__: Any) -> None:
        raise RuntimeError("the linking step broke")

    monkeypatch.setattr("service.tracingregister.settle_load", fails)
    case = _register(family)
    assert case["linked"] is False
    assert family.find_record(case["sought_record_ids"][0], "CROIX")
    (failed,), _ = family.audit_rows({"action": "tracing_request_link_failed"})
    assert failed["detail"]["error"] == "RuntimeError"
    assert len(family.audit_rows({"action": "register_tracing_request"})[0]) == 1


def test_a_drawn_case_id_another_case_file_has_is_drawn_again(
    family: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENDA's reintegration case RE-1 is no tracing request, yet a request drawn under its
    id would join its household: another number is drawn."""
    drawn = iter(["RE-1", "ENDA-DR/2024/00000001"])
    monkeypatch.setattr("service.tracingregister.new_case_id", lambda *_: next(drawn))
    case = _register(family, actor=_officer(family, org="ENDA"))
    assert case["case_id"] == "ENDA-DR/2024/00000001"
    (household,) = family.find_record("M-1", "ENDA")
    assert household.case_type == "reintegration"
    assert not family.find_record("RE-1-D", "ENDA")


def test_a_request_makes_its_organisation_no_holder_of_the_persons_case(family: Store) -> None:
    """Any officer may take a request at a desk, whoever the requester is: the sought
    record joining the girl's person gives the desk's organisation no case of hers to
    assess without a purpose nor a return to decide."""
    caseworker = _officer(family, UserRole.CASEWORKER)
    case = _register(family, actor=caseworker)
    (sought,) = family.find_record(case["sought_record_ids"][0], "CROIX")
    (victim,) = family.find_record("V-1", "DNPEF")
    assert sought.entity_id is not None and sought.entity_id == victim.entity_id
    service = Service(family)
    with pytest.raises(PurposeRequired):
        service.assessment_of_entity(caseworker, sought.entity_id)
    with pytest.raises(Forbidden, match="case files"):
        service.decide_return_of_entity(
            caseworker, sought.entity_id, ReturnRequest("recommend_return"), None
        )


def test_registrations_count_against_the_search_rate_limit(family: Store) -> None:
    """Each request writes records and is matched: an officer past the limit is refused
    (429) and nothing more is stored."""
    service = Service(family)
    service.search_limit = SharedLimit("search", per_window=1, window=60, clock=lambda: 90.0)
    actor = _officer(family)
    service.register_tracing_request(actor, MOTHER, [GIRL], today=TODAY)
    before = family.count_records()
    with pytest.raises(TooManyRequests):
        service.register_tracing_request(actor, MOTHER, [GIRL], today=TODAY)
    assert family.count_records() == before
