"""A person's stored inferences brought up to date from what it infers about newcomers."""

from __future__ import annotations

from tests.tracing.families import person
from tracing.infer import KEPT, Inferred, infer_for
from tracing.kinindex import KinIndex
from tracing.persons import build_profiles
from tracing.stored import EdgeRow, extended, inferred_rows


def _father(child: str, father: str, probability: float) -> Inferred:
    return Inferred(child, father, "father", probability, ("r",), ())


def _rows(child: str, *found: Inferred) -> list[EdgeRow]:
    return inferred_rows(child, found)


def test_a_newcomer_is_added_as_a_new_inference_would_find_it() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré"),
        *(
            person(f"P{k}", "Bakary TRAORE", "M", 1965 + k, origin_village="Sirakoro")
            for k in range(3)
        ),
    ]
    index = KinIndex.build(build_profiles(records))
    everything = infer_for(index, "E-C")
    before = _rows("E-C", *(i for i in everything if i.b != "E-P2"))
    found = infer_for(index, "E-C", among={"E-P2"})
    assert [i.b for i in found] == ["E-P2"]
    kept = extended(before, found)
    assert kept is not None and inferred_rows("E-C", kept) == inferred_rows("E-C", everything)


def test_a_newcomer_less_likely_than_every_kept_father_is_not_kept() -> None:
    fathers = [_father("C", f"P{k}", 0.9 - k / 100) for k in range(KEPT["father"])]
    kept = extended(_rows("C", *fathers), [_father("C", "N", 0.2)])
    assert kept is not None and {i.b for i in kept} == {f"P{k}" for k in range(5)}


def test_a_gone_person_leaves_a_kind_that_was_not_full() -> None:
    kept = extended(_rows("C", _father("C", "P0", 0.8), _father("C", "P1", 0.6)), [], {"P1"})
    assert kept is not None and [i.b for i in kept] == ["P0"]


def test_a_gone_person_leaving_a_full_kind_cannot_be_told_from_the_rows() -> None:
    fathers = [_father("C", f"P{k}", 0.9 - k / 100) for k in range(KEPT["father"])]
    assert extended(_rows("C", *fathers), [], {"P0"}) is None
    assert extended(_rows("C", *fathers), [_father("C", "P0", 0.5)], {"P0"}) is None


def test_a_gone_person_coming_back_likelier_keeps_its_place() -> None:
    fathers = [_father("C", f"P{k}", 0.9 - k / 100) for k in range(KEPT["father"])]
    kept = extended(_rows("C", *fathers), [_father("C", "P4", 0.95)], {"P4"})
    assert kept is not None
    assert {i.b: i.probability for i in kept}["P4"] == 0.95


def test_a_newcomer_as_likely_as_the_last_kept_father_cannot_be_told_from_the_rows() -> None:
    fathers = [_father("C", f"P{k}", 0.8) for k in range(KEPT["father"])]
    assert extended(_rows("C", *fathers), [_father("C", "N", 0.8)]) is None


def test_a_newcomer_as_likely_as_a_father_above_the_limit_is_kept() -> None:
    fathers = [_father("C", f"P{k}", 0.9 - k / 100) for k in range(KEPT["father"] - 1)]
    kept = extended(_rows("C", *fathers), [_father("C", "N", 0.9)])
    assert kept is not None and {i.b for i in kept} == {"N", *(f.b for f in fathers)}


def test_a_touched_person_at_a_full_kind_s_limit_cannot_be_told_from_the_rows() -> None:
    fathers = [_father("C", f"P{k}", 0.6) for k in range(KEPT["father"])]
    assert extended(_rows("C", *fathers), [_father("C", "P0", 0.6)], {"P0"}) is None
