"""A stored record written again by a file with fewer columns keeps what the file does not
say: nothing is erased by a column left out. On both databases."""

from datetime import date
from pathlib import Path

import pytest

from models.store import Store
from service import Service
from service.importing import import_records
from tests.conftest import write_csv

FULL = (
    "record_id,case_id,case_type,role,source,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name,district\n"
    "CRM-1,TR-1,tracing_request,sought,CROIX-ROUGE,Fatoumata SANOGO,F,2009,Kanika,Kati,"
    "Aboubakar Sanogo,Awa Traore,Kati-Nord\n"
    "DNP-1,D-1,identification,victim,DNPEF,SANOGO Fatoumata,F,2009,Kanika,Kati,"
    "Aboubakar Sanogo,Awa Traore,\n"
)
SUSPECT = (
    "record_id,source,case_id,case_type,role,full_name\n"
    "S-1,DNPEF,D-1,identification,suspect,Kadia DIARRA\n"
)
PHONES = "record_id,source,full_name,phone\nCRM-1,CROIX-ROUGE,Fatoumata Sanogho,+223 70 00 00 00\n"


@pytest.fixture
def stored(store: Store, tmp_path: Path) -> Store:
    assert Service(store).import_file(write_csv(tmp_path / "full.csv", FULL)).ok
    return store


def _record(store: Store):
    return store.find_record("CRM-1", "CROIX-ROUGE")[0]


def test_a_file_of_phone_numbers_keeps_the_stored_case_sex_birth_place_and_parents(
    stored: Store, tmp_path: Path
) -> None:
    report = import_records(stored, write_csv(tmp_path / "phones.csv", PHONES))
    assert report.counts is not None and report.counts.changed == 1
    after = _record(stored)
    assert after.phone is not None and after.full_name == "Fatoumata Sanogho"
    assert (after.case_id, after.case_type, after.role) == ("TR-1", "tracing_request", "sought")
    assert (after.sex, after.birth_earliest.year, after.origin_village) == ("F", 2009, "Kanika")
    assert (after.father_name, after.mother_name) == ("Aboubakar Sanogo", "Awa Traore")


def test_a_record_written_again_with_fewer_columns_stays_in_its_person(
    stored: Store, tmp_path: Path
) -> None:
    before = _record(stored).entity_id
    assert before == stored.find_record("DNP-1", "DNPEF")[0].entity_id
    assert Service(stored).import_file(write_csv(tmp_path / "phones.csv", PHONES)).ok
    assert _record(stored).entity_id == before


def test_the_same_file_of_fewer_columns_again_changes_nothing(
    stored: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "phones.csv", PHONES)
    assert import_records(stored, path).ok
    again = import_records(stored, path)
    assert again.counts is not None
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 1)


def test_a_column_of_the_file_that_is_empty_clears_the_stored_value(
    stored: Store, tmp_path: Path
) -> None:
    cleared = "record_id,source,full_name,mother_name\nCRM-1,CROIX-ROUGE,Fatoumata SANOGO,\n"
    assert import_records(stored, write_csv(tmp_path / "cleared.csv", cleared)).ok
    after = _record(stored)
    assert after.mother_name is None and after.father_name == "Aboubakar Sanogo"


def test_one_column_of_a_place_writes_the_whole_place(stored: Store, tmp_path: Path) -> None:
    moved = "record_id,source,full_name,origin_village\nCRM-1,CROIX-ROUGE,Fatoumata SANOGO,Bla\n"
    assert import_records(stored, write_csv(tmp_path / "moved.csv", moved)).ok
    after = _record(stored)
    assert (after.origin_village, after.origin_cercle) == ("Bla", None)


def test_the_same_village_without_its_cercle_keeps_the_cercle(
    stored: Store, tmp_path: Path
) -> None:
    again = "record_id,source,full_name,origin_village\nCRM-1,CROIX-ROUGE,Fatoumata SANOGO,Kanika\n"
    assert import_records(stored, write_csv(tmp_path / "again.csv", again)).ok
    assert (_record(stored).origin_village, _record(stored).origin_cercle) == ("Kanika", "Kati")


