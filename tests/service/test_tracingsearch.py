"""Tracing search and tracing requests over a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from models.store import Store
from models.store.tracingrequests import add_match_decision
from models.users import UserRole
from service import Actor, Service
from service.errors import Conflict, Forbidden, NotFound
from service.search import WildcardRefused
from service.sought import AgeAndYearDisagree, EmptyDescription, description_of
from service.tracingsearch import AlreadyFound, TracingSearch
from tests.conftest import write_csv
from tests.service.family import GIRL_AS_HER_MOTHER_TELLS, import_family

ACTOR = Actor.operator("test")

# The mother's tracing request names the girl as she says it; the girl is stored under
# another spelling (identification V-1, reintegration B-1).
REQUEST = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name\n"
    "Q-1,CROIX,TR-5,tracing_request,requester,Awa TRAWORE,F,1984,Sirakoro,Kati,,\n"
    "Q-2,CROIX,TR-5,tracing_request,sought,Fatimata DIARA,F,vers 2009,Sirakoro,Kati,"
    "Bakari Diara,Awa Trawore\n"
)


@pytest.fixture
def family(store: Store, tmp_path: Path) -> Store:
    import_family(store, tmp_path)
    return store


@pytest.fixture
def request_filed(family: Store, tmp_path: Path) -> Store:
    assert Service(family).import_file(write_csv(tmp_path / "request.csv", REQUEST)).ok
    return family


def _entity(store: Store, record_id: str) -> str:
    (record,) = store.find_record(record_id)
    return str(record.entity_id or record.id)


def test_an_approximate_age_is_an_estimated_birth_interval() -> None:
    found = description_of({"given": "Fatoumata", "age": 15}, today=date(2024, 6, 1))
    assert found["given_names"] == "Fatoumata"
    assert found["birth_earliest"].year <= 2008 <= found["birth_latest"].year
    assert found["birth_precision"] == "age_estimated"


def test_a_description_without_a_name_is_refused() -> None:
    with pytest.raises(EmptyDescription):
        description_of({"village": "Sirakoro", "sex": "F"})


def test_the_sought_person_is_found_under_another_spelling(family: Store) -> None:
    sought = GIRL_AS_HER_MOTHER_TELLS
    hits = Service(family).trace(ACTOR, sought, top=5, limited=False, today=date(2024, 6, 1))
    assert hits[0]["entity_id"] == _entity(family, "V-1")
    assert hits[0]["reasons"]
    assert not {"phone", "current_location"} & set(hits[0])


def test_a_person_whose_files_write_no_region_is_shown_in_its_village_s(family: Store) -> None:
    """Sirakoro of the cercle of Kati: the files leave the region blank."""
    sought = {"given": "Fatimata", "family": "Diara", "sex": "F", "village": "Sirakoro"}
    hits = Service(family).trace(ACTOR, sought, top=5, limited=False, today=date(2024, 6, 1))
    assert hits[0]["region"] == "Koulikoro"


def test_reasons_show_no_place_below_the_region_and_no_birth_day(
    family: Store, tmp_path: Path
) -> None:
    """The found record is seen minimally: its reasons say whether places and births agree,
    never the village, the cercle or the day of birth (the enquirer may be the trafficker);
    names and parents' names are quoted, as the minimal view holds them."""
    later = (
        "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
        "origin_cercle\n"
        "N-1,DNPEF,ID-8,identification,victim,Nana SIDIBE,F,12/05/2011,Kanika,Kangaba\n"
    )
    assert Service(family).import_file(write_csv(tmp_path / "n.csv", later)).ok
    english = Actor(None, lang="en", command="test", os_user="t")
    sought = {"given": "Nana", "family": "Sidibe", "sex": "F", "age": 13, "village": "Kanika"}
    hits = Service(family).trace(english, sought, limited=False, today=date(2024, 6, 1))
    assert hits[0]["entity_id"] == _entity(family, "N-1")
    said = " ".join(r for hit in hits for r in hit["reasons"])
    assert "birth: " in said and "2011" in said
    for hidden in ("12/05", "Kanika", "Kangaba", "Kati", "Sirakoro", " km"):
        assert hidden not in said


