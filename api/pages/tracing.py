"""Tracing pages: a tracing search as the family tells it, the tracing-request case files,
and each request's potential matches, confirmed or dismissed by a tracing officer.

Thin over `service.tracingsearch` (`trace`, `tracing_requests`, `tracing_matches`,
`decide_tracing_match`): the use cases check the roles, count a search against the rate
limit, audit every read and decision, and answer a partial name, sex, age band, region,
score and reasons only. These pages show what they answer and add nothing to it: never a
location or a phone (the enquirer may be the trafficker).

The paths are not the JSON API's (`/tracing/requests…` is answered by the API, mounted
first): the case files are `/tracing/cases`. A case id may hold slashes
(`CRM-RFL/2022/70613528`), so it is the rest of the path; `source` names the organisation
in the query, as the API takes it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.pages.routing import PageRoute
from api.pages.sealed import LAPSED, posted_search, search_form
from api.pages.web import (
    PageNumber,
    check_csrf,
    page_actor,
    page_service,
    redirect,
    render,
    translate,
    whole_number,
)
from models.ages import read_age
from service.search import WildcardRefused
from service.sought import AgeAndYearDisagree, EmptyDescription
from service.tracingsearch import DECIDE_MATCH, TRACE

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RESULTS = 20
MATCHES = 10
CASES_PAGE = 50
TEXT_MAX = 100
NOTE_MAX = 2000
SOURCE_MAX = 120
SEXES = ("F", "M")
SEALED_MAX = 2 * TEXT_MAX
"""A posted field is cut here before it is sealed into the results' address."""


def case_path(case_id: str) -> str:
    """The page of a tracing request (its slashes kept: the path ends with the case id)."""
    return "/tracing/cases/" + quote(case_id, safe="/")


def case_url(case_id: str, source: str | None) -> str:
    return case_path(case_id) + (f"?source={quote(source, safe='')}" if source else "")


TEXTS = ("name", "given", "family", "village", "commune", "father", "mother")
"""The form's free-text fields; with `sex`, `age` and `birth_year`, all of it."""
FIELDS = (*TEXTS, "sex", "age", "birth_year")


@router.get("/tracing")
def trace_form(request: Request, s: str = "") -> Response:
    """The form a tracing officer fills in as the family describes the sought person;
    with `s`, the results of the search this session posted (`api.pages.sealed`)."""
    form = search_form(request, s, FIELDS)
    return _traced(request, form.fields, sent=form.sent, lapsed=form.lapsed)


@router.post("/tracing")
async def trace(request: Request) -> Response:
    """A search of the persons who may be the sought person the form describes: posted,
    never in the address (a child's name, parents and village would stay in the browser's
    history and the server's access log), then shown at an address that holds it sealed,
    so that back and reload show the results again. Each showing is a search: it counts
    against the user's search rate limit and is audited."""
    return await posted_search(request, TRACE, FIELDS, SEALED_MAX)


def _traced(request: Request, given: dict[str, str], sent: bool, lapsed: bool = False) -> Response:
    actor = page_actor(request)
    actor.require(TRACE)
    _ = translate(request)
    form = {k: given[k].strip()[:TEXT_MAX] for k in TEXTS}
    form.update(
        sex=given["sex"] if given["sex"] in SEXES else "",
        age=given["age"].strip()[:20],
        birth_year=given["birth_year"].strip()[:4],
    )
    results, problem, hint, status = None, None, None, 200
    if lapsed:
        problem = _(LAPSED)
    if sent:
        try:
            numbers = family_numbers(form["age"], given["birth_year"])
        except ValueError:
            problem = _(
                "Give the age in years (0 to 120: « 12 », « environ 12 ans », « douze », "
                "« 12-13 ans », « plus de 18 ans ») and the birth year in four digits."
            )
            status = 422
        else:
            sought: dict[str, Any] = {k: v for k, v in form.items() if k in TEXTS and v}
            sought.update({k: v for k, v in numbers.items() if v is not None})
            if form["sex"]:
                sought["sex"] = form["sex"]
            service = page_service(request)
            try:
                results = service.trace(actor, sought, top=RESULTS)
            except (EmptyDescription, AgeAndYearDisagree, WildcardRefused) as refused:
                problem, status = refused.text(actor.lang), 422
            else:
                if not results and (why := service.why_untraced(actor, sought)):
                    hint = why.text(actor.lang)
    return render(
        request,
        "tracing.html",
        status,
        user=actor.user,
        form=form,
        sexes=SEXES,
        results=results,
        problem=problem,
        hint=hint,
    )


def family_numbers(age: str, birth_year: str) -> dict[str, int | None]:
    """The age and birth year a family gives, as the use cases take them: `age` and
    `age_max` (`approximate_age`), `birth_year` in four digits; ValueError when either
    is unreadable."""
    low, high = approximate_age(age)
    return {"age": low, "age_max": high, "birth_year": whole_number(birth_year, 1900, 2100)}


def approximate_age(text: str) -> tuple[int | None, int | None]:
    """The age a family gives, as an import reads it (`models.ages.read_age`: "12",
    "environ 12 ans", "douze", "12-13 ans", "plus de 18 ans"): the youngest and, for a
    range, the oldest (up to 120); (None, None) when blank, ValueError when unreadable."""
    return read_age(text).sought if text else (None, None)


@router.get("/tracing/cases")
def cases(request: Request, page: PageNumber = 0) -> Response:
    """Tracing-request case files, newest first, open or matched."""
    actor = page_actor(request)
    page = max(page, 0)
    found = page_service(request).tracing_requests(
        actor, limit=CASES_PAGE, offset=page * CASES_PAGE
    )
    return render(
        request,
        "tracing_cases.html",
        user=actor.user,
        found=found,
        case_url=case_url,
        page=page,
        more=(page + 1) * CASES_PAGE < found["total"],
    )


@router.get("/tracing/cases/{case_id:path}")
def case(
    request: Request,
    case_id: str,
    source: str = "",
    done: str = "",
    done_for: str = Query("", alias="for"),
) -> Response:
    """A tracing request's potential matches, with the decision in force on each, to
    confirm or dismiss."""
    actor = page_actor(request)
    assert actor.user is not None
    found = page_service(request).tracing_matches(
        actor, case_id, source=source[:SOURCE_MAX] or None, top=MATCHES
    )
    return render(
        request,
        "tracing_case.html",
        user=actor.user,
        found=found,
        action=case_path(found["case_id"]),
        may_decide=actor.user.role in DECIDE_MATCH,
        done=done,
        done_for=done_for[:SOURCE_MAX],
        named={s["record_id"]: s["name"] for s in found["sought"]},
    )


@router.post("/tracing/cases/{case_id:path}/matches/{entity_id}/decision")
async def decide(request: Request, case_id: str, entity_id: str) -> Response:
    """Confirm or dismiss one potential match, with an optional note; then the request
    again, saying what was done."""
    form = await check_csrf(request)
    actor = page_actor(request)
    decided = page_service(request).decide_tracing_match(
        actor,
        case_id,
        entity_id,
        str(form.get("decision", "")),
        source=str(form.get("source", ""))[:SOURCE_MAX] or None,
        note=str(form.get("note", "")).strip()[:NOTE_MAX] or None,
        sought_record_id=str(form.get("sought_record_id", ""))[:SOURCE_MAX] or None,
    )
    target = case_url(decided["case_id"], decided["source"])
    said = {"done": decided["decision"]}
    if decided["sought_record_id"]:
        said["for"] = decided["sought_record_id"]
    return redirect(f"{target}{'&' if '?' in target else '?'}{urlencode(said)}")
