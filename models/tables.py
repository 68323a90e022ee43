"""The database tables (SQLAlchemy Core). Migrations in `models/migrations` create them."""

from __future__ import annotations

from datetime import date
from types import NoneType, UnionType
from typing import Any, get_args, get_origin

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)

from models.records import RECORD_FIELDS, PersonRecordIn, kept

metadata = MetaData()

organisations = Table(
    "organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(120), nullable=False, unique=True),
    Column("name", Text),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("source", String(120), nullable=False),
    Column("case_id", String(200), nullable=False),
    Column("case_type", String(40)),
    UniqueConstraint("source", "case_id", name="uq_cases_source_case"),
)


def _value_column(name: str) -> Column:
    """The column of record field `name`: its SQL type from the field's Python type and
    `Kept.length`, nullable when the field may be None."""
    annotation = PersonRecordIn.model_fields[name].annotation
    optional = get_origin(annotation) is UnionType and NoneType in get_args(annotation)
    if optional:
        annotation = next(a for a in get_args(annotation) if a is not NoneType)
    base = get_origin(annotation) or annotation
    length = kept(name).length
    kind: Any
    if base is date:
        kind = Date
    elif base is bool:
        kind = Boolean
    elif base is int:
        kind = Integer
    elif base is dict:
        kind = JSON
    else:
        kind = String(length) if length else Text
    return Column(name, kind, nullable=optional)


def record_value_columns() -> list[Column]:
    """The columns an import writes (every record field, then the digest of their values);
    the staging table of an import has the same ones."""
    return [
        *(_value_column(name) for name in RECORD_FIELDS),
        Column("content_hash", String(32), nullable=False),
    ]


VALUE_NAMES: tuple[str, ...] = tuple(c.name for c in record_value_columns())

person_records = Table(
    "person_records",
    metadata,
    Column("id", Uuid, primary_key=True),
    *record_value_columns(),
    Column("entity_id", Uuid, index=True),
    Column("import_id", Uuid),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "record_id", name="uq_person_records_source_record"),
)
Index("ix_person_records_case", person_records.c.source, person_records.c.case_id)
Index("ix_person_records_import", person_records.c.import_id)
Index("ix_person_records_record_id", person_records.c.record_id)

record_versions = Table(
    "record_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record", Uuid, nullable=False, index=True),
    Column("replaced_at", DateTime(timezone=True), nullable=False),
    Column("import_id", Uuid),
    *record_value_columns(),
)
"""A stored record's values as they were before an import changed them (one row per
change, `import_id` the import that replaced them): nothing a later file overwrites is
lost. The same value columns as `person_records` (a migration adding a field adds it to
both)."""

relations = Table(
    "relations",
    metadata,
    Column("record_id", Uuid, ForeignKey("person_records.id"), nullable=False),
    Column("relation", String(20), nullable=False),
    Column("related_record_id", Uuid, ForeignKey("person_records.id"), nullable=False),
    PrimaryKeyConstraint("record_id", "relation", "related_record_id", name="pk_relations"),
)
Index("ix_relations_related", relations.c.related_record_id)

