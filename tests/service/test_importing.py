"""Importing record files: all or nothing, every bad row named, idempotent. On both databases."""

from pathlib import Path

import pytest

from models.records import RECORD_COLUMNS
from models.store import Store
from service.importing import import_records
from tests.conftest import write_csv

HEADER = "record_id,case_id,source,registered_on,full_name,sex,birth_date,age,origin_village\n"
GOOD = HEADER + (
    "GOV-1,C1,DNPEF,2021-03-04,TRAORE Aminata dite Mina,F,vers 2005,,Sirakoro\n"
    "GOV-2,C1,DNPEF,2021-03-04,COULIBALY Moussa,M,,35,Kati\n"
    "OIM-7,R9,OIM,2022-05-04,Fatoumata Diarra,F,01/01/2004,,\n"
)


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    report = import_records(store, write_csv(tmp_path / "good.csv", GOOD))
    assert report.ok, report.errors
    return store


def _unchanged_after(
    store: Store, path: Path, relations: Path | None = None, strict: bool = False
) -> list[str]:
    before = store.counts()
    report = import_records(store, path, relations, strict=strict)
    assert not report.ok
    assert store.counts() == before
    return report.errors


def test_a_good_file_loads_every_row(loaded: Store) -> None:
    assert loaded.count_records() == 3
    assert loaded.counts()["cases"] == 2
    assert loaded.counts()["organisations"] == 2


def test_reimporting_the_same_file_changes_nothing(loaded: Store, tmp_path: Path) -> None:
    report = import_records(loaded, write_csv(tmp_path / "again.csv", GOOD))
    assert report.counts is not None
    assert (report.counts.new, report.counts.changed, report.counts.unchanged) == (0, 0, 3)
    assert loaded.count_records() == 3


def test_a_changed_row_is_updated_in_place(loaded: Store, tmp_path: Path) -> None:
    before = loaded.find_record("GOV-2", "DNPEF")[0]
    edited = GOOD.replace("COULIBALY Moussa,M,,35", "KULIBALI Moussa,M,,36")
    report = import_records(loaded, write_csv(tmp_path / "edit.csv", edited))
    assert report.counts is not None
    assert (report.counts.new, report.counts.changed, report.counts.unchanged) == (0, 1, 2)
    after = loaded.find_record("GOV-2", "DNPEF")[0]
    assert after.id == before.id
    assert (after.full_name, after.age) == ("KULIBALI Moussa", 36)


def test_dry_run_validates_and_writes_nothing(store: Store, tmp_path: Path) -> None:
    report = import_records(store, write_csv(tmp_path / "good.csv", GOOD), dry_run=True)
    assert report.ok and report.rows == 3
    assert store.count_records() == 0


