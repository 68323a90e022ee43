from collections.abc import Iterable
from functools import cache

import pytest

from fixtures.demo import demo_records_path
from matching.block_arrays import KindKeys, kind_keys
from matching.blocking import _string_kind_keys, candidate_pairs
from matching.columns import Columns, build_columns
from matching.record_keys import all_record_keys, record_keys
from models.columnwise import validated_rows


def _columns(*records: dict) -> Columns:
    return build_columns([{"id": i, **r} for i, r in enumerate(records)])


@cache
def _demo_rows() -> tuple[dict, ...]:
    return tuple(v for _, _, v, _ in validated_rows(demo_records_path()) if v)


@cache
def _demo() -> Columns:
    return build_columns(list(_demo_rows()), "record_id")


def test_spelling_variants_of_one_person_share_a_key() -> None:
    columns = _columns(
        {"full_name": "KULIBALI Mamadou", "sex": "M"},
        {"full_name": "Mahamadou Coulibaly", "sex": "M"},
    )
    a, b, _ = candidate_pairs(columns)
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 1)]


def test_two_rows_of_one_case_are_never_paired() -> None:
    columns = _columns(
        {"full_name": "TRAORE Awa", "source": "ONG", "case_id": "C1"},
        {"full_name": "TRAORE Awa", "source": "ONG", "case_id": "C1"},
    )
    a, _, _ = candidate_pairs(columns)
    assert len(a) == 0


def test_a_record_with_a_name_and_an_age_only_gets_name_and_birth_keys() -> None:
    columns = _columns(
        {"full_name": "Rokia DIAKITE", "birth_earliest": "2004-01-01", "birth_latest": "2007-01-01"}
    )
    kinds = {key.split(":")[0] for key in record_keys(columns, 0)}
    assert {"gf", "gb", "gb2"} <= kinds


def test_blocks_larger_than_the_cap_are_dropped_and_counted() -> None:
    columns = _columns(*[{"full_name": "TRAORE Aminata", "sex": "F"} for _ in range(12)])
    a, _, stats = candidate_pairs(columns, max_block=10)
    assert len(a) == 0
    assert stats.dropped_blocks >= 1 and stats.dropped_records >= 12


def test_over_large_blocks_give_sorted_neighbours_when_asked() -> None:
    columns = _columns(*[{"full_name": "TRAORE Aminata", "sex": "F"} for _ in range(12)])
    a, b, stats = candidate_pairs(columns, max_block=10, window=3)
    assert stats.dropped_blocks >= 1
    assert 11 <= len(a) <= 21
    assert all(x < y for x, y in zip(a.tolist(), b.tolist(), strict=True))


def _pairs(columns: Columns) -> set[tuple[int, int]]:
    a, b, _ = candidate_pairs(columns)
    return set(zip(a.tolist(), b.tolist(), strict=True))


def _shared_kinds(columns: Columns, x: int, y: int) -> set[str]:
    shared = set(record_keys(columns, x)) & set(record_keys(columns, y))
    return {key.split(":")[0] for key in shared}


def test_villages_spelled_differently_share_the_village_key() -> None:
    columns = _columns(
        {"full_name": "OUSMANE", "sex": "M", "origin_village": "Fansare"},
        {"full_name": "Housmane", "sex": "M", "origin_village": "Fansarre"},
    )
    assert "gv" in _shared_kinds(columns, 0, 1)
    assert (0, 1) in _pairs(columns)


def test_a_given_name_meets_itself_through_the_village_of_another_record_of_its_case() -> None:
    # One recruiter, named by a given name only, in the cases of two households of a village.
    columns = _columns(
        {"full_name": "TRAORE Awa", "sex": "F", "origin_village": "Fansare", "case_id": "ID-1"},
        {"full_name": "OUSMANE", "sex": "M", "case_id": "ID-1"},
        {"full_name": "DIARRA Kadia", "sex": "F", "origin_village": "Fansarre", "case_id": "ID-2"},
        {"full_name": "SANGARE Ousmane", "sex": "M", "origin_cercle": "Mopti", "case_id": "ID-2"},
    )
    assert _shared_kinds(columns, 1, 3) == {"gv"}
    assert (1, 3) in _pairs(columns)


