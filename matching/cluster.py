"""Clustering matched pairs into persons under constraints.

Not bare connected components:
- confirmed pairs (must-link) always end in one entity;
- rejected pairs (cannot-link) never do, and neither do two rows of one
  case (one person appears at most once in a case);
- a single weak link that would join two established clusters is not
  followed: the pair goes to review instead;
- a held pair (`matching.guards`: a suspect and a child, different given
  names, ...) is never followed, whatever its probability;
- a person stays coherent: two clusters whose records disagree on sex, on
  births more than five years apart, or join a suspect to a victim, a child or
  a requester are not merged, whatever chain of links sits between them.
Edges are taken strongest first, so a constraint is broken by the weaker
link, never the stronger one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from matching.guards import BIRTH_SPAN_DAYS, Traits

STRONG_LINK = 0.99
MIN_CROSS_SUPPORT = 0.5


@dataclass
class ClusterResult:
    labels: np.ndarray
    """labels[row] is the cluster of the row (the smallest row number in it)."""
    to_review: list[tuple[int, int, str]] = field(default_factory=list)
    """Pairs that scored as matches but were not merged, with the reason."""


SETTLED = frozenset({"same_case", "rejected_by_reviewer"})
"""Reasons a matching pair was not followed that need no reviewer: the rest go to review."""
_NO_BIRTH = 1 << 40


class _Clusters:
    def __init__(self, n: int, case: np.ndarray, traits: Traits | None = None) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.case = case.tolist()
        self.cases: dict[int, set[int]] = {}
        """The cases of each cluster of several records (a single record's is `case`: a
        set for each of a million records took 0.2 GB)."""
        self.forbidden: dict[int, set[int]] = {}
        self.traits = traits is not None
        if traits is not None:
            sex = traits.sex.astype(np.int64)
            self.sexes = np.where(sex >= 0, 1 << np.maximum(sex, 0), 0).tolist()
            known = traits.birth_earliest >= 0
            earliest = traits.birth_earliest.astype(np.int64)
            latest = traits.birth_latest.astype(np.int64)
            self.earliest = np.where(known, earliest, -_NO_BIRTH).tolist()
            self.latest = np.where(known, latest, _NO_BIRTH).tolist()
            self.suspect = traits.suspect.tolist()
            self.protected = traits.protected.tolist()

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def _cases(self, x: int) -> set[int]:
        found = self.cases.get(x)
        if found is not None:
            return found
        return {self.case[x]} if self.case[x] >= 0 else set()

    def roots(self) -> np.ndarray:
        """Each row's root, by pointer jumping in numpy (a million `find` calls took 0.7 s)."""
        parent = np.asarray(self.parent, dtype=np.int64)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand

    def conflict(self, x: int, y: int) -> str | None:
        if not self._cases(x).isdisjoint(self._cases(y)):
            return "same_case"
        for row in self.forbidden.get(x, ()):
            if self.find(row) == y:
                return "rejected_by_reviewer"
        if self.traits:
            return self._incoherent(x, y)
        return None

    def _incoherent(self, x: int, y: int) -> str | None:
        """What the records of the two clusters, put together, would contradict."""
        if self.sexes[x] | self.sexes[y] == 3:
            return "sex_differs"
        latest_first = min(self.latest[x], self.latest[y])
        earliest_last = max(self.earliest[x], self.earliest[y])
        if earliest_last - latest_first > BIRTH_SPAN_DAYS and latest_first < _NO_BIRTH:
            return "births_far_apart"
        if (self.suspect[x] and self.protected[y]) or (self.suspect[y] and self.protected[x]):
            return "suspect_and_protected"
        return None

    def union(self, x: int, y: int) -> int:
        if self.size[x] < self.size[y]:
            x, y = y, x
        self.parent[y] = x
        self.size[x] += self.size[y]
        merged = self._cases(x) | self._cases(y)
        self.cases.pop(y, None)
        if merged:
            self.cases[x] = merged
        if y in self.forbidden:
            self.forbidden.setdefault(x, set()).update(self.forbidden.pop(y))
        if self.traits:
            self.sexes[x] |= self.sexes[y]
            self.earliest[x] = max(self.earliest[x], self.earliest[y])
            self.latest[x] = min(self.latest[x], self.latest[y])
            self.suspect[x] = self.suspect[x] or self.suspect[y]
            self.protected[x] = self.protected[x] or self.protected[y]
        return x