def test_the_age_band_is_the_age_today_not_at_registration(family: Store) -> None:
    """The girl registered as a child in 2021 is a woman by 2040: a family describes the
    person as they are now, whichever of her records matched best."""
    english = Actor(None, lang="en", command="test", os_user="t")
    sought = {"given": "Fatoumata", "family": "Diarra", "sex": "F"}
    now = Service(family).trace(english, sought, limited=False, today=date(2024, 6, 1))
    later = Service(family).trace(english, sought, limited=False, today=date(2040, 6, 1))
    girl = _entity(family, "V-1")
    assert [h["age_band"] for h in now if h["entity_id"] == girl] == ["under 18"]
    assert [h["age_band"] for h in later if h["entity_id"] == girl] == ["30 to 39 years"]


def test_reasons_come_in_english_when_asked(family: Store) -> None:
    english = Actor(None, lang="en", command="test", os_user="t")
    (hit, *_) = Service(family).trace(english, {"given": "Fatoumata", "family": "Diarra"})
    (french, *_) = Service(family).trace(ACTOR, {"given": "Fatoumata", "family": "Diarra"})
    assert hit["reasons"] != french["reasons"]


def test_a_tracing_search_is_audited_with_its_query(family: Store) -> None:
    Service(family).trace(ACTOR, {"given": "Seydou", "family": "Diarra"})
    rows, _ = family.audit_rows({"action": "trace"})
    assert rows[0]["detail"]["query"]["given"] == "Seydou"


def test_a_reviewer_may_not_trace(family: Store) -> None:
    user, _ = family.add_user("rev", UserRole.REVIEWER)
    with pytest.raises(Forbidden):
        Service(family).trace(Actor(user), {"given": "Seydou"})


def test_a_tracing_request_is_listed_open(request_filed: Store) -> None:
    page = Service(request_filed).tracing_requests(ACTOR)
    (case,) = [c for c in page["items"] if c["case_id"] == "TR-5"]
    assert case["status"] == "open" and case["records"] == 2


def test_the_potential_matches_of_a_request_name_the_girl_not_the_case(
    request_filed: Store,
) -> None:
    found = Service(request_filed).tracing_matches(ACTOR, "TR-5")
    shown = [m["entity_id"] for m in found["matches"]]
    assert shown[0] == _entity(request_filed, "V-1")
    assert found["matches"][0]["reasons"]
    assert _entity(request_filed, "Q-1") not in shown
    for match in found["matches"]:
        assert not {"phone", "current_location"} & set(match)
        assert match["sought_record_id"] == "Q-2"


def test_a_confirmed_match_closes_the_request_and_is_audited(request_filed: Store) -> None:
    service = Service(request_filed)
    (first, *_) = service.tracing_matches(ACTOR, "TR-5")["matches"]
    service.decide_tracing_match(ACTOR, "TR-5", first["entity_id"], "confirmed", note="mère")
    found = service.tracing_matches(ACTOR, "TR-5")
    assert found["status"] == "matched"
    assert [m["entity_id"] for m in found["matches"]] == [first["entity_id"]]
    (case,) = [c for c in service.tracing_requests(ACTOR)["items"] if c["case_id"] == "TR-5"]
    assert case["matched_entity_id"] == first["entity_id"]
    rows, _ = request_filed.audit_rows({"action": "tracing_match_decision"})
    assert rows[0]["detail"]["decision"] == "confirmed"
    assert rows[0]["object_ids"] == [first["entity_id"]]


@pytest.mark.parametrize("decision", ["confirmed", "dismissed"])
def test_a_person_the_request_never_proposed_cannot_be_decided(
    request_filed: Store, decision: str
) -> None:
    """A confirmation closes the request for every tracing officer, a dismissal is recorded
    against the person: one typed in by id, outside the potential matches, is refused and
    nothing is recorded."""
    service = Service(request_filed)
    stranger = _entity(request_filed, "X-1")
    assert stranger not in [
        m["entity_id"] for m in service.tracing_matches(ACTOR, "TR-5")["matches"]
    ]
    with pytest.raises(Conflict):
        service.decide_tracing_match(ACTOR, "TR-5", stranger, decision)
    assert service.tracing_matches(ACTOR, "TR-5")["status"] == "open"
    rows, _ = request_filed.audit_rows({"action": "tracing_match_decision"})
    assert rows == []


