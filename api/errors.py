"""Errors of the use cases, each with the HTTP status the API answers with."""

from __future__ import annotations


class UseCaseError(Exception):
    status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(UseCaseError):
    status = 404


class Conflict(UseCaseError):
    status = 409


class PreconditionFailed(UseCaseError):
    status = 412


class PreconditionRequired(UseCaseError):
    status = 428
