from matching.blocking import candidate_pairs, record_keys
from matching.columns import build_columns


def _columns(*records: dict) -> object:
    return build_columns([{"id": i, **r} for i, r in enumerate(records)])


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