entities = Table(
    "entities",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

blocking_keys = Table(
    "blocking_keys",
    metadata,
    Column("key", String(120), nullable=False),
    Column("record_id", Uuid, ForeignKey("person_records.id"), nullable=False),
    PrimaryKeyConstraint("key", "record_id", name="pk_blocking_keys"),
)
Index("ix_blocking_keys_record", blocking_keys.c.record_id)

keyed_records = Table(
    "keyed_records",
    metadata,
    Column("record_id", Uuid, ForeignKey("person_records.id"), primary_key=True),
    Column("content_hash", String(32), nullable=False),
)
"""The content digest each record's blocking keys were written from: a relink keeps the
keys of the records unchanged since (a narrow table, so marking a million records does
not rewrite their wide rows)."""

match_pairs = Table(
    "match_pairs",
    metadata,
    Column("record_a", Uuid, ForeignKey("person_records.id"), nullable=False),
    Column("record_b", Uuid, ForeignKey("person_records.id"), nullable=False),
    Column("probability", Float, nullable=False),
    Column("band", String(10), nullable=False),
    Column("model_version", String(60), nullable=False),
    Column("reasons", JSON, nullable=False),
    PrimaryKeyConstraint("record_a", "record_b", name="pk_match_pairs"),
)
Index("ix_match_pairs_band", match_pairs.c.band)
Index("ix_match_pairs_record_b", match_pairs.c.record_b)

imports = Table(
    "imports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("file_name", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("rows", Integer, nullable=False),
    Column("new", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("relations", Integer, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(30), nullable=False),
    Column("organisation", String(120)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

page_sessions = Table(
    "page_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("user_id", Uuid, nullable=False, index=True),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)
"""A signed-in browser's session (`models.store.sessions`): the hash of its secret, whose
it is and with which token it was opened (a rotated token ends it)."""

settings = Table(
    "settings",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""What the store remembers about itself, e.g. the version of its blocking keys."""

prepared_values = Table(
    "prepared_values",
    metadata,
    Column("kind", String(8), nullable=False),
    Column("key", String(32), nullable=False),
    Column("value", Text, nullable=False),
    PrimaryKeyConstraint("kind", "key", name="pk_prepared_values"),
)
"""What matching made of a name, a parent's name or a place as written
(`matching.prepared`), keyed by a digest of what parsing reads of it: a new record's
candidates are not parsed again. A cache: emptied when the code prepares values
otherwise."""

rate_counters = Table(
    "rate_counters",
    metadata,
    Column("subject", String(80), primary_key=True),
    Column("window", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
)
"""Calls per user, kind and window (`search:<user id>`, minute number): the rate limits
every server process shares."""

match_models = Table(
    "match_models",
    metadata,
    Column("version", String(60), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("document", Text, nullable=False),
    Column("kind", String(20), nullable=False, server_default="fs"),
)
"""One active model per kind: `fs` (Fellegi-Sunter) and `learned` (from reviewers' decisions)."""

suggestions = Table(
    "suggestions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("record_a", Uuid, ForeignKey("person_records.id"), nullable=False),
    Column("record_b", Uuid, ForeignKey("person_records.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("probability", Float, nullable=False),
    Column("model_version", String(80), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("queue_group", Integer, nullable=False),
    Column("uncertainty", Float, nullable=False),
    # the place in the queue group: the uncertainty, or a random one for the queue's random
    # share (`sampled`, `models.queue_sample`)
    Column("sampled", Boolean, nullable=False, server_default=false()),
    Column("involves_minor", Boolean, nullable=False),
    Column("tracing_request", Boolean, nullable=False),
    Column("case_type_a", String(40)),
    Column("case_type_b", String(40)),
    Column("source_a", String(120), nullable=False),
    Column("source_b", String(120), nullable=False),
    Column("confirmed_by", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("record_a", "record_b", name="uq_suggestions_pair"),
)
Index(
    "ix_suggestions_queue",
    suggestions.c.status,
    suggestions.c.queue_group,
    suggestions.c.uncertainty,
    suggestions.c.id,
)
Index("ix_suggestions_record_b", suggestions.c.record_b)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("suggestion_id", Uuid, ForeignKey("suggestions.id")),
    Column("record_a", Uuid, ForeignKey("person_records.id"), nullable=False),
    Column("record_b", Uuid, ForeignKey("person_records.id"), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("note", Text),
    Column("reverts", Uuid),
    Column("effect", String(30), nullable=False),
    Column("entities_before", JSON, nullable=False),
    Column("entities_after", JSON, nullable=False),
    Column("model_version", String(80)),
    Column("user_id", Uuid, nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("role", String(30), nullable=False),
    Column("organisation", String(120)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_decisions_record_a", decisions.c.record_a)
Index("ix_decisions_record_b", decisions.c.record_b)
Index("ix_decisions_suggestion", decisions.c.suggestion_id)
Index("ix_decisions_reverts", decisions.c.reverts)

audit = Table(
    "audit",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", Uuid),
    Column("user_name", String(200)),
    Column("role", String(30)),
    Column("organisation", String(120)),
    Column("action", String(40), nullable=False),
    Column("object_type", String(30)),
    Column("object_ids", JSON, nullable=False),
    Column("purpose", Text),
    Column("request_id", String(64)),
    Column("detail", JSON, nullable=False),
)
Index("ix_audit_at", audit.c.at)
Index("ix_audit_user", audit.c.user_id)

kin_edges = Table(
    "kin_edges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person", String(60), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("other", String(60), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("probability", Float, nullable=False),
    Column("basis", String(20), nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
)
"""The family graph: one row per piece of evidence for a relation (`tracing.stored`);
``person`` and ``other`` are entity ids, or ``record:<id>`` for a record not linked yet."""
Index("ix_kin_edges_person", kin_edges.c.person)
Index("ix_kin_edges_other", kin_edges.c.other)

kin_keys = Table(
    "kin_keys",
    metadata,
    Column("key", Text, nullable=False),
    Column("person", String(60), nullable=False),
    PrimaryKeyConstraint("key", "person", name="pk_kin_keys"),
)
"""The keys each person of the family graph is filed under (name identities, records):
which persons an update must look at again."""
Index("ix_kin_keys_person", kin_keys.c.person)

tracing_matches = Table(
    "tracing_matches",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("source", String(120), nullable=False),
    Column("case_id", String(200), nullable=False),
    Column("person", String(60), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("sought_record_id", String(200)),
    Column("note", Text),
    Column("user_id", Uuid),
    Column("user_name", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""Decisions on the potential matches of a tracing request (confirmed, dismissed), never
updated: the latest decision on a (case, person) is in force, for the sought record it
names (``sought_record_id``; NULL: the request as a whole)."""
Index("ix_tracing_matches_case", tracing_matches.c.source, tracing_matches.c.case_id)

return_decisions = Table(
    "return_decisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person", String(60), nullable=False),
    Column("records", JSON, nullable=False),
    Column("decision", String(30), nullable=False),
    Column("note", Text),
    Column("review_by", Date, nullable=False),
    Column("best_interests", JSON),
    Column("override", Text),
    Column("assessment", JSON, nullable=False),
    Column("user_id", Uuid),
    Column("user_name", String(200)),
    Column("organisation", String(120)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""Caseworkers' decisions on a safe return (`tracing.decisions`), never updated: the latest
one on a person is in force. ``person`` and ``records`` are the person and its records
(internal ids) when the decision was made; ``assessment`` the assessment it was made on."""

return_decision_records = Table(
    "return_decision_records",
    metadata,
    Column("decision_id", Uuid, nullable=False),
    Column("record_id", Uuid, nullable=False),
    PrimaryKeyConstraint("decision_id", "record_id", name="pk_return_decision_records"),
)
"""Which records a return decision was made on: a person finds its decisions through any
of its records, whatever merges and splits changed its entity id since."""
Index("ix_return_decision_records_record", return_decision_records.c.record_id)

APPEND_ONLY: tuple[str, ...] = (
    "audit",
    "decisions",
    "return_decisions",
    "return_decision_records",
)
"""Tables no statement may update or delete from (a database trigger refuses it)."""
