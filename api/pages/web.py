"""What every page shares: the templates in each language, the signed-in user from the
session cookie, CSRF tokens, and rendering a page (`api.pages.routing` turns what a page
cannot do into a page).

Sign-in checks the user's token (`nrm user add` issued it) and opens a page session
(`service.sessions`) whose random secret, never the token, the browser keeps in an
HttpOnly, SameSite=Strict cookie; each page finds the user by it and acts as that user
(same roles, audit and protected fields). Every form carries a CSRF token derived from the
session's secret (an HMAC only the holder of the cookie can compute); the sign-in form,
before any session, one derived from a random pre-session cookie. A form of a session
that has ended (signed out or replaced in another tab, idle too long) is not a forgery:
its reader is asked to sign in again and send it again (`SignInRequired`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.asgiwords import page_language as scope_page_language
from i18n import N_, day, gettext_for, ngettext_for, number
from i18n.labels import DATED, FIELDS, SIDE_BY_SIDE, WORDS
from models.users import User
from service import Actor, Service
from service.context import PURPOSE_MIN_LENGTH
from service.protection import birth_shown
from service.reverting import REASON_MIN_LENGTH

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SESSION_COOKIE = "nrm_session"
PRESESSION_COOKIE = "nrm_presession"
CSRF_FIELD = "csrf"
PURPOSE_COOKIE = "nrm_purpose"
LOGIN_COOKIE = "nrm_login"
"""One sign-in's random value: what a stated purpose is signed with beside the token."""
ENDED_COOKIE = "nrm_ended"
"""The CSRF tokens of the last sessions this browser ended (`remember_ended`)."""
ENDED_KEPT = 3
RESEND_COOKIE = "nrm_resend"
"""Set at a sign-in that followed a form refused for want of a session: the next page
says that form was not sent (`RESEND`), once."""
UNSENT = N_(
    "Your session has ended: the form you sent was not recorded. Sign in again, then send it again."
)
"""What the sign-in page says to a reader whose form came after their session ended."""
RESEND = N_("The form you sent when your session had ended was not recorded: send it again.")
"""What the page the reader comes back to after signing in says about that form."""
PURPOSE_SECONDS = 3600
"""A stated purpose holds for an hour of work on the person it was stated for."""
_PERSON_PAGES = re.compile(r"^/persons/([0-9a-fA-F-]{36})(?:/|$)")
YEAR = 365 * 24 * 3600
PageNumber = Annotated[int, Query(ge=0, le=100_000)]
"""A page of a list, as a page's link gives it (a larger number is a refused request, not
an offset the database cannot hold)."""


@cache
def environment(lang: str) -> Environment:
    """The templates with gettext (domain `pages`) in one language."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    _ = gettext_for(lang, "pages")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _, ngettext_for(lang, "pages"), newstyle=True
    )
    env.globals["SIDE_BY_SIDE"] = SIDE_BY_SIDE
    env.globals["PURPOSE_MIN_LENGTH"] = PURPOSE_MIN_LENGTH
    env.globals["REASON_MIN_LENGTH"] = REASON_MIN_LENGTH
    env.filters["label"] = lambda name: _(FIELDS[name]) if name in FIELDS else name
    env.filters["word"] = word = lambda value: _(WORDS[value]) if value in WORDS else value
    env.filters["field_value"] = lambda value, name: (
        day(value, lang) if name in DATED else word(value)
    )
    env.filters["shown"] = shown_value
    env.filters["short"] = lambda value: str(value)[:8]
    env.filters["when"] = lambda value: day(value, lang)
    env.filters["decimal"] = lambda value, digits=2: number(value, lang, digits)
    return env


def shown_value(record: dict[str, Any], name: str) -> Any:
    """A field of a record view as a page's row shows it: the birth date's row holds what
    the view may show of the birth (`birth_shown`: no more than the years for a minimal
    view, which holds no date)."""
    return birth_shown(record) if name == "birth_date" else record.get(name)


def page_language(request: Request) -> str:
    """The language chosen with the switch (a cookie), else the browser's, else French."""
    return scope_page_language(request.scope)


def translate(request: Request) -> Callable[[str], str]:
    return gettext_for(page_language(request), "pages")


def whole_number(value: str, low: int, high: int) -> int | None:
    """A whole number between `low` and `high`, None when blank; ValueError otherwise."""
    value = value.strip()
    if not value:
        return None
    number = int(value)
    if not low <= number <= high:
        raise ValueError(value)
    return number


def local_path(target: str | None, default: str = "/") -> str:
    """Where to go after a form: a path of this site only (never another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


class SignInRequired(Exception):
    """No valid session: the page sends the browser to the sign-in form."""


def page_service(request: Request) -> Service:
    """The service every page calls (the one the JSON API calls too)."""
    return request.app.state.service


def session_user(request: Request) -> User | None:
    """The user of the browser's page session (`service.sessions`): the cookie holds the
    session's secret, never the API token."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    return page_service(request).session_user(secret)


def page_actor(request: Request) -> Actor:
    """The signed-in user acting through a page. A purpose is only what the user stated
    (the `purpose` field of a page's form): a page never states one for them, so a record
    of another organisation shows its minimal view, as over the API without `X-Purpose`."""
    user = session_user(request)
    if user is None:
        raise SignInRequired
    return Actor(user, request.state.request_id, stated_purpose(request), page_language(request))


def purpose_scope(path: str) -> str | None:
    """The pages a stated purpose opens: every page of the person asked about (the case,
    the family sheet, the assessment and its decisions); None for any other page."""
    found = _PERSON_PAGES.match(path)
    if not found:
        return None
    try:
        return f"/persons/{UUID(found.group(1))}"
    except ValueError:
        return None


