"""The matching pipeline end to end on small, readable cases."""

from datetime import date

import numpy as np
import pytest

from fixtures.demo import demo_records_path
from matching.columns import build_columns
from matching.comparisons import COMPARISON
from matching.fitting import bounded_disagreement
from matching.guards import BIT, LEARNED_SURE, guard_names
from matching.model import MATCH_THRESHOLD, FSModel, default_model
from matching.pipeline import link, match_new
from models.columnwise import validated_rows


def _record(i: str, name: str, **values: object) -> dict:
    return {"id": i, "full_name": name, **values}


def _pair(result: object, x: str, y: str) -> int:
    """The index of the scored pair of records `x` and `y`."""
    ids = result.columns.ids  # type: ignore[attr-defined]
    rows = {ids.index(x), ids.index(y)}
    a, b = result.a, result.b  # type: ignore[attr-defined]
    return next(k for k in range(len(a)) if {int(a[k]), int(b[k])} == rows)


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
    family = result.scores.contributions[:, 0]
    assert family[_pair(result, "p", "q")] > family[_pair(result, "x", "y")]


def test_a_family_names_commonness_counts_once_whether_written_alike_or_not() -> None:
    records = [
        *(_record(f"c{i}", f"COULIBALY Given{i}") for i in range(20)),
        _record("x", "COULIBALY Awa"),
        _record("y", "COULIBALY Awa"),
        _record("p", "KULIBALI Bintou"),
        _record("q", "COULIBALY Bintou"),
    ]
    model = FSModel()
    result = link(records, model, fit=False)
    family = COMPARISON["family_name"]
    alike, apart = _pair(result, "x", "y"), _pair(result, "p", "q")
    level = int(result.scores.levels[apart, 0])
    assert family.levels[level] in ("same_key", "same_clan_group")
    weights = model.weight_table()["family_name"]
    gap = result.scores.contributions[alike, 0] - result.scores.contributions[apart, 0]
    assert gap == pytest.approx(weights[family.index("exact")] - weights[level], abs=1e-5)


NEAR_SPELLINGS = [
    # (comparison, column, the pair written alike, in another known spelling, near)
    ("family_name", 0, ("x", "y"), ("x", "k"), ("x", "n")),
    ("given_names", 1, ("g", "h"), ("g", "s"), ("g", "t")),
]


@pytest.mark.parametrize(("name", "column", "alike", "spelling", "near"), NEAR_SPELLINGS)
def test_a_near_spelling_of_a_common_name_proves_no_more_than_the_name_spelt_otherwise(
    name: str,
    column: int,
    alike: tuple[str, str],
    spelling: tuple[str, str],
    near: tuple[str, str],
) -> None:
    """A near spelling, "Traote" beside "Traoré", weighs at most what "Traoré" twice, or
    "Traorré" beside it, does ("Mamadoq" at most what "Mahamadou" beside "Mamadou" does)."""
    records = [
        *(_record(f"t{i}", f"TRAORE Mamadou{i} Given") for i in range(30)),
        *(_record(f"m{i}", f"KEITA{i} Mamadou") for i in range(30)),
        _record("x", "TRAORE Awa"),
        _record("y", "TRAORE Awa"),
        _record("k", "TRAORRE Awa"),
        _record("n", "TRAOTE Awa"),
        _record("g", "ONGOIBA Mamadou"),
        _record("h", "ONGOIBA Mamadou"),
        _record("s", "ONGOIBA Mahamadou"),
        _record("t", "ONGOIBA Mamadoq"),
    ]
    model = FSModel()
    result = link(records, model, fit=False)
    comparison = COMPARISON[name]
    weight = result.scores.contributions[:, column]
    level = result.scores.levels[:, column]
    assert comparison.levels[int(level[_pair(result, *near)])] == "fuzzy"
    declared = model.weight_table()[name][comparison.index("fuzzy")]
    weakest = min(weight[_pair(result, *alike)], weight[_pair(result, *spelling)])
    assert declared > weakest
    assert weight[_pair(result, *near)] == pytest.approx(weakest, abs=1e-5)


def test_every_input_row_gets_exactly_one_cluster() -> None:
    records = [
        _record(str(i), name) for i, name in enumerate(["Awa Diallo", "Awa Diallo", "Binta Sow"])
    ]
    result = link(records, FSModel(), fit=False)
    assert len(result.clusters.labels) == 3
    assert np.unique(result.clusters.labels).size in (2, 3)