def test_a_confirmation_is_undone_even_once_the_person_left_the_matches(
    request_filed: Store, tmp_path: Path
) -> None:
    service = Service(request_filed)
    girl = _entity(request_filed, "V-1")
    service.decide_tracing_match(ACTOR, "TR-5", girl, "confirmed")
    moved = (
        "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village\n"
        "V-1,DNPEF,ID-1,identification,victim,Seydou KONE,M,1990,Gao\n"
        "B-1,ENDA,RE-1,reintegration,beneficiary,Seydou KONE,M,1990,Gao\n"
    )
    assert service.import_file(write_csv(tmp_path / "moved.csv", moved)).ok
    service.decide_tracing_match(ACTOR, "TR-5", girl, "dismissed")
    assert service.tracing_matches(ACTOR, "TR-5")["status"] == "open"


def test_a_confirmation_is_undone_even_once_its_person_id_is_gone(
    request_filed: Store,
) -> None:
    """A later merge moved the girl's records under another person id."""
    from uuid import UUID

    from sqlalchemy import update

    from models.tables import person_records

    service = Service(request_filed)
    girl = _entity(request_filed, "V-1")
    service.decide_tracing_match(ACTOR, "TR-5", girl, "confirmed")
    other = _entity(request_filed, "X-1")
    with request_filed.engine.begin() as c:
        c.execute(
            update(person_records)
            .where(person_records.c.entity_id == UUID(girl))
            .values(entity_id=UUID(other))
        )
    service.decide_tracing_match(ACTOR, "TR-5", girl, "dismissed")
    assert service.tracing_matches(ACTOR, "TR-5")["status"] == "open"


def test_a_tracing_search_written_as_a_pattern_is_refused(family: Store) -> None:
    with pytest.raises(WildcardRefused):
        Service(family).trace(ACTOR, {"given": "Fatou*", "village": "Sirakoro"}, limited=False)


def test_a_dismissed_match_goes_last_and_reopening_is_a_dismissal(request_filed: Store) -> None:
    service = Service(request_filed)
    matches = service.tracing_matches(ACTOR, "TR-5")["matches"]
    service.decide_tracing_match(ACTOR, "TR-5", matches[0]["entity_id"], "dismissed")
    after = service.tracing_matches(ACTOR, "TR-5")["matches"]
    assert after[-1]["entity_id"] == matches[0]["entity_id"]
    assert after[-1]["decision"] == "dismissed"


def test_a_dismissed_match_stays_listed_however_few_are_asked_for(
    request_filed: Store,
) -> None:
    service = Service(request_filed)
    (first, *_) = service.tracing_matches(ACTOR, "TR-5", top=1)["matches"]
    service.decide_tracing_match(ACTOR, "TR-5", first["entity_id"], "dismissed")
    after = service.tracing_matches(ACTOR, "TR-5", top=1)["matches"]
    assert after[-1]["entity_id"] == first["entity_id"] and len(after) == 2


# A mother seeks her two children: the girl and her younger brother.
TWO_SOUGHT = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name\n"
    "W-1,CROIX,TR-7,tracing_request,requester,Awa TRAWORE,F,1984,Sirakoro,Kati,,\n"
    "W-2,CROIX,TR-7,tracing_request,sought,Fatimata DIARA,F,vers 2009,Sirakoro,Kati,"
    "Bakari Diara,Awa Trawore\n"
    "W-3,CROIX,TR-7,tracing_request,sought,Seydu DIARA,M,vers 2012,Sirakoro,Kati,"
    "Bakari Diara,Awa Trawore\n"
)


