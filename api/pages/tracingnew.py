"""The page a tracing officer registers a family's tracing request on: who asks (the
requester) and the person they seek, as the family tells it. Reached from the tracing
requests (`/tracing/cases`: "Nouvelle demande de recherche", an empty form) and from a
tracing search's results (the description searched for carried over, posted: a sought
child's name and village never enter an address).

Thin over `service.tracingregister.register_tracing_request`: the use case checks the
role, validates and stores the request as an import stores a file, links it and audits
it. Registered, the officer lands on the new request's page with its potential matches.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages.routing import PageRoute
from api.pages.tracing import SEXES, TEXT_MAX, case_url, family_numbers
from api.pages.web import (
    check_csrf,
    page_actor,
    page_service,
    redirect,
    render,
    translate,
    whole_number,
)
from models.records import RelationKind
from service.errors import Forbidden, TooManyRequests, UseCaseError
from service.tracingregister import REGISTER_REQUEST

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PATH = "/tracing/new"
PLACES = ("village", "commune", "cercle", "region")
SOUGHT_TEXTS = ("name", "given", "family", *PLACES, "father", "mother")
REQUESTER_TEXTS = ("name", "given", "family", "phone", *PLACES)
REQUESTER = "requester_"
"""The prefix of the requester's fields (`requester_name`, …)."""
FIELDS = (
    *SOUGHT_TEXTS,
    "sex",
    "age",
    "birth_year",
    *(REQUESTER + k for k in (*REQUESTER_TEXTS, "sex", "age", "birth_year", "relation")),
)
RELATIONS = tuple(r.value for r in RelationKind)
REGISTER = "register"
"""The `step` of a filled-in form sent to be registered; any other shows the form with
what was posted (a search's description carried over)."""


@router.get(PATH)
def new_request(request: Request) -> Response:
    """An empty tracing request to fill in."""
    return _form(request, dict.fromkeys(FIELDS, ""))


@router.post(PATH)
async def register(request: Request) -> Response:
    """With `step=register`, register the request the form describes and go to its page;
    otherwise show the form holding what was posted (a search's description)."""
    posted = await check_csrf(request)
    # one character past the limit, so that the use case refuses a text too long (as the
    # API does) instead of the page cutting it unsaid
    given = {k: str(posted.get(k, "")).strip()[: TEXT_MAX + 1] for k in FIELDS}
    if posted.get("step") != REGISTER:
        return _form(request, given)
    actor = page_actor(request)
    try:
        sought, requester, relation = _read(given)
    except ValueError:
        _ = translate(request)
        bad = _(
            "Give the sought person's age in years (0 to 120: « 12 », « environ 12 ans », "
            "« 12-13 ans », « plus de 18 ans »), the requester's age as a whole number and "
            "each birth year in four digits."
        )
        return _form(request, given, bad, 422)
    try:
        case = page_service(request).register_tracing_request(
            actor, requester, [sought], relation=relation
        )
    except (TooManyRequests, Forbidden):
        raise  # the pages' own answers: when to come back; a refusal, audited
    except UseCaseError as refused:  # 422 as the tracing page's
        return _form(request, given, refused.text(actor.lang), 422)
    target = case_url(case["case_id"], case["source"])
    return redirect(f"{target}{'&' if '?' in target else '?'}done=registered")


def _read(given: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """(the sought person, the requester, the relation) as the use case takes them;
    ValueError for an age or a birth year that is not one."""
    sought: dict[str, Any] = {k: given[k] for k in SOUGHT_TEXTS if given[k]}
    sought.update(sex=given["sex"] or None, **family_numbers(given["age"], given["birth_year"]))
    requester: dict[str, Any] = {
        k: given[REQUESTER + k] for k in REQUESTER_TEXTS if given[REQUESTER + k]
    }
    requester.update(
        sex=given[REQUESTER + "sex"] or None,
        age=whole_number(given[REQUESTER + "age"], 0, 120),
        birth_year=whole_number(given[REQUESTER + "birth_year"], 1900, 2100),
    )
    relation = given[REQUESTER + "relation"]
    return sought, requester, relation or None


def _form(
    request: Request, given: dict[str, str], problem: str | None = None, status: int = 200
) -> Response:
    actor = page_actor(request)
    actor.require(REGISTER_REQUEST)
    assert actor.user is not None
    return render(
        request,
        "tracing_new.html",
        status,
        user=actor.user,
        form=given,
        sexes=SEXES,
        relations=RELATIONS,
        organisation=actor.user.organisation,
        problem=problem,
    )
