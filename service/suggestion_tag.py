"""A suggestion's ETag: its version, and both records as the reviewer was shown them.

A decision must rest on what the reviewer read. The suggestion's version moves with its
status, score and reasons; an import that changes a record without moving them (one run
with `--no-link`, or a field scoring does not read) would leave it as it was, and a
decision made on the old page would stand on records nobody read. So the tag also carries
a digest of each record's view (`protection.record_view`), and a decision whose digests
are not those of the records now is refused (412) with that reason.

A digest offered back is checked against the views the reviewer may have had of that
record, with a purpose stated and without (`protection.accesses_of`): a change the view
read does not hold (a phone, a current location; a field of another organisation's record
beyond its minimal view) does not by itself refuse the decision nor tell the reviewer that
a hidden value moved. (A linked import that scores the pair again moves the suggestion,
its probability and its version, as before, whatever field moved: the phone is compared.)
A tag of the form before the digests (`"id.version"`) is refused with a request to read
again.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from i18n import N_, Word
from models.records import PersonRecord
from service.context import Actor
from service.errors import PreconditionFailed, PreconditionRequired, RecordsChanged
from service.protection import accesses_of, view_as

NOT_READ = frozenset({"entity_id"})
"""What a view holds that is the persons' (moved by decisions, which move the suggestion's
version), not the record's."""
OLDER_TAG = N_(
    "this page was read before the service was updated: read the suggestion again before deciding"
)
RECORDS_READ_CHANGED = N_(
    "the records of this suggestion changed since you read them (an import): read them "
    "again before deciding"
)


def view_digest(view: dict[str, Any]) -> str:
    """A short digest of a record view: equal views, equal digests."""
    shown = {k: v for k, v in view.items() if k not in NOT_READ}
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def suggestion_tag(suggestion: dict[str, Any], views: Sequence[dict[str, Any]]) -> str:
    """The ETag of `suggestion` read with its two records as `views` (first, second)."""
    return _tag(suggestion, [view_digest(v) for v in views])


def _tag(suggestion: dict[str, Any], digests: Sequence[str]) -> str:
    return '"' + ".".join([str(suggestion["id"]), str(suggestion["version"]), *digests]) + '"'


def check_tag(
    suggestion: dict[str, Any],
    records: dict[uuid.UUID, PersonRecord],
    actor: Actor,
    if_match: str | None,
) -> None:
    """Refuse a decision without a tag (428), on a suggestion that changed since it was
    read, or on records that changed in what the reader's view holds (412). `records` by
    id, both of the pair."""
    if not if_match or if_match.strip() == "*":
        raise PreconditionRequired(
            "send the suggestion's ETag in If-Match (read it with {route})",
            route="GET /suggestions/{id}",
        )
    pair = [records[suggestion["record_a"]], records[suggestion["record_b"]]]
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    head = _tag(suggestion, [])[:-1] + "."
    offered = [
        t.removeprefix(head).removesuffix('"').split(".") for t in tags if t.startswith(head)
    ]
    if not offered and _tag(suggestion, []) in tags:
        raise PreconditionFailed(OLDER_TAG)
    if not offered:
        raise PreconditionFailed(
            "the suggestion changed since you read it (now version {version}, "
            "status {status}): read it again before deciding",
            version=suggestion["version"],
            status=Word(suggestion["status"]),
        )
    possible = [
        {access: view_digest(view_as(record, access)) for access in accesses_of(actor, record)}
        for record in pair
    ]
    for digests in offered:
        if len(digests) == 2 and all(
            d in p.values() for d, p in zip(digests, possible, strict=True)
        ):
            return
    raise RecordsChanged(RECORDS_READ_CHANGED)
