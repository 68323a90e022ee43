"""What the command line does to the data is attributable: each act writes an audit row
naming the operating-system account and the command."""

from pathlib import Path

import pytest

from models.store import Store
from models.users import UserRole
from service import Actor, Service, importing
from tests.conftest import write_csv

RECORDS = "record_id,source,full_name,sex\nR1,DNPEF,Awa Diarra,F\nR2,DNPEF,Moussa Keita,M\n"


def _rows(store: Store, action: str) -> list[dict]:
    return store.audit_rows({"action": action})[0]


def test_an_import_writes_an_audit_row_with_its_counts(store: Store, tmp_path: Path) -> None:
    report = Service(store).import_file(write_csv(tmp_path / "r.csv", RECORDS))
    assert report.ok and report.counts is not None
    (row,) = _rows(store, "import")
    assert row["detail"]["via"] == "nrm import" and row["detail"]["new"] == 2
    assert str(report.counts.import_id) in row["object_ids"]


def test_records_loaded_by_an_import_that_stops_before_linking_are_attributable(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load and its audit row are one transaction: a crash while linking leaves
    pending records whose loading is audited, by whom and from which file."""

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("killed while linking")

    monkeypatch.setattr(importing, "link_import", crash)
    with pytest.raises(RuntimeError):
        Service(store).import_file(write_csv(tmp_path / "r.csv", RECORDS))
    (row,) = _rows(store, "import_loaded")
    assert row["detail"]["via"] == "nrm import" and row["detail"]["file"] == "r.csv"
    assert row["detail"]["new"] == 2 and store.pending_records() == 2
    assert _rows(store, "import") == []


def test_adding_and_revoking_a_user_are_audited(store: Store) -> None:
    service = Service(store)
    user, _ = service.add_user(Actor.operator("nrm user add"), "awa", UserRole.REVIEWER)
    service.revoke_user(Actor.operator("nrm user revoke"), "awa")
    (added,) = _rows(store, "user_add")
    (revoked,) = _rows(store, "user_revoke")
    assert str(user.id) in added["object_ids"] and added["detail"]["role"] == "reviewer"
    assert revoked["detail"]["revoked"] is True


def test_a_relink_is_audited(store: Store, tmp_path: Path) -> None:
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "r.csv", RECORDS)).ok
    service.relink(Actor.operator("nrm relink"))
    (row,) = _rows(store, "relink")
    assert row["detail"]["records"] == 2 and row["detail"]["via"] == "nrm relink"
