"""Person records: one by id, or a filtered page. Every read is audited."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import ActorDep, ServiceDep
from api.schemas import LIST_RESPONSES, Erasure, ErasureRequest, RecordList
from models.records import CaseType, Role, Sex
from service.errors import NotFound
from service.records import MAX_PAGE

router = APIRouter(tags=["records"])


@router.get("/records/{record_id}", response_model=dict[str, Any])
def get_record(record_id: UUID, actor: ActorDep, service: ServiceDep) -> dict[str, Any]:
    record = service.get_record(actor, record_id)
    if record is None:
        raise NotFound("no such record")
    return record


@router.get("/records/{record_id}/versions", response_model=list[dict[str, Any]])
def record_versions(record_id: UUID, actor: ActorDep, service: ServiceDep) -> list[dict[str, Any]]:
    """What imports replaced of this record, newest first: `replaced_at` and the record
    as it was until then, shown as the record itself is to the caller."""
    versions = service.record_versions(actor, record_id)
    if versions is None:
        raise NotFound("no such record")
    return versions


@router.post("/records/{record_id}/versions/erasure", response_model=Erasure)
def erase_record_versions(
    record_id: UUID, body: ErasureRequest, actor: ActorDep, service: ServiceDep
) -> Erasure:
    """Erase what re-imports replaced of this record (a value given in error stays in its
    earlier versions): an admin, or a caseworker of the organisation that recorded it,
    says why; the reason and the count are kept in the audit trail, the record as it is
    now is untouched."""
    erased = service.erase_record_versions(actor, record_id, body.reason)
    if erased is None:
        raise NotFound("no such record")
    return Erasure(erased=erased)


@router.get("/records", response_model=RecordList, responses=LIST_RESPONSES)
def list_records(
    actor: ActorDep,
    service: ServiceDep,
    source: Annotated[str | None, Query(max_length=120)] = None,
    record_id: Annotated[
        str | None,
        Query(max_length=200, description="The organisation's own id of the record."),
    ] = None,
    case_id: Annotated[str | None, Query(max_length=200)] = None,
    case_type: CaseType | None = None,
    role: Role | None = None,
    sex: Sex | None = None,
    entity_id: UUID | None = None,
    name: Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=100,
            description="Each word, in any order and whatever its case, accents, apostrophes "
            "and hyphens, in one of the record's names (given names, family name, full name, "
            "aliases).",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> RecordList:
    filters = {
        "source": source,
        "record_id": record_id,
        "case_id": case_id,
        "case_type": case_type.value if case_type else None,
        "role": role.value if role else None,
        "sex": sex.value if sex else None,
        "entity_id": entity_id,
    }
    page = service.list_records(actor, filters, limit, offset, name)
    return RecordList(items=page.items, total=page.total, limit=page.limit, offset=page.offset)
