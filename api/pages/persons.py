"""Person pages: the person with its records, consolidated view and history (and revert),
the family (proposed relatives), the safe-return assessment, and a search to find a person.
Each prints on paper (print CSS) as a sheet for the case file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages.routing import PageRoute
from api.pages.sealed import LAPSED, posted_search, search_form
from api.pages.web import (
    PageNumber,
    check_csrf,
    page_actor,
    page_language,
    page_service,
    redirect,
    render,
    translate,
    whole_number,
)
from models.birthdates import DateError, parse_birth_date
from models.review import DecisionKind
from models.users import UserRole
from service.errors import Conflict, Forbidden, PreconditionFailed, UseCaseError
from service.returns import InvalidDecision, ReturnRequest
from service.review import REVERT
from service.search import SEARCH, WildcardRefused
from service.tracing import ASSESS, READ_FLAGS, READ_RELATIVES
from tracing.decisions import DECISIONS, REVIEW_DAYS, BestInterests
from tracing.persons import written_name

router = APIRouter(route_class=PageRoute, include_in_schema=False)
FAMILY_TOP = 20
FIND_FIELDS = ("name", "birth_year")
FIND_SEALED_MAX = 200
"""A posted name is cut here before it is sealed into the results' address."""
BIRTH_MAX = 20
"""A birth year, or a date of birth a caseworker types there."""
FLAGS_PAGE = 50
FLAG_KINDS = ("possible_retrafficking", "sought_by_family")
DECISION_FIELDS = (
    "decision",
    "note",
    "review_by",
    "bid_date",
    "bid_body",
    "bid_reference",
    "override",
)
"""The fields of the decision form, filled again when a decision is refused."""


def _names(view: dict[str, Any]) -> dict[str, str]:
    return {
        r["id"]: written_name(r.get("full_name"), r.get("given_names"), r.get("family_name"))
        or r["record_id"]
        for r in view["records"]
    }


def _title(view: dict[str, Any]) -> str:
    """The person's name as most of their records write it."""
    fields = view["consolidated"]
    if "full_name" in fields:
        return fields["full_name"]["value"]
    parts = (fields.get(f, {}).get("value") for f in ("given_names", "family_name"))
    return " ".join(p for p in parts if p)


def person_page(
    request: Request, entity_id: UUID, status_code: int = 200, problem: str | None = None
) -> Response:
    actor = page_actor(request)
    assert actor.user is not None
    view = page_service(request).entity(actor, entity_id)
    return render(
        request,
        "person.html",
        status_code,
        user=actor.user,
        person=view,
        title=_title(view),
        names=_names(view),
        may_revert=actor.user.role in REVERT,
        may_family=actor.user.role in READ_RELATIVES,
        may_assess=actor.user.role in ASSESS,
        revertible={
            d["id"]
            for d in view["history"]
            if not d["reverted"] and d["decision"] != DecisionKind.REVERT.value
        },
        problem=problem,
        done=request.query_params.get("done"),
    )


@router.get("/persons/{entity_id}")
def person(request: Request, entity_id: UUID) -> Response:
    return person_page(request, entity_id)


@router.post("/persons/{entity_id}/revert")
async def revert(request: Request, entity_id: UUID) -> Response:
    """Undo one decision of this person's history, with a reason; then the person of the
    decision's first record, as it is now."""
    form = await check_csrf(request)
    actor = page_actor(request)
    _ = translate(request)
    reason = str(form.get("reason", "")).strip()[:2000]
    try:
        decision_id = UUID(str(form.get("decision", "")))
    except ValueError:
        return person_page(request, entity_id, 422, _("Choose a decision to revert."))
    if not reason:
        return person_page(request, entity_id, 422, _("Say why you revert this decision."))
    service = page_service(request)
    try:
        decided = service.revert(actor, decision_id, reason)
    except UseCaseError as refused:
        return person_page(
            request,
            entity_id,
            refused.status,
            _("The decision was not reverted: {reason}").format(
                reason=refused.text(page_language(request))
            ),
        )
    done = "revert"
    if decided.suggestion and decided.suggestion.get("confirmation_withdrawn"):
        done = "revert_both"
    record = service.get_record(actor, UUID(decided.decision["record_a"]))
    if record and record.get("entity_id"):
        return redirect(f"/persons/{record['entity_id']}?done={done}")
    if decided.suggestion:  # the records are no person's now: the pair is open again
        return redirect(f"/review/{decided.suggestion['id']}?done={done}")
    return redirect(f"/?done={done}")


