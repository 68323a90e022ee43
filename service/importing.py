"""The import use case: read a records file and its relations, validate every row,
load all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from i18n import N_, Message
from models.columnwise import validated_chunks
from models.fileerrors import RecordFileErrors
from models.headernotes import header_notes
from models.mapping import ColumnMapping, read_mapping_file
from models.recordfile import IN_FILE, RecordFileError, read_table
from models.records import RELATION_COLUMNS, RELATION_TITLES
from models.store import ImportCounts, Store
from models.store.audit import write_audit
from models.store.importing import ImportWriter
from models.validation import ERROR, validate_relation
from service.context import ADMIN, Actor, UseCases
from service.kingraph import defer_graph, update_graph_for_import
from service.linking import link_import
from service.memory import collector_paused
from service.tracing import arrivals
from service.training import learned_outcome
from service.users import stored_spelling

MAX_LISTED_ERRORS = 1000
IMPORT = frozenset({ADMIN})
WRITTEN_BACK = N_(
    "stored records set back to values a later import had replaced: {count} ({records}); "
    "is this file an older export? Their later values are kept as earlier versions"
)
"""Said when a file writes records back to a version an import replaced: the same month's
export imported again after the next month's corrections undoes them, re-merges persons
the corrections had split and raises flags again."""


@dataclass
class ImportReport:
    """What an import did, or why it did nothing. Errors and warnings are messages,
    worded in the language of the face that shows them (`as_dict(lang)`)."""

    file: str
    rows: int = 0
    relation_rows: int = 0
    problems: list[Message] = field(default_factory=list)
    error_count: int = 0
    notes: list[Message] = field(default_factory=list)
    """Warnings: unreadable dates and ages kept as written (the row still loads), columns
    read or left unread, records set back to older values."""
    warning_count: int = 0
    strict_refuses: int = 0
    """The warnings `--strict` makes errors (unreadable dates and ages)."""
    counts: ImportCounts | None = None
    dry_run: bool = False
    linked: dict[str, Any] | None = None
    pending: int | None = None
    """Records stored without a person after this import (linked by the next one)."""
    graph: dict[str, Any] | None = None
    """How the family graph was brought up to date."""
    flags: dict[str, Any] | None = None
    """Persons already identified, returned or sought whom this import identifies or
    returns again (possible re-trafficking, a family looking for them)."""
    stored_ends: set[str] = field(default_factory=set)
    """Stored records (hex ids) the relations file names: their persons gain relations."""

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors(self) -> list[str]:
        """The listed errors, in English."""
        return [m.text("en") for m in self.problems]

    @property
    def warnings(self) -> list[str]:
        """The listed warnings, in English."""
        return [m.text("en") for m in self.notes]

    def add_error(self, message: Message) -> None:
        self.error_count += 1
        if len(self.problems) < MAX_LISTED_ERRORS:
            self.problems.append(message)

    def add_warning(self, message: Message, *, refusable: bool = False) -> None:
        self.warning_count += 1
        self.strict_refuses += refusable
        if len(self.notes) < MAX_LISTED_ERRORS:
            self.notes.append(message)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "relation_rows": self.relation_rows,
            "error_count": self.error_count,
            "errors": [m.text(lang) for m in self.problems],
            "warning_count": self.warning_count,
            "warnings": [m.text(lang) for m in self.notes],
            "strict_refuses": self.strict_refuses,
        }
        if self.counts is not None:
            out.update(
                import_id=str(self.counts.import_id),
                new=self.counts.new,
                changed=self.counts.changed,
                unchanged=self.counts.unchanged,
                relations=self.counts.relations,
            )
        if self.linked is not None:
            out["linked"] = self.linked
        if self.pending is not None:
            out["pending"] = self.pending
        if self.graph is not None:
            out["graph"] = self.graph
        if self.flags is not None:
            out["flags"] = self.flags
        return out


class _Rollback(Exception):
    """Raised inside the import transaction to undo it."""


def import_records(
    store: Store,
    records: Path,
    relations: Path | None = None,
    *,
    source: str | None = None,
    dry_run: bool = False,
    today: date | None = None,
    on_rows: Callable[[int], None] | None = None,
    strict: bool = False,
    mapping: Path | None = None,
    actor: Actor | None = None,
) -> ImportReport:
    """Validate and load a records file; nothing is written if any row is bad or `dry_run`.
    An unreadable date or age is a warning (the value unknown, the text kept) unless
    `strict`, where it is an error; `mapping` names a column mapping file. With `actor`,
    the load's audit row (`import_loaded`) is written in the load's own transaction: a
    crash before linking leaves no record that nobody is accountable for."""
    report = ImportReport(file=str(records), dry_run=dry_run)
    try:
        columns = read_mapping_file(mapping) if mapping is not None else None
    except RecordFileError as exc:
        for message in exc.messages if isinstance(exc, RecordFileErrors) else [exc.message]:
            report.add_error(Message(IN_FILE, file=mapping.name, error=message))
        return report
    options = _Reading(source, today, strict, columns)
    try:
        with collector_paused(), store.importing(records.name) as writer:
            stored = _SpelledSources(store.sources())
            seen = _stage_records(writer, records, report, options, on_rows, stored)
            if relations is not None:
                read = report.rows > 0 or report.ok  # else its ids are unknown, not absent
                _stage_relations(store, writer, relations, report, seen if read else None)
            if report.ok:
                back, named = writer.written_back()
                if back:
                    report.add_warning(Message(WRITTEN_BACK, count=back, records=", ".join(named)))
            if not report.ok or dry_run:
                raise _Rollback
            report.counts = counts = writer.finish()
            if actor is not None:
                write_audit(
                    writer.connection,
                    actor.user,
                    actor.entry(
                        "import_loaded", "import", (counts.import_id,), **_loaded(records, report)
                    ),
                )
    except _Rollback:
        pass
    return report


def _loaded(records: Path, report: ImportReport) -> dict[str, Any]:
    """What the audit says of a load: the file and its counts."""
    counts = report.counts
    assert counts is not None
    return {
        "file": records.name,
        "new": counts.new,
        "changed": counts.changed,
        "unchanged": counts.unchanged,
        "relations": counts.relations,
        "warnings": report.warning_count,
    }


@dataclass(frozen=True, slots=True)
class _Reading:
    source: str | None
    today: date | None
    strict: bool
    mapping: ColumnMapping | None


def _stage_records(
    writer: ImportWriter,
    path: Path,
    report: ImportReport,
    options: _Reading,
    on_rows: Callable[[int], None] | None,
    stored: _SpelledSources,
) -> set[str]:
    """Validate the file a chunk of rows at a time and stage each chunk while no row is
    bad; the record ids written in the file (for its relations). An organisation the
    stored records spell otherwise is an error, on the first row naming it."""
    record_ids: set[str] = set()

    def header_read(written: list[str], names: list[str]) -> None:
        """What the header leaves unread that its user may have meant."""
        mapped = options.mapping.columns if options.mapping is not None else None
        for column, note in header_notes(written, names, mapped):
            report.add_warning(Message(ERROR, row=1, column=column, message=note))

    chunks = validated_chunks(
        path,
        options.source,
        options.today,
        strict=options.strict,
        mapping=options.mapping,
        on_header=header_read,
    )
    try:
        for chunk in chunks:
            report.rows += len(chunk.numbers)
            record_ids.update(chunk.record_ids)
            for i in sorted(chunk.problems):
                for error in chunk.problems[i]:
                    if error.warning:
                        report.add_warning(error.as_message(chunk.titles), refusable=True)
                    else:
                        report.add_error(error.as_message(chunk.titles))
            spelled = stored.misspelled(chunk.numbers, chunk.columns["source"], chunk.bad)
            for row, problem in spelled:
                error = Message(ERROR, row=row, column="source", message=problem)
                report.add_error(Message(IN_FILE, file=path.name, error=error))
            if report.ok:
                writer.add_columns(chunk.columns, chunk.header)
            if on_rows is not None:
                on_rows(len(chunk.numbers))
    except RecordFileError as exc:
        report.add_error(Message(IN_FILE, file=path.name, error=exc.message))
    record_ids.discard("")
    return record_ids


class _SpelledSources:
    """The organisations as the stored records spell them: "oim" in a file where the
    store says "OIM" would file the same cases twice, under two organisations."""

    def __init__(self, known: list[str]) -> None:
        self.known = known
        self.seen: set[str] = set(known)

    def misspelled(
        self, rows: Sequence[int], sources: Sequence[str | None], bad: set[int]
    ) -> Iterator[tuple[int, Message]]:
        """(row, problem) for the first row of each source spelled otherwise than stored
        (rows in `bad` have no value to read)."""
        for i, (row, source) in enumerate(zip(rows, sources, strict=True)):
            if i in bad or not source or source in self.seen:
                continue
            self.seen.add(source)
            same = stored_spelling(self.known, source)
            if same is not None:
                yield (
                    row,
                    Message(
                        'the records name this organisation "{known}", not "{given}"',
                        known=same,
                        given=source,
                    ),
                )


def _stage_relations(
    store: Store,
    writer: ImportWriter,
    path: Path,
    report: ImportReport,
    record_ids: set[str] | None,
) -> None:
    """Stage the relations; an end that is not a row of the records file names a record
    already stored (a tracing request filed today names a child identified last year),
    by its record id and, where two organisations use that id, its `source` (or
    `related_source`) column. `record_ids` None: the records file could not be read at
    all (no source, a column missing), so only the rows themselves are checked (an end
    is not said to be missing from a file nobody could read)."""
    rows: list[tuple[int, str, str, str, str | None, str | None]] = []
    for number, raw in _relation_rows(path, report):
        value, errors = validate_relation(raw, number)
        for error in errors:
            report.add_error(Message(IN_FILE, file=path.name, error=error.as_message()))
        if value is None or record_ids is None:
            continue
        stored: list[str | None] = []
        for column, record_id, source_column in (
            ("record_id", value[0], "source"),
            ("related_record_id", value[2], "related_source"),
        ):
            found, error = _stored_end(
                store, record_ids, record_id, raw.get(source_column), source_column
            )
            if error:
                report.add_error(
                    Message(
                        IN_FILE,
                        file=path.name,
                        error=Message(ERROR, row=number, column=column, message=error),
                    )
                )
            stored.append(found)
            if found is not None:
                report.stored_ends.add(found)
        in_file = value[0] in record_ids and value[2] in record_ids
        if (value[0] == value[2] and in_file) or (stored[0] and stored[0] == stored[1]):
            itself = Message(
                '"{id}" is the record itself: a person is not their own relative', id=value[2]
            )
            error = Message(ERROR, row=number, column="related_record_id", message=itself)
            report.add_error(Message(IN_FILE, file=path.name, error=error))
            continue
        rows.append((number, *value, *stored))
    if report.ok:
        writer.add_relations(rows)


def _relation_rows(path: Path, report: ImportReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a relations file, or its file error said."""
    try:
        for number, raw in read_table(path, required=RELATION_COLUMNS, mapping=RELATION_TITLES):
            report.relation_rows += 1
            yield number, raw
    except RecordFileError as exc:
        report.add_error(Message(IN_FILE, file=path.name, error=exc.message))


