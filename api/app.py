"""The FastAPI application."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.errors import UseCaseError
from api.routes import audit, entities, health, me, records, review, search, tracing
from api.schemas import ERROR_RESPONSES
from api.service import Service
from models.store import Store, StoreError

MAX_BODY = 64 * 1024
"""No request body of this API needs more; bigger ones are refused before being read."""
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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
            await _too_large(send)
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
            await _too_large(send)


class _TooLarge(Exception):
    pass


async def _too_large(send: Any) -> None:
    body = b'{"detail":"request body too large (at most 65536 bytes)"}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def app_from_environment() -> FastAPI:
    """The app on the database `NRM_DATABASE_URL` names (what `nrm serve` runs, in each
    worker process)."""
    return create_app(Store.open())


def create_app(store: Store) -> FastAPI:
    app = FastAPI(
        title="nrm-tracing",
        version="0.2.0",
        description=(
            "Family tracing and entity resolution for the actors of Mali's National Referral "
            "Mechanism for victims of trafficking. Every endpoint but /health needs a bearer "
            "token (`nrm user add`). Answers are in French unless `Accept-Language: en`."
        ),
    )
    app.state.service = Service(store)
    app.include_router(health.router)
    for module in (me, records, search, review, entities, tracing, audit):
        app.include_router(module.router, responses=ERROR_RESPONSES)

    @app.middleware("http")
    async def request_id(request: Request, call_next: Any) -> Any:
        given = request.headers.get("X-Request-ID", "")
        request.state.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    app.add_middleware(BodyLimit)

    @app.exception_handler(StoreError)
    def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(UseCaseError)
    def use_case_error(_request: Request, exc: UseCaseError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    return app
