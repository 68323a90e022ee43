"""Persons that must never be formed without a reviewer, whatever the scores say."""

from datetime import date, timedelta

import numpy as np
import pytest

from matching.cluster import cluster
from matching.explain import explain_pair
from matching.guards import BIT, Traits, guard_names
from matching.model import FSModel
from matching.pipeline import link


def _record(i: str, name: str, **values: object) -> dict:
    return {"id": i, "full_name": name, **values}


def _born(year: int) -> dict:
    return {
        "birth_earliest": date(year, 1, 1),
        "birth_latest": date(year, 12, 31),
        "birth_precision": "year",
    }


def _same(result: object, x: str, y: str) -> bool:
    labels = result.clusters.labels  # type: ignore[attr-defined]
    ids = result.columns.ids  # type: ignore[attr-defined]
    return bool(labels[ids.index(x)] == labels[ids.index(y)])


def _pair(result: object, x: str, y: str) -> int:
    ids = result.columns.ids  # type: ignore[attr-defined]
    rows = {ids.index(x), ids.index(y)}
    for k, (a, b) in enumerate(zip(result.a.tolist(), result.b.tolist(), strict=True)):  # type: ignore[attr-defined]
        if {a, b} == rows:
            return k
    raise AssertionError(f"{x} and {y} were never compared")


def test_sisters_named_after_one_father_are_two_people() -> None:
    sisters = {"sex": "F", "origin_village": "Ber", "father_name": "Mohamed Salem", **_born(2006)}
    result = link(
        [
            _record("fatma", "Fatma Bint Mohamed Salem", **sisters),
            _record("mbarka", "Mbarka Mint Mohamed Salem", **sisters),
        ],
        FSModel(),
        fit=False,
    )
    assert not _same(result, "fatma", "mbarka")
    k = _pair(result, "fatma", "mbarka")
    assert "given_names_differ" in guard_names(int(result.scores.held[k]))
    assert result.bands[k] != "match"


def test_namesakes_fifteen_years_apart_in_two_towns_are_two_people() -> None:
    result = link(
        [
            _record(
                "young", "Mariem Mint Ahmed", sex="F", origin_village="Tombouctou", **_born(2009)
            ),
            _record("older", "Mariem Mint Ahmed", sex="F", origin_village="Goundam", **_born(1994)),
        ],
        FSModel(),
        fit=False,
    )
    assert not _same(result, "young", "older")


def test_a_suspect_never_joins_a_childs_person_without_a_reviewer() -> None:
    child = {"sex": "M", "origin_village": "Sirakoro", "registered_on": date(2024, 3, 1)}
    result = link(
        [
            _record("child", "Moussa Traoré", role="victim", **child, **_born(2015)),
            _record("suspect", "TRAORE Moussa", role="suspect", sex="M", origin_village="Sirakoro"),
        ],
        FSModel(),
        fit=False,
    )
    assert not _same(result, "child", "suspect")
    k = _pair(result, "child", "suspect")
    assert int(result.scores.held[k]) & int(BIT["suspect_and_protected"])
    assert result.bands[k] != "match"


def test_a_suspect_never_joins_a_household_members_person_without_a_reviewer() -> None:
    """A household member is the family a victim may return to: joined with a suspect's
    record, the person would either hide the suspect or brand a relative one."""
    adult = {"sex": "F", "origin_village": "Sirakoro", **_born(1980)}
    result = link(
        [
            _record("aunt", "Hawa Traoré", role="household_member", **adult),
            _record("suspect", "TRAORE Hawa", role="suspect", **adult),
        ],
        FSModel(),
        fit=False,
    )
    assert not _same(result, "aunt", "suspect")
    k = _pair(result, "aunt", "suspect")
    assert int(result.scores.held[k]) & int(BIT["suspect_and_protected"])


def test_a_held_pair_says_why_in_both_languages() -> None:
    result = link(
        [
            _record("a", "Moussa Traoré", role="victim", sex="M", **_born(2015)),
            _record("b", "TRAORE Moussa", role="suspect", sex="M", **_born(2015)),
        ],
        FSModel(),
        fit=False,
    )
    k = _pair(result, "a", "b")
    reasons = explain_pair(
        result.columns,
        int(result.a[k]),
        int(result.b[k]),
        result.scores.levels[k],
        result.scores.contributions[k],
        held=int(result.scores.held[k]),
    )
    warning = [r for r in reasons if r.field == "guard"]
    assert warning and "suspect" in warning[0].fr and "suspect" in warning[0].en


def _traits(sex: list[int], born: list[int]) -> Traits:
    earliest = np.array([date(y, 1, 1).toordinal() if y else -1 for y in born], dtype=np.int32)
    latest = np.array([date(y, 12, 31).toordinal() if y else -1 for y in born], dtype=np.int32)
    n = len(sex)
    return Traits(
        sex=np.array(sex, dtype=np.int8),
        birth_earliest=earliest,
        birth_latest=latest,
        suspect=np.zeros(n, dtype=bool),
        protected=np.zeros(n, dtype=bool),
    )


def test_a_chain_of_links_does_not_close_into_a_person_its_records_contradict() -> None:
    # 0 ~ 1 ~ 2 ~ 3, each link strong, but record 3 was born 20 years after record 0.
    edges = [(0, 1, 0.999), (1, 2, 0.998), (2, 3, 0.997)]
    a = np.array([e[0] for e in edges])
    b = np.array([e[1] for e in edges])
    p = np.array([e[2] for e in edges])
    result = cluster(4, a, b, p, 0.9, traits=_traits([0, 0, 0, 0], [1990, 0, 0, 2010]))
    labels = result.labels.tolist()
    assert labels[0] != labels[3]
    assert (2, 3, "births_far_apart") in result.to_review


