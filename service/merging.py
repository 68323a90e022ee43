"""How a decision changes persons: a confirmed pair merges two entities, a rejected one
splits an entity; each answers the entity of every record it touched before and after
(record id → entity id, as text), which the decision event keeps."""

from __future__ import annotations

import uuid
from itertools import pairwise

import networkx as nx
import numpy as np

from i18n import Day
from matching.cluster import cluster, members
from models.review import DecisionKind, Effect
from models.store.review import ReviewTx
from service.errors import Conflict


def stringify(mapping: dict[uuid.UUID, uuid.UUID | None]) -> dict[str, str | None]:
    return {str(r): str(e) if e else None for r, e in mapping.items()}


def merge(
    tx: ReviewTx, a: uuid.UUID, b: uuid.UUID, reader: str | None
) -> tuple[Effect, dict, dict]:
    """Put the entities of a and b together, unless a reviewer or a case forbids it
    (`_refuse_forbidden`: `reader`, the deciding user's organisation, is told the case's
    id only of its own case files)."""
    sides = _sides(tx, a, b)
    if sides is None:
        return Effect.NONE, {}, {}
    current, found, side_a, side_b = sides
    _refuse_forbidden(tx, side_a, side_b, reader)
    everyone = sorted(side_a | side_b, key=str)
    before = {r: found[r] if r in found else current.get(r) for r in everyone}
    target = current.get(a) or current.get(b) or uuid.uuid4()
    after = {r: target for r in everyone}
    tx.assign(after)
    return Effect.MERGED, stringify(before), stringify(after)


def require_mergeable(tx: ReviewTx, a: uuid.UUID, b: uuid.UUID, reader: str | None) -> None:
    """Refuse, as the merge would, a first confirmation of a merge that a case or a
    reviewer's rejection forbids: it would wait in the four-eyes queue for a second
    reviewer who could only be refused."""
    sides = _sides(tx, a, b)
    if sides is not None:
        _refuse_forbidden(tx, sides[2], sides[3], reader)


def _sides(
    tx: ReviewTx, a: uuid.UUID, b: uuid.UUID
) -> tuple[dict, dict, set[uuid.UUID], set[uuid.UUID]] | None:
    """The records of a's person and of b's (with the entity of each before), or None
    when they are one person already."""
    current = tx.entity_of([a, b])
    entity_a, entity_b = current.get(a), current.get(b)
    if entity_a is not None and entity_a == entity_b:
        return None
    found = tx.members([e for e in (entity_a, entity_b) if e])
    side_a = {r for r, e in found.items() if entity_a and e == entity_a} | {a}
    side_b = {r for r, e in found.items() if entity_b and e == entity_b} | {b}
    return current, found, side_a, side_b


def _refuse_forbidden(
    tx: ReviewTx, side_a: set[uuid.UUID], side_b: set[uuid.UUID], reader: str | None
) -> None:
    """A merge of two persons who both appear in one case, or with two records a reviewer
    rejected as one person, is refused. The refusal names the case's id to a reader of
    the organisation that holds it, only its organisation to anyone else (a case id is
    not in the minimal view)."""
    everyone = sorted(side_a | side_b, key=str)
    cases = tx.cases_of(everyone)
    shared = {cases[r] for r in side_a if cases.get(r)} & {cases[r] for r in side_b if cases.get(r)}
    if shared:
        source, case_id = min(shared, key=lambda case: (case[0] != reader, case))
        if source != reader:
            raise Conflict(
                "the two persons both appear in one case file of {source}: one person "
                "appears once in a case, so they cannot be merged",
                source=source,
            )
        raise Conflict(
            "the two persons both appear in case {case_id} of {source}: one person appears "
            "once in a case, so they cannot be merged",
            case_id=case_id,
            source=source,
        )
    _, cannot = tx.constraints(everyone)
    for x, y in cannot:
        if (x in side_a and y in side_b) or (x in side_b and y in side_a):
            rejected = tx.standing_on_pair(x, y, DecisionKind.NON_MATCH.value)
            if rejected is None:
                raise Conflict(
                    "a reviewer rejected records {x} and {y} as the same person; revert that "
                    "decision before merging these persons",
                    x=x,
                    y=y,
                )
            raise Conflict(
                "{who} rejected two records of these persons as one person on {day} "
                "(decision {id}); revert that decision before merging them",
                who=rejected.user_name,
                day=Day(rejected.created_at),
                id=str(rejected.id),
            )


def _kept_together(
    tx: ReviewTx, a: uuid.UUID, b: uuid.UUID, must: list[tuple[uuid.UUID, uuid.UUID]]
) -> Conflict:
    """The refusal of a split that confirmed pairs forbid, naming the latest confirmation
    on the shortest chain of them from a to b (the one to revert first)."""
    try:
        chain = nx.shortest_path(nx.Graph(must), a, b)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        chain = []
    on_chain = [tx.standing_on_pair(x, y, DecisionKind.MATCH.value) for x, y in pairwise(chain)]
    confirmed = [d for d in on_chain if d is not None]
    if not confirmed:
        return Conflict(
            "confirmed decisions keep these two records in one person; revert them first"
        )
    last = max(confirmed, key=lambda d: d.seq)
    return Conflict(
        "confirmed decisions keep these two records in one person (in all: {count}); revert "
        "them first, the latest first: {who} on {day} (decision {id})",
        count=len(confirmed),
        who=last.user_name,
        day=Day(last.created_at),
        id=str(last.id),
    )


def split(tx: ReviewTx, a: uuid.UUID, b: uuid.UUID, threshold: float) -> tuple[Effect, dict, dict]:
    """Separate a and b when they are in one entity: re-cluster its records with the new
    rejection; the part holding `a` keeps the entity id."""
    current = tx.entity_of([a, b])
    entity = current.get(a)
    if entity is None or entity != current.get(b):
        return Effect.NONE, {}, {}
    rows = sorted(tx.members([entity]), key=str)
    index = {r: i for i, r in enumerate(rows)}
    pairs = [(index[x], index[y], p) for x, y, p in tx.scored_pairs(rows)]
    must, cannot = tx.constraints(rows)
    case_codes: dict[tuple[str, str], int] = {}
    cases = tx.cases_of(rows)
    case = np.array(
        [case_codes.setdefault(cases[r], len(case_codes)) if cases.get(r) else -1 for r in rows]
    )
    result = cluster(
        len(rows),
        np.array([p[0] for p in pairs], dtype=np.int64),
        np.array([p[1] for p in pairs], dtype=np.int64),
        np.array([p[2] for p in pairs], dtype=float),
        threshold,
        case=case,
        must_link=[(index[x], index[y]) for x, y in must],
        cannot_link=[(index[x], index[y]) for x, y in [*cannot, (a, b)]],
    )
    if result.labels[index[a]] == result.labels[index[b]]:
        raise _kept_together(tx, a, b, must)
    after: dict[uuid.UUID, uuid.UUID] = {}
    for group in members(result.labels).values():
        ids = [rows[i] for i in group]
        target = entity if a in ids else uuid.uuid4()
        after.update({r: target for r in ids})
    before = {r: entity for r in rows}
    moved = {r: e for r, e in after.items() if e != entity}
    tx.assign(moved)
    return Effect.SPLIT, stringify(before), stringify(after)