@pytest.fixture
def two_sought(family: Store, tmp_path: Path) -> Service:
    """The family's store with the mother's request for her two children (TR-7)."""
    service = Service(family)
    assert service.import_file(write_csv(tmp_path / "two.csv", TWO_SOUGHT)).ok
    return service


def test_each_sought_child_has_its_own_matches_until_each_is_confirmed(
    family: Store, two_sought: Service
) -> None:
    service = two_sought
    girl, boy = _entity(family, "V-1"), _entity(family, "S-1")
    found = service.tracing_matches(ACTOR, "TR-7")["matches"]
    best = {m["sought_record_id"]: m["entity_id"] for m in reversed(found)}
    assert best == {"W-2": girl, "W-3": boy}
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed")
    half = service.tracing_matches(ACTOR, "TR-7")
    assert half["status"] == "open"
    assert [m["entity_id"] for m in half["matches"] if m["sought_record_id"] == "W-2"] == [girl]
    assert boy in [m["entity_id"] for m in half["matches"] if m["sought_record_id"] == "W-3"]
    (case,) = [c for c in service.tracing_requests(ACTOR)["items"] if c["case_id"] == "TR-7"]
    assert case["status"] == "open"
    service.decide_tracing_match(ACTOR, "TR-7", boy, "confirmed")
    assert service.tracing_matches(ACTOR, "TR-7")["status"] == "matched"


def test_a_match_is_confirmed_for_the_child_the_family_names(
    family: Store, two_sought: Service
) -> None:
    """The officer confirms a person for the sought child the family recognises, though
    the person's records fit another sought child better: listed under that child, the
    other still open."""
    service = two_sought
    girl = _entity(family, "V-1")
    decided = service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed", sought_record_id="W-3")
    assert decided["sought_record_id"] == "W-3"
    found = service.tracing_matches(ACTOR, "TR-7")
    assert found["sought_record_ids"] == ["W-2", "W-3"]
    assert [m["entity_id"] for m in found["matches"] if m["sought_record_id"] == "W-3"] == [girl]
    assert girl not in [m["entity_id"] for m in found["matches"] if m["sought_record_id"] == "W-2"]
    assert found["status"] == "open"


def test_the_request_list_says_which_sought_child_each_person_was_confirmed_as(
    family: Store, two_sought: Service
) -> None:
    service = two_sought
    girl, boy = _entity(family, "V-1"), _entity(family, "S-1")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed", sought_record_id="W-2")
    service.decide_tracing_match(ACTOR, "TR-7", boy, "confirmed", sought_record_id="W-3")

    (case,) = [c for c in service.tracing_requests(ACTOR)["items"] if c["case_id"] == "TR-7"]

    assert case["matched"] == [
        {"entity_id": girl, "sought_record_id": "W-2"},
        {"entity_id": boy, "sought_record_id": "W-3"},
    ]
    assert case["matched_entity_ids"] == [girl, boy]


def test_a_person_dismissed_for_one_sought_child_is_still_proposed_for_the_other(
    family: Store, two_sought: Service
) -> None:
    service = two_sought
    girl = _entity(family, "V-1")
    before = service.tracing_matches(ACTOR, "TR-7")["matches"]
    assert girl in [m["entity_id"] for m in before if m["sought_record_id"] == "W-3"]
    service.decide_tracing_match(ACTOR, "TR-7", girl, "dismissed", sought_record_id="W-2")
    found = service.tracing_matches(ACTOR, "TR-7")["matches"]
    shown = {m["sought_record_id"]: m["decision"] for m in found if m["entity_id"] == girl}
    assert shown == {"W-2": "dismissed", "W-3": None}


def test_a_person_dismissed_for_the_whole_request_is_dismissed_for_every_child(
    family: Store, two_sought: Service
) -> None:
    service = two_sought
    girl = _entity(family, "V-1")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "dismissed")
    found = service.tracing_matches(ACTOR, "TR-7")["matches"]
    assert {m["decision"] for m in found if m["entity_id"] == girl} == {"dismissed"}


def _listed(service: Service) -> dict:
    (case,) = [c for c in service.tracing_requests(ACTOR)["items"] if c["case_id"] == "TR-7"]
    return case


