"""Records coded into columns: in a batch, the order they come in changes nothing."""

import numpy as np
import pytest

from matching.columns import ColumnBatches, build_columns


def _rows() -> list[dict]:
    names = ["TRAORE Awa", "Awa Traore", "DIARRA Moussa", "KEITA Fanta", "Fanta Keita"]
    villages = ["Sirakoro", "Kati", "Sirakoro", None, "Kati"]
    return [
        {
            "record_id": f"R-{i}",
            "source": source,
            "full_name": names[i % 5],
            "origin_village": villages[(i * 3) % 5],
            "father_name": "Bakary" if i % 2 else None,
            "case_id": f"C-{i // 2}",
        }
        for i, source in enumerate(["OIM", "DNPEF", "OIM", "ONG-ENDA", "DNPEF", "OIM", "DNPEF"])
    ]


def _as_arrays(columns: object) -> dict[str, object]:
    fields = ("family", "given", "place", "father", "mother", "case", "sex", "phone")
    out: dict[str, object] = {f: getattr(columns, f).tolist() for f in fields}
    out["ids"] = list(columns.ids)  # type: ignore[attr-defined]
    out["vocab"] = {k: list(v.values) for k, v in columns.vocab.items()}  # type: ignore[attr-defined]
    return out


def test_a_batch_in_another_order_is_coded_as_the_same_batch_in_natural_order() -> None:
    rows = _rows()
    natural = sorted(rows, key=lambda r: (r["source"], r["record_id"]))
    shuffled = build_columns(rows[::-1], "record_id", natural=True)
    assert _as_arrays(shuffled) == _as_arrays(build_columns(natural, "record_id"))


def test_each_row_says_where_it_came_in() -> None:
    rows = _rows()
    columns = build_columns(rows, "record_id", natural=True)
    assert columns.arrival is not None
    assert [rows[i]["record_id"] for i in columns.arrival.tolist()] == columns.ids
    assert np.array_equal(np.sort(columns.arrival), np.arange(len(rows)))


def test_without_natural_order_the_rows_stay_as_they_came() -> None:
    rows = _rows()
    columns = build_columns(rows, "record_id")
    assert columns.ids == [r["record_id"] for r in rows]
    assert columns.arrival is None


def test_record_ids_of_thousands_of_characters_sort_like_any_other() -> None:
    rows = _rows()
    rows[3]["record_id"] = "R-" + "x" * 5_000
    natural = sorted(rows, key=lambda r: (r["source"], r["record_id"]))
    columns = build_columns(rows, "record_id", natural=True)
    assert columns.ids == [r["record_id"] for r in natural]


def test_records_given_as_column_batches_are_coded_as_the_same_records_given_as_rows() -> None:
    rows = _rows()
    fields = {name for row in rows for name in row}
    batches = [
        {name: [row.get(name) for row in rows[start : start + 3]] for name in fields}
        for start in range(0, len(rows), 3)
    ]
    as_rows = build_columns(rows, "record_id", natural=True)
    as_batches = build_columns(ColumnBatches(batches), "record_id", natural=True)
    assert _as_arrays(as_batches) == _as_arrays(as_rows)
    assert np.array_equal(as_batches.arrival, as_rows.arrival)


def test_a_field_a_column_batch_lacks_is_missing_for_its_records() -> None:
    rows = _rows()
    without_father = [{k: v for k, v in row.items() if k != "father_name"} for row in rows]
    fields = {name for row in without_father for name in row}
    batch = {name: [row.get(name) for row in without_father] for name in fields}
    coded = build_columns(ColumnBatches([batch]), "record_id", natural=True)
    assert _as_arrays(coded) == _as_arrays(build_columns(without_father, "record_id", natural=True))
    assert set(coded.father.tolist()) == {-1}


def test_a_record_without_its_id_is_refused() -> None:
    rows = _rows()
    del rows[2]["record_id"]
    with pytest.raises(KeyError):
        build_columns(rows, "record_id")
