"""Who may call what: the role × endpoint matrix, in one table.

Every route of the OpenAPI document must appear here (a test walks them
all); a route missing from the table is refused to everyone. The roles come
from the use cases (`service.*`), which check them again whoever calls.
"""

from __future__ import annotations

from models.users import UserRole
from service.audit import READ_AUDIT
from service.entities import READ_ENTITIES
from service.queue import READ_QUEUE
from service.records import ERASE_VERSIONS, READ_RECORDS
from service.reports import READ_REPORT
from service.review import DECIDE, REVERT
from service.search import SEARCH
from service.tracing import ASSESS, READ_FLAGS, READ_RELATIVES
from service.tracingregister import REGISTER_REQUEST
from service.tracingsearch import DECIDE_MATCH, TRACE
from service.users import LOGIN

PUBLIC: frozenset[tuple[str, str]] = frozenset({("GET", "/health")})

MATRIX: dict[tuple[str, str], frozenset[UserRole]] = {
    ("GET", "/me"): LOGIN,
    ("GET", "/records"): READ_RECORDS,
    ("GET", "/records/{record_id}"): READ_RECORDS,
    ("GET", "/records/{record_id}/versions"): READ_RECORDS,
    ("POST", "/records/{record_id}/versions/erasure"): ERASE_VERSIONS,
    ("GET", "/search"): SEARCH,
    ("POST", "/search"): SEARCH,
    ("GET", "/suggestions"): READ_QUEUE,
    ("GET", "/suggestions/next"): READ_QUEUE,
    ("GET", "/suggestions/calibration"): READ_QUEUE,
    ("GET", "/suggestions/{suggestion_id}"): READ_QUEUE,
    ("POST", "/suggestions/{suggestion_id}/decision"): DECIDE,
    ("POST", "/links"): DECIDE,
    ("GET", "/decisions/outdated"): READ_QUEUE,
    ("GET", "/decisions/{decision_id}"): READ_QUEUE,
    ("POST", "/decisions/{decision_id}/revert"): REVERT,
    ("GET", "/entities/{entity_id}"): READ_ENTITIES,
    ("GET", "/entities/{entity_id}/relatives"): READ_RELATIVES,
    ("GET", "/entities/{entity_id}/assessment"): ASSESS,
    ("POST", "/entities/{entity_id}/assessment/decisions"): ASSESS,
    ("GET", "/returns/due"): ASSESS,
    ("GET", "/flags"): READ_FLAGS,
    ("POST", "/tracing/search"): TRACE,
    ("GET", "/tracing/requests"): TRACE,
    ("POST", "/tracing/requests"): REGISTER_REQUEST,
    ("GET", "/tracing/requests/{case_id}/matches"): TRACE,
    ("POST", "/tracing/requests/{case_id}/matches/{entity_id}/decision"): DECIDE_MATCH,
    ("GET", "/reports/summary"): READ_REPORT,
    ("GET", "/audit"): READ_AUDIT,
}


def allowed(method: str, path: str, role: UserRole) -> bool:
    return role in MATRIX.get((method.upper(), path), frozenset())
