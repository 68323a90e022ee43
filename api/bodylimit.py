"""The body limit: no request body of this API needs more than MAX_BODY bytes; bigger ones
are refused (413) before being read, whether they announce their length or not."""

from __future__ import annotations

from typing import Any

from api.asgiwords import refuse
from i18n import Message

MAX_BODY = 64 * 1024
"""No request body of this API needs more; bigger ones are refused before being read."""


class BodyLimit:
    """Refuse bodies over MAX_BODY (413), whether they announce their length or not."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _too_large(send, scope)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, scope)


class _TooLarge(Exception):
    pass


async def _too_large(send: Any, scope: Any) -> None:
    detail = Message("request body too large (at most {limit} bytes)", limit=MAX_BODY)
    await refuse(send, scope, 413, detail)
