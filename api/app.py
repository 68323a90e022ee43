"""The FastAPI application."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request

from api import errors
from api.bodylimit import BodyLimit
from api.nulbytes import NoNul, declare_no_nul
from api.pages.mount import missing_page
from api.pages.mount import mount as mount_pages
from api.routes import (
    audit,
    entities,
    health,
    me,
    records,
    reports,
    review,
    search,
    tracing,
    tracingregister,
    tracingrequests,
)
from api.schemas import ERROR_RESPONSES
from service import Service, Store

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def app_from_environment() -> FastAPI:
    """The app on the database `NRM_DATABASE_URL` names (what `nrm serve` runs, in each
    worker process)."""
    return create_app(Service.open())


ACCESS_LOG = logging.getLogger("nrm.access")
"""Each request's method, path, status and request id, never its query: `GET /search?name=`
carries a sought child's name, which a server's access log would keep (`nrm serve` turns
uvicorn's own access log off)."""


def create_app(backend: Store | Service) -> FastAPI:
    """The app on a service (or on a store, which it wraps in one)."""
    app = FastAPI(
        title="nrm-tracing",
        version="0.2.0",
        description=(
            "Family tracing and entity resolution for the actors of Mali's National Referral "
            "Mechanism for victims of trafficking. Every endpoint but /health needs a bearer "
            "token (`nrm user add`). Answers are in French unless `Accept-Language: en`."
        ),
        docs_url=None,  # served offline by api.pages
        redoc_url=None,
    )
    app.state.service = backend if isinstance(backend, Service) else Service(backend)
    app.include_router(health.router)
    for module in (
        me,
        records,
        search,
        review,
        entities,
        tracing,
        tracingrequests,
        tracingregister,
        reports,
        audit,
    ):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    mount_pages(app)

    @app.middleware("http")
    async def request_id(request: Request, call_next: Any) -> Any:
        given = request.headers.get("X-Request-ID", "")
        request.state.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        ACCESS_LOG.info(
            "%s %s %s %s",
            request.method,
            request.scope.get("raw_path", b"").decode("latin-1") or request.url.path,
            response.status_code,
            request.state.request_id,
        )
        return response

    app.add_middleware(NoNul)
    declare_no_nul(app)
    app.add_middleware(BodyLimit)

    errors.install(app)
    missing_page(app)
    return app