def test_one_person_confirmed_for_two_children_counts_once_in_the_list_and_the_matches(
    family: Store, two_sought: Service
) -> None:
    service = two_sought
    girl = _entity(family, "V-1")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed", sought_record_id="W-2")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed", sought_record_id="W-3")
    found = service.tracing_matches(ACTOR, "TR-7")
    assert found["status"] == _listed(service)["status"] == "open"
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed")
    assert service.tracing_matches(ACTOR, "TR-7")["status"] == _listed(service)["status"] == "open"


def test_a_confirmation_withdrawn_for_the_whole_request_names_no_one(
    family: Store, two_sought: Service
) -> None:
    service = two_sought
    girl = _entity(family, "V-1")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed", sought_record_id="W-2")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "dismissed")
    assert _listed(service)["matched_entity_id"] is None
    found = service.tracing_matches(ACTOR, "TR-7")["matches"]
    assert {m["decision"] for m in found if m["entity_id"] == girl} == {"dismissed"}


def test_a_child_dismissed_after_a_whole_request_confirmation_is_open_again(
    family: Store, two_sought: Service
) -> None:
    """Confirmed for the request as a whole, then dismissed for the child they fit best:
    listed as confirmed only under the other child, and the first child's other
    candidates are shown again."""
    service = two_sought
    girl = _entity(family, "V-1")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "dismissed", sought_record_id="W-2")
    found = service.tracing_matches(ACTOR, "TR-7")["matches"]
    shown = {m["sought_record_id"]: m["decision"] for m in found if m["entity_id"] == girl}
    assert shown == {"W-3": "confirmed"}
    assert [m for m in found if m["sought_record_id"] == "W-2"]


def test_a_second_person_is_never_confirmed_as_the_one_sought(request_filed: Store) -> None:
    """Two officers, or one page left open before the first confirmation: the second
    confirmation of someone else is refused until the first is dismissed."""
    service = Service(request_filed)
    first, second, *_ = service.tracing_matches(ACTOR, "TR-5")["matches"]
    service.decide_tracing_match(ACTOR, "TR-5", first["entity_id"], "confirmed")
    with pytest.raises(AlreadyFound):
        service.decide_tracing_match(ACTOR, "TR-5", second["entity_id"], "confirmed")
    with pytest.raises(AlreadyFound):
        service.decide_tracing_match(
            ACTOR, "TR-5", second["entity_id"], "confirmed", sought_record_id="Q-2"
        )
    service.decide_tracing_match(ACTOR, "TR-5", first["entity_id"], "confirmed", note="again")
    service.decide_tracing_match(ACTOR, "TR-5", first["entity_id"], "dismissed")
    service.decide_tracing_match(ACTOR, "TR-5", second["entity_id"], "confirmed")
    found = service.tracing_matches(ACTOR, "TR-5")
    assert [m["entity_id"] for m in found["matches"]] == [second["entity_id"]]


def test_each_sought_child_takes_one_confirmed_person(family: Store, two_sought: Service) -> None:
    service = two_sought
    girl, boy = _entity(family, "V-1"), _entity(family, "S-1")
    proposed = {m["entity_id"] for m in service.tracing_matches(ACTOR, "TR-7")["matches"]}
    (third, *_) = sorted(proposed - {girl, boy})
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed", sought_record_id="W-2")
    with pytest.raises(AlreadyFound):
        service.decide_tracing_match(ACTOR, "TR-7", boy, "confirmed", sought_record_id="W-2")
    service.decide_tracing_match(ACTOR, "TR-7", boy, "confirmed")  # the other child
    assert service.tracing_matches(ACTOR, "TR-7")["status"] == "matched"
    with pytest.raises(AlreadyFound):
        service.decide_tracing_match(ACTOR, "TR-7", third, "confirmed")


def test_a_decision_for_a_record_the_request_does_not_seek_is_refused(
    family: Store, two_sought: Service
) -> None:
    service = two_sought
    with pytest.raises(NotFound):
        service.decide_tracing_match(
            ACTOR, "TR-7", _entity(family, "V-1"), "confirmed", sought_record_id="W-1"
        )


