"""The pages mounted on the app: their routes, static files and the offline API
documentation (`/docs`: Swagger UI from the `fastapi-offline` package's files, no CDN)."""

from __future__ import annotations

import inspect
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from api.pages import exports, home, persons, review, tracing, tracingnew
from api.pages.routing import PAGE_ROUTES, PageRoute, page_at
from api.pages.web import STATIC, not_found_page, redirect

SWAGGER = files("fastapi_offline") / "static"


def wants_a_page(request: Request) -> bool:
    """A browser asking (HTML first in its Accept header), not an API client."""
    accepted = request.headers.get("accept", "")
    return accepted.split(",", 1)[0].strip().startswith("text/html")


def form_address_opened(request: Request, exc: Exception) -> bool:
    """A form's address (a page's POST only) opened as a page: from the address bar after
    the form was answered there, or a link kept."""
    return (
        isinstance(exc, HTTPException)
        and exc.status_code == 405
        and request.method in ("GET", "HEAD")
        and isinstance(request.scope.get("route"), PageRoute)
    )


def missing_page(app: FastAPI) -> None:
    """An address that leads nowhere, typed in a browser, gets the pages' French error
    page; a form's address opened as a page leads to the page of its form; an API client
    keeps its JSON answer (`api.errors`, installed before)."""
    answer = app.exception_handlers[HTTPException]

    async def page_or_json(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code == 404 and wants_a_page(request):
            return not_found_page(request)
        if form_address_opened(request, exc):
            return redirect(page_at(request, request.url.path) or "/")
        return await run_handler(answer, request, exc)

    app.add_exception_handler(HTTPException, page_or_json)


async def run_handler(handler: Any, request: Request, exc: Exception) -> Response:
    result = handler(request, exc)
    return await result if inspect.isawaitable(result) else result


def mount(app: FastAPI) -> None:
    routes = []
    for module in (home, review, persons, tracing, tracingnew, exports):
        app.include_router(module.router)
        routes += [r for r in module.router.routes if isinstance(r, PageRoute)]
    setattr(app.state, PAGE_ROUTES, routes)
    app.mount("/static/swagger", StaticFiles(directory=str(SWAGGER)), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        """Browsers ask for it on every page: the icon, not a 404 in the log each time."""
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/docs", include_in_schema=False)
    def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png",
        )
