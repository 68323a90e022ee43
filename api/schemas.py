"""Response and request bodies of the HTTP API (kept apart from the tables)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from service.records import ERASE_REASON_MIN_LENGTH
from service.reverting import REASON_MIN_LENGTH


class FamilyGraphVersion(BaseModel):
    stored: str | None
    """The version of the code that wrote the stored graph (None: none built, or built
    before versions were kept)."""
    code: str
    current: bool
    """False when a stored graph was written by another version of the code: the first
    relatives or assessment query (or `nrm graph rebuild`) builds it again."""
    built: bool


class Health(BaseModel):
    status: str
    database: str
    schema_version: str | None
    schema_up_to_date: bool
    durability: dict[str, str]
    """SQLite `synchronous` / PostgreSQL `fsync` and `synchronous_commit`: what makes a
    committed decision survive a crash."""
    pending_records: int = 0
    """Records stored without a person yet (a link stopped by a crash): the next import
    links them."""
    blocking_keys_current: bool = True
    """False when the stored blocking keys were written by another version of the code:
    the next import (or `nrm keys rebuild`) rebuilds them."""
    family_graph: FamilyGraphVersion | None = None
    models: dict[str, str] = {}
    """Per kind (`fs`, `learned`): `stored`, `none` or `stale` (fitted for other
    comparisons than this code's, so not used)."""


class RecordList(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class Forbid(BaseModel):
    """Request bodies: unknown fields (and server-owned ones such as status) are refused."""

    model_config = ConfigDict(extra="forbid")


class DecisionRequest(Forbid):
    decision: Literal["match", "non_match", "unsure"]
    note: str | None = Field(default=None, max_length=2000)


class LinkRequest(Forbid):
    record_a: UUID
    record_b: UUID
    action: Literal["link", "unlink"]
    note: str | None = Field(default=None, max_length=2000)


class RevertRequest(Forbid):
    reason: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        min_length=REASON_MIN_LENGTH, max_length=2000
    )


class ErasureRequest(Forbid):
    reason: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        min_length=ERASE_REASON_MIN_LENGTH, max_length=2000
    )


class Erasure(BaseModel):
    erased: int
    """How many earlier versions of the record were erased."""


class SuggestionSummary(BaseModel):
    id: str
    status: str
    probability: float
    involves_minor: bool
    tracing_request: bool
    sampled: bool = False
    """One of the queue's random share (`models.queue_sample`): placed at random in the
    queue, not by its uncertainty; its decision judges the engine and a learned model."""
    case_types: list[str | None]
    organisations: list[str]
    record_ids: list[str]
    confirmations: int
    model_version: str
    version: int
    updated_at: str


class CalibrationBand(BaseModel):
    band: list[float]
    """[low, high): the suggested probabilities it holds (the last band closed)."""
    decisions: int
    confirmed: int
    predicted: float | None
    """The engine's mean probability for these pairs."""
    observed: float | None
    """The share reviewers confirmed."""
    interval: list[float] | None
    """The observed share's Wilson interval at `confidence`."""


class Calibration(BaseModel):
    share: float
    """The queue's share placed at random."""
    decided: int
    open: int
    unsure: int
    confidence: float
    bands: list[CalibrationBand]


class SuggestionPage(BaseModel):
    items: list[SuggestionSummary]
    total: int
    total_capped: bool
    """True when more than `total` suggestions match (counting stops there)."""
    limit: int
    next_cursor: str | None


class FieldComparison(BaseModel):
    field: str
    level: str
    weight: float
    reason: str


class DecisionView(BaseModel):
    id: str
    suggestion_id: str | None
    record_a: str
    record_b: str
    decision: str
    note: str | None
    effect: str
    reverts: str | None
    reverted: bool
    model_version: str | None
    user: str
    role: str
    created_at: str


class ChangedRecord(BaseModel):
    """A record of a settled pair, as the reviewer may see it, and what changed since."""

    id: str | None
    entity_id: str | None = None
    record_id: str | None
    source: str | None
    name: str
    sex: str | None = None
    birth_date: str | None = Field(
        default=None, description="as written, or only its years for another organisation's"
    )
    case_type: str | None = None
    role: str | None = None
    changed: list[str] = Field(
        description="the fields an import changed after the decision (never a protected one)"
    )


class OutdatedDecision(BaseModel):
    decision: DecisionView
    people: list[ChangedRecord]


class SuggestionDetail(SuggestionSummary):
    records: list[dict[str, Any]]
    comparison: list[FieldComparison]
    decisions: list[DecisionView]
    confirmed_by_you: bool = Field(
        default=False,
        description="A child's merge you confirmed first: another reviewer must confirm it.",
    )
    first_confirmation_outdated: bool = Field(
        default=False,
        description="A child's merge confirmed once, before an import changed either "
        "record: a confirmation now withdraws that one and is the first on the records as "
        "they are (another reviewer must then confirm it), whoever made the first.",
    )


class SuggestionState(BaseModel):
    id: str
    status: str
    version: int
    confirmations: int | None = None
    confirmation_withdrawn: str | None = Field(
        default=None,
        description="A first confirmation of a child's merge withdrawn: after a "
        "confirmation, one made before an import changed the records (this one is the first "
        "on the records as they are now: another reviewer must confirm it); after undoing "
        "a child's merge, the first confirmation it completed (the pair waits for two "
        "confirmations again).",
    )


class RevertedState(SuggestionState):
    """A suggestion's state after a revert (its own name in the API's schema)."""


class DecisionResult(BaseModel):
    decision: DecisionView
    suggestion: SuggestionState | None


class RevertResult(BaseModel):
    decision: DecisionView
    suggestion: RevertedState | None


class ConsolidatedValue(BaseModel):
    value: Any
    records: list[str]
    conflicts: list[dict[str, Any]]


class NamedRecord(BaseModel):
    source: str
    record_id: str
    entity_id: str | None


class EntityView(BaseModel):
    id: str
    created_at: str
    records: list[dict[str, Any]]
    consolidated: dict[str, ConsolidatedValue]
    history: list[DecisionView]
    elsewhere: dict[str, NamedRecord] = {}
    """Records the history names that are another person's now (a split), by internal id."""
    named_suspect: bool = False
    """A record of this person names them as a suspect, in any case."""


class AuditRow(BaseModel):
    id: str
    at: str
    user_id: str | None
    user_name: str | None
    role: str | None
    organisation: str | None
    action: str
    object_type: str | None
    object_ids: list[str]
    purpose: str | None
    request_id: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditRow]
    total: int
    limit: int
    offset: int


class SearchHit(BaseModel):
    """Minimal on purpose: a search must not become a way to locate a victim."""

    entity_id: str
    name: str
    sex: str | None
    age_band: str
    region: str | None
    score: float
    named_suspect: bool = False
    """A record of this person names them as a suspect, in any case."""
    reasons: list[str] = []
    """Why, field by field, as a tracing search says it (no place below a region, no day)."""


class Me(BaseModel):
    name: str
    role: str
    organisation: str | None


class ErrorBody(BaseModel):
    """Every error: `{"detail": ...}` (a sentence, or the list of invalid fields)."""

    detail: Any


LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "description": "too many lists a minute; retry after Retry-After"}
}
"""What a list route may answer besides `ERROR_RESPONSES`: the per-user list limit."""

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no valid bearer token"},
    403: {"model": ErrorBody, "description": "this role may not do this"},
    404: {"model": ErrorBody, "description": "no such object"},
    413: {"model": ErrorBody, "description": "request body too large"},
    422: {"model": ErrorBody, "description": "invalid input"},
}
