"""Every error answer in the request's language (French unless `Accept-Language: en`):
the use cases' errors, the store's, the framework's own (unknown route, method not
allowed) and request validation, which keeps FastAPI's shape
(`{"detail": [{"type", "loc", "msg", "input", ...}]}`) with `msg` worded per error type
and naming the field."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from api.patterns import MEANING
from i18n import N_, Message, gettext_for, language
from models.users import User
from service.errors import StoreError, UseCaseError

STATUS_TEXTS = {
    400: N_("Bad Request"),
    401: N_("Unauthorized"),
    403: N_("Forbidden"),
    404: N_("Not Found"),
    405: N_("Method Not Allowed"),
    406: N_("Not Acceptable"),
    413: N_("Request body too large"),
    415: N_("Unsupported Media Type"),
    500: N_("Internal Server Error"),
}
"""The framework's own texts (an unknown route answers `Not Found`), translated."""

VALIDATION_TEXTS = {
    "missing": N_("{field}: this field is required"),
    "extra_forbidden": N_("{field}: unknown field (or one the server sets itself)"),
    "enum": N_("{field}: expected {expected}"),
    "literal_error": N_("{field}: expected {expected}"),
    "string_type": N_("{field}: expected text"),
    "string_too_short": N_("{field}: at least {min_length} characters"),
    "string_too_long": N_("{field}: at most {max_length} characters"),
    "string_pattern_mismatch": N_("{field}: this text does not have the expected form"),
    "too_short": N_("{field}: at least {min_length} items"),
    "too_long": N_("{field}: at most {max_length} items"),
    "int_parsing": N_("{field}: expected a whole number"),
    "int_type": N_("{field}: expected a whole number"),
    "int_from_float": N_("{field}: expected a whole number"),
    "float_parsing": N_("{field}: expected a number"),
    "float_type": N_("{field}: expected a number"),
    "bool_parsing": N_("{field}: expected true or false"),
    "bool_type": N_("{field}: expected true or false"),
    "uuid_parsing": N_("{field}: expected an identifier (UUID)"),
    "uuid_type": N_("{field}: expected an identifier (UUID)"),
    "date_parsing": N_("{field}: expected a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("{field}: expected a date (YYYY-MM-DD)"),
    "datetime_parsing": N_("{field}: expected a date and time (ISO 8601)"),
    "datetime_from_date_parsing": N_("{field}: expected a date and time (ISO 8601)"),
    "greater_than": N_("{field}: must be greater than {gt}"),
    "greater_than_equal": N_("{field}: must be at least {ge}"),
    "less_than": N_("{field}: must be less than {lt}"),
    "less_than_equal": N_("{field}: must be at most {le}"),
    "json_invalid": N_("the body is not valid JSON"),
    "model_attributes_type": N_("{field}: expected a JSON object"),
    "dict_type": N_("{field}: expected a JSON object"),
    "list_type": N_("{field}: expected a list"),
    "value_error": N_("{field}: {error}"),
}
OTHER_VALIDATION = N_("{field}: invalid value ({detail})")


def request_language(request: Request) -> str:
    return language(request.headers.get("Accept-Language"))


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in loc[1:]] or [str(part) for part in loc]
    return ".".join(parts)


def _expected(text: str, lang: str) -> str:
    """Pydantic's `'a', 'b' or 'c'` with the last `or` in `lang`."""
    head, sep, last = text.rpartition(" or ")
    if not sep:
        return text
    _ = gettext_for(lang)
    return _("{head} or {last}").format(head=head, last=last)


def validation_message(error: dict[str, Any], lang: str) -> str:
    """One validation error, worded in `lang` and naming its field."""
    ctx = dict(error.get("ctx") or {})
    params: dict[str, Any] = {key: value for key, value in ctx.items() if key != "error"}
    params["field"] = _field(error.get("loc", ()))
    kind = error.get("type", "")
    if "expected" in params:
        params["expected"] = _expected(str(params["expected"]), lang)
    if kind == "string_pattern_mismatch" and str(ctx.get("pattern")) in MEANING:
        worded = MEANING[str(ctx["pattern"])]
        return Message(VALIDATION_TEXTS["value_error"], field=params["field"], error=worded).text(
            lang
        )
    if kind == "value_error":
        params["error"] = gettext_for(lang)(str(ctx.get("error", error.get("msg", ""))))
    msgid = VALIDATION_TEXTS.get(kind)
    if msgid is None:
        return Message(OTHER_VALIDATION, field=params["field"], detail=error.get("msg")).text(lang)
    try:
        return Message(msgid, **params).text(lang)
    except (KeyError, IndexError):
        return Message(OTHER_VALIDATION, field=params["field"], detail=error.get("msg")).text(lang)


def _without_parser_text(error: dict[str, Any]) -> dict[str, Any]:
    """A validation error without the parser's own English words (`ctx.error`: "Expecting
    property name enclosed in double quotes"), which `msg` says in the reader's language."""
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if k != "error"}
    rest = {k: v for k, v in error.items() if k != "ctx"}
    return {**rest, "ctx": ctx} if ctx else rest


def _finite(value: Any) -> Any:
    """`value` with every NaN or infinity as the text JSON cannot hold otherwise: a body
    `{"age": Infinity}` is refused (422) quoting it, never a 500 that fails to encode it."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


AUDIT_LOG = logging.getLogger("nrm.audit")


def audit_refusal(request: Request, user: User | None, reason: str) -> None:
    """A signed-in user's request refused (403) leaves its audit row (`Refusals`); the
    refusal stands even when the row cannot be written (the database down: its error is
    logged, the answer stays 403)."""
    if user is None:
        return
    try:
        request.app.state.service.refused(
            user,
            getattr(request.state, "request_id", None),
            request.method,
            request.url.path,
            reason,
        )
    except (StoreError, SQLAlchemyError):
        AUDIT_LOG.exception("the refusal of %s could not be audited", user.name)


def install(app: FastAPI) -> None:
    """The error handlers of the app."""

    @app.exception_handler(UseCaseError)
    def use_case_error(request: Request, exc: UseCaseError) -> JSONResponse:
        if exc.status == 403:
            audit_refusal(request, getattr(request.state, "user", None), exc.text("en"))
        return JSONResponse(
            {"detail": exc.text(request_language(request))},
            status_code=exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(StoreError)
    def store_error(request: Request, exc: StoreError) -> JSONResponse:
        lang = request_language(request)
        detail = Message("the database cannot be used now: {error}", error=str(exc))
        return JSONResponse({"detail": detail.text(lang)}, status_code=503)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        lang = request_language(request)
        detail: Any = exc.detail
        if isinstance(detail, str):
            detail = gettext_for(lang)(detail)
        elif exc.status_code in STATUS_TEXTS:
            detail = gettext_for(lang)(STATUS_TEXTS[exc.status_code])
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = request_language(request)
        errors = [
            _finite(
                jsonable_encoder(
                    {**_without_parser_text(error), "msg": validation_message(error, lang)}
                )
            )
            for error in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)
