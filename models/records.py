"""The vocabulary: person records, relations, cases and organisations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Sex(StrEnum):
    F = "F"
    M = "M"


class CaseType(StrEnum):
    IDENTIFICATION = "identification"
    RETURN = "return"
    REINTEGRATION = "reintegration"
    TRACING_REQUEST = "tracing_request"


class Role(StrEnum):
    VICTIM = "victim"
    RETURNEE = "returnee"
    BENEFICIARY = "beneficiary"
    HOUSEHOLD_MEMBER = "household_member"
    REQUESTER = "requester"
    SOUGHT = "sought"
    SUSPECT = "suspect"


class RelationKind(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    HALF_SIBLING = "half_sibling"
    SPOUSE = "spouse"
    GUARDIAN = "guardian"
    OTHER = "other"


class Consent(StrEnum):
    YES = "yes"
    NO = "no"


PROTECTED_FIELDS = frozenset({"current_location", "phone"})
"""Fields that leave the service only for a role with need to know."""

RECORD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "case_id",
    "case_type",
    "role",
    "source",
    "registered_on",
    "full_name",
    "family_name",
    "given_names",
    "aliases",
    "sex",
    "birth_date",
    "age",
    "origin_village",
    "origin_commune",
    "origin_cercle",
    "origin_region",
    "father_name",
    "mother_name",
    "phone",
    "nationality",
    "return_consent",
    "current_location",
)
"""The columns of the person records file, in the contract's order."""

RELATION_COLUMNS: tuple[str, ...] = ("record_id", "relation", "related_record_id")


class PersonRecordIn(BaseModel):
    """One row of a case file after validation: a person as one organisation recorded them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    record_id: str
    case_id: str | None = None
    case_type: CaseType | None = None
    role: Role | None = None
    registered_on: date | None = None
    full_name: str | None = None
    family_name: str | None = None
    given_names: str | None = None
    aliases: str | None = None
    sex: Sex | None = None
    birth_date: str | None = Field(None, description="the birth date as written")
    birth_earliest: date | None = None
    birth_latest: date | None = None
    birth_precision: str | None = None
    birth_placeholder: bool = False
    age: int | None = None
    age_estimated: bool = False
    origin_village: str | None = None
    origin_commune: str | None = None
    origin_cercle: str | None = None
    origin_region: str | None = None
    father_name: str | None = None
    mother_name: str | None = None
    phone: str | None = None
    nationality: str | None = None
    return_consent: Consent | None = None
    current_location: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class PersonRecord(PersonRecordIn):
    """A stored person record."""

    id: UUID
    entity_id: UUID | None = None
    imported_at: datetime | None = None
    updated_at: datetime | None = None

    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        return " ".join(p for p in (self.given_names, self.family_name) if p)


class Relation(BaseModel):
    """A declared family link: `related` is the `relation` of `record`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_id: UUID
    relation: RelationKind
    related_record_id: UUID


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: UUID
    source: str
    case_id: str
    case_type: CaseType | None = None


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: UUID
    code: str
    name: str | None = None
