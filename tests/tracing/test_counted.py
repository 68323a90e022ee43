"""Which relatives the safe-return assessment counts as evidence (`tracing.counted`)."""

from __future__ import annotations

from tests.tracing.families import person
from tracing.counted import EVIDENCE_FLOOR, counted, how_related
from tracing.relatives import Relative


def _relative(record_id: str, relation: str, score: float, *, declared: bool = False, **kw):
    name = kw.pop("name", f"Bakary {record_id}")
    record = person(record_id, name, "M", 1970)
    flags = kw.pop("flags", [])
    return Relative(record.person, record, relation, score, declared, [], [], name, flags=flags)


def _ids(relatives: list[Relative]) -> list[str]:
    return [r.record.record_id for r in relatives]


def test_an_inferred_relative_counts_from_the_floor_not_below() -> None:
    at = _relative("AT", "sibling", EVIDENCE_FLOOR)
    below = _relative("BELOW", "sibling", EVIDENCE_FLOOR - 0.01)
    found = counted([at, below])
    assert _ids(found.counted) == ["AT"]
    assert [(r.record.record_id, why.en) for r, why in found.set_aside] == [
        ("BELOW", "under 75 % likely")
    ]


def test_a_declared_relative_always_counts() -> None:
    assert _ids(counted([_relative("D", "other", 0.6, declared=True)]).counted) == ["D"]


def test_an_inferred_father_is_set_aside_where_a_father_is_declared() -> None:
    declared = _relative("D", "father", 1.0, declared=True)
    namesake = _relative("N", "father", 0.85)
    mother = _relative("M", "mother", 0.85)
    found = counted([declared, namesake, mother])
    assert _ids(found.counted) == ["D", "M"]
    assert [(r.record.record_id, why.fr) for r, why in found.set_aside] == [
        ("N", "un père est déclaré")
    ]


def test_a_declared_father_the_records_contradict_sets_no_inferred_one_aside() -> None:
    """A file may swap two columns: the inferred father may be the true one."""
    doubted = _relative("D", "father", 1.0, declared=True, flags=["contradicted"])
    inferred = _relative("N", "father", 0.85)
    assert _ids(counted([doubted, inferred]).counted) == ["D", "N"]


def test_each_relative_is_said_declared_or_inferred_and_how_surely() -> None:
    said = how_related(
        [
            _relative("N", "half_sibling", 0.87, name="Binta DIALLO"),
            _relative("D", "father", 1.0, declared=True, name="Amadou DIALLO"),
        ],
        "fr",
    )
    assert said == (
        "Amadou DIALLO (père, déclaré(e)), Binta DIALLO (demi-frère ou demi-sœur, déduit(e) à 87 %)"
    )


def test_a_suspect_named_in_one_of_the_person_s_case_files_counts_under_the_floor() -> None:
    """A suspect of the person's own case file is no namesake, whatever kin the names
    make of them."""
    member = _relative("H", "mother", 0.3, name="Hawa TRAORE")
    member.household, member.suspect = True, True
    assert _ids(counted([member]).counted) == ["H"]
    assert how_related([member], "fr") == "Hawa TRAORE (mère, déduit(e) à 30 %, même dossier)"


def test_anyone_else_sharing_a_case_file_counts_only_from_the_floor() -> None:
    """A case file holds co-victims and others as well as a household: a "mother" inferred
    at 30 % from one is no caregiver the assessment may lean on."""
    member = _relative("H", "mother", 0.3, name="Hawa TRAORE")
    member.household = True
    assert _ids(counted([member]).counted) == []
