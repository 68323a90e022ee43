"""The home page (links by role), signing in and out with a token, the language switch,
and stating why one opens another organisation's case."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.asgiwords import LANG_COOKIE
from api.pages.routing import PageRoute
from api.pages.web import (
    LOGIN_COOKIE,
    PRESESSION_COOKIE,
    PURPOSE_COOKIE,
    RESEND_COOKIE,
    SESSION_COOKIE,
    UNSENT,
    YEAR,
    SignInRequired,
    check_csrf,
    local_path,
    new_login,
    page_actor,
    page_language,
    page_service,
    purpose_cookie,
    redirect,
    remember_ended,
    render,
    session_user,
    set_cookie,
    translate,
)
from i18n import LANGUAGES
from service.context import purpose_problem
from service.queue import READ_QUEUE
from service.review import DECIDE
from service.search import SEARCH
from service.tracing import ASSESS, READ_FLAGS
from service.tracingsearch import TRACE

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    user = session_user(request)
    return render(
        request,
        "home.html",
        user=user,
        may_review=user is not None and user.role in READ_QUEUE,
        may_decide=user is not None and user.role in DECIDE,
        may_search=user is not None and user.role in SEARCH,
        may_flags=user is not None and user.role in READ_FLAGS,
        may_trace=user is not None and user.role in TRACE,
        may_assess=user is not None and user.role in ASSESS,
    )


@router.get("/signin")
def signin_form(request: Request, next: str = "/", unsent: str = "") -> Response:
    """The sign-in form, then `next`; `unsent`: a form was sent after the session ended
    (`api.pages.routing`), and the page says so."""
    _ = translate(request)
    return render(
        request, "signin.html", next=local_path(next), unsent=_(UNSENT) if unsent else None
    )


@router.post("/signin")
async def signin(request: Request) -> Response:
    form = await check_csrf(request, session=False)
    token = str(form.get("token", "")).strip()
    target = local_path(str(form.get("next", "/")))
    unsent = bool(form.get("unsent"))
    service = page_service(request)
    user = service.authenticate(token, request.state.request_id, "/signin") if token else None
    if user is None:
        _ = translate(request)
        return render(
            request,
            "signin.html",
            401,
            next=target,
            unsent=_(UNSENT) if unsent else None,
            error=_("This token is unknown or revoked."),
        )
    service.end_session(request.cookies.get(SESSION_COOKIE, ""))  # whoever signed in before
    response = redirect(target)
    remember_ended(request, response)
    secret = service.open_session(user, token)
    request.cookies[SESSION_COOKIE] = secret
    service.login(page_actor(request))
    if unsent:  # the page the reader comes back to says their form was not sent
        set_cookie(request, response, RESEND_COOKIE, "1")
    set_cookie(request, response, SESSION_COOKIE, secret)
    set_cookie(request, response, LOGIN_COOKIE, new_login())
    response.delete_cookie(PRESESSION_COOKIE, path="/")
    response.delete_cookie(PURPOSE_COOKIE, path="/")
    return response


@router.post("/purpose")
async def state_purpose(request: Request) -> Response:
    """The reader says why they open another organisation's case: kept for that person's
    pages in a signed cookie (`purpose_cookie`; one at a time, gone at sign-out or when
    the browser closes), then the page asked for again."""
    form = await check_csrf(request)
    page_actor(request)
    purpose = " ".join(str(form.get("purpose", "")).split())[:200]
    target = local_path(str(form.get("next", "/")))
    _ = translate(request)

    def refused(status: int, message: str, ask: str | None = None) -> Response:
        return render(
            request,
            "error.html",
            status,
            user=session_user(request),
            title=_("Refused"),
            message=message,
            ask_purpose=ask,
        )

    if problem := purpose_problem(purpose):
        return refused(422, problem.text(page_language(request)), ask=target)
    login = request.cookies.get(LOGIN_COOKIE) or new_login()  # signed in before it existed
    request.cookies[LOGIN_COOKIE] = login
    value = purpose_cookie(request, target, purpose) if purpose else None
    if value is None:
        return refused(400, _("A purpose is stated to open a person's case."))
    response = redirect(target)
    set_cookie(request, response, PURPOSE_COOKIE, value)
    set_cookie(request, response, LOGIN_COOKIE, login)
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    try:
        await check_csrf(request)
    except SignInRequired:  # a page of a session ended already (in another tab)
        return redirect("/")
    service = page_service(request)
    if session_user(request) is not None:  # an ended session's cookies go all the same
        service.logout(page_actor(request))
    service.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/")
    remember_ended(request, response)
    for name in (SESSION_COOKIE, LOGIN_COOKIE, PURPOSE_COOKIE):
        response.delete_cookie(name, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the reader's language (a preference, not a change of data)."""
    response = redirect(local_path(next))
    if code in LANGUAGES:
        set_cookie(request, response, LANG_COOKIE, code, max_age=YEAR)
    return response
