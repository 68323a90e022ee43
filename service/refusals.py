"""Refused attempts, attributed: a signed-in user's request answered 403 leaves an audit
row naming who tried what, so that "who tried to read this child's file" has an answer."""

from __future__ import annotations

import re
from uuid import UUID

from models.users import User
from service.context import Actor, UseCases
from service.ratelimit import CountedRows
from service.users import PATH_KEPT

REFUSAL_ROWS_PER_MINUTE = 60
"""Audit rows of refusals one user may cause in a minute (per server process), each
naming its path: an officer refused a page or two leaves a row each; past that, the next
row counts the refusals since the last. The trail is append-only: a loop of forbidden
calls must not flood it."""
_IDS = re.compile(
    r"(?<![0-9a-f])(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})"
    r"(?![0-9a-f])",
    re.I,
)
"""An id in a path as FastAPI reads one: hyphens or not, either case."""


def ids_in(path: str) -> list[str]:
    """The ids a path names, written as the audit trail writes ids (`str(UUID)`), at most
    ten: `GET /audit?object_id=` finds them however the request spelt them."""
    return [str(UUID(found)) for found in _IDS.findall(path)[:10]]


class Refusals(UseCases):
    refusal_log: CountedRows

    def refused(
        self, user: User, request_id: str | None, method: str, path: str, reason: str
    ) -> None:
        """Audit a refused request of `user` (`access_refused`: the ids its path names, so
        that "who tried to reach this record" finds it; the method, the path, the refusal's
        words, how many refusals the row stands for)."""
        refusals = self.refusal_log.count(user.id)
        if refusals:
            self.audit(
                Actor(user, request_id=request_id),
                "access_refused",
                None,
                ids_in(path),
                method=method,
                path=path[:PATH_KEPT],
                reason=reason[:PATH_KEPT],
                refusals=refusals,
            )
