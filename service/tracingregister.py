"""Registering a tracing request at a desk: a family asks a tracing officer to find a
relative (or the officer's tracing search found nobody), and the request is kept, open,
listed with the others and given potential matches as files arrive.

The request is a small case file (case type `tracing_request`): the requester's record,
one record per sought person and a declared relation between them. It is written as an
import writes a file, through the same machinery (`service.importing`): the rows are
validated by `models.columnwise` (strictly: nothing is kept as unreadable), staged and
merged by the store's `ImportWriter` in one transaction with the audit row naming the
officer, then linked against the stored population, the family graph updated and flags
raised (`settle_load`). Linkage guards apply as to any file: a requester and a sought
person are never joined without a reviewer.

The records' organisation is the officer's; the case id is
`<organisation>-DR/<year>/<8 digits>` ("demande de recherche", the digits drawn at
random, as the registries' own numbers look scattered), the records' ids that case id
with `-D` (demandeur) and `-R1`, `-R2`… (recherché). Nothing here reads a found person:
the request's potential matches are `TracingSearch.tracing_matches`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import date
from typing import Any

from i18n import N_, Message, Word
from models.columnwise import validate_chunk
from models.recordfile import Chunk
from models.records import CaseType, Role
from models.store.audit import write_audit
from models.store.tracingrequests import case_taken
from models.validation import validate_relation
from service.context import Actor, visible
from service.errors import Forbidden, Unprocessable
from service.importing import ImportReport, settle_load
from service.search import Searching, refuse_patterns
from service.sought import DESCRIBED as SOUGHT_FIELDS
from service.sought import description_of
from service.tracingsearch import TRACE
from service.training import learned_outcome
from tracing.persons import written_name

log = logging.getLogger(__name__)
REGISTER_REQUEST = TRACE
"""Who takes a family's request: tracing officers, caseworkers, admins (not reviewers)."""
MOST_SOUGHT = 10
"""Persons one request may seek (a family looking for its children, not a list)."""
DIGITS = 8
ATTEMPTS = 5
"""Case ids drawn before giving up: with 10⁸ numbers a year per organisation, a second
draw is already a rarity."""
DESCRIBED = {**SOUGHT_FIELDS, "phone": "phone"}
"""A person as the form describes them → the records file's columns: a sought person's
description as a tracing search reads it (`service.sought.DESCRIBED`), and the
requester's phone."""
COLUMNS = (
    "record_id",
    "source",
    "case_id",
    "case_type",
    "role",
    "registered_on",
    "birth_date",
    "age",
    *DESCRIBED.values(),
)
"""The columns of the rows a request is written as (`models.records.RECORD_COLUMNS`)."""
NAMES = frozenset({"name", "given", "family", "father", "mother"})
LONGEST_TEXT = 100
LONGEST_PHONE = 40
"""The longest text and phone number a request takes (the API's own limits)."""
REFUSED = N_("the tracing request was not registered: {problems}")
ABOUT = N_("{who}, {column}: {message}")
THE_REQUESTER = N_("the requester")
SOUGHT_PERSON = N_("sought person {number}")


class RegistrationRefused(Unprocessable):
    """A description the request cannot be registered with (422); nothing is stored."""


class NoOrganisation(Forbidden):
    """A request is filed under its officer's organisation: an account without one files
    none."""


def family_age_text(age: int | None, age_max: int | None) -> str | None:
    """An age a family gives, written as an import reads it to the same birth interval a
    tracing search makes of it (`service.sought.family_age`): an estimate, `~12`, or a
    range widened as one, `environ 12-13 ans` ("plus de 18 ans": 18 to 120; "moins de 10
    ans": 0 to 9)."""
    if age is None and age_max is None:
        return None
    low = age if age is not None else 0
    if age_max is None or age_max == low:
        return f"~{low}"
    low, high = sorted((low, age_max))
    return f"environ {low}-{high} ans"


