"""A correction file that changes the child's record K-2 of the review world
(`tests.api.conftest.REVIEW_ROWS`): its birth, "vers 2012" then "vers 2013"."""

from __future__ import annotations

from pathlib import Path

from service import Service
from tests.conftest import write_csv

CORRECTED = (
    "record_id,source,case_id,case_type,registered_on,full_name,sex,birth_date,"
    "origin_village,origin_cercle,father_name,mother_name\n"
    "K-2,ONG-A,C4,return,2024-05-01,KULIBALI Awa,F,vers 2013,Banamba,Koulikoro,Seydou,"
    "Mariam Keïta\n"
)


def correct_the_childs_record(service: Service, folder: Path) -> None:
    """Import the correction, unlinked (the pair's suggestion is left as it was)."""
    report = service.import_file(write_csv(folder / "fix.csv", CORRECTED), link=False)
    assert report.ok and report.counts is not None and report.counts.changed == 1, report
