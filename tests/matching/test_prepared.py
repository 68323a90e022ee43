"""Prepared values: what matching makes of names, parents and places, kept and read back."""

from dataclasses import fields, is_dataclass
from pathlib import Path

import numpy as np

from matching import prepared
from matching.columns import build_columns
from matching.compare.pairs import compare_pairs, place_readings
from matching.keys_version import PROBES
from matching.prepared import (
    KINDS,
    PreparedValues,
    decode,
    encode,
    prepared_version,
)


def _all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(n, k=1)
    return a.astype(np.int32), b.astype(np.int32)


def _prepared_once() -> PreparedValues:
    collected = PreparedValues()
    place_readings(build_columns(PROBES, prepared=collected))
    return collected


def _as_stored(collected: PreparedValues) -> PreparedValues:
    """The values as a store gives them back: encoded, then decoded."""
    learned = collected.learned
    return PreparedValues(
        values={k: {key: decode(k, encode(k, v)) for key, v in learned[k].items()} for k in KINDS}
    )


def test_values_read_back_from_their_stored_form_compare_as_the_parsed_ones() -> None:
    stored = _as_stored(_prepared_once())
    parsed = build_columns(PROBES)
    read = build_columns(PROBES, prepared=stored)
    a, b = _all_pairs(len(PROBES))
    assert np.array_equal(compare_pairs(read, a, b), compare_pairs(parsed, a, b))
    for kind in ("family", "given", "parent", "place"):
        assert read.vocab[kind].values == parsed.vocab[kind].values


def test_values_held_are_not_worked_out_again() -> None:
    stored = _as_stored(_prepared_once())
    place_readings(build_columns(PROBES, prepared=stored))
    assert stored.learned == {"name": {}, "parent": {}, "place": {}}


def test_every_name_parent_and_place_worked_out_is_told() -> None:
    learned = _prepared_once().learned
    names = {(r["full_name"], r["family_name"], r["given_names"], r["aliases"]) for r in PROBES}
    assert set(learned["name"]) == names
    assert ("Seydou Keïta", None) in learned["parent"]
    assert any(key[0] == "kidal" for key in learned["place"])


def _version_with(monkeypatch, **changes: object) -> str:
    for name, value in changes.items():
        monkeypatch.setattr(prepared, name, value)
    prepared_version.cache_clear()
    try:
        return prepared_version()
    finally:
        monkeypatch.undo()
        prepared_version.cache_clear()


def test_another_stored_form_has_another_version(monkeypatch) -> None:
    assert _version_with(monkeypatch, PREPARED_FORMAT="prepared-9") != prepared_version()


def test_a_change_to_the_code_that_prepares_values_moves_the_version(
    monkeypatch, tmp_path: Path
) -> None:
    """Even one no probe record shows: stored values would be compared with new ones."""
    here = Path(prepared.__file__).parent
    for name in prepared.PREPARING_CODE:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((here / name).read_bytes())
    with (tmp_path / "values.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# a changed normaliser\n")
    assert _version_with(monkeypatch, _HERE=tmp_path) != prepared_version()


def _all_fields(value: object) -> object:
    """A value's every field, those left out of equality (`shown`) included."""
    if is_dataclass(value):
        return tuple(_all_fields(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, tuple):
        return tuple(_all_fields(v) for v in value)
    return value


def test_every_field_of_a_prepared_value_comes_back_from_its_stored_form() -> None:
    learned = _prepared_once().learned
    for kind in KINDS:
        for value in learned[kind].values():
            assert _all_fields(decode(kind, encode(kind, value))) == _all_fields(value)
