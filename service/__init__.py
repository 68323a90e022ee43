"""The service layer: every use case, called by every face (the `nrm` command line, the
HTTP routes, the pages to come); no face touches the store.

`Service` gathers the use-case families, one module each (see `service.context` for
the pattern a family follows): adding a family is one module and one base below.
"""

from __future__ import annotations

from typing import Any

from models.store import Store
from service.audit import AuditTrail
from service.calibration import Calibration
from service.context import Actor
from service.entities import Entities
from service.importing import Importing
from service.keys import Keys, keys_status
from service.kingraph import FamilyGraphs, graph_status
from service.queue import Queue
from service.ratelimit import CountedRows, SharedLimit
from service.records import Records
from service.refusals import REFUSAL_ROWS_PER_MINUTE, Refusals
from service.registry import model_status
from service.relinking import Linking
from service.reports import Reports
from service.returns import ReturnDecisions
from service.reverting import Reverting
from service.review import Review
from service.search import Searching
from service.sessions import Sessions
from service.tracing import Tracing
from service.tracingregister import TracingRegistration
from service.tracingsearch import TracingSearch
from service.training import Training
from service.users import FailedLogins, Users
from service.worklist import Worklist

__all__ = ["Actor", "Service", "Store"]


class Service(
    Users,
    Refusals,
    Sessions,
    Records,
    Importing,
    Linking,
    Keys,
    TracingSearch,
    TracingRegistration,
    Searching,
    Queue,
    Worklist,
    Review,
    Reverting,
    Entities,
    ReturnDecisions,
    Tracing,
    FamilyGraphs,
    Reports,
    Training,
    Calibration,
    AuditTrail,
):
    def __init__(self, store: Store) -> None:
        self.store = store
        self.search_limit = SharedLimit.searches()
        self.list_limit = SharedLimit.lists()
        self.failed_logins = FailedLogins()
        self.refusal_log = CountedRows(REFUSAL_ROWS_PER_MINUTE)

    @classmethod
    def open(cls, url: str | None = None) -> Service:
        """The service on the database `url` names (default: `NRM_DATABASE_URL`, else
        ./nrm.db), migrated to the latest schema."""
        return cls(Store.open(url))

    def close(self) -> None:
        self.store.close()

    def health(self) -> dict[str, Any]:
        """The store's state, whether its blocking keys are this code's (the next import
        rebuilds them otherwise), the version of its family graph (the first query builds
        it again when it is not this code's) and which stored models this code can use."""
        return {
            "status": "ok",
            **self.store.health(),
            "blocking_keys_current": keys_status(self.store)["current"],
            "family_graph": graph_status(self.store),
            "models": model_status(self.store),
        }