def test_a_file_with_the_case_but_no_role_keeps_a_suspect_s_role(
    stored: Store, tmp_path: Path
) -> None:
    """A correction file with the case number and a phone, no role column: a role it does
    not write is no role it clears (a suspect without the role would join a victim's person
    without a reviewer)."""
    assert import_records(stored, write_csv(tmp_path / "suspect.csv", SUSPECT)).ok
    phone = "record_id,source,case_id,full_name,phone\nS-1,DNPEF,D-1,Kadia DIARRA,76 00 11 22\n"
    assert import_records(stored, write_csv(tmp_path / "phone.csv", phone)).ok
    after = stored.find_record("S-1", "DNPEF")[0]
    assert (after.case_id, after.case_type, after.role) == ("D-1", "identification", "suspect")


def test_a_record_moved_to_another_case_keeps_neither_the_old_case_s_type_nor_role(
    stored: Store, tmp_path: Path
) -> None:
    moved = "record_id,source,case_id,full_name\nCRM-1,CROIX-ROUGE,TR-9,Fatoumata SANOGO\n"
    assert import_records(stored, write_csv(tmp_path / "moved.csv", moved)).ok
    after = _record(stored)
    assert (after.case_id, after.case_type, after.role) == ("TR-9", None, None)


def test_a_suspect_moved_to_another_case_stays_a_suspect(stored: Store, tmp_path: Path) -> None:
    assert import_records(stored, write_csv(tmp_path / "suspect.csv", SUSPECT)).ok
    moved = "record_id,source,case_id,full_name\nS-1,DNPEF,D-2,Kadia DIARRA\n"
    assert import_records(stored, write_csv(tmp_path / "moved.csv", moved)).ok
    assert stored.find_record("S-1", "DNPEF")[0].role == "suspect"


def test_the_same_name_without_an_alias_column_keeps_the_alias(
    stored: Store, tmp_path: Path
) -> None:
    dite = "record_id,source,full_name,aliases\nA-1,OIM,Fatoumata COULIBALY,Tata\n"
    assert import_records(stored, write_csv(tmp_path / "dite.csv", dite)).ok
    before = stored.find_record("A-1", "OIM")[0].aliases
    again = "record_id,source,full_name,phone\nA-1,OIM,Fatoumata COULIBALY,76 00 11 23\n"
    assert import_records(stored, write_csv(tmp_path / "again.csv", again)).ok
    assert before and stored.find_record("A-1", "OIM")[0].aliases == before
    renamed = "record_id,source,full_name\nA-1,OIM,Fatoumata KONE\n"
    assert import_records(stored, write_csv(tmp_path / "renamed.csv", renamed)).ok
    assert not stored.find_record("A-1", "OIM")[0].aliases


def test_extra_columns_a_file_leaves_out_are_kept(stored: Store, tmp_path: Path) -> None:
    other = "record_id,source,full_name,langue\nCRM-1,CROIX-ROUGE,Fatoumata SANOGO,bambara\n"
    assert import_records(stored, write_csv(tmp_path / "other.csv", other)).ok
    assert _record(stored).extra == {"district": "Kati-Nord", "langue": "bambara"}


def test_ages_without_a_registration_date_count_from_the_stored_one(
    stored: Store, tmp_path: Path
) -> None:
    """The contract's age is "age in years on registered_on": a later file that sends the
    ages again without the date (a phone update, say) neither erases the registration
    date nor turns a woman registered at 22 in 2015 into a girl of 12 today."""
    dated = "record_id,source,full_name,registered_on,age\nX-1,OIM,Awa DIARRA,2012-03-01,10\n"
    assert import_records(stored, write_csv(tmp_path / "dated.csv", dated)).ok
    before = stored.find_record("X-1", "OIM")[0]
    ages = "record_id,source,full_name,age,phone\nX-1,OIM,Awa DIARRA,10,+223 76 12 34 56\n"
    assert import_records(stored, write_csv(tmp_path / "ages.csv", ages)).ok
    after = stored.find_record("X-1", "OIM")[0]
    assert after.registered_on == date(2012, 3, 1)
    assert (after.birth_earliest, after.birth_latest) == (
        before.birth_earliest,
        before.birth_latest,
    )


