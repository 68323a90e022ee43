"""No NUL character in a request: no field of ours holds one, and PostgreSQL can neither
store nor compare text that does (a server error there, where SQLite went on). The path,
the query and the body are checked, the body in the form its type writes a NUL in."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI

from i18n import Message, language

_BODY_FORMS = {
    b"application/json": (b"\x00", b"\\u0000"),
    b"application/x-www-form-urlencoded": (b"\x00", b"%00"),
}
"""How a NUL is written in a body of each type; any other type: the byte itself."""


class NoNul:
    """Refuse (422) a request whose path, query or body holds a NUL character."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        lang = language(headers.get(b"accept-language", b"").decode("latin-1"))
        query = unquote_to_bytes(scope.get("query_string", b"") or b"")
        if "\x00" in scope.get("path", "") or b"\x00" in query:
            await _refuse(send, lang)
            return
        kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        forms = _BODY_FORMS.get(kind, (b"\x00",))
        received: list[Any] = []
        body = b""
        while True:  # at most the body limit's bytes (`api.bodylimit`, outside this one)
            message = await receive()
            received.append(message)
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        if any(form in body for form in forms):
            await _refuse(send, lang)
            return

        async def replay() -> Any:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Any, lang: str) -> None:
    detail = Message("a NUL character can be neither stored nor searched")
    body = json.dumps({"detail": detail.text(lang)}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
