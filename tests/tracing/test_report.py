"""Counting people, not files: persons once, small cells suppressed, suspects never."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.tracing.families import person
from tracing.persons import build_profiles
from tracing.report import SMALLEST_CELL, naming_group, summarise


def _girl(k: int, *, records: int = 1, region: str = "Mopti", **fields) -> list:
    """Girl ``k`` (one person), recorded ``records`` times by two organisations."""
    return [
        person(
            f"G{k}-{n}",
            "Fatoumata DIARRA",
            "F",
            2008,
            entity_id=f"E-G{k}",
            source=("OIM", "ENDA")[n % 2],
            role="victim",
            case_type="identification",
            case_id=f"C{k}-{n}",
            origin_region=region,
            registered_on=date(2022, 3, 1),
            **fields,
        )
        for n in range(records)
    ]


def _by(summary, dimension: str) -> dict[str, dict]:
    return {cell["value"]: cell for cell in summary.as_dict()["by"][dimension]}


def test_a_person_recorded_twice_is_counted_once() -> None:
    records = [r for k in range(6) for r in _girl(k, records=2)]
    summary = summarise(build_profiles(records), set())
    assert summary.persons == 6 and summary.records == 12
    assert summary.as_dict()["files_per_person"] == 2.0
    assert _by(summary, "region")["Mopti"]["persons"] == 6
    assert _by(summary, "organisation")["OIM"]["persons"] == 6


def test_a_cell_under_five_persons_is_suppressed() -> None:
    records = [r for k in range(SMALLEST_CELL - 1) for r in _girl(k)]
    cell = _by(summarise(build_profiles(records), set()), "region")["Mopti"]
    assert cell["suppressed"] and cell["persons"] is None and cell["records"] is None


def test_a_total_under_five_persons_is_suppressed() -> None:
    records = [r for k in range(2) for r in _girl(k)]
    shown = summarise(build_profiles(records), {"E-G0"}).as_dict()
    assert (shown["persons"], shown["records"], shown["uncertain"]) == (None, None, None)
    assert shown["files_per_person"] is None


def test_one_small_cell_is_never_alone_so_the_total_cannot_give_it_back() -> None:
    records = [r for k in range(9) for r in _girl(k)]
    records += [r for k in range(9, 15) for r in _girl(k, region="Kayes")]
    records += _girl(15, region="Gao")
    cells = _by(summarise(build_profiles(records), set()), "region")
    assert cells["Gao"]["suppressed"] and cells["Kayes"]["suppressed"]
    assert cells["Kayes"]["persons"] is None and cells["Mopti"]["persons"] == 9


def test_a_region_counts_once_whatever_its_spelling() -> None:
    records = [r for k in range(3) for r in _girl(k, region="Sikasso")]
    records += [r for k in range(3, 6) for r in _girl(k, region="Sikaso")]
    assert _by(summarise(build_profiles(records), set()), "region")["Sikasso"]["persons"] == 6


def test_a_person_whose_files_write_only_the_village_counts_in_its_region() -> None:
    records = [r for k in range(6) for r in _girl(k, region="", origin_village="Kolondiéba")]
    assert _by(summarise(build_profiles(records), set()), "region")["Sikasso"]["persons"] == 6


def test_a_person_split_between_two_regions_counts_where_its_first_file_says() -> None:
    """Whatever order the store gives the records in: the same files, the same counts."""
    people = []
    for k in range(6):
        one, other = _girl(k, records=2)
        people += [replace(one, origin_region="Sikasso"), other]
    for ordered in (people, people[::-1]):
        by_region = _by(summarise(build_profiles(ordered), set()), "region")
        assert by_region["Mopti"]["persons"] == 6 and "Sikasso" not in by_region


def test_uncertain_persons_are_counted_per_cell() -> None:
    records = [r for k in range(12) for r in _girl(k)]
    summary = summarise(build_profiles(records), {f"E-G{k}" for k in range(6)})
    assert summary.uncertain == 6
    assert _by(summary, "sex")["F"]["uncertain"] == 6


def test_an_uncertain_count_under_five_is_suppressed_in_a_cell_too() -> None:
    records = [r for k in range(9) for r in _girl(k)]
    summary = summarise(build_profiles(records), {"E-G0", "E-G1"})
    assert summary.as_dict()["uncertain"] is None
    assert _by(summary, "sex")["F"]["uncertain"] is None and _by(summary, "sex")["F"]["persons"]


def test_small_cells_are_hidden_until_they_hold_five_persons_together() -> None:
    records = [r for k in range(10) for r in _girl(k)]
    records += _girl(10, region="Gao") + _girl(11, region="Kidal")
    records += [r for k in range(12, 18) for r in _girl(k, region="Kayes")]
    cells = summarise(build_profiles(records), set()).as_dict()["by"]["region"]
    assert [(c["value"], c["persons"]) for c in cells] == [
        ("Mopti", 10),
        ("Gao", None),
        ("Kayes", None),
        ("Kidal", None),
    ]


def test_a_suspect_is_never_counted() -> None:
    records = [r for k in range(6) for r in _girl(k)]
    records.append(person("U-1", "Drissa DIARRA", "M", 1975, role="suspect"))
    summary = summarise(build_profiles(records), set())
    assert summary.persons == 6
    assert "suspect" not in _by(summary, "role")


def test_age_group_and_year_come_from_the_first_registration() -> None:
    records = [r for k in range(6) for r in _girl(k)]
    summary = summarise(build_profiles(records), set())
    assert _by(summary, "age_group")["12-17"]["persons"] == 6
    assert _by(summary, "year")["2022"]["persons"] == 6


def test_the_naming_group_follows_the_name() -> None:
    profiles = build_profiles(
        [
            person("A", "Fatoumata DIALLO", "F", 2008),
            person("B", "Bacary Ag Souleymane", "M", 2000),
            person("C", "Mariem Mint Ahmed", "F", 2001),
            person("D", "Zzz Qqq", "F", 2001),
        ]
    )
    groups = {p.records[0].record_id: naming_group(p) for p in profiles.values()}
    assert groups == {"A": "fulani", "B": "tamasheq", "C": "moorish", "D": "unknown"}
