"""Errors of the use cases, each with the HTTP status the API answers with."""

from __future__ import annotations

from models.store import StoreError

__all__ = [
    "Conflict",
    "Forbidden",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "StoreError",
    "TooManyRequests",
    "UseCaseError",
]


class UseCaseError(Exception):
    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Forbidden(UseCaseError):
    status = 403


class NotFound(UseCaseError):
    status = 404


class Conflict(UseCaseError):
    status = 409


class PreconditionFailed(UseCaseError):
    status = 412


class PreconditionRequired(UseCaseError):
    status = 428


class TooManyRequests(UseCaseError):
    """Too many searches: `retry_after` seconds to wait."""

    status = 429

    def __init__(self, detail: str, retry_after: float) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