def test_every_read_of_requests_and_matches_is_audited(request_filed: Store) -> None:
    service = Service(request_filed)
    service.tracing_requests(ACTOR)
    service.tracing_matches(ACTOR, "TR-5")
    for action in ("read_tracing_requests", "read_tracing_matches"):
        rows, _ = request_filed.audit_rows({"action": action})
        assert len(rows) == 1


FAMILIES = [
    "Traoré",
    "Diarra",
    "Coulibaly",
    "Keita",
    "Konaté",
    "Camara",
    "Sissoko",
    "Touré",
    "Cissé",
    "Dembélé",
    "Sangaré",
    "Diallo",
    "Sidibé",
    "Kanté",
    "Doumbia",
]


def _girls(store: Store, tmp_path: Path, count: int, given: str = "Awa") -> None:
    """`count` girls of one given name born in 2012, each of her own family and case."""
    rows = "".join(
        f"G-{k},ONG,C-{k},identification,victim,{given} {FAMILIES[k % len(FAMILIES)]},F,2012\n"
        for k in range(count)
    )
    header = "record_id,source,case_id,case_type,role,full_name,sex,birth_date\n"
    assert Service(store).import_file(write_csv(tmp_path / "girls.csv", header + rows)).ok


def test_a_description_without_the_sex_finds_women_and_men(store: Store, tmp_path: Path) -> None:
    """ "Awa, about 12": the family said no sex; the stored girl's keys hold hers."""
    _girls(store, tmp_path, 1)
    sought = {"given": "Awa", "age": 12}
    hits = Service(store).trace(ACTOR, sought, limited=False, today=date(2024, 6, 1))
    assert [h["entity_id"] for h in hits] == [_entity(store, "G-0")]


def test_a_name_too_common_to_list_says_what_to_add(store: Store, tmp_path: Path) -> None:
    _girls(store, tmp_path, 45)
    service, sought = Service(store), {"given": "Awa", "age": 12}
    assert service.trace(ACTOR, sought, limited=False, today=date(2024, 6, 1)) == []
    hint = service.why_untraced(ACTOR, sought, today=date(2024, 6, 1))
    assert hint is not None and hint.text("en").startswith("too many persons fit")
    assert hint.text("fr").startswith("trop de personnes répondent")


def test_a_thin_description_that_finds_no_one_asks_for_two_things(family: Store) -> None:
    hint = Service(family).why_untraced(ACTOR, {"given": "Kadiatou"})
    assert hint is not None and "two things" in hint.text("en")


def test_a_description_nobody_fits_gets_no_hint(family: Store) -> None:
    sought = {"given": "Oumou", "family": "Sangaré", "age": 30}
    service = Service(family)
    assert service.trace(ACTOR, sought, limited=False) == []
    assert service.why_untraced(ACTOR, sought) is None


def test_a_person_a_record_names_as_a_suspect_is_said_so(family: Store) -> None:
    hits = Service(family).trace(ACTOR, {"given": "Drissa", "family": "Diarra", "sex": "M"})
    marked = {h["name"]: h["named_suspect"] for h in hits}
    assert marked["Drissa D."] is True
    assert not [name for name, said in marked.items() if said and name != "Drissa D."]


def test_a_match_decided_says_who_decided_when_and_the_note(request_filed: Store) -> None:
    service = Service(request_filed)
    (first, *_) = service.tracing_matches(ACTOR, "TR-5")["matches"]
    assert (first["decision"], first["decided_by"], first["note"]) == (None, None, None)
    service.decide_tracing_match(ACTOR, "TR-5", first["entity_id"], "confirmed", note="mère")
    (shown,) = service.tracing_matches(ACTOR, "TR-5")["matches"]
    assert (shown["decision"], shown["note"]) == ("confirmed", "mère")
    assert shown["decided_by"] == ACTOR.os_user  # the operating-system account
    assert shown["decided_at"].endswith("+00:00")


