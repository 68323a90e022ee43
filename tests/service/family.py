"""A small family imported like any file: a girl identified with a suspect uncle, her
reintegration household, and a tracing request from her mother."""

from __future__ import annotations

from pathlib import Path

from models.store import Store
from service import Service
from tests.conftest import write_csv

RECORDS = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name,phone,current_location\n"
    "V-1,DNPEF,ID-1,identification,victim,DIARRA Fatoumata,F,2009,Sirakoro,Kati,"
    "Bakary Diarra,Awa Traoré,+223 70 00 00 09,Centre d'accueil de Bamako\n"
    "U-1,DNPEF,ID-1,identification,suspect,DIARRA Drissa,M,1975,Sirakoro,Kati,,,"
    "+223 70 00 00 10,\n"
    "B-1,ENDA,RE-1,reintegration,beneficiary,Fatoumata Diarra,F,vers 2009,Sirakoro,Kati,"
    "Bakari Diarra,Awa Traore,,Foyer de Kati\n"
    "M-1,ENDA,RE-1,reintegration,household_member,Awa TRAORE,F,1984,Sirakoro,Kati,,,"
    "+223 70 00 00 11,\n"
    "F-1,ENDA,RE-1,reintegration,household_member,Bakary DIARRA,M,1972,Sirakoro,Kati,,,,\n"
    "S-1,ENDA,RE-1,reintegration,household_member,Seydou DIARRA,M,2012,Sirakoro,Kati,"
    "Bakary Diarra,Awa Traoré,,\n"
    "X-1,ENDA,RE-9,reintegration,beneficiary,Mariam SANGARE,F,2001,Banamba,Banamba,,,,\n"
)
GIRL_AS_HER_MOTHER_TELLS = {
    "given": "Fatimata",
    "family": "Diara",
    "sex": "F",
    "age": 15,
    "village": "Sirakoro",
    "father": "Bakari Diara",
    "mother": "Awa Trawore",
}
"""The girl V-1 / B-1 as her mother describes her, in other spellings."""
RELATIONS = (
    "record_id,relation,related_record_id\n"
    "V-1,other,U-1\n"
    "B-1,mother,M-1\n"
    "B-1,father,F-1\n"
    "B-1,sibling,S-1\n"
)


def import_family(store: Store, tmp_path: Path) -> None:
    report = Service(store).import_file(
        write_csv(tmp_path / "family.csv", RECORDS), write_csv(tmp_path / "rel.csv", RELATIONS)
    )
    assert report.ok, report.as_dict()
