"""Who may call what: the role × endpoint matrix, in one table.

Every route of the OpenAPI document must appear here (a test walks them
all); a route missing from the table is refused to everyone.
"""

from __future__ import annotations

from models.users import UserRole

ADMIN, REVIEWER, CASEWORKER, TRACING = (
    UserRole.ADMIN,
    UserRole.REVIEWER,
    UserRole.CASEWORKER,
    UserRole.TRACING_OFFICER,
)
EVERYONE = frozenset(UserRole)

PUBLIC: frozenset[tuple[str, str]] = frozenset({("GET", "/health")})

MATRIX: dict[tuple[str, str], frozenset[UserRole]] = {
    ("GET", "/me"): EVERYONE,
    ("GET", "/records"): EVERYONE,
    ("GET", "/records/{record_id}"): EVERYONE,
    ("GET", "/search"): frozenset({ADMIN, CASEWORKER, TRACING}),
    ("GET", "/suggestions"): frozenset({ADMIN, REVIEWER}),
    ("GET", "/suggestions/next"): frozenset({ADMIN, REVIEWER}),
    ("GET", "/suggestions/{suggestion_id}"): frozenset({ADMIN, REVIEWER}),
    ("POST", "/suggestions/{suggestion_id}/decision"): frozenset({REVIEWER}),
    ("POST", "/links"): frozenset({REVIEWER}),
    ("GET", "/decisions/{decision_id}"): frozenset({ADMIN, REVIEWER}),
    ("POST", "/decisions/{decision_id}/revert"): frozenset({ADMIN, REVIEWER}),
    ("GET", "/entities/{entity_id}"): EVERYONE,
    ("GET", "/entities/{entity_id}/relatives"): frozenset({ADMIN, CASEWORKER, TRACING}),
    ("GET", "/entities/{entity_id}/assessment"): frozenset({ADMIN, CASEWORKER}),
    ("GET", "/flags"): frozenset({ADMIN, CASEWORKER, TRACING}),
    ("GET", "/audit"): frozenset({ADMIN}),
}
"""Decisions are reviewers' work only (an admin may revert one, with a reason, but never
decides); tracing officers and caseworkers search and read a person's relatives,
reviewers do not need to; the safe-return assessment is the caseworkers' decision."""


def allowed(method: str, path: str, role: UserRole) -> bool:
    return role in MATRIX.get((method.upper(), path), frozenset())
