"""The vocabulary: person records, relations, cases and organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
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


@dataclass(frozen=True, slots=True)
class Kept:
    """How one field of a person record is read, kept and shown: declared once, on the
    field (`Annotated[..., Kept(...)]`), and read by the records file contract
    (`RECORD_COLUMNS`), validation, the tables and the person view.

    `file`: the field's position among the records file's columns (None: worked out,
    not written in a file); `text`: free text, kept as written once cleaned; `length`:
    the longest value stored (None: unbounded); `shown`: one of the person view's
    consolidated fields; `protected`: leaves the service only for a role with need to
    know.
    """

    file: int | None = None
    text: bool = False
    length: int | None = None
    shown: bool = False
    protected: bool = False


NOT_IN_FILE = Kept()
"""What a field without a `Kept` of its own is: worked out from the file's columns."""


class PersonRecordIn(BaseModel):
    """One row of a case file after validation: a person as one organisation recorded them.

    The fields are in the order the store keeps them (the digest of an unchanged
    record depends on it); the records file orders its columns by `Kept.file`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Annotated[str, Kept(file=4, length=120)]
    record_id: Annotated[str, Kept(file=0, length=200)]
    case_id: Annotated[str | None, Kept(file=1, text=True, length=200)] = None
    case_type: Annotated[CaseType | None, Kept(file=2, length=40)] = None
    role: Annotated[Role | None, Kept(file=3, length=40)] = None
    registered_on: Annotated[date | None, Kept(file=5)] = None
    full_name: Annotated[str | None, Kept(file=6, text=True, shown=True)] = None
    family_name: Annotated[str | None, Kept(file=7, text=True, shown=True)] = None
    given_names: Annotated[str | None, Kept(file=8, text=True, shown=True)] = None
    aliases: Annotated[str | None, Kept(file=9, text=True, shown=True)] = None
    sex: Annotated[Sex | None, Kept(file=10, length=1, shown=True)] = None
    birth_date: Annotated[str | None, Kept(file=11, shown=True)] = Field(
        None, description="the birth date as written"
    )
    birth_earliest: date | None = None
    birth_latest: date | None = None
    birth_precision: Annotated[str | None, Kept(length=20)] = None
    birth_placeholder: bool = False
    age: Annotated[int | None, Kept(file=12)] = None
    age_estimated: bool = False
    origin_village: Annotated[str | None, Kept(file=13, text=True, shown=True)] = None
    origin_commune: Annotated[str | None, Kept(file=14, text=True, shown=True)] = None
    origin_cercle: Annotated[str | None, Kept(file=15, text=True, shown=True)] = None
    origin_region: Annotated[str | None, Kept(file=16, text=True, shown=True)] = None
    father_name: Annotated[str | None, Kept(file=17, text=True, shown=True)] = None
    mother_name: Annotated[str | None, Kept(file=18, text=True, shown=True)] = None
    phone: Annotated[str | None, Kept(file=19, text=True, shown=True, protected=True)] = None
    nationality: Annotated[str | None, Kept(file=20, text=True, shown=True)] = None
    return_consent: Annotated[Consent | None, Kept(file=21, length=3)] = None
    current_location: Annotated[
        str | None, Kept(file=22, text=True, shown=True, protected=True)
    ] = None
    extra: dict[str, str] = Field(default_factory=dict)


def kept(name: str) -> Kept:
    """How the record field `name` is read, kept and shown."""
    found = [m for m in PersonRecordIn.model_fields[name].metadata if isinstance(m, Kept)]
    return found[0] if found else NOT_IN_FILE


RECORD_FIELDS: tuple[str, ...] = tuple(PersonRecordIn.model_fields)
"""Every field of a person record, in the order the store keeps them."""

RECORD_COLUMNS: tuple[str, ...] = tuple(
    sorted((n for n in RECORD_FIELDS if kept(n).file is not None), key=lambda n: kept(n).file)
)
"""The columns of the person records file, in the contract's order."""

TEXT_FIELDS: tuple[str, ...] = tuple(n for n in RECORD_FIELDS if kept(n).text)
"""Free-text fields: kept as written, once cleaned of stray spaces."""

PROTECTED_FIELDS = frozenset(n for n in RECORD_FIELDS if kept(n).protected)
"""Fields that leave the service only for a role with need to know."""

SHOWN_FIELDS: tuple[str, ...] = (
    *(n for n in RECORD_FIELDS if kept(n).shown and n not in PROTECTED_FIELDS),
    *sorted(PROTECTED_FIELDS),
)
"""The fields of the person view's consolidated record, protected ones last."""

RELATION_COLUMNS: tuple[str, ...] = ("record_id", "relation", "related_record_id")
RELATION_TITLES: dict[str, str] = {
    **dict.fromkeys(
        ("lien", "lien de parenté", "lien de parente", "parenté", "parente", "lien familial"),
        "relation",
    ),
    **dict.fromkeys(("type de lien", "relation familiale", "lien avec"), "relation"),
    **dict.fromkeys(
        (
            "identifiant du parent",
            "identifiant du proche",
            "identifiant lié",
            "identifiant lie",
            "id du parent",
            "id du proche",
            "fiche liée",
            "fiche liee",
            "identifiant de la fiche liée",
        ),
        "related_record_id",
    ),
}
"""A relations file's columns as a French form titles them (lower-cased): "Identifiant;
Lien de parenté;Identifiant du parent"."""


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


UNNAMED_SOURCE = "unspecified"
"""Not an organisation: rows once got it when their file named none, and a caseworker of
that "organisation" read every such record's phone. An import names the organisation
(`source` column or `--source ORG`), and no user belongs to this one."""


class Organisation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: UUID
    code: str
    name: str | None = None