def mergeable(
    probability: np.ndarray, match_threshold: float, held: np.ndarray | None = None
) -> np.ndarray:
    """The pairs clustering may follow: scored to merge, and held by no guard. Only their
    records' clusters have their traits tested."""
    followed = probability >= match_threshold
    if held is not None:
        followed &= held == 0
    return followed


def cluster(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    probability: np.ndarray,
    match_threshold: float,
    case: np.ndarray | None = None,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    held: np.ndarray | None = None,
    traits: Traits | None = None,
) -> ClusterResult:
    """Cluster rows 0..n-1 from scored pairs (a[k], b[k], probability[k]).

    `held` (bits per pair, `matching.guards`) marks pairs never followed; `traits`
    (per row) what the records of one cluster may not disagree on. A confirmed pair
    (must-link) is a reviewer's word and is followed regardless.
    """
    clusters = _Clusters(n, case if case is not None else np.full(n, -1), traits)
    for x, y in cannot_link:
        clusters.forbidden.setdefault(x, set()).add(y)
        clusters.forbidden.setdefault(y, set()).add(x)
    for x, y in must_link:
        rx, ry = clusters.find(x), clusters.find(y)
        if rx != ry:
            clusters.union(rx, ry)
    review: list[tuple[int, int, str]] = []
    selected = np.flatnonzero(mergeable(probability, match_threshold, held))
    order = selected[np.argsort(-probability[selected], kind="stable")]
    deferred: list[int] = []
    for k in order.tolist():
        x, y = int(a[k]), int(b[k])
        rx, ry = clusters.find(x), clusters.find(y)
        if rx == ry:
            continue
        reason = clusters.conflict(rx, ry)
        if reason:
            review.append((x, y, reason))
            continue
        if clusters.size[rx] > 1 and clusters.size[ry] > 1 and probability[k] < STRONG_LINK:
            deferred.append(k)
            continue
        clusters.union(rx, ry)
    _merge_supported(clusters, deferred, a, b, review)
    return ClusterResult(canonical_labels(clusters.roots()), review)


def _merge_supported(
    clusters: _Clusters,
    deferred: list[int],
    a: np.ndarray,
    b: np.ndarray,
    review: list[tuple[int, int, str]],
) -> None:
    """Join two established clusters only when enough of their members link."""
    support: dict[tuple[int, int], list[int]] = {}
    for k in deferred:
        rx, ry = clusters.find(int(a[k])), clusters.find(int(b[k]))
        if rx != ry:
            support.setdefault((min(rx, ry), max(rx, ry)), []).append(k)
    for (rx, ry), edges in sorted(support.items(), key=lambda item: -len(item[1])):
        rx, ry = clusters.find(rx), clusters.find(ry)
        if rx == ry:
            continue
        smaller = min(clusters.size[rx], clusters.size[ry])
        reason = clusters.conflict(rx, ry)
        if reason is None and len(edges) >= max(2, MIN_CROSS_SUPPORT * smaller):
            clusters.union(rx, ry)
            continue
        for k in edges:
            review.append((int(a[k]), int(b[k]), reason or "weak_link_between_clusters"))


def canonical_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel each cluster by its smallest row, so labels do not depend on merge order."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    return first[inverse.reshape(-1)].astype(np.int64)


def members(labels: np.ndarray) -> dict[int, list[int]]:
    """The rows of each cluster, by label."""
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(row)
    return groups
