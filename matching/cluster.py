"""Clustering matched pairs into persons under constraints.

Not bare connected components:
- confirmed pairs (must-link) always end in one entity;
- rejected pairs (cannot-link) never do, and neither do two rows of one
  case (one person appears at most once in a case);
- a single weak link that would join two established clusters is not
  followed: the pair goes to review instead.
Edges are taken strongest first, so a constraint is broken by the weaker
link, never the stronger one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

STRONG_LINK = 0.99
MIN_CROSS_SUPPORT = 0.5


@dataclass
class ClusterResult:
    labels: np.ndarray
    """labels[row] is the cluster of the row (the smallest row number in it)."""
    to_review: list[tuple[int, int, str]] = field(default_factory=list)
    """Pairs that scored as matches but were not merged, with the reason."""


class _Clusters:
    def __init__(self, n: int, case: np.ndarray) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        self.cases: dict[int, set[int]] = {i: {int(c)} for i, c in enumerate(case) if c >= 0}
        self.forbidden: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def conflict(self, x: int, y: int) -> str | None:
        cases_x, cases_y = self.cases.get(x, set()), self.cases.get(y, set())
        if cases_x & cases_y:
            return "same_case"
        for row in self.forbidden.get(x, ()):
            if self.find(row) == y:
                return "rejected_by_reviewer"
        return None

    def union(self, x: int, y: int) -> int:
        if self.size[x] < self.size[y]:
            x, y = y, x
        self.parent[y] = x
        self.size[x] += self.size[y]
        if y in self.cases:
            self.cases.setdefault(x, set()).update(self.cases.pop(y))
        if y in self.forbidden:
            self.forbidden.setdefault(x, set()).update(self.forbidden.pop(y))
        return x


def cluster(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    probability: np.ndarray,
    match_threshold: float,
    case: np.ndarray | None = None,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
) -> ClusterResult:
    """Cluster rows 0..n-1 from scored pairs (a[k], b[k], probability[k])."""
    clusters = _Clusters(n, case if case is not None else np.full(n, -1))
    for x, y in cannot_link:
        clusters.forbidden.setdefault(x, set()).add(y)
        clusters.forbidden.setdefault(y, set()).add(x)
    for x, y in must_link:
        rx, ry = clusters.find(x), clusters.find(y)
        if rx != ry:
            clusters.union(rx, ry)
    review: list[tuple[int, int, str]] = []
    selected = np.flatnonzero(probability >= match_threshold)
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
    labels = np.fromiter((clusters.find(i) for i in range(n)), dtype=np.int64, count=n)
    return ClusterResult(_canonical(labels), review)


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


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel each cluster by its smallest row, so labels do not depend on merge order."""
    smallest: dict[int, int] = {}
    for row, label in enumerate(labels.tolist()):
        smallest.setdefault(label, row)
    return np.fromiter((smallest[label] for label in labels.tolist()), dtype=np.int64)


def members(labels: np.ndarray) -> dict[int, list[int]]:
    """The rows of each cluster, by label."""
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(row)
    return groups