@router.get("/persons/{entity_id}/family")
def family(request: Request, entity_id: UUID) -> Response:
    actor = page_actor(request)
    service = page_service(request)
    relatives = service.relatives_of_entity(actor, entity_id, top=FAMILY_TOP, lang=actor.lang)
    return render(
        request,
        "family.html",
        user=actor.user,
        entity_id=str(entity_id),
        person=_title(service.entity(actor, entity_id)),
        relatives=relatives,
    )


def assessment_page(
    request: Request,
    entity_id: UUID,
    status_code: int = 200,
    problem: str | None = None,
    typed: dict[str, Any] | None = None,
) -> Response:
    """The assessment, its decisions and the decision form (filled again with what the
    caseworker `typed` when a decision was refused)."""
    actor = page_actor(request)
    assert actor.user is not None
    service = page_service(request)
    found = service.assessment_of_entity(actor, entity_id, lang=actor.lang)
    view = service.entity(actor, entity_id)
    admin = actor.user.role is UserRole.ADMIN
    return render(
        request,
        "assessment.html",
        status_code,
        user=actor.user,
        entity_id=str(entity_id),
        person=_title(view),
        assessment=found,
        decisions=DECISIONS,
        may_decide=admin or actor.user.organisation in {r["source"] for r in view["records"]},
        may_override=admin,
        review_days=REVIEW_DAYS,
        typed={k: str(v)[:2000] for k, v in (typed or {}).items() if k in DECISION_FIELDS},
        problem=problem,
        done=request.query_params.get("done"),
    )


@router.get("/persons/{entity_id}/assessment")
def assessment(request: Request, entity_id: UUID) -> Response:
    return assessment_page(request, entity_id)


class FormProblem(ValueError):
    """A field of the decision form the page cannot read: the message says which."""


