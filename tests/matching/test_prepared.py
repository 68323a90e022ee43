"""Prepared values: what matching makes of names, parents and places, kept and read back."""

import numpy as np

from matching import prepared
from matching.columns import build_columns
from matching.compare.pairs import compare_pairs, place_readings
from matching.keys_version import PROBES
from matching.prepared import PreparedValues, decoded, prepared_version


def _all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(n, k=1)
    return a.astype(np.int32), b.astype(np.int32)


def _prepared_once() -> PreparedValues:
    collected = PreparedValues()
    place_readings(build_columns(PROBES, prepared=collected))
    return collected


def test_values_read_back_from_their_stored_form_compare_as_the_parsed_ones() -> None:
    stored = PreparedValues(values=decoded(list(_prepared_once().rows())))
    parsed = build_columns(PROBES)
    read = build_columns(PROBES, prepared=stored)
    a, b = _all_pairs(len(PROBES))
    assert np.array_equal(compare_pairs(read, a, b), compare_pairs(parsed, a, b))
    for kind in ("family", "given", "parent", "place"):
        assert read.vocab[kind].values == parsed.vocab[kind].values


def test_values_held_are_not_worked_out_again() -> None:
    stored = PreparedValues(values=decoded(list(_prepared_once().rows())))
    place_readings(build_columns(PROBES, prepared=stored))
    assert stored.learned == {"name": {}, "parent": {}, "place": {}}


def test_every_name_parent_and_place_worked_out_is_told() -> None:
    learned = _prepared_once().learned
    names = {(r["full_name"], r["family_name"], r["given_names"], r["aliases"]) for r in PROBES}
    assert set(learned["name"]) == names
    assert ("Seydou Keïta", None) in learned["parent"]
    assert any(key[0] == "kidal" for key in learned["place"])


def test_another_way_of_storing_values_has_another_version(monkeypatch) -> None:
    before = prepared_version()
    monkeypatch.setattr(prepared, "PREPARED_FORMAT", "prepared-2")
    prepared_version.cache_clear()
    try:
        assert prepared_version() != before
    finally:
        monkeypatch.undo()
        prepared_version.cache_clear()
    assert prepared_version() == before
