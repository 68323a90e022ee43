"""The FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routes import health, records
from api.service import Service
from models.store import Store, StoreError


def create_app(store: Store) -> FastAPI:
    app = FastAPI(
        title="nrm-tracing",
        version="0.1.0",
        description=(
            "Family tracing and entity resolution for the actors of Mali's National Referral "
            "Mechanism for victims of trafficking. Every endpoint but /health needs a bearer "
            "token (`nrm user add`)."
        ),
    )
    app.state.service = Service(store)
    app.include_router(health.router)
    app.include_router(records.router)

    @app.exception_handler(StoreError)
    def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    return app