def _stored_end(
    store: Store, in_file: set[str], record_id: str, source: str | None, source_column: str
) -> tuple[str | None, Message | None]:
    """(the stored record's id as hex, or None for a row of the file; an error or None).
    `source_column` is the column that names this end's organisation."""
    if record_id in in_file:
        return None, None
    source = (source or "").strip() or None
    found = store.find_record(record_id, source)
    if len(found) == 1:
        return found[0].id.hex, None
    if not found and source:
        return None, Message(
            '"{id}" is neither in the records file nor a stored record of {source}',
            id=record_id,
            source=source,
        )
    if not found:
        return None, Message(
            '"{id}" is neither in the records file nor a stored record', id=record_id
        )
    return None, Message(
        '"{id}" is a stored record of several organisations ({sources}): '
        "name one in the {column} column",
        id=record_id,
        sources=", ".join(sorted(r.source for r in found)),
        column=source_column,
    )


def settle_load(
    store: Store,
    report: ImportReport,
    lang: str = "fr",
    *,
    link: bool = True,
    incremental_only: bool = False,
) -> ImportCounts:
    """What follows a load (`import_records`, or a tracing request registered at a desk:
    `service.tracingregister`): link its new records against the stored population (and
    any record left without a person), bring the family graph up to date, and raise the
    flags of persons it identifies or returns again; said in `report`."""
    counts = report.counts
    assert counts is not None
    if link:
        report.linked = link_import(store, counts.import_id, incremental_only=incremental_only)
    report.pending = store.pending_records()
    if report.linked and report.linked.get("mode") == "batch":
        report.graph = defer_graph(store)
    else:
        report.graph = update_graph_for_import(store, counts.import_id, report.stored_ends)
    report.flags = arrivals(store, counts.import_id, lang)
    return counts


class Importing(UseCases):
    def import_file(
        self,
        records: Path,
        relations: Path | None = None,
        *,
        actor: Actor | None = None,
        source: str | None = None,
        dry_run: bool = False,
        link: bool = True,
        on_rows: Callable[[int], None] | None = None,
        strict: bool = False,
        mapping: Path | None = None,
    ) -> ImportReport:
        """Load a records file (all or nothing), then link its new records against the
        stored population. Without an actor, the operating-system user imports."""
        actor = actor or Actor.operator("nrm import")
        actor.require(IMPORT)
        report = import_records(
            self.store,
            records,
            relations,
            source=source or None,
            dry_run=dry_run,
            on_rows=on_rows,
            strict=strict,
            mapping=mapping,
            actor=actor,
        )
        if report.ok and not dry_run and report.counts is not None:
            counts = settle_load(self.store, report, actor.lang, link=link)
            self.audit(
                actor,
                "import",
                "import",
                (counts.import_id,),
                **_loaded(records, report),
                flagged=[f["entity_id"] for f in report.flags["items"]],
                **learned_outcome(report.linked or {}),
            )
        return report
