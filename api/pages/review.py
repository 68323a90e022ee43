"""Review pages: the queue with names, the four-eyes queue, one suggestion side by side
with each field's reason and the persons' other records, and deciding it.

A decision form carries the suggestion's ETag as it was read: when the suggestion changed
in between (another reviewer, another tab, a re-link), the service refuses it and the page
says so and shows the suggestion as it is now.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.pages.routing import PageRoute
from api.pages.web import (
    PageNumber,
    check_csrf,
    page_actor,
    page_language,
    page_service,
    redirect,
    render,
    translate,
)
from models.review import DecisionKind, SuggestionStatus
from service import Actor, Service
from service.errors import Conflict, PreconditionFailed, RecordsChanged
from service.review import DECIDE

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PAGE = 50
MAX_SKIP = 1_000
QUEUES = {
    "pending": SuggestionStatus.PENDING.value,
    "second": SuggestionStatus.AWAITING_SECOND.value,
}


LISTING = {"pending": "/review", "second": "/review/second"}
"""Where each queue is listed."""


def queue_of(value: object) -> str:
    """The queue a parameter names (`pending` for anything else)."""
    return value if isinstance(value, str) and value in QUEUES else "pending"


def in_queue(queue: str, first: bool = False) -> str:
    """The query-string part that keeps a reviewer in the four-eyes queue ("" in the
    pending one): `?queue=second` when it comes first, `&queue=second` after others."""
    return ("?" if first else "&") + "queue=second" if queue == "second" else ""


def queue_filters(queue: str, minor: str | None) -> dict[str, Any]:
    return {
        "status": QUEUES.get(queue, QUEUES["pending"]),
        "involves_minor": {"yes": True, "no": False}.get(minor or ""),
    }


def _queue(request: Request, queue: str, minor: str | None, page: int) -> Response:
    actor = page_actor(request)
    page = max(page, 0)
    items, total = page_service(request).named_queue(
        actor, queue_filters(queue, minor), PAGE, page * PAGE
    )
    return render(
        request,
        "queue.html",
        in_queue=in_queue,
        user=actor.user,
        queue=queue,
        minor=minor or "",
        items=items,
        total=total,
        page=page,
        more=(page + 1) * PAGE < total,
    )


@router.get("/review")
def review_queue(request: Request, minor: str | None = None, page: PageNumber = 0) -> Response:
    return _queue(request, "pending", minor, page)


@router.get("/review/second")
def second_queue(request: Request, minor: str | None = None, page: PageNumber = 0) -> Response:
    """Merges involving a child that one reviewer confirmed, waiting for a second one."""
    return _queue(request, "second", minor, page)


@router.get("/review/calibration")
def calibration(request: Request) -> Response:
    """How often reviewers confirmed the pairs of the queue's random share, per band of
    the engine's probability (`service.calibration`)."""
    actor = page_actor(request)
    return render(
        request,
        "calibration.html",
        user=actor.user,
        report=page_service(request).calibration(actor),
    )


@router.get("/review/changed")
def changed(request: Request) -> Response:
    """The pairs reviewers settled whose records an import changed since: each decision
    stands, and the page says which fields moved so a reviewer reads the pair again."""
    actor = page_actor(request)
    return render(
        request,
        "changed.html",
        user=actor.user,
        items=page_service(request).outdated_decisions(actor),
    )


@router.get("/review/next")
def next_suggestion(
    request: Request, done: str | None = None, skip: int = 0, queue: str = "pending"
) -> Response:
    """The next suggestion of the queue the reviewer works in (`second`: the four-eyes
    queue, the reviewer's own first confirmations left out)."""
    actor = page_actor(request)
    skip = min(max(skip, 0), MAX_SKIP)
    queue = queue_of(queue)
    items, _ = page_service(request).named_queue(actor, queue_filters(queue, None), 1, skip)
    if not items:
        return redirect(f"{LISTING[queue]}?empty=1" + (f"&done={done}" if done else ""))
    query = f"?skip={skip}" + (f"&done={done}" if done else "") + in_queue(queue)
    return redirect(f"/review/{items[0]['id']}{query}")


def others_of(service: Service, actor: Actor, detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Per side, the person (entity) its record belongs to and that person's other records."""
    shown = {r["id"] for r in detail["records"]}
    sides = []
    for record in detail["records"]:
        entity_id = record.get("entity_id")
        person = service.entity(actor, UUID(entity_id)) if entity_id else None
        sides.append(
            {
                "entity_id": entity_id,
                "others": [r for r in person["records"] if r["id"] not in shown] if person else [],
            }
        )
    return sides


def suggestion_page(
    request: Request,
    actor: Actor,
    suggestion_id: UUID,
    status_code: int = 200,
    problem: str | None = None,
) -> Response:
    service = page_service(request)
    read = service.read_suggestion(actor, suggestion_id)
    assert actor.user is not None
    return render(
        request,
        "suggestion.html",
        status_code,
        user=actor.user,
        s=read.detail,
        etag=read.etag,
        sides=others_of(service, actor, read.detail),
        may_decide=actor.user.role in DECIDE,
        problem=problem,
        done=request.query_params.get("done"),
        skip=_skipped(request) + 1,
        queue=queue_of(request.query_params.get("queue")),
        in_queue=in_queue,
        listing=LISTING,
    )


def _skipped(request: Request) -> int:
    """How many suggestions the reader skipped to reach this one (`s` skips one more)."""
    given = request.query_params.get("skip", "0")
    return min(int(given), MAX_SKIP) if given.isdigit() else 0


@router.get("/review/{suggestion_id}")
def suggestion(request: Request, suggestion_id: UUID) -> Response:
    return suggestion_page(request, page_actor(request), suggestion_id)


@router.post("/review/{suggestion_id}/decide")
async def decide(request: Request, suggestion_id: UUID) -> Response:
    form = await check_csrf(request)
    actor = page_actor(request)
    _ = translate(request)
    try:
        kind = DecisionKind(str(form.get("decision", "")))
    except ValueError:
        kind = None
    if kind not in (DecisionKind.MATCH, DecisionKind.NON_MATCH, DecisionKind.UNSURE):
        return suggestion_page(
            request, actor, suggestion_id, 422, _("Choose match, not a match or unsure.")
        )
    note = str(form.get("note", "")).strip()[:2000] or None
    try:
        decided = page_service(request).decide(
            actor, suggestion_id, kind, note, str(form.get("etag", ""))
        )
    except RecordsChanged:
        return suggestion_page(
            request,
            actor,
            suggestion_id,
            409,
            _(
                "An import changed these records since you opened them. Your decision was not "
                "recorded. Here they are as they are now: read them again before deciding."
            ),
        )
    except PreconditionFailed:
        return suggestion_page(
            request,
            actor,
            suggestion_id,
            409,
            _(
                "This suggestion changed since you opened it (another reviewer, another tab "
                "or a re-link). Your decision was not recorded. Here it is as it is now: read "
                "it again before deciding."
            ),
        )
    except Conflict as refused:
        return suggestion_page(
            request,
            actor,
            suggestion_id,
            409,
            _("Your decision was not recorded: {reason}").format(
                reason=refused.text(page_language(request))
            ),
        )
    state = decided.suggestion or {}
    done = kind.value
    if state.get("status") == "awaiting_second":  # a child's pair: four eyes
        done = "first_again" if state.get("confirmation_withdrawn") else "first_confirmation"
    return redirect(f"/review/next?done={done}{in_queue(queue_of(form.get('queue')))}")
