"""Do no harm: how much of a person record a user may read (need to know by organisation).

Three views of a record (`Access`), decided per record by who reads it:

- `full`: every field, the phone, the current location and every extra column. An
  admin; a caseworker of the organisation that recorded it (their own case); the
  operator at the command line.
- `case`: the case file without protected values: no `phone`, no `current_location`,
  and of the extra columns only those declared safe (`service.columns`); no
  `updated_at` either, which would say when a hidden value changed. Other roles
  of the recording organisation; a user of another organisation who states why
  (`X-Purpose`): that read is audited with the purpose and the ids read this way.
- `minimal`: who the person is, to recognise them: names (and parents' names), sex,
  birth year, region, nationality; no phone, no place below the region, no case data,
  no free notes. Anyone else, e.g. a reviewer or tracing officer of another
  organisation without a stated purpose.

Search, the review queue and tracing answer with their own minimal shapes; this
module decides the record shown in a record read, a person view and a suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from models.records import PROTECTED_FIELDS, PersonRecord
from models.store.versions import BIRTH_YEARS
from models.users import UserRole
from service.columns import extra_columns
from service.context import Actor


class Access(StrEnum):
    FULL = "full"
    CASE = "case"
    MINIMAL = "minimal"


MINIMAL_FIELDS = (
    "id",
    "entity_id",
    "source",
    "record_id",
    "full_name",
    "family_name",
    "given_names",
    "aliases",
    "sex",
    "birth_earliest",
    "birth_latest",
    "birth_precision",
    "origin_region",
    "nationality",
    "father_name",
    "mother_name",
)
"""What anyone allowed to read records sees of another organisation's record."""


def access_to(actor: Actor, record: PersonRecord) -> Access:
    """The view of `record` this actor gets."""
    return access_by_source(actor, record.source)


def access_by_source(actor: Actor, source: str) -> Access:
    """The view this actor gets of a record that organisation `source` recorded."""
    return _access(actor, source, actor.stated_purpose)


def accesses_of(actor: Actor, record: PersonRecord) -> frozenset[Access]:
    """The views of `record` this actor gets with a purpose stated or without."""
    return frozenset({_access(actor, record.source, False), _access(actor, record.source, True)})


def _access(actor: Actor, source: str, stated_purpose: bool) -> Access:
    user = actor.user
    if user is None or user.role is UserRole.ADMIN:
        return Access.FULL
    if user.organisation is not None and user.organisation == source:
        return Access.FULL if user.role is UserRole.CASEWORKER else Access.CASE
    return Access.CASE if stated_purpose else Access.MINIMAL


def may_see_protected(actor: Actor, record: PersonRecord) -> bool:
    return access_to(actor, record) is Access.FULL


def _birth_year(data: dict[str, Any]) -> None:
    """The birth interval widened to whole years (never finer than a year)."""
    earliest, latest = data.get("birth_earliest"), data.get("birth_latest")
    if earliest is None or latest is None:
        return
    first, last = date.fromisoformat(earliest).year, date.fromisoformat(latest).year
    data["birth_earliest"] = date(first, 1, 1).isoformat()
    data["birth_latest"] = date(last, 12, 31).isoformat()
    if first == last:
        data["birth_precision"] = "year"


def _years(earliest: object, latest: object) -> str | None:
    """A birth interval as its years, never finer ("2009", or "2007–2011")."""
    if not earliest or not latest:
        return None
    first, last = str(earliest)[:4], str(latest)[:4]
    return first if first == last else f"{first}–{last}"


def birth_shown(view: dict[str, Any]) -> str | None:
    """The birth a record view (`record_view`) shows: its birth date as written, where the
    view holds it; a minimal view holds none, only the years of its birth interval, never
    finer ("2009", or "2007–2011" for an estimate)."""
    if view.get("access") != Access.MINIMAL.value:
        return view.get("birth_date")
    return _years(view.get("birth_earliest"), view.get("birth_latest"))


def birth_for(actor: Actor, record: PersonRecord) -> str | None:
    """The birth `birth_shown` gives this actor of `record`, without making its whole view:
    the date as written to a reader of the case file, else its years."""
    if access_to(actor, record) is not Access.MINIMAL:
        return record.birth_date
    return years_of(record)


def years_of(record: PersonRecord) -> str | None:
    """The years of `record`'s birth interval, as the minimal view gives them."""
    return _years(record.birth_earliest, record.birth_latest)


def changes_shown(actor: Actor, record: PersonRecord, changed: Iterable[str]) -> list[str]:
    """The changed fields of `record` (`models.store.versions.changed_fields`) this actor
    may be told of: a reader of its minimal view, only those the view holds, and a birth
    only when its years changed."""
    names = list(changed)
    if access_to(actor, record) is not Access.MINIMAL:
        return [n for n in names if n != BIRTH_YEARS]
    shown = [n for n in names if n in MINIMAL_FIELDS]
    return [*shown, "birth_date"] if BIRTH_YEARS in names else shown


def record_view(record: PersonRecord, actor: Actor) -> dict[str, Any]:
    """The record as this actor may see it: what the view leaves out is absent, not blank;
    `access` names the view."""
    return view_as(record, access_to(actor, record))


def view_as(record: PersonRecord, access: Access) -> dict[str, Any]:
    """The record in view `access` (`record_view`)."""
    data = record.model_dump(mode="json")
    if access is Access.CASE:
        for name in PROTECTED_FIELDS:
            data.pop(name, None)
        data.pop("updated_at", None)  # it would say when a hidden phone or location changed
        columns = extra_columns()
        data["extra"] = {k: v for k, v in data["extra"].items() if columns.is_safe(k)}
    elif access is Access.MINIMAL:
        data = {name: data.get(name) for name in MINIMAL_FIELDS}
        _birth_year(data)
    return {**data, "access": access.value}


def shared(actor: Actor, shown: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """The audit detail naming the records of another organisation that `shown` (views
    made by `record_view` for this actor) gives beyond the minimal view, because a purpose
    was stated; empty when there are none."""
    return _other_organisations(actor, ((v["id"], v["source"], Access(v["access"])) for v in shown))


def shared_records(actor: Actor, records: Iterable[PersonRecord]) -> dict[str, list[str]]:
    """`shared` of records a list or an export gives beyond their minimal view (their
    case type, role or day of birth, a purpose being stated), read without views."""
    return shared_by_source(actor, ((r.id, r.source) for r in records))


def shared_by_source(actor: Actor, read: Iterable[tuple[Any, str]]) -> dict[str, list[str]]:
    """`shared` of records named by id and recording organisation."""
    return _other_organisations(
        actor, ((record, source, access_by_source(actor, source)) for record, source in read)
    )


def _other_organisations(
    actor: Actor, read: Iterable[tuple[Any, str, Access]]
) -> dict[str, list[str]]:
    user = actor.user
    if user is None or user.role is UserRole.ADMIN:
        return {}
    ids = dict.fromkeys(
        str(record)
        for record, source, access in read
        if source != user.organisation and access is not Access.MINIMAL
    )
    return {"other_organisation": list(ids)} if ids else {}
