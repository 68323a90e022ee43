"""Errors of the use cases, each with the HTTP status the API answers with.

An error carries an English message id and its parameters (`NotFound("no such record")`,
`Conflict("this decision was already reverted")`); the face that shows it translates it
(`error.text(lang)`). `detail` is the English text.
"""

from __future__ import annotations

import math

from i18n import MessageError
from models.store import StoreError

__all__ = [
    "Conflict",
    "Forbidden",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "RecordsChanged",
    "StoreError",
    "TooManyRequests",
    "Unauthorized",
    "UseCaseError",
]


class UseCaseError(MessageError):
    status = 400

    @property
    def headers(self) -> dict[str, str] | None:
        """Headers the HTTP answer carries."""
        return None

    @property
    def detail(self) -> str:
        return self.message.text("en")


class Unauthorized(UseCaseError):
    status = 401

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(UseCaseError):
    status = 403


class PurposeRequired(Forbidden):
    """Allowed once the user states why (`X-Purpose` over HTTP, a form on a page)."""


class NotFound(UseCaseError):
    status = 404


class Unprocessable(UseCaseError):
    """The request itself is wrong (422)."""

    status = 422


class Conflict(UseCaseError):
    status = 409


class PreconditionFailed(UseCaseError):
    status = 412


class RecordsChanged(PreconditionFailed):
    """The records of a suggestion changed, in what the reader's view holds, since they
    were read (`service.suggestion_tag`)."""


class PreconditionRequired(UseCaseError):
    status = 428


class TooManyRequests(UseCaseError):
    """Too many searches: `retry_after` seconds to wait."""

    status = 429

    def __init__(self, message: str, /, retry_after: float, **params: object) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(math.ceil(self.retry_after))}
