"""The matching pipeline end to end on small, readable cases."""

from datetime import date

import numpy as np

from matching.model import FSModel
from matching.pipeline import link


def _record(i: str, name: str, **values: object) -> dict:
    return {"id": i, "full_name": name, **values}


def _same_entity(result: object, x: str, y: str) -> bool:
    labels = result.clusters.labels  # type: ignore[attr-defined]
    ids = result.columns.ids  # type: ignore[attr-defined]
    return bool(labels[ids.index(x)] == labels[ids.index(y)])


BIRTH = {
    "birth_earliest": date(2004, 5, 6),
    "birth_latest": date(2004, 5, 6),
    "birth_precision": "day",
}


def test_one_girl_in_two_files_under_two_spellings_is_one_person() -> None:
    result = link(
        [
            _record(
                "gov",
                "KULIBALI Fatoumata",
                sex="F",
                origin_village="Sirakoro",
                father_name="Bakary Coulibaly",
                **BIRTH,
            ),
            _record(
                "oim",
                "Fatimata Coulibaly",
                sex="F",
                origin_village="Sirakoro",
                father_name="Boubacar Kulibali",
                **BIRTH,
            ),
            _record("other", "Mariam Diarra", sex="F", origin_village="Kati"),
        ],
        FSModel(),
        fit=False,
    )
    assert _same_entity(result, "gov", "oim")
    assert not _same_entity(result, "gov", "other")


def test_twins_with_different_names_stay_two_people() -> None:
    twin = {
        "sex": "F",
        "origin_village": "Bla",
        "father_name": "Moussa Dembélé",
        "mother_name": "Awa Sanogo",
        **BIRTH,
    }
    result = link(
        [_record("a", "DEMBELE Awa", **twin), _record("b", "DEMBELE Adama", **twin)],
        FSModel(),
        fit=False,
    )
    assert not _same_entity(result, "a", "b")


def test_a_reviewers_rejection_is_never_overruled() -> None:
    records = [
        _record("a", "TRAORE Aminata", sex="F", **BIRTH),
        _record("b", "Aminata Traoré", sex="F", **BIRTH),
    ]
    assert _same_entity(link(records, FSModel(), fit=False), "a", "b")
    rejected = link(records, FSModel(), fit=False, cannot_link=[("a", "b")])
    assert not _same_entity(rejected, "a", "b")


def test_a_common_family_name_proves_less_than_a_rare_one() -> None:
    common = [_record(f"t{i}", f"TRAORE Given{i}") for i in range(30)]
    records = [
        *common,
        _record("x", "TRAORE Awa"),
        _record("y", "TRAORE Awa"),
        _record("p", "ONGOIBA Awa"),
        _record("q", "ONGOIBA Awa"),
    ]
    result = link(records, FSModel(), fit=False)
    ids = result.columns.ids
    family = result.scores.contributions[:, 0]

    def weight(x: str, y: str) -> float:
        rows = {ids.index(x), ids.index(y)}
        k = next(k for k in range(len(result.a)) if {int(result.a[k]), int(result.b[k])} == rows)
        return float(family[k])

    assert weight("p", "q") > weight("x", "y")


def test_every_input_row_gets_exactly_one_cluster() -> None:
    records = [
        _record(str(i), name) for i, name in enumerate(["Awa Diallo", "Awa Diallo", "Binta Sow"])
    ]
    result = link(records, FSModel(), fit=False)
    assert len(result.clusters.labels) == 3
    assert np.unique(result.clusters.labels).size in (2, 3)