def test_a_patronym_and_the_father_it_names_count_once() -> None:
    from matching.comparisons import COMPARISON_NAMES

    result = link(
        [
            _record("a", "OULD MAMADOU Mohamed", sex="M", father_name="Mamadou Ould Lamine"),
            _record("b", "Mohamed Ould Mamadou", sex="M"),
        ],
        FSModel(),
        fit=False,
    )
    father = result.scores.levels[0, COMPARISON_NAMES.index("father")]
    assert father == 0  # "missing": the family names already said who the father is


def test_a_shared_village_weighs_less_between_two_records_of_one_lineage() -> None:
    from matching.comparisons import COMPARISON_NAMES

    place = COMPARISON["origin_place"]
    share = {"same_village": 0.3, "different": 0.3}
    rest = (1 - sum(share.values())) / (len(place.levels) - 3)
    u = [0.0] + [share.get(level, rest) for level in place.levels[1:]]
    model = FSModel(u_same_family={"origin_place": u})
    records = [
        _record("a", "MAIGA Oumar", origin_village="Bourem"),
        _record("b", "MAIGA Oumar", origin_village="Bourem"),
    ]
    at = COMPARISON_NAMES.index("origin_place")
    plain = link(records, FSModel(), fit=False).scores.contributions[0, at]
    lineage = link(records, model, fit=False).scores.contributions[0, at]
    assert 0 < lineage < plain


def test_a_shared_village_weighs_less_between_near_spellings_of_one_family_name() -> None:
    from matching.comparisons import COMPARISON_NAMES

    place = COMPARISON["origin_place"]
    share = {"same_village": 0.3, "different": 0.3}
    rest = (1 - sum(share.values())) / (len(place.levels) - 3)
    u = [0.0] + [share.get(level, rest) for level in place.levels[1:]]
    records = [
        _record("a", "DIAWARA Mariam", origin_village="Groumera"),
        _record("b", "JAWAFA Mariam", origin_village="Groumera"),
    ]
    family, at = COMPARISON_NAMES.index("family_name"), COMPARISON_NAMES.index("origin_place")
    plain = link(records, FSModel(), fit=False).scores
    near = link(records, FSModel(u_near_family={"origin_place": u}), fit=False).scores
    assert COMPARISON["family_name"].levels[plain.levels[0, family]] == "fuzzy"
    assert 0 < near.contributions[0, at] < plain.contributions[0, at]
    assert near.probability[0] < plain.probability[0]


