"""What the ASGI guards around the app (`api.bodylimit`, `api.nulbytes`) share: the
language a request asks for, and a refusal sent as the API's `{"detail"}` in it."""

from __future__ import annotations

import json
from typing import Any

from i18n import Message, language


def scope_language(scope: Any) -> str:
    """The language of the request's `Accept-Language` (the API's default otherwise)."""
    headers = dict(scope.get("headers", []))
    return language(headers.get(b"accept-language", b"").decode("latin-1"))


async def send_detail(send: Any, status: int, detail: Message, lang: str) -> None:
    """Answer `status` with `{"detail": ...}` in `lang`, before the app has read a thing."""
    body = json.dumps({"detail": detail.text(lang)}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
