"""Blocking keys and models that outlive the code that wrote them.

The store remembers the version of its blocking keys (`matching.keys_version`). When the
code's version differs (a new release changed normalisers, spelling tables or key kinds),
the keys are rebuilt, streamed a case at a time, before the next import looks candidates
up: persons, pairs, suggestions and decisions stay as they are (nothing is re-linked), and
the import summary says the keys were rebuilt. A stored model fitted for other comparisons
is not used (see `service.registry.model_status`); the command line and `/health` say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from matching.columns import COLUMN_FIELDS, build_columns
from matching.keys_version import keys_version
from matching.record_keys import all_record_keys
from models.store import Store
from models.store.keys import KEYS_VERSION
from service.context import ADMIN, Actor, UseCases

REBUILD_KEYS = frozenset({ADMIN})
_KEY_FIELDS = ("id", "role", *COLUMN_FIELDS)


def keys_status(store: Store) -> dict[str, Any]:
    """The version of the stored keys, the code's, and whether they agree."""
    stored = store.setting(KEYS_VERSION)
    current = stored == keys_version() or (stored is None and not store.has_blocking_keys())
    return {"stored": stored, "code": keys_version(), "current": current}


def rebuild_keys(store: Store, on_records: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Compute every stored record's keys again with this code, in one transaction."""
    before = store.setting(KEYS_VERSION)

    def batches() -> Iterator[dict[Any, list[str]]]:
        for records in store.iter_records_by_case(_KEY_FIELDS):
            keys = _keys_of(records)
            if on_records:
                on_records(len(records))
            yield {r["id"]: k for r, k in zip(records, keys, strict=True)}

    count = store.rebuild_keys(batches(), keys_version())
    return {"from": before, "to": keys_version(), "records": count}


def refresh_stale_keys(store: Store) -> int:
    """Write again the keys of the records changed (or come) since their keys were
    written, and of their cases' other records; how many were keyed again."""
    return store.replace_stale_keys(_KEY_FIELDS, _keys_of)


def _keys_of(records: list[dict[str, Any]]) -> list[list[str]]:
    """The keys of records holding whole cases."""
    return all_record_keys(build_columns(records))


def keys_stale(store: Store) -> bool:
    """Whether linking would first rebuild every stored key (`ensure_current_keys`)."""
    return store.setting(KEYS_VERSION) != keys_version() and store.has_blocking_keys()


def ensure_current_keys(store: Store) -> dict[str, Any] | None:
    """Rebuild the stored keys when this code would write others; None when they are
    current. A store with no key yet (its first import) just takes the code's version."""
    stored = store.setting(KEYS_VERSION)
    if stored == keys_version():
        return None
    if not store.has_blocking_keys():
        store.set_setting(KEYS_VERSION, keys_version())
        return None
    return rebuild_keys(store)


class Keys(UseCases):
    def rebuild_keys(
        self, actor: Actor, on_records: Callable[[int], None] | None = None
    ) -> dict[str, Any]:
        """`nrm keys rebuild`: every stored key again, whatever their version."""
        actor.require(REBUILD_KEYS)
        summary = rebuild_keys(self.store, on_records)
        self.audit(actor, "rebuild_keys", None, (), **summary)
        return summary