def test_a_new_record_meets_a_candidate_the_index_found_through_its_case() -> None:
    # The recruiter is stored by his given name only; the village that makes his key
    # (his victim's) is not among the candidates of the new case.
    new = [
        _record("n1", "DIARRA Kadia", sex="F", origin_village="Fansarre", case_id="ID-2"),
        _record("n2", "SANGARE Ousmane", sex="M", origin_cercle="Mopti", case_id="ID-2"),
    ]
    stored = [_record("s1", "OUSMANE", sex="M", case_id="ID-1")]
    columns, a, b, _, _ = match_new(new, stored, FSModel())
    pairs = {(columns.ids[x], columns.ids[y]) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    assert ("n2", "s1") in pairs


def test_two_new_rows_of_one_case_are_never_paired() -> None:
    new = [
        _record("n1", "Awa TRAORE", sex="F", case_id="C"),
        _record("n2", "Awa TRAORE", sex="F", case_id="C"),
    ]
    stored = [_record("s1", "Awa TRAORE", sex="F", case_id="D")]
    columns, a, b, _, _ = match_new(new, stored, FSModel())
    pairs = {(columns.ids[x], columns.ids[y]) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    assert ("n1", "n2") not in pairs
    assert {("n1", "s1"), ("n2", "s1")} <= pairs


def test_em_may_not_make_births_far_apart_commoner_among_matches_than_declared() -> None:
    """Relatives in EM's selections inflate the m of disagreement; it is bounded."""
    birth = COMPARISON["birth"]
    fitted = {**FSModel().m, "birth": [0.0, 0.05, 0.15, 0.25, 0.2, 0.1, 0.25]}
    bounded = bounded_disagreement(fitted)["birth"]
    further = birth.index("further")
    assert bounded[further] == pytest.approx(birth.prior_m[further])
    assert sum(bounded) == pytest.approx(1.0)
    assert bounded[1] / bounded[2] == pytest.approx(0.05 / 0.15)


def test_a_disagreement_fitted_below_its_bound_is_kept() -> None:
    place = COMPARISON["origin_place"]
    share = {"same_village": 0.9, "same_cercle": 0.04, "same_region": 0.04, "different": 0.02}
    fitted = {**FSModel().m, "origin_place": [share.get(level, 0.0) for level in place.levels]}
    assert bounded_disagreement(fitted)["origin_place"] == fitted["origin_place"]


def test_a_place_written_only_as_its_region_counts_for_and_two_cercles_of_it_against() -> None:
    village = {"origin_village": "Sirakoro", "origin_cercle": "Kati"}
    elsewhere = {"origin_village": "Dialakoro", "origin_cercle": "Kolokani"}
    records = [
        _record("a", "COULIBALY Yacouba", **village),
        _record("b", "COULIBALY Yacouba", origin_region="Koulikoro"),
        _record("c", "COULIBALY Yacouba", **elsewhere),
    ]
    from matching.comparisons import COMPARISON_NAMES

    result = link(records, FSModel(), fit=False)
    at = COMPARISON_NAMES.index("origin_place")
    place = COMPARISON["origin_place"]
    weight = {
        place.levels[result.scores.levels[k, at]]: result.scores.contributions[k, at]
        for k in range(len(result.a))
    }
    assert weight["within_region"] > 0 > weight["same_region"]


def _lifted_to(probability: float):
    """A link whose learned model puts every pair the FS model leaves in review at
    `probability`."""
    rows = [v for _, _, v, _ in validated_rows(demo_records_path()) if v]
    columns = build_columns(rows, "record_id")
    plain = link(columns, default_model(), keep="review")

    def lift(scores):
        p = scores.probability.astype(float)
        model = plain.model
        p[(p >= model.review_threshold) & (p < model.match_threshold)] = probability
        return p

    lifted = link(columns, plain.model, fit=False, keep="review", rescore=lift)
    return plain, lifted


def test_a_pair_only_the_learned_model_makes_a_match_goes_to_review_unless_it_is_sure() -> None:
    """From the match threshold to `LEARNED_SURE` the learned model's word alone does not
    merge: the pair waits for a reviewer, its reasons saying why."""
    plain, unsure = _lifted_to((MATCH_THRESHOLD + LEARNED_SURE) / 2)
    _, sure = _lifted_to(LEARNED_SURE)
    was_review = plain.scores.probability < plain.model.match_threshold
    assert was_review.any()
    fs_review = {
        (int(x), int(y)) for x, y, r in zip(plain.a, plain.b, was_review, strict=True) if r
    }
    held = [
        k
        for k, (x, y) in enumerate(zip(unsure.a, unsure.b, strict=True))
        if (int(x), int(y)) in fs_review
    ]
    assert held and all(unsure.scores.held[k] & BIT["learned_alone"] for k in held)
    assert all(unsure.bands[k] == "review" for k in held)
    assert "learned_alone" in guard_names(int(unsure.scores.held[held[0]]))
    assert not any(sure.scores.held & BIT["learned_alone"])
    assert (sure.bands == "match").sum() > (unsure.bands == "match").sum()


def test_matching_new_records_holds_what_the_learned_model_alone_lifts_as_linking_does() -> None:
    rows = [v for _, _, v, _ in validated_rows(demo_records_path()) if v]
    model = link(build_columns(rows, "record_id"), default_model(), keep="review").model
    new, population = rows[:200], rows[200:]

    low, high = model.review_threshold, model.match_threshold

    def lift(scores):
        p = scores.probability.astype(float)
        p[(p >= low) & (p < high)] = (MATCH_THRESHOLD + LEARNED_SURE) / 2
        return p

    _, _, _, plain, _ = match_new(new, population, model, id_field="record_id")
    _, _, _, scores, bands = match_new(new, population, model, id_field="record_id", rescore=lift)
    lifted = (plain.probability >= low) & (plain.probability < high)
    assert lifted.any()
    assert all(scores.held[lifted] & BIT["learned_alone"])
    assert set(bands[lifted].tolist()) == {"review"}
