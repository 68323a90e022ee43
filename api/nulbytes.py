"""No NUL character in a request: no field of ours holds one, and PostgreSQL can neither
store nor compare text that does (a server error there, where SQLite went on). The path,
the query and the body are checked, the body in the form its type writes a NUL in."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI

from api.asgiwords import refuse
from i18n import Message

_ESCAPED = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""`\u0000` in JSON text, not preceded by an escaped backslash (`\\u0000` is six
characters of text, not a NUL)."""


def _holds_nul(body: bytes, kind: bytes) -> bool:
    """Whether a body holds a NUL in any form its reader could decode one from: the byte,
    a JSON escape, a form's `%00`. FastAPI reads a body without a type as JSON, so only a
    form's type spares a JSON escape, and only a JSON type a `%00`."""
    if b"\x00" in body:
        return True
    form = kind == b"application/x-www-form-urlencoded"
    json_like = kind in (b"", b"application/json") or kind.endswith(b"+json")
    return (not form and bool(_ESCAPED.search(body))) or (not json_like and b"%00" in body)


class NoNul:
    """Refuse (422) a request whose path, query or body holds a NUL character."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_to_bytes(scope.get("query_string", b"") or b"")
        if "\x00" in scope.get("path", "") or b"\x00" in query:
            await _refuse(send, scope)
            return
        kinds = [v for k, v in scope.get("headers", []) if k == b"content-type"]
        kind = (kinds[0] if kinds else b"").split(b";")[0].strip().lower()  # the first, as read
        received: list[Any] = []
        body = b""
        while True:  # at most the body limit's bytes (`api.bodylimit`, outside this one)
            message = await receive()
            received.append(message)
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        if _holds_nul(body, kind):
            await _refuse(send, scope)
            return

        async def replay() -> Any:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Any, scope: Any) -> None:
    await refuse(send, scope, 422, Message("a NUL character can be neither stored nor searched"))


NO_NUL = "^[^\\x00]*$"
"""The pattern the OpenAPI document gives every free text: no NUL character."""


def declare_no_nul(app: FastAPI) -> None:
    """Say in the OpenAPI document what `NoNul` enforces: every string without a format,
    a pattern or a list of values of its own, and every object's keys, match `NO_NUL`."""
    build = app.openapi

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            _forbid_nul(build())
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = document  # type: ignore[method-assign]


_CONSTRAINED = frozenset({"format", "pattern", "enum", "const"})


def _forbid_nul(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not _CONSTRAINED & set(node):
            node["pattern"] = NO_NUL
        if node.get("type") == "object" and "propertyNames" not in node:
            node["propertyNames"] = {"pattern": NO_NUL}
        for value in node.values():
            _forbid_nul(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_nul(value)