def _purpose_mac(key: str, scope: str, expires: int, purpose: str) -> str:
    message = "\0".join(("nrm-pages-purpose", scope, str(expires), purpose))
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()


def _signing_key(request: Request) -> str | None:
    """What a stated purpose is signed with: the page session's secret and this sign-in's
    own random value (`LOGIN_COOKIE`), so a purpose cookie kept from an earlier sign-in
    states nothing."""
    token, login = request.cookies.get(SESSION_COOKIE), request.cookies.get(LOGIN_COOKIE)
    return f"{token}\0{login}" if token and login else None


def new_login() -> str:
    """The random value of one sign-in (`LOGIN_COOKIE`)."""
    return secrets.token_urlsafe(24)


def purpose_cookie(request: Request, target: str, purpose: str) -> str | None:
    """The cookie value that carries a purpose the reader stated for the pages of the
    person `target` shows (None when it shows none): signed with the session, dated,
    never in a URL (so neither the access log nor the browser's history holds it)."""
    scope = purpose_scope(urlsplit(target).path)
    key = _signing_key(request)
    if scope is None or not key:
        return None
    expires = int(time.time()) + PURPOSE_SECONDS
    mac = _purpose_mac(key, scope, expires, purpose)
    return ".".join((_b64(scope), str(expires), _b64(purpose), mac))


def stated_purpose(request: Request) -> str | None:
    """The purpose the reader stated in a page's form (`POST /purpose`), on the pages of
    the person it was stated for, in this session, within the hour; a link someone else
    made cannot state one for them."""
    key = _signing_key(request)
    raw = request.cookies.get(PURPOSE_COOKIE)
    if not key or not raw:
        return None
    try:
        scope_text, expires_text, purpose_text, mac = raw.split(".")
        scope, purpose, expires = _unb64(scope_text), _unb64(purpose_text), int(expires_text)
    except (ValueError, UnicodeDecodeError):
        return None
    if expires < time.time() or scope != purpose_scope(request.url.path):
        return None
    if not hmac.compare_digest(mac, _purpose_mac(key, scope, expires, purpose)):
        return None
    return purpose


def csrf_token(request: Request) -> str:
    """The token the forms of this browser carry: bound to its session, or to its
    pre-session cookie before sign-in ('' when it has neither yet)."""
    key = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE) or ""
    if not key:
        return ""
    return hmac.new(key.encode(), b"nrm-pages-csrf", hashlib.sha256).hexdigest()


class CsrfRefused(Exception):
    """A form posted without the token of this browser's session."""


def _ended_tokens(request: Request) -> list[str]:
    return [t for t in request.cookies.get(ENDED_COOKIE, "").split(".") if t]


def remember_ended(request: Request, response: Response) -> None:
    """Keep, in the browser, the CSRF token of the session it is ending (sign-out, or a
    sign-in that replaces it), so that a form still open on a page of that session is
    known for what it is when it is sent (`check_csrf`). A kept token acts for nobody:
    its session has ended."""
    if not request.cookies.get(SESSION_COOKIE):
        return
    kept = [csrf_token(request), *_ended_tokens(request)][:ENDED_KEPT]
    set_cookie(request, response, ENDED_COOKIE, ".".join(kept))


async def check_csrf(request: Request, session: bool = True) -> dict[str, Any]:
    """The posted form, once its CSRF token is this session's. A form whose session has
    ended (no live session here, or a token of a session this browser ended) asks to sign
    in again (`SignInRequired`): nothing was sent, nobody was refused; any other token is
    refused (`CsrfRefused`). `session=False`: a form posted before any session (sign-in)."""
    form = dict(await request.form())
    expected = csrf_token(request).encode()
    given = str(form.get(CSRF_FIELD, "")).encode()  # bytes: any character is compared
    if expected and hmac.compare_digest(given, expected):
        return form
    if session and given:
        ended = any(hmac.compare_digest(given, t.encode()) for t in _ended_tokens(request))
        if ended or session_user(request) is None:
            raise SignInRequired
    raise CsrfRefused


def not_found_page(request: Request) -> HTMLResponse:
    """The page of an address that leads nowhere (or a forged parameter)."""
    _ = translate(request)
    return render(
        request,
        "error.html",
        404,
        user=session_user(request),
        title=_("Not found"),
        message=_("This address does not lead to a page."),
    )


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    user: User | None = None,
    **context: Any,
) -> HTMLResponse:
    lang = page_language(request)
    resend = bool(request.cookies.get(RESEND_COOKIE))
    fresh = None
    if not request.cookies.get(SESSION_COOKIE) and not request.cookies.get(PRESESSION_COOKIE):
        fresh = secrets.token_urlsafe(24)
        request.cookies[PRESESSION_COOKIE] = fresh
    response = HTMLResponse(
        environment(lang)
        .get_template(template)
        .render(
            request=request,
            lang=lang,
            user=user,
            csrf=csrf_token(request),
            csrf_field=CSRF_FIELD,
            purpose=stated_purpose(request),
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            resend=gettext_for(lang, "pages")(RESEND) if resend else None,
            **context,
        ),
        status_code=status_code,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if fresh:  # a pre-session, so that the sign-in form has a CSRF token to carry
        set_cookie(request, response, PRESESSION_COOKIE, fresh)
    if resend:  # said once
        response.delete_cookie(RESEND_COOKIE, path="/")
    return response


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    max_age: int | None = None,
    path: str = "/",
) -> None:
    """HttpOnly, SameSite=Strict, and Secure whenever the page came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        path=path,
        secure=request.url.scheme == "https",
    )


def redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)