def test_a_record_without_a_given_name_meets_the_same_sex_members_of_its_household() -> None:
    # A mother written under her husband's name, then under her own name without a village.
    columns = _columns(
        {"full_name": "Mme Diarra", "sex": "F", "origin_village": "Sasimba", "case_id": "RFL-1"},
        {"full_name": "DIARRA Moussa", "sex": "M", "case_id": "RFL-1"},
        {"full_name": "DIARRA Moussa", "sex": "M", "origin_village": "Sassimba", "case_id": "R-1"},
        {"full_name": "Aminata TOURE", "sex": "F", "case_id": "R-1"},
    )
    assert _shared_kinds(columns, 0, 3) == {"hv"}
    assert (0, 3) in _pairs(columns)


def test_the_household_key_alone_never_pairs_two_records_with_known_given_names() -> None:
    # Two sisters, each in a case of her household: the household key does not pair them.
    columns = _columns(
        {"full_name": "DIARRA Moussa", "sex": "M", "origin_village": "Sasimba", "case_id": "A"},
        {"full_name": "Awa DIARRA", "sex": "F", "case_id": "A"},
        {"full_name": "DIARRA Moussa", "sex": "M", "origin_village": "Sasimba", "case_id": "B"},
        {"full_name": "Fatoumata DIARRA", "sex": "F", "case_id": "B"},
    )
    assert _shared_kinds(columns, 1, 3) == {"hv"}
    assert (1, 3) not in _pairs(columns)
    assert (0, 2) in _pairs(columns)


def test_a_record_without_sex_gets_the_household_keys_of_both_sexes() -> None:
    columns = _columns({"full_name": "Mme Diarra", "origin_village": "Sasimba"})
    household = {key for key in record_keys(columns, 0) if key.startswith("hv:diarra|")}
    assert household == {"hv:diarra|sasimba|0", "hv:diarra|sasimba|1"}


def test_a_name_written_the_wrong_way_round_shares_the_prefix_key() -> None:
    columns = _columns(
        {"family_name": "Fatoumata Bintou", "given_names": "Douyon", "sex": "F"},
        {"full_name": "Fatumata Binta DOUYON", "sex": "F"},
    )
    assert _shared_kinds(columns, 0, 1) == {"px"}
    assert (0, 1) in _pairs(columns)


def test_a_family_name_that_is_a_given_name_counts_as_one_for_the_village_key() -> None:
    # Family and given names written in each other's field, the family name misspelt.
    columns = _columns(
        {"family_name": "Adama", "given_names": "Tuore", "sex": "M", "origin_village": "Cheoui"},
        {"full_name": "Adama TOURE", "sex": "M", "origin_village": "Cheui"},
    )
    assert _shared_kinds(columns, 0, 1) == {"gv"}
    assert (0, 1) in _pairs(columns)


def _sharing(kinds: Iterable[KindKeys], kind: str) -> set[tuple[int, int]]:
    """Every pair of rows holding one key of `kind` (no cap, cases ignored)."""
    out: set[tuple[int, int]] = set()
    for group in kinds:
        if group.kind != kind:
            continue
        rows: dict[int, set[int]] = {}
        for row, key in zip(group.rows.tolist(), group.keys.tolist(), strict=True):
            rows.setdefault(key, set()).add(row)
        out |= {(x, y) for held in rows.values() for x in held for y in held if x < y}
    return out


@pytest.mark.parametrize("kind", ["gv", "fv", "hv", "px"])
def test_the_integer_keys_of_a_kind_are_shared_exactly_when_the_string_keys_are(
    kind: str,
) -> None:
    columns = _demo()
    strings = _string_kind_keys(all_record_keys(columns))
    assert _sharing(kind_keys(columns), kind) == _sharing(strings, kind)
    assert _sharing(strings, kind)


def test_the_case_keys_of_an_import_are_those_of_its_cases_in_the_whole_population() -> None:
    """Incremental matching computes the keys of one import: a case is imported whole."""
    columns = _demo()
    rows = [r for r in _demo_rows() if r.get("case_id")]
    cases = sorted({r["case_id"] for r in rows})[:40]
    part = [r for r in rows if r["case_id"] in cases]
    alone = build_columns(part, "record_id")
    row_of = {record_id: row for row, record_id in enumerate(columns.ids)}
    whole = all_record_keys(columns)
    assert [sorted(k) for k in all_record_keys(alone)] == [
        sorted(whole[row_of[record_id]]) for record_id in alone.ids
    ]


def test_the_keys_are_the_same_whatever_the_cache_remembers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remembered = all_record_keys(_demo())
    monkeypatch.setattr("matching.record_keys.KEY_CACHE", 2)
    assert all_record_keys(_demo()) == remembered