def test_an_age_and_a_birth_year_narrow_each_other() -> None:
    both = description_of({"given": "Awa", "age": 15, "birth_year": 2011}, date(2026, 6, 1))
    alone = description_of({"given": "Awa", "age": 15}, date(2026, 6, 1))
    assert both["birth_earliest"] >= alone["birth_earliest"]
    assert both["birth_latest"] <= alone["birth_latest"]
    assert both["birth_latest"].year <= 2013


def test_an_age_and_a_birth_year_that_cannot_both_be_right_are_refused() -> None:
    with pytest.raises(AgeAndYearDisagree):
        description_of({"given": "Awa", "age": 15, "birth_year": 1980}, date(2026, 6, 1))


def test_a_child_named_for_one_person_moves_a_whole_request_confirmation_to_the_other(
    family: Store, two_sought: Service
) -> None:
    """The girl confirmed for the request as a whole is listed under the child she fits
    best (W-2); the officer then names the boy for W-2: the girl is listed under W-3, never
    two persons under one child."""
    service = two_sought
    girl, boy = _entity(family, "V-1"), _entity(family, "S-1")
    service.decide_tracing_match(ACTOR, "TR-7", girl, "confirmed")
    service.decide_tracing_match(ACTOR, "TR-7", boy, "confirmed", sought_record_id="W-2")
    found = service.tracing_matches(ACTOR, "TR-7")
    confirmed = {
        m["sought_record_id"]: m["entity_id"]
        for m in found["matches"]
        if m["decision"] == "confirmed"
    }
    assert confirmed == {"W-2": boy, "W-3": girl} and found["status"] == "matched"


def test_of_two_officers_confirming_at_once_the_second_is_refused(
    request_filed: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second officer's checks pass on what they read; the first officer's
    confirmation lands before the second is written: the write sees it and refuses."""
    service = Service(request_filed)
    first, second, *_ = service.tracing_matches(ACTOR, "TR-5")["matches"]
    checked = TracingSearch._require_proposed

    def first_officer_meanwhile(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        checked(self, *args, **kwargs)
        add_match_decision(
            request_filed, "CROIX", "TR-5", first["entity_id"], "confirmed", None, None, "autre"
        )

    monkeypatch.setattr(TracingSearch, "_require_proposed", first_officer_meanwhile)
    with pytest.raises(AlreadyFound):
        service.decide_tracing_match(ACTOR, "TR-5", second["entity_id"], "confirmed")
    monkeypatch.undo()
    found = service.tracing_matches(ACTOR, "TR-5")
    assert [m["entity_id"] for m in found["matches"]] == [first["entity_id"]]


def test_a_person_has_one_age_band_whichever_of_their_records_a_search_finds(
    store: Store, tmp_path: Path
) -> None:
    """Two records of one man, an exact birth date and an estimate ten years off: a search
    for either gives the band of the narrowest, not of the record that matched best."""
    rows = (
        "record_id,source,case_id,case_type,full_name,sex,birth_date,origin_village\n"
        "P-1,OIM,C1,return,AG ALHOUSSEINI Mohamed,M,1995-03-01,Kidal\n"
        "P-2,ONG-A,C2,return,Mohamed Ag Alhousseini,M,vers 1984,Kidal\n"
    )
    assert Service(store).import_file(write_csv(tmp_path / "p.csv", rows)).ok
    ids = {r.record_id: r.id for r in store.list_records({}, limit=10).items}
    person = uuid.uuid4()
    with store.linking() as tx:
        tx.assign_entities({ids["P-1"]: person, ids["P-2"]: person})
    english = Actor(None, lang="en", command="test", os_user="t")
    bands = {
        year: [
            h["age_band"]
            for h in Service(store).trace(
                english,
                {"given": "Mohamed", "family": "Ag Alhousseini", "sex": "M", "birth_year": year},
                limited=False,
                today=date(2024, 6, 1),
            )
            if h["entity_id"] == str(person)
        ]
        for year in (1995, 1984)
    }
    assert bands == {1995: ["20 to 29 years"], 1984: ["20 to 29 years"]}
