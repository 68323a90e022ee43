"""The append-only audit trail (`models/store/audit.py`), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.exc import DBAPIError

from models.store import Store
from models.store.audit import AuditEntry
from models.users import UserRole


def test_an_audit_row_names_the_user_their_role_and_organisation(store: Store) -> None:
    user, _ = store.add_user("awa", UserRole.CASEWORKER, "OIM")
    store.audit(user, AuditEntry("read_record", "record", ("r1",), purpose="suivi"))
    [row], total = store.audit_rows({})
    assert total == 1
    assert (row["user_name"], row["role"], row["organisation"], row["purpose"]) == (
        "awa",
        "caseworker",
        "OIM",
        "suivi",
    )


def test_audit_rows_filter_by_action_and_object_id_newest_first(store: Store) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    store.audit(None, AuditEntry("read_record", "record", (str(first),)))
    store.audit(None, AuditEntry("read_record", "record", (str(first), str(second))))
    store.audit(None, AuditEntry("search", "entity", (str(second),)))
    rows, total = store.audit_rows({"action": "read_record"}, object_id=second)
    assert total == 1 and rows[0]["object_ids"] == [str(first), str(second)]
    everything, _ = store.audit_rows({})
    assert everything[0]["action"] == "search"


def test_the_audit_trail_cannot_be_deleted(store: Store) -> None:
    store.audit(None, AuditEntry("login"))
    with pytest.raises(DBAPIError), store.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM audit")
    assert store.audit_rows({})[1] == 1
