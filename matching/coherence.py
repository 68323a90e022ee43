"""Persons whose records do not contradict each other, whatever links sit between them.

Clustering follows strong links one at a time; a chain A~B~C can then put A
and C in one person although A and C were never compared, or were compared
and disagree (two sisters joined through a record with only a family name).
After clustering, every pair inside each person of three records or more is
compared and scored; a person with a contradicting pair inside, or whose
records are on average unlikely to match, is split again by greedy average
linkage: its parts join only along a matching link, when no pair across them
contradicts and their average probability stays at least `AVERAGE_FLOOR`.
The links that would have joined the parts go to a reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from matching.cluster import canonical_labels, members
from matching.columns import Columns
from matching.compare.pairs import compare_pairs
from matching.guards import BIT
from matching.model import FSModel
from matching.scoring import score_levels

CONTRADICTIONS = np.uint16(
    BIT["given_names_differ"]
    | BIT["sex_differs"]
    | BIT["births_far_apart"]
    | BIT["places_differ"]
    | BIT["suspect_and_protected"]
    | BIT["requester_and_sought"]
    | BIT["parents_differ"]
)
"""Guards that say two records are two people (a missing name only says little)."""
AVERAGE_FLOOR = 0.2
LARGEST_CHECKED = 300
"""Persons larger than this are left as clustering made them (their pairs grow as the
square of the size; no true person has that many records): the benchmark reports them."""


def _internal_pairs(groups: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    total = int((sizes * (sizes - 1) // 2).sum())
    a = np.empty(total, dtype=np.int64)
    b = np.empty(total, dtype=np.int64)
    owner = np.empty(total, dtype=np.int64)
    at = 0
    for index, rows in enumerate(groups):
        r = np.asarray(rows, dtype=np.int64)
        i, j = np.triu_indices(len(r), k=1)
        a[at : at + len(i)], b[at : at + len(i)] = r[i], r[j]
        owner[at : at + len(i)] = index
        at += len(i)
    return a, b, owner


def _split(
    rows: list[int],
    probability: dict[tuple[int, int], float],
    contradicts: set[tuple[int, int]],
    held: set[tuple[int, int]],
    threshold: float,
    must: list[tuple[int, int]],
) -> tuple[list[list[int]], list[tuple[int, int]]]:
    """Greedy average linkage inside one person: (its parts, and for each two parts left
    apart the strongest link between them, for a reviewer).

    Held pairs are never links; contradicting pairs also forbid their parts to join.
    Between every two parts the sum of their pairs' probabilities and whether any pair
    contradicts are kept up to date as parts join, so testing a link costs O(1).
    """
    part = {r: r for r in rows}
    members: dict[int, list[int]] = {r: [r] for r in rows}
    total: dict[int, dict[int, float]] = {r: {} for r in rows}
    against: dict[int, set[int]] = {r: set() for r in rows}
    for (x, y), p in probability.items():
        total[x][y] = total[y][x] = p
    for x, y in contradicts:
        against[x].add(y)
        against[y].add(x)

    def join(p: int, q: int) -> None:
        for r in members[q]:
            part[r] = p
        members[p].extend(members.pop(q))
        for other, value in total.pop(q).items():
            if other == p:
                continue
            total[p][other] = total[p].get(other, 0.0) + value
            total[other][p] = total[other].get(p, 0.0) + value
            total[other].pop(q, None)
        total[p].pop(q, None)
        for other in against.pop(q):
            if other != p:
                against[p].add(other)
                against[other].discard(q)
                against[other].add(p)
        against[p].discard(q)

    for x, y in must:
        if part[x] != part[y]:
            join(part[x], part[y])
    edges = sorted(
        ((p, x, y) for (x, y), p in probability.items() if p >= threshold and (x, y) not in held),
        reverse=True,
    )
    refused: list[tuple[int, int]] = []
    for _, x, y in edges:
        p, q = part[x], part[y]
        if p == q:
            continue
        average = total[p].get(q, 0.0) / (len(members[p]) * len(members[q]))
        if q in against[p] or average < AVERAGE_FLOOR:
            refused.append((x, y))
            continue
        join(p, q)
    strongest: dict[tuple[int, int], tuple[int, int]] = {}
    for x, y in refused:
        p, q = part[x], part[y]
        if p != q:
            strongest.setdefault((min(p, q), max(p, q)), (x, y))
    return list(members.values()), list(strongest.values())


def coherent_persons(
    columns: Columns,
    labels: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    probability: np.ndarray,
    model: FSModel,
    must_link: Iterable[tuple[int, int]] = (),
    held: np.ndarray | None = None,
) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
    """Split the persons of `labels` whose records contradict each other.

    Returns the new labels and the links not followed, as (row, row, reason) for review.
    Scored pairs keep their probability (with household support) and the guards that
    held them (`held`, beside `a`, `b`: those a learned model's score added too); the
    pairs inside a person that blocking never formed are scored here.
    """
    groups = [rows for rows in members(labels).values() if len(rows) >= 3]
    if not groups:
        return labels, []
    small = [g for g in groups if len(g) <= LARGEST_CHECKED]
    ia, ib, owner = _internal_pairs(small)
    levels = compare_pairs(columns, ia.astype(np.int32), ib.astype(np.int32))
    scored = score_levels(columns, ia, ib, levels, model, household=False, population=len(columns))
    width = np.int64(len(columns))
    codes = np.minimum(a, b).astype(np.int64) * width + np.maximum(a, b)
    order = np.argsort(codes, kind="stable")
    wanted = ia * width + ib
    at = np.minimum(np.searchsorted(codes, wanted, sorter=order), max(len(codes) - 1, 0))
    internal_probability = scored.probability.copy()
    internal_held = scored.held.copy()
    if len(codes):
        found = codes[order[at]] == wanted
        internal_probability[found] = probability[order[at[found]]]
        if held is not None:
            internal_held[found] |= held[order[at[found]]]
    bad = (internal_held & CONTRADICTIONS) != 0
    held_inside = internal_held != 0
    must = [(min(x, y), max(x, y)) for x, y in must_link]
    must_of: dict[int, list[tuple[int, int]]] = {}
    row_group = {r: i for i, rows in enumerate(small) for r in rows}
    for x, y in must:
        if x in row_group and row_group.get(y) == row_group[x]:
            must_of.setdefault(row_group[x], []).append((x, y))
    new_labels = labels.copy()
    review: list[tuple[int, int, str]] = []
    starts = np.searchsorted(owner, np.arange(len(small) + 1))
    # Which persons the loop below need look at (the rest it would pass over): a margin
    # on the mean, since numpy may sum in another order than the loop's test.
    mean = np.bincount(owner, weights=internal_probability, minlength=len(small))
    mean /= np.maximum(np.diff(starts), 1)
    looked_at = np.bincount(owner[bad], minlength=len(small)) > 0
    looked_at |= mean < AVERAGE_FLOOR + 1e-9
    looked_at[list(must_of)] = True
    for index in np.flatnonzero(looked_at).tolist():
        rows = small[index]
        span = slice(starts[index], starts[index + 1])
        pairs = list(zip(ia[span].tolist(), ib[span].tolist(), strict=True))
        chances = internal_probability[span].tolist()
        contradicts = {pair for pair, c in zip(pairs, bad[span].tolist(), strict=True) if c}
        held = {pair for pair, h in zip(pairs, held_inside[span].tolist(), strict=True) if h}
        must_pairs = set(must_of.get(index, []))
        contradicts -= must_pairs
        if not contradicts and sum(chances) / len(chances) >= AVERAGE_FLOOR:
            continue
        probability_of = dict(zip(pairs, chances, strict=True))
        parts, refused = _split(
            rows,
            probability_of,
            contradicts,
            held - must_pairs,
            model.match_threshold,
            list(must_pairs),
        )
        for part in parts:
            first = min(part)
            for r in part:
                new_labels[r] = first
        review.extend((x, y, "incoherent_person") for x, y in refused)
    return canonical_labels(new_labels), review
