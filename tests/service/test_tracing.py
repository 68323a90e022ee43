"""The relatives use case over a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.store import Store
from models.store.tracing import KINSHIP_COLUMNS
from service import Actor, Service
from service.tracing import AmbiguousRecord, UnknownPerson
from tests.conftest import write_csv
from tests.service.family import import_family

ACTOR = Actor.operator("test")


@pytest.fixture
def family(store: Store, tmp_path: Path) -> Store:
    import_family(store, tmp_path)
    return store


def _by_record(found: list[dict]) -> dict[str, dict]:
    return {hit["record_id"]: hit for hit in found}


def test_declared_relatives_come_with_their_relation(family: Store) -> None:
    found = _by_record(Service(family).relatives_of_record(ACTOR, "B-1"))
    assert found["M-1"]["relation"] == "mother"
    assert found["F-1"]["relation"] == "father"
    assert found["S-1"]["relation"] == "sibling"
    assert all(hit["declared"] for hit in found.values())


def test_the_answer_follows_the_contract(family: Store) -> None:
    for hit in Service(family).relatives_of_record(ACTOR, "B-1"):
        assert {"record_id", "entity_id", "relation", "score", "reasons"} <= set(hit)
        assert hit["relation"] in {
            "mother",
            "father",
            "parent",
            "child",
            "sibling",
            "half_sibling",
            "spouse",
            "guardian",
            "other",
        }
        assert all(isinstance(reason, str) for reason in hit["reasons"])


def test_relatives_are_inferred_for_a_record_without_declared_relations(family: Store) -> None:
    found = _by_record(Service(family).relatives_of_record(ACTOR, "S-1"))
    assert found["F-1"]["relation"] == "father"
    assert found["M-1"]["relation"] == "mother"


def test_a_suspect_relative_carries_the_flag(family: Store) -> None:
    found = _by_record(Service(family).relatives_of_record(ACTOR, "V-1"))
    assert found["U-1"]["flags"] == ["suspect"]


def test_no_phone_or_location_is_read_for_tracing() -> None:
    assert not {"phone", "current_location"} & set(KINSHIP_COLUMNS)


def test_each_answer_is_audited(family: Store) -> None:
    found = Service(family).relatives_of_record(ACTOR, "B-1")
    rows, _ = family.audit_rows({"action": "read_relatives"})
    assert len(rows) == 1
    assert rows[0]["detail"]["via"] == "test" and rows[0]["detail"]["os_user"]
    assert {hit["entity_id"] for hit in found} <= set(rows[0]["object_ids"])


def test_an_unknown_record_is_refused(family: Store) -> None:
    with pytest.raises(UnknownPerson):
        Service(family).relatives_of_record(ACTOR, "NOPE")


def test_a_record_of_another_organisation_than_the_one_named_says_which(family: Store) -> None:
    with pytest.raises(UnknownPerson) as refused:
        Service(family).relatives_of_record(ACTOR, "B-1", source="enda")
    assert refused.value.text("en").endswith("the stored ones are of ENDA")


def test_a_record_id_two_sources_use_for_two_persons_needs_its_source(
    family: Store, tmp_path: Path
) -> None:
    (tmp_path / "dup.csv").write_text(
        "record_id,source,full_name,sex,birth_date\nB-1,OIM,Moussa SANOGO,M,1950\n"
    )
    from service import Service

    assert Service(family).import_file(tmp_path / "dup.csv").ok
    with pytest.raises(AmbiguousRecord):
        Service(family).relatives_of_record(ACTOR, "B-1")
    assert Service(family).relatives_of_record(ACTOR, "B-1", source="ENDA")


def test_an_entity_is_asked_by_its_id(family: Store) -> None:
    (record,) = family.find_record("B-1")
    found = _by_record(Service(family).relatives_of_entity(ACTOR, record.entity_id))
    assert found["M-1"]["relation"] == "mother"


AGAIN = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name\n"
    "V-2,DNPEF,ID-7,identification,victim,DIARRA Fatoumata,F,2009,Sirakoro,Kati,"
    "Bakary Diarra,Awa Traoré\n"
    "V-3,DNPEF,ID-8,identification,victim,Kadiatou KONE,F,2010,Dioila,Dioila,,\n"
)


def test_an_import_summary_names_a_person_identified_again(family: Store, tmp_path: Path) -> None:
    report = Service(family).import_file(write_csv(tmp_path / "again.csv", AGAIN))
    summary = report.as_dict()
    again = family.find_record("V-2")[0]
    assert again.entity_id == family.find_record("V-1")[0].entity_id
    assert summary["flags"]["count"] == 1 and summary["flags"]["persons"] == 1
    (flag,) = summary["flags"]["items"]
    assert flag["entity_id"] == str(again.entity_id)
    assert {"V-1", "V-2"} <= set(flag["evidence"])
    assert "V-3" not in flag["evidence"]
    rows, _ = family.audit_rows({"action": "import"})
    assert rows[0]["detail"]["flagged"] == [str(again.entity_id)]


HELD = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle\n"
    "G-1,ENDA,RE-5,reintegration,beneficiary,Mariam KONE,F,2010,Kolokani,Kolokani\n"
    "H-1,ENDA,RE-5,reintegration,household_member,Hawa TRAORE,F,1980,Kolokani,Kolokani\n"
    "S-9,DNPEF,ID-9,identification,suspect,TRAORE Hawa,F,1980,Kolokani,Kolokani\n"
)
"""A girl's household member who may be the suspect of another case: a guard holds the
pair for a reviewer instead of joining them."""


def test_a_relative_who_may_be_a_suspect_leaves_the_family_involvement_unknown(
    store: Store, tmp_path: Path
) -> None:
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "held.csv", HELD)).ok
    found = service.assessment_of_record(ACTOR, "G-1", lang="en")
    family = next(f for f in found["factors"] if f["factor"] == "family_involvement")
    assert family["status"] == "unknown" and family["evidence"] == ["H-1", "S-9"]
    assert "awaits a reviewer" in family["reasons"][0]