def _day(value: Any, problem: str) -> date | None:
    text = str(value or "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise FormProblem(problem) from None


def _return_request(form: dict[str, Any], _: Callable[[str], str]) -> ReturnRequest:
    """The decision form as the use case takes it (the calendar's ISO dates); FormProblem
    for a field it cannot read, worded with `_`."""

    def given(name: str) -> str | None:
        return str(form.get(name, "")).strip()[:2000] or None

    review_by = _day(form.get("review_by"), _("Give the review date as the calendar writes it."))
    bid_date = _day(
        form.get("bid_date"), _("Give the date of the determination as the calendar writes it.")
    )
    bid_body = given("bid_body")
    bid = None
    if bid_date or bid_body:
        if bid_date is None or bid_body is None:
            raise FormProblem(
                _("Give both the date and the body of the Best Interests Determination.")
            )
        bid = BestInterests(bid_date, bid_body, given("bid_reference"))
    return ReturnRequest(
        str(form.get("decision", "")), given("note"), review_by, bid, given("override")
    )


@router.post("/persons/{entity_id}/assessment/decide")
async def decide_return(request: Request, entity_id: UUID) -> Response:
    """Record the caseworker's decision on the assessment the page showed (its version):
    refused with what stands in the way, or a changed assessment shown again."""
    form = await check_csrf(request)
    actor = page_actor(request)
    _ = translate(request)
    try:
        asked = _return_request(form, _)
    except FormProblem as problem:
        return assessment_page(request, entity_id, 422, str(problem), form)
    version = f'"{str(form.get("version", ""))[:100]}"'
    try:
        page_service(request).decide_return_of_entity(
            actor, entity_id, asked, version, lang=actor.lang
        )
    except (Conflict, Forbidden, PreconditionFailed, InvalidDecision) as refused:
        return assessment_page(
            request,
            entity_id,
            refused.status,
            _("The decision was not recorded: {reason}").format(
                reason=refused.text(page_language(request))
            ),
            form,
        )
    return redirect(f"/persons/{entity_id}/assessment?done=decision")


@router.get("/find")
def find_form(request: Request, s: str = "") -> Response:
    """The form to search a person by name; with `s`, the results of the search this
    session posted (`api.pages.sealed`)."""
    form = search_form(request, s, FIND_FIELDS)
    return _found(request, form.fields["name"], form.fields["birth_year"], form.sent, form.lapsed)


@router.post("/find")
async def find(request: Request) -> Response:
    """Search a person by name (as `POST /search`: minimal answers, rate-limited): posted,
    never in the address, where a name would stay in the history and the access log, then
    shown at an address that holds it sealed, so that back and reload show the results
    again (each showing a search, audited and counted)."""
    return await posted_search(request, SEARCH, FIND_FIELDS, FIND_SEALED_MAX)


def _found(
    request: Request, name: str, birth_year: str, sent: bool, lapsed: bool = False
) -> Response:
    actor = page_actor(request)
    actor.require(SEARCH)
    _ = translate(request)
    results, hint = None, None
    problem = _(LAPSED) if lapsed else None
    name = name.strip()[:200]
    try:
        year = _birth_year(birth_year[:BIRTH_MAX])
    except ValueError:
        problem = _("Give the birth year (1900 to 2100), or a date of birth within one year.")
    else:
        if sent and len(name) >= 2:
            service = page_service(request)
            described = {"full_name": name, "birth_year": year}
            try:
                results = service.search(actor, described, 20)
            except WildcardRefused as refused:  # said above the form, which keeps the name
                problem = refused.text(actor.lang)
            else:
                if not results and (why := service.why_unfound(actor, described)):
                    hint = why.text(actor.lang)
        elif sent:
            problem = _("Write at least two letters of the name.")
    return render(
        request,
        "find.html",
        422 if problem else 200,
        user=actor.user,
        name=name,
        birth_year=birth_year[:BIRTH_MAX],
        results=results,
        problem=problem,
        hint=hint,
    )


def _birth_year(text: str) -> int | None:
    """The year of a birth as a caseworker has it: a year, or a date of one year ("06/2013",
    "juin 2013", "12/03/2013", as imports read them); None when blank."""
    try:
        return whole_number(text, 1900, 2100)
    except ValueError:
        try:
            born = parse_birth_date(text)
        except DateError:
            raise ValueError(text) from None
        if born.earliest.year != born.latest.year or not 1900 <= born.earliest.year <= 2100:
            raise ValueError(text) from None
        return born.earliest.year


@router.get("/flagged")
def flags(request: Request, flag: str = "", page: PageNumber = 0) -> Response:
    """Persons identified or returned more than once, persons assisted whom a family
    seeks, and (for caseworkers) return decisions due for review: what a caseworker must
    see first."""
    actor = page_actor(request)
    actor.require(READ_FLAGS)
    page = max(page, 0)
    kind = flag if flag in FLAG_KINDS else None
    service = page_service(request)
    found = service.flags(
        actor, flag=kind, limit=FLAGS_PAGE, offset=page * FLAGS_PAGE, lang=actor.lang
    )
    assert actor.user is not None
    due = (
        service.returns_due(actor, limit=FLAGS_PAGE)
        if actor.user.role in ASSESS and page == 0
        else None
    )
    return render(
        request,
        "flags.html",
        user=actor.user,
        found=found,
        due=due,
        flag=kind or "",
        kinds=FLAG_KINDS,
        page=page,
        more=(page + 1) * FLAGS_PAGE < found["total"],
    )
