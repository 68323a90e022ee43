"""FastAPI dependencies: the service, the authenticated user, the role matrix, the acting
user with what the audit rows of the request carry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.access import allowed
from models.users import User
from service import Actor, Service
from service.users import TokenExpired

_bearer = HTTPBearer(auto_error=False)
_LANG = re.compile(r"^\s*([a-zA-Z]{2})")


async def get_service(request: Request) -> Service:
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


def current_user(
    request: Request,
    service: ServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        user = service.authenticate(
            credentials.credentials, request.state.request_id, request.url.path
        )
    except TokenExpired as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, exc.detail, headers={"WWW-Authenticate": "Bearer"}
        ) from None
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid or revoked token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


async def authorized(request: Request, user: Annotated[User, Depends(current_user)]) -> User:
    """The role × endpoint matrix (`api.access.MATRIX`) decides, for every route."""
    route = request.scope.get("route")
    path = getattr(route, "path_format", request.url.path)
    if not allowed(request.method, path, user.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {user.role} may not do this")
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
        str | None,
        Header(
            alias="X-Purpose",
            max_length=200,
            description="Why you open this (recorded in the audit trail).",
        ),
    ] = None,
    accept_language: Annotated[str | None, Header(alias="Accept-Language")] = None,
) -> Context:
    match = _LANG.match(accept_language or "")
    lang = "en" if match and match.group(1).lower() == "en" else "fr"
    return Context(request.state.request_id, purpose, lang)


ContextDep = Annotated[Context, Depends(context)]


def acting(user: Authorized, context: ContextDep) -> Actor:
    """The authenticated user acting in this request, as the use cases take it."""
    return Actor(user, context.request_id, context.purpose, context.lang)


ActorDep = Annotated[Actor, Depends(acting)]