def test_a_chain_does_not_join_a_man_and_a_woman() -> None:
    result = cluster(
        3,
        np.array([0, 1]),
        np.array([1, 2]),
        np.array([0.999, 0.998]),
        0.9,
        traits=_traits([0, -1, 1], [0, 0, 0]),
    )
    assert result.labels.tolist()[0] != result.labels.tolist()[2]


def test_a_reviewer_may_still_confirm_what_the_guards_hold_back() -> None:
    result = cluster(
        2,
        np.array([0]),
        np.array([1]),
        np.array([0.999]),
        0.9,
        held=np.array([BIT["sex_differs"]], dtype=np.uint16),
        must_link=[(0, 1)],
    )
    assert result.labels.tolist() == [0, 0]


def test_births_within_five_years_do_not_split_a_person() -> None:
    traits = _traits([0, 0], [2000, 2004])
    traits.birth_latest[1] = (date(2004, 1, 1) + timedelta(days=10)).toordinal()
    result = cluster(2, np.array([0]), np.array([1]), np.array([0.999]), 0.9, traits=traits)
    assert result.labels.tolist() == [0, 0]


def test_a_reason_quotes_only_the_two_records_it_compares() -> None:
    mother = {"sex": "F", "origin_village": "Kati", **_born(2008)}
    result = link(
        [
            _record("other", "Awa Diarra", mother_name="Rokia Sanogho épouse Diarra", **mother),
            _record("a", "DIARRA Awa", mother_name="Rokia Sanogo", **mother),
            _record("b", "Awa DIARRA", mother_name="Rokia Sanogo", **mother),
        ],
        FSModel(),
        fit=False,
    )
    k = _pair(result, "a", "b")
    reasons = explain_pair(
        result.columns,
        int(result.a[k]),
        int(result.b[k]),
        result.scores.levels[k],
        result.scores.contributions[k],
    )
    mother_reason = next(r for r in reasons if r.field == "mother")
    assert "Rokia Sanogo ~ Rokia Sanogo" in mother_reason.fr
    assert "épouse" not in mother_reason.fr


def test_a_stored_person_counts_whole_when_a_new_record_meets_one_of_its_records() -> None:
    # Row 0 is a new suspect's record; row 1 an adult record of a stored person whose other
    # record (not among the candidates) is a child victim's: the suspect stays apart.
    traits = _traits([1, 1], [0, 0])
    person = {
        "entity_id": "E",
        "role": "victim",
        "sex": "M",
        "birth_earliest": date(2015, 1, 1),
        "birth_latest": date(2015, 12, 31),
        "registered_on": date(2024, 3, 1),
    }
    traits = Traits(
        traits.sex,
        traits.birth_earliest,
        traits.birth_latest,
        np.array([True, False]),
        np.array([False, False]),
    )
    widened = traits.widened([None, "E"], [person])
    result = cluster(2, np.array([0]), np.array([1]), np.array([0.999]), 0.9, traits=widened)
    assert result.labels.tolist() == [0, 1]
    assert result.to_review == [(0, 1, "suspect_and_protected")]


def test_two_records_of_a_juvenile_suspect_may_be_one_person() -> None:
    suspect = {
        "sex": "M",
        "origin_village": "Bla",
        "role": "suspect",
        "registered_on": date(2024, 1, 1),
        **_born(2008),
    }
    result = link(
        [_record("a", "Moussa Traoré", **suspect), _record("b", "TRAORE Moussa", **suspect)],
        FSModel(),
        fit=False,
    )
    assert int(result.scores.held[_pair(result, "a", "b")]) == 0
    assert _same(result, "a", "b")


@pytest.mark.parametrize(
    ("field", "left", "right"),
    [
        ("father_name", "Harouna", "Boubacar Maïga"),
        ("mother_name", "Maïmouna Cissé", "Kadidia Maïga"),
    ],
)
def test_records_naming_different_parents_wait_for_a_reviewer(
    field: str, left: str, right: str
) -> None:
    girl = {"sex": "F", "origin_village": "Toumoumou", **_born(1996)}
    result = link(
        [
            _record("a", "Mariama Maïga", **{field: left}, **girl),
            _record("b", "MAIGA Mariam", **{field: right}, **girl),
        ],
        FSModel(),
        fit=False,
    )
    k = _pair(result, "a", "b")
    assert "parents_differ" in guard_names(int(result.scores.held[k]))
    assert not _same(result, "a", "b")


def test_a_chain_through_a_record_without_parents_does_not_join_two_fathers_daughters() -> None:
    # Two girls of one name, born the same year in one village, daughters of two men:
    # the record that names no father matches both, and must not join them.
    girl = {"sex": "F", "origin_village": "Toumoumou", **_born(1996)}
    result = link(
        [
            _record("harouna1", "Mariama Maïga", father_name="Harouna", **girl),
            _record("harouna2", "MAIGA Mariama", father_name="Harouna Maïga", **girl),
            _record("unknown", "Mariama Maïga", **girl),
            _record("boubacar1", "Mariama MAIGA", father_name="Boubacar", **girl),
            _record("boubacar2", "Maïga Mariama", father_name="Boubacar Maïga", **girl),
        ],
        FSModel(),
        fit=False,
    )
    assert _same(result, "harouna1", "harouna2") and _same(result, "boubacar1", "boubacar2")
    assert not _same(result, "harouna1", "boubacar1")