def test_an_age_range_without_a_registration_date_counts_from_the_stored_one(
    stored: Store, tmp_path: Path
) -> None:
    dated = "record_id,source,full_name,registered_on,age\nX-1,OIM,Awa DIARRA,2012-03-01,10\n"
    assert import_records(stored, write_csv(tmp_path / "dated.csv", dated)).ok
    ranged = "record_id,source,full_name,age\nX-1,OIM,Awa DIARRA,plus de 18 ans\n"
    assert import_records(stored, write_csv(tmp_path / "ranged.csv", ranged)).ok
    after = stored.find_record("X-1", "OIM")[0]
    assert after.registered_on == date(2012, 3, 1) and after.birth_latest == date(1994, 3, 1)
    assert after.extra == {"age_raw": "plus de 18 ans"}


def test_a_new_record_s_age_without_a_date_counts_from_today(stored: Store, tmp_path: Path) -> None:
    ages = "record_id,source,full_name,age\nX-9,OIM,Awa DIARRA,10\n"
    assert import_records(stored, write_csv(tmp_path / "ages.csv", ages)).ok
    after = stored.find_record("X-9", "OIM")[0]
    assert after.registered_on is None
    assert after.birth_latest is not None and after.birth_latest.year >= date.today().year - 11


def test_a_rewritten_birth_drops_the_text_an_earlier_file_could_not_read(
    stored: Store, tmp_path: Path
) -> None:
    unread = "record_id,source,full_name,birth_date\nX-2,OIM,Awa DIARRA,32/13/2006\n"
    assert import_records(stored, write_csv(tmp_path / "unread.csv", unread)).ok
    assert stored.find_record("X-2", "OIM")[0].extra == {"birth_date_raw": "32/13/2006"}
    ages = "record_id,source,full_name,age\nX-2,OIM,Awa DIARRA,12\n"
    assert import_records(stored, write_csv(tmp_path / "ages.csv", ages)).ok
    after = stored.find_record("X-2", "OIM")[0]
    assert after.age == 12 and "birth_date_raw" not in after.extra


def test_a_mapped_file_writes_the_fields_its_columns_are_mapped_to(
    stored: Store, tmp_path: Path
) -> None:
    mapping = write_csv(tmp_path / "map.csv", "column,field\nnom,full_name\ntel,phone\n")
    phones = "record_id,source,nom,tel\nCRM-1,CROIX-ROUGE,Fatoumata SANOGO,+223 70 00 00 01\n"
    report = import_records(stored, write_csv(tmp_path / "tel.csv", phones), mapping=mapping)
    assert report.ok, report.errors
    after = _record(stored)
    assert after.phone is not None and after.phone.endswith("01")
    assert (after.sex, after.origin_village) == ("F", "Kanika")


def test_ages_sent_again_without_their_date_are_not_said_to_contradict_the_birth(
    stored: Store, tmp_path: Path
) -> None:
    dated = (
        "record_id,source,full_name,registered_on,birth_date,age\n"
        "X-1,OIM,Awa DIARRA,2015-06-01,2003-01-01,12\n"
    )
    assert import_records(stored, write_csv(tmp_path / "dated.csv", dated)).ok
    again = "record_id,source,full_name,birth_date,age\nX-1,OIM,Awa DIARRA,2003-01-01,12\n"
    report = import_records(stored, write_csv(tmp_path / "again.csv", again), strict=True)
    assert report.ok and report.counts.unchanged == 1
    assert [w for w in report.warnings if "does not fit" in w] == []


def test_an_older_export_imported_again_says_it_sets_corrections_back(
    stored: Store, tmp_path: Path
) -> None:
    first = "record_id,source,full_name,birth_date\nX-3,OIM,Awa DIARRA,2008\n"
    corrected = "record_id,source,full_name,birth_date\nX-3,OIM,Awa DIARRA,1992\n"
    assert import_records(stored, write_csv(tmp_path / "m1.csv", first)).ok
    assert import_records(stored, write_csv(tmp_path / "m2.csv", corrected)).warnings == []
    again = import_records(stored, write_csv(tmp_path / "m1.csv", first))
    assert again.ok and again.counts is not None and again.counts.changed == 1
    (said,) = [w for w in again.warnings if "older export" in w]
    assert "1 (OIM · X-3)" in said
    assert stored.find_record("X-3", "OIM")[0].birth_earliest.year == 2008
