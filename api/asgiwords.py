"""What the ASGI guards around the app (`api.bodylimit`, `api.nulbytes`) share: the
language a request asks for, and a refusal sent as the API's `{"detail"}` in it, or as a
page to a browser."""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.requests import cookie_parser

from i18n import LANGUAGES, Message, gettext_for, language

LANG_COOKIE = "nrm_lang"
"""The cookie the pages' language switch sets (`api.pages.web` reads it too)."""


def scope_language(scope: Any) -> str:
    """The language of the request's `Accept-Language` (the API's default otherwise)."""
    headers = dict(scope.get("headers", []))
    return language(headers.get(b"accept-language", b"").decode("latin-1"))


async def _answer(send: Any, status: int, content_type: bytes, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def send_detail(send: Any, status: int, detail: Message, lang: str) -> None:
    """Answer `status` with `{"detail": ...}` in `lang`, before the app has read a thing."""
    body = json.dumps({"detail": detail.text(lang)}, ensure_ascii=False).encode()
    await _answer(send, status, b"application/json", body)


def wants_page(scope: Any) -> bool:
    """Whether a browser asked: a page's form or link accepts HTML, the API's callers JSON."""
    return b"text/html" in dict(scope.get("headers", [])).get(b"accept", b"")


def page_language(scope: Any) -> str:
    """The language the pages' switch chose (a cookie), else the request's."""
    raw = dict(scope.get("headers", [])).get(b"cookie", b"").decode("latin-1")
    chosen = cookie_parser(raw).get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else scope_language(scope)


async def send_page(send: Any, status: int, detail: Message, lang: str) -> None:
    """Answer `status` with a page saying `detail` in `lang`, and the way back, before the
    app has read a thing (so without the pages' own frame)."""
    _ = gettext_for(lang, "pages")

    def text(words: str) -> str:
        return html.escape(words, quote=False)

    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{text(_('Refused'))}</title></head><body><main>"
        f"<h1>{text(_('Refused'))}</h1>"
        f'<p class="problem" role="alert">{text(detail.text(lang))}</p>'
        f'<p><a href="/">{text(_("Back to the home page"))}</a></p>'
        "</main></body></html>"
    ).encode()
    await _answer(send, status, b"text/html; charset=utf-8", body)


async def refuse(send: Any, scope: Any, status: int, detail: Message) -> None:
    """A guard's refusal: a page where a browser's form or link asked, else the API's
    `{"detail"}`."""
    if wants_page(scope):
        await send_page(send, status, detail, page_language(scope))
    else:
        await send_detail(send, status, detail, scope_language(scope))
