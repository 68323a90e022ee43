"""The pages' route class: what a page answers when it cannot do what it was asked (a
refused use case, a failed CSRF check, a forged parameter, no session), and the page a
reader is sent back to after signing in.

Without a session, a page asked for (GET) is asked for again after sign-in, its query
kept. A form posted without one (the session idled out, or was ended in another tab) is
not sent: the reader signs in and comes back to the page the form was on (the same-site
`Referer`, else the page of the form's address), told to send it again. A form's address
(POST only: `/review/{id}/decide`) is never where a browser is sent: opened by GET, it
leads to the page of its form.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.routing import Match

from api.errors import audit_refusal
from api.pages.web import (
    CsrfRefused,
    SignInRequired,
    not_found_page,
    page_language,
    redirect,
    render,
    session_user,
    translate,
)
from service.errors import PurposeRequired, TooManyRequests, UseCaseError


class PageRoute(APIRoute):
    """A page: a refused use case, a missing session or a failed CSRF check becomes a page
    in the reader's language (the JSON API's error handling stays as it is)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except (SignInRequired, CsrfRefused, UseCaseError, RequestValidationError) as exc:
                return _error_page(request, exc)

        return page


PAGE_ROUTES = "page_routes"
"""Where the app's state keeps its page routes (`api.pages.mount`)."""


def _routes(request: Request) -> list[PageRoute]:
    return getattr(request.app.state, PAGE_ROUTES, [])


def _pages(request: Request) -> dict[str, APIRoute]:
    """The pages a browser opens (GET), by their path as declared."""
    return {r.path: r for r in _routes(request) if "GET" in r.methods}


def _page_of_form(pages: dict[str, APIRoute], form: APIRoute, params: dict[str, Any]) -> str:
    """The page a form's address belongs to: the longest start of its declared path that a
    page answers ("/review/{id}/decide" → "/review/{id}", "/purpose" → "/")."""
    parts = form.path.split("/")
    for end in range(len(parts), 0, -1):
        page = pages.get("/".join(parts[:end]) or "/")
        if page is not None:
            wanted = {name: params[name] for name in page.param_convertors}
            return str(page.url_path_for(page.name, **wanted))
    return "/"


def page_at(request: Request, path: str, query: str = "") -> str | None:
    """Where a browser goes for `path`: the page there with its query, the page of the
    form when `path` is a form's address (POST only), None when no page is there."""
    pages = _pages(request)
    for method in ("POST", "GET"):  # a form's address first: a page's `{id:path}` holds any
        scope = {"type": "http", "method": method, "path": path, "root_path": ""}
        for route in _routes(request):
            if method not in route.methods:
                continue
            match, child = route.matches(scope)
            if match is not Match.FULL:
                continue
            if method == "GET":
                return path + (f"?{query}" if query else "")
            if route.path not in pages:
                return _page_of_form(pages, route, child["path_params"])
    return None


def form_page(request: Request) -> str:
    """The page a posted form was on: the same-site `Referer`'s path and query (its page,
    when it is itself a form's address), else the page of the address it was posted to."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.url.netloc:
        found = page_at(request, referer.path, referer.query)
        if found is not None:
            return found
    return page_at(request, request.url.path) or "/"


def signin_address(request: Request) -> str:
    """The sign-in form, then back: to the page asked for (GET, its query kept), or to the
    page a form was on, saying the form was not sent (`unsent`)."""
    if request.method in ("GET", "HEAD"):
        query = request.url.query
        return "/signin?next=" + quote(request.url.path + (f"?{query}" if query else ""))
    return f"/signin?next={quote(form_page(request))}&unsent=1"


def _error_page(request: Request, exc: Exception) -> Response:
    _ = translate(request)
    if isinstance(exc, SignInRequired):
        return redirect(signin_address(request))
    if isinstance(exc, CsrfRefused | UseCaseError) and getattr(exc, "status", 403) == 403:
        reason = exc.text("en") if isinstance(exc, UseCaseError) else "CSRF check"
        audit_refusal(request, session_user(request), reason)
    if isinstance(exc, CsrfRefused):
        return render(
            request,
            "error.html",
            403,
            title=_("Form refused"),
            message=_(
                "This form was not sent from this session's page (CSRF check). "
                "Open the page again and resend it."
            ),
        )
    if isinstance(exc, RequestValidationError):  # a mistyped address or a forged parameter
        return not_found_page(request)
    assert isinstance(exc, UseCaseError)
    titles = {
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Conflict"),
        412: _("The page was out of date"),
        429: _("Too many requests"),
    }
    hint = None
    if isinstance(exc, TooManyRequests):  # a clear page, and when to come back
        hint = _("You may try again in {seconds} seconds.").format(
            seconds=math.ceil(exc.retry_after)
        )
    response = render(
        request,
        "error.html",
        exc.status,
        user=session_user(request),
        title=titles.get(exc.status, _("Refused")),
        message=(
            _("None of this person's records is your organisation's.")
            if isinstance(exc, PurposeRequired)  # the API's words name its header
            else exc.text(page_language(request))
        ),
        hint=hint,
        ask_purpose=request.url.path if isinstance(exc, PurposeRequired) else None,
    )
    if isinstance(exc, TooManyRequests):
        response.headers.update(exc.headers)
    return response