def _cells(person: dict[str, Any], age: str | None) -> dict[str, str]:
    """A person's cells as a records file writes them, each as the reader sees it
    (`visible`), refused when it is a pattern, too long, or a name of less than two
    letters: the API's limits, kept here so that the page and the API refuse alike."""
    refuse_patterns(person)
    cells: dict[str, str] = {}
    for key, column in DESCRIBED.items():
        written = visible(str(person[key])) if person.get(key) else ""
        if not written:
            continue
        if len(written) > (LONGEST_PHONE if key == "phone" else LONGEST_TEXT):
            raise RegistrationRefused(
                REFUSED, problems=Message("{field} is too long", field=Word(column))
            )
        if key in NAMES and sum(c.isalpha() for c in written) < 2:
            raise RegistrationRefused(
                REFUSED, problems=Message("{field}: two letters at least", field=Word(column))
            )
        cells[column] = written
    if person.get("birth_year"):
        cells["birth_date"] = f"vers {int(person['birth_year'])}"
    if age:
        cells["age"] = age
    return cells


def _requester_cells(requester: dict[str, Any]) -> dict[str, str]:
    if not any(requester.get(k) for k in ("name", "given", "family")):
        raise RegistrationRefused(
            REFUSED, problems=Message("name the requester (given or family name)")
        )
    if requester.get("age") is not None and requester.get("birth_year"):
        raise RegistrationRefused(
            REFUSED, problems=Message("give the requester's age or birth year, not both")
        )
    age = requester.get("age")
    return _cells({**requester, "father": None, "mother": None}, None if age is None else str(age))


def _sought_cells(sought: dict[str, Any], today: date) -> dict[str, str]:
    """A sought person's cells, refused as a tracing search refuses the description (no
    name; an age and a birth year that cannot both be right)."""
    description_of(sought, today)
    return _cells(
        {**sought, "phone": None}, family_age_text(sought.get("age"), sought.get("age_max"))
    )


def _who(number: int) -> Message:
    return Message(THE_REQUESTER) if number == 1 else Message(SOUGHT_PERSON, number=number - 1)


def new_case_id(source: str, today: date) -> str:
    return f"{source}-DR/{today.year}/{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


class _Taken(Exception):
    """A drawn case id or record id is already stored: the load is undone, another drawn."""


