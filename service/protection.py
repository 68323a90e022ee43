"""Do no harm: which fields of a person record a user may see.

A victim's current location and phone leave the service only for a role
with need to know: an admin, or a caseworker of the organisation that
recorded the record. Reviewers and tracing officers never get them.
"""

from __future__ import annotations

from typing import Any

from models.records import PROTECTED_FIELDS, PersonRecord
from models.users import User, UserRole


def may_see_protected(user: User, record: PersonRecord) -> bool:
    if user.role is UserRole.ADMIN:
        return True
    return (
        user.role is UserRole.CASEWORKER
        and user.organisation is not None
        and user.organisation == record.source
    )


def record_view(record: PersonRecord, user: User) -> dict[str, Any]:
    """The record as this user may see it: protected keys are absent, not blank."""
    data = record.model_dump(mode="json")
    if not may_see_protected(user, record):
        for name in PROTECTED_FIELDS:
            data.pop(name, None)
    return data
