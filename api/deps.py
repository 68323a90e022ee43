"""FastAPI dependencies: the service, the authenticated user, the role matrix, the acting
user with what the audit rows of the request carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic.json_schema import SkipJsonSchema

from api.access import allowed
from i18n import Word, language
from models.users import User
from service import Actor, Service
from service.context import PURPOSE_MIN_LENGTH, PURPOSE_PATTERN, purpose_problem
from service.errors import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False)


async def get_service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


def current_user(
    request: Request,
    service: ServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    address = request.client.host if request.client else None
    user = service.authenticate(
        credentials.credentials, request.state.request_id, request.url.path, address
    )
    if user is None:
        raise Unauthorized("invalid or revoked token")
    request.state.user = user  # a refusal that follows is audited as this user's
    return user


async def authorized(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
    """The role × endpoint matrix (`api.access.MATRIX`) decides, for every route."""
    route = request.scope.get("route")
    path = getattr(route, "path_format", request.url.path)
    if not allowed(request.method, path, user.role):
        raise Forbidden("role {role} may not do this", role=Word(user.role))
    return user


Authorized = Annotated[User, Depends(authorized)]


@dataclass(frozen=True, slots=True)
class Context:
    """What every audit row of a request carries, and the language of the answer."""

    request_id: str
    purpose: str | None
    lang: str


async def context(
    request: Request,
    purpose: Annotated[
        str | SkipJsonSchema[None],
        Header(
            alias="X-Purpose",
            max_length=200,
            description=f"Why you open this (recorded in the audit trail), in words: "
            f"{PURPOSE_MIN_LENGTH} characters at least.",
            pattern=PURPOSE_PATTERN,
            json_schema_extra={"pattern": PURPOSE_PATTERN},  # FastAPI leaves a header's out
        ),
    ] = None,
    accept_language: Annotated[str | None, Header(alias="Accept-Language")] = None,
) -> Context:
    said = header_text(purpose)
    if purpose_problem(said) is not None:  # the pattern's length, but invisible characters
        raise RequestValidationError(
            [
                {
                    "type": "string_pattern_mismatch",
                    "loc": ("header", "X-Purpose"),
                    "msg": "String should match pattern",
                    "input": said,
                    "ctx": {"pattern": PURPOSE_PATTERN},
                }
            ]
        )
    return Context(request.state.request_id, said, language(accept_language))


def header_text(value: str | None) -> str | None:
    """A header's text as the client wrote it. Header values reach the app decoded as
    Latin-1 (RFC 9110); clients send French in UTF-8 ("vérification"), so bytes that read
    as UTF-8 are read so."""
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


ContextDep = Annotated[Context, Depends(context)]


def acting(user: Authorized, context: ContextDep) -> Actor:
    """The authenticated user acting in this request, as the use cases take it."""
    return Actor(user, context.request_id, context.purpose, context.lang)


ActorDep = Annotated[Actor, Depends(acting)]