def test_a_file_in_an_unknown_encoding_is_refused(loaded: Store, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(GOOD.replace("Sirakoro", "S\x81gou").encode("latin-1"))
    assert "save it as UTF-8" in _unchanged_after(loaded, path)[0]


def test_a_windows_1252_file_loads(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "excel.csv", GOOD.replace("Sirakoro", "Ségou"), "cp1252")
    report = import_records(store, path)
    assert report.ok, report.errors
    assert any(r.origin_village == "Ségou" for r in store.iter_records())


def test_a_file_without_record_id_is_refused(loaded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nocol.csv", GOOD.replace("record_id,", "numero,"))
    assert _unchanged_after(loaded, path) == [
        "nocol.csv: missing required column: record_id (Identifiant)"
    ]


def test_strict_an_unreadable_date_refuses_the_file_naming_the_row(
    loaded: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "date.csv", GOOD.replace("01/01/2004", "32/13/1999"))
    errors = _unchanged_after(loaded, path, strict=True)
    assert errors == ['row 4, birth_date: cannot read "32/13/1999"']


def test_an_unreadable_date_loads_the_row_as_unknown_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "date.csv", GOOD.replace("01/01/2004", "32/13/1999"))
    report = import_records(store, path)
    assert report.ok and report.counts is not None and report.counts.new == 3
    assert report.warnings == [
        'row 4, birth_date: cannot read "32/13/1999" '
        "(kept in birth_date_raw; the value counts as unknown)"
    ]
    assert report.as_dict("fr")["warnings"] == [
        "ligne 4, birth_date : impossible de lire « 32/13/1999 » "
        "(conservé dans birth_date_raw ; la valeur compte comme inconnue)"
    ]
    [record] = store.find_record("OIM-7")
    assert record.birth_date is None and record.birth_earliest is None
    assert record.extra == {"birth_date_raw": "32/13/1999"}


def test_a_duplicate_record_id_names_both_rows(loaded: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", GOOD.replace("OIM-7,R9,OIM", "GOV-1,R9,DNPEF"))
    assert _unchanged_after(loaded, path) == ['row 4, record_id: "GOV-1" already on row 2']


def test_two_organisations_may_use_one_record_id(store: Store, tmp_path: Path) -> None:
    report = import_records(store, write_csv(tmp_path / "two.csv", GOOD.replace("OIM-7", "GOV-1")))
    assert report.ok, report.errors
    assert sorted(r.source for r in store.find_record("GOV-1")) == ["DNPEF", "OIM"]


def test_an_empty_file_is_refused(loaded: Store, tmp_path: Path) -> None:
    assert _unchanged_after(loaded, write_csv(tmp_path / "e.csv", "")) == [
        "e.csv: the file is empty"
    ]


def test_a_header_only_file_is_refused(loaded: Store, tmp_path: Path) -> None:
    errors = _unchanged_after(loaded, write_csv(tmp_path / "h.csv", HEADER))
    assert errors == ["h.csv: the file has a header but no rows"]


def test_strict_a_large_file_with_three_bad_dates_names_all_three(
    loaded: Store, tmp_path: Path
) -> None:
    lines = [HEADER]
    for i in range(20_000):
        birth = "2004-05-06"
        if i in (10, 9_000, 19_999):
            birth = f"{i}/99/2004"
        lines.append(f"BIG-{i},C{i // 4},ONG,2021-01-01,Awa Diarra {i},F,{birth},,Kati\n")
    errors = _unchanged_after(loaded, write_csv(tmp_path / "big.csv", "".join(lines)), strict=True)
    assert errors == [
        'row 12, birth_date: cannot read "10/99/2004"',
        'row 9002, birth_date: cannot read "9000/99/2004"',
        'row 20001, birth_date: cannot read "19999/99/2004"',
    ]


def test_relations_are_loaded_between_rows_of_the_file(store: Store, tmp_path: Path) -> None:
    relations = write_csv(
        tmp_path / "rel.csv", "record_id,relation,related_record_id\nGOV-1,other,GOV-2\n"
    )
    report = import_records(store, write_csv(tmp_path / "good.csv", GOOD), relations)
    assert report.counts is not None and report.counts.relations == 1
    victim = store.find_record("GOV-1")[0]
    [relation] = store.relations_of([victim.id])
    assert relation.relation == "other"


def test_a_relations_file_titled_in_french_with_field_words_loads(
    store: Store, tmp_path: Path
) -> None:
    relations = write_csv(
        tmp_path / "rel.csv",
        "Identifiant,Lien de parenté,Identifiant du parent\n"
        "GOV-1,Neveu,GOV-2\nGOV-1,Coépouse,OIM-7\nGOV-2,petit-fils,OIM-7\n",
    )
    report = import_records(store, write_csv(tmp_path / "good.csv", GOOD), relations)
    assert report.ok, report.errors
    assert report.counts is not None and report.counts.relations == 3
    victim = store.find_record("GOV-1")[0]
    assert {r.relation for r in store.relations_of([victim.id])} == {"other"}


def test_a_relation_to_an_unknown_row_loads_nothing(store: Store, tmp_path: Path) -> None:
    relations = write_csv(
        tmp_path / "rel.csv", "record_id,relation,related_record_id\nGOV-1,mother,NOPE\n"
    )
    report = import_records(store, write_csv(tmp_path / "good.csv", GOOD), relations)
    assert report.errors == [
        'rel.csv: row 2, related_record_id: "NOPE" is neither in the records file nor a stored '
        "record"
    ]
    assert store.count_records() == 0


def test_a_relation_may_name_a_record_stored_by_an_earlier_import(
    store: Store, tmp_path: Path
) -> None:
    assert import_records(store, write_csv(tmp_path / "good.csv", GOOD)).ok
    later = write_csv(
        tmp_path / "later.csv",
        "record_id,source,full_name,sex\nREQ-9,CROIX-ROUGE,Kadia Traoré,F\n",
    )
    relations = write_csv(
        tmp_path / "rel.csv", "record_id,relation,related_record_id\nREQ-9,child,GOV-1\n"
    )
    report = import_records(store, later, relations)
    assert report.ok, report.errors
    requester = store.find_record("REQ-9")[0]
    child = store.find_record("GOV-1")[0]
    [relation] = store.relations_of([requester.id])
    assert (relation.record_id, relation.relation, relation.related_record_id) == (
        requester.id,
        "child",
        child.id,
    )


def test_a_record_cannot_be_its_own_relative(store: Store, tmp_path: Path) -> None:
    """Whatever sources the row names: in the file a record id names one row."""
    relations = write_csv(
        tmp_path / "rel.csv",
        "record_id,relation,related_record_id,source,related_source\n"
        "GOV-1,mother,GOV-1,DNPEF,OIM\n",
    )
    report = import_records(store, write_csv(tmp_path / "good.csv", GOOD), relations)
    assert report.errors == [
        'rel.csv: row 2, related_record_id: "GOV-1" is the record itself: a person is not '
        "their own relative"
    ]
    assert store.count_records() == 0


def test_a_stored_record_cannot_be_named_its_own_relative(store: Store, tmp_path: Path) -> None:
    assert import_records(store, write_csv(tmp_path / "good.csv", GOOD)).ok
    later = write_csv(tmp_path / "later.csv", "record_id,source,full_name,sex\nREQ-9,CR,Kadia,F\n")
    relations = write_csv(
        tmp_path / "rel.csv",
        "record_id,relation,related_record_id,related_source\nGOV-1,sibling,GOV-1,DNPEF\n",
    )
    report = import_records(store, later, relations)
    assert not report.ok and "is the record itself" in report.errors[0]


def test_a_stored_record_id_two_organisations_share_must_name_its_source(
    store: Store, tmp_path: Path
) -> None:
    for source in ("DNPEF", "OIM"):
        one = f"record_id,source,full_name\nX-1,{source},Awa Diarra\n"
        assert import_records(store, write_csv(tmp_path / f"{source}.csv", one)).ok
    later = write_csv(tmp_path / "later.csv", "record_id,source,full_name\nR-2,ONG,Ami Keita\n")
    ambiguous = write_csv(
        tmp_path / "rel.csv", "record_id,relation,related_record_id\nR-2,sibling,X-1\n"
    )
    report = import_records(store, later, ambiguous)
    assert not report.ok and "name one in the related_source column" in report.errors[0]
    named = write_csv(
        tmp_path / "rel2.csv",
        "record_id,relation,related_record_id,related_source\nR-2,sibling,X-1,OIM\n",
    )
    assert import_records(store, later, named).ok


MAPPINGS = Path(__file__).resolve().parents[2] / "fixtures" / "mappings"


def test_an_import_names_every_bad_line_of_its_mapping_and_loads_nothing(
    store: Store, tmp_path: Path
) -> None:
    mapping = tmp_path / "m.csv"
    mapping.write_text("column,field\nnom,family_nam\nsexe,\n", encoding="utf-8")
    report = import_records(store, MAPPINGS / "primero-export.csv", mapping=mapping)
    assert not report.ok
    errors = [str(e) for e in report.errors]
    assert len(errors) == 2
    assert all("m.csv" in e for e in errors)
    assert "family_nam" in errors[0] and "sexe" in errors[1]
    assert store.counts()["person_records"] == 0


def test_a_primero_export_loads_through_its_mapping_file(store: Store) -> None:
    report = import_records(
        store, MAPPINGS / "primero-export.csv", mapping=MAPPINGS / "primero.csv"
    )
    assert report.ok, report.errors
    assert report.counts is not None and report.counts.new == 2
    [record] = store.find_record("6a1f0c2e-1b7d-4c55-9d0e-2f1c3a4b5c6d")
    assert (record.source, record.case_id, record.family_name) == (
        "agency-ngo-a",
        "CP-0412",
        "Traoré",
    )


def test_an_odk_central_export_loads_its_choice_names_as_the_mapping_s_values(
    store: Store,
) -> None:
    report = import_records(
        store,
        MAPPINGS / "odk-central-export.csv",
        source="ODK",
        mapping=MAPPINGS / "odk-central.csv",
    )
    assert report.ok, report.errors
    [record] = store.find_record("uuid:0b5a8e7c-1f7e-4a0e-9d55-3c1e2f7a9b10")
    assert (record.sex, record.origin_village, record.return_consent) == ("F", "Markala", "yes")


def test_a_mapping_value_that_cannot_be_read_loads_nothing_and_is_named_in_french(
    store: Store, tmp_path: Path
) -> None:
    mapping = write_csv(tmp_path / "m.csv", "column,field,values\nsexe,sex,1=X\n")
    records = write_csv(tmp_path / "r.csv", "record_id,full_name,sexe\nR1,Awa,1\n")
    report = import_records(store, records, source="ODK", mapping=mapping)
    assert [e.text("fr") for e in report.problems] == [
        "m.csv : fichier de correspondance, ligne 2 : « 1 » pour sex : impossible de lire « X » "
        "(attendu : F, M)"
    ]
    assert store.count_records() == 0


def test_a_column_the_mapping_keeps_as_extra_data_is_not_warned_about(
    store: Store, tmp_path: Path
) -> None:
    mapping = write_csv(tmp_path / "m.csv", "column,field\ndate_naisance,extra\n")
    records = write_csv(
        tmp_path / "r.csv", "record_id,full_name,date_naisance\nR1,Awa Diarra,note libre\n"
    )
    report = import_records(store, records, source="ODK", mapping=mapping)
    assert report.ok and report.warnings == []
    [record] = store.find_record("R1")
    assert record.extra == {"date_naisance": "note libre"}


def test_a_wrong_mapping_file_loads_nothing_and_is_named(store: Store, tmp_path: Path) -> None:
    mapping = write_csv(tmp_path / "m.csv", "column,field\ncase_id,identifiant\n")
    report = import_records(store, MAPPINGS / "primero-export.csv", mapping=mapping)
    assert report.errors == [
        'm.csv: mapping file, row 2: unknown field "identifiant" (expected one of '
        + ", ".join(RECORD_COLUMNS)
        + ")"
    ]
    assert store.count_records() == 0


def test_an_organisation_spelled_otherwise_than_stored_is_an_error_on_its_first_row(
    store: Store, tmp_path: Path
) -> None:
    first = "record_id,source,full_name\nT-1,TEST,Awa Diarra\n"
    assert import_records(store, write_csv(tmp_path / "a.csv", first)).ok
    again = "record_id,source,full_name\nT-2,TEST,Ami Keita\nT-1,test,Awa Diarra\nT-3,test,Oumou\n"
    report = import_records(store, write_csv(tmp_path / "b.csv", again))
    assert report.errors == [
        'b.csv: row 3, source: the records name this organisation "TEST", not "test"'
    ]
    assert store.count_records() == 1


def test_a_header_typo_and_a_mapping_naming_no_column_are_warned_about(
    store: Store, tmp_path: Path
) -> None:
    """Both silently left the birth dates unread: the file loads, and says so."""
    records = write_csv(
        tmp_path / "typo.csv", "record_id,source,full_name,date_naisance\nR1,OIM,Awa,2010\n"
    )
    mapping = write_csv(tmp_path / "map.csv", "column,field\nne_le_x,birth_date\n")
    report = import_records(store, records, mapping=mapping)
    assert report.ok
    assert report.warnings == [
        "row 1, ne_le_x: the mapping names a column the file does not have (a typo?)",
        "row 1, date_naisance: kept as extra data, not read as birth_date: rename it "
        '"birth_date" if it is',
    ]


def test_an_id_written_twice_with_a_text_apostrophe_is_one_id_named_twice(
    store: Store, tmp_path: Path
) -> None:
    records = write_csv(
        tmp_path / "twice.csv", "record_id,source,full_name\n'0012,OIM,Awa\n0012,OIM,Fanta\n"
    )
    report = import_records(store, records)
    assert not report.ok
    assert report.errors == ['row 3, record_id: "0012" already on row 2']


def test_a_message_names_the_column_as_the_file_titles_it(store: Store, tmp_path: Path) -> None:
    records = write_csv(
        tmp_path / "titled.csv",
        "record_id;source;Nom et prénom;Sexe (F/M);Date de naissance\n"
        "R1;OIM;Awa Diarra;X;15/08/2013\nR2;OIM;Fanta Keita;F;hier\n",
    )
    report = import_records(store, records)
    assert report.errors[0].startswith("row 2, Sexe (F/M): cannot read")
    assert report.warnings == [
        'row 3, Date de naissance: cannot read "hier" (kept in birth_date_raw; '
        "the value counts as unknown)"
    ]


def test_a_records_file_nobody_could_read_leaves_its_relations_ids_unquestioned(
    store: Store, tmp_path: Path
) -> None:
    """A records file refused whole (no organisation named) is the one error: its
    relations' ids are not said to be missing from it."""
    records = write_csv(tmp_path / "r.csv", "record_id,full_name\nA1,Awa TRAORE\nA2,Fanta TRAORE\n")
    relations = write_csv(
        tmp_path / "rel.csv", "record_id,relation,related_record_id\nA1,mother,A2\n"
    )
    report = import_records(store, records, relations)
    assert not report.ok and len(report.errors) == 1 and "source" in report.errors[0]