class TracingRegistration(Searching):
    def register_tracing_request(
        self,
        actor: Actor,
        requester: dict[str, Any],
        sought: Sequence[dict[str, Any]],
        *,
        relation: str | None = None,
        today: date | None = None,
    ) -> dict[str, Any]:
        """Register a tracing request: the requester (names, sex, age or birth year,
        phone, origin) and the persons they seek (described as for a tracing search),
        `relation` what the requester is to each sought person (`mother`: the requester
        is their mother). Stored, audited and linked as an import of its rows; refused
        whole (nothing stored) when any description is. Counted against the user's
        search rate limit (429 past it), as a tracing search is. Returns the new case as the
        tracing-request list shows it, with its record ids."""
        actor.require(REGISTER_REQUEST)
        source = actor.user.organisation if actor.user is not None else None
        if not source:
            raise NoOrganisation(
                "your account names no organisation, under which the request would be "
                "filed: ask an administrator to set one"
            )
        self.check_search_rate(actor)  # each request writes records and is matched
        day = today or date.today()
        if not sought or len(sought) > MOST_SOUGHT:
            raise RegistrationRefused(
                REFUSED,
                problems=Message("a request seeks from 1 to {most} persons", most=MOST_SOUGHT),
            )
        people = [_requester_cells(requester), *(_sought_cells(s, day) for s in sought)]
        relation = _relation(relation)
        for _ in range(ATTEMPTS):
            case_id = new_case_id(source, day)
            try:
                return self._register(actor, source, case_id, people, relation, day)
            except _Taken:
                continue
        raise RegistrationRefused(
            REFUSED, problems=Message("no free case number was found: try again")
        )

    def _register(
        self,
        actor: Actor,
        source: str,
        case_id: str,
        people: list[dict[str, str]],
        relation: str | None,
        day: date,
    ) -> dict[str, Any]:
        ids = [f"{case_id}-D", *(f"{case_id}-R{i}" for i in range(1, len(people)))]
        rows = []
        for number, (record_id, cells) in enumerate(zip(ids, people, strict=True), start=1):
            role = Role.REQUESTER if number == 1 else Role.SOUGHT
            cells = {
                **cells,
                "record_id": record_id,
                "source": source,
                "case_id": case_id,
                "case_type": CaseType.TRACING_REQUEST.value,
                "role": role.value,
                "registered_on": day.isoformat(),
            }
            rows.append([cells.get(column, "") for column in COLUMNS])
        chunk = Chunk(list(COLUMNS), list(range(1, len(rows) + 1)), rows)
        validated = validate_chunk(chunk, source, day, True, {})
        problems = [
            Message(ABOUT, who=_who(number), column=Word(e.column), message=e.message)
            for i, number in enumerate(validated.numbers)
            for e in validated.problems.get(i, [])
        ]
        if problems:
            raise RegistrationRefused(REFUSED, problems=Problems(problems))
        relations = (
            [(1, sought_id, relation, ids[0], None, None) for sought_id in ids[1:]]
            if relation
            else []
        )
        report = ImportReport(file=case_id, rows=len(rows), relation_rows=len(relations))
        with self.store.importing(f"tracing request {source}/{case_id}") as writer:
            if case_taken(writer.connection, source, case_id):
                raise _Taken  # another case file (of any type) has this id
            writer.add_columns(validated.columns, validated.header)
            writer.add_relations(relations)
            counts = writer.finish()
            if counts.new != len(rows):
                raise _Taken  # undoes the load: another case id is drawn
            write_audit(
                writer.connection,
                actor.user,
                actor.entry(
                    "register_tracing_request",
                    "case",
                    [f"{source}/{case_id}"],
                    records=ids,
                    relation=relation,
                    import_id=str(counts.import_id),
                ),
            )
        report.counts = counts
        linked = self._settle(actor, report, f"{source}/{case_id}", ids)
        return {
            "source": source,
            "case_id": case_id,
            "records": len(rows),
            "registered_on": day.isoformat(),
            "status": "open",
            "matched_entity_id": None,
            "matched_entity_ids": [],
            "matched": [],
            "sought": [_named(row) for row in rows[1:]],
            "requester_record_id": ids[0],
            "sought_record_ids": ids[1:],
            "linked": linked,
        }

    def _settle(self, actor: Actor, report: ImportReport, case: str, ids: list[str]) -> bool:
        """Link the request's records against their candidates only (`link_import`'s
        `incremental_only`: never a relink of the whole population from a desk); whether
        they were linked. The request is stored and audited already: a failure here
        leaves its records pending for the next import or `nrm relink`, says so in the
        audit and answers all the same, so that the officer does not register it twice."""
        try:
            settle_load(self.store, report, actor.lang, incremental_only=True)
        except Exception as failure:
            log.exception("linking the tracing request %s failed; its records wait", case)
            self.audit(
                actor,
                "tracing_request_link_failed",
                "case",
                [case],
                records=ids,
                error=type(failure).__name__,
            )
            return False
        linked = report.linked or {}
        self.audit(
            actor,
            "tracing_request_linked",
            "case",
            [case],
            records=ids,
            import_id=str(report.counts.import_id) if report.counts else None,
            pending=linked.get("mode") == "deferred",
            **({"because": linked["because"]} if "because" in linked else {}),
            **learned_outcome(linked),
        )
        return linked.get("mode") != "deferred"


def _relation(written: str | None) -> str | None:
    """The relation as stored (`mother`; a form's French word, `mère`, reads as it does
    in a relations file), refused when it is none of the relations."""
    if written is None:
        return None
    read, errors = validate_relation(
        {"record_id": "-", "relation": written, "related_record_id": "-"}, 1
    )
    if read is None:
        raise RegistrationRefused(
            REFUSED,
            problems=Problems(
                [
                    Message(ABOUT, who=_who(1), column=Word(e.column), message=e.message)
                    for e in errors
                ]
            ),
        )
    return read[1]


def _named(row: list[str]) -> str:
    """How the family named a sought person (as `GET /tracing/requests` shows it)."""
    cells = dict(zip(COLUMNS, row, strict=True))
    return written_name(cells["full_name"], cells["given_names"], cells["family_name"])


class Problems(Message):
    """Messages as one parameter: each in the reader's language, joined by "; "."""

    __slots__ = ("items",)

    def __init__(self, items: list[Message]) -> None:
        super().__init__("")
        self.items = items

    def text(self, lang: str = "en", domain: str = "messages") -> str:
        return "; ".join(m.text(lang, domain) for m in self.items)
