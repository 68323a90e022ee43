"""The pages mounted on the app: their routes, static files and the offline API
documentation (`/docs`: Swagger UI from the `fastapi-offline` package's files, no CDN)."""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.pages import exports, home, persons, review, tracing
from api.pages.web import STATIC

SWAGGER = files("fastapi_offline") / "static"


def mount(app: FastAPI) -> None:
    for module in (home, review, persons, tracing, exports):
        app.include_router(module.router)
    app.mount("/static/swagger", StaticFiles(directory=str(SWAGGER)), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png",
        )
