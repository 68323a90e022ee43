"""The family graph as rows to persist, and back.

An edge row is one piece of evidence for a relation: a declared relation, or one
inference of one person (``Inferred``). The graph's edges combine the rows of both
ends (see `tracing.graph`), so a person's rows depend only on that person's own
inferences and declarations: an update rewrites the rows of the persons whose
inferences changed, never an edge merged from both sides.

`assemble` adds the rows in one canonical order (declarations, then each person's
inferences in person order), so the graph of a neighbourhood read from the store and
the graph of the whole population agree edge for edge, reasons in the same order.

A person is filed under keys (`person_keys`): the name identities of the kinship index
(`tracing.kinindex.TABLES`) and one ``member`` key per record, which says whose records a
person held when the graph was last written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from tracing.graph import DECLARED_PROBABILITY, PARENT_KINDS, FamilyGraph
from tracing.infer import KEPT, Inferred, by_kept_group, keep_likeliest, kept_group, tied_at_limit
from tracing.kinindex import READERS, index_keys, lookup_keys
from tracing.persons import DeclaredRelation, Profile
from tracing.reasons import Reason

__all__ = [
    "EdgeRow",
    "assemble",
    "children_in",
    "declared_rows",
    "encode_key",
    "extended",
    "inferred_rows",
    "member_key",
    "person_keys",
    "read_keys",
    "reader_keys",
]

SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class EdgeRow:
    """``other`` is the ``kind`` of ``person`` (basis declared, names or household)."""

    person: str
    other: str
    seq: int
    kind: str
    probability: float
    basis: str
    evidence: tuple[str, ...]
    reasons: tuple[Reason, ...]

    def as_row(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "seq": self.seq,
            "other": self.other,
            "kind": self.kind,
            "probability": self.probability,
            "basis": self.basis,
            "evidence": list(self.evidence),
            "reasons": [[r.fr, r.en] for r in self.reasons],
        }

    @classmethod
    def of(cls, row: Any) -> EdgeRow:
        return cls(
            row["person"],
            row["other"],
            row["seq"],
            row["kind"],
            row["probability"],
            row["basis"],
            tuple(row["evidence"]),
            tuple(Reason(fr, en) for fr, en in row["reasons"]),
        )


def inferred_rows(person: str, found: Iterable[Inferred]) -> list[EdgeRow]:
    """One person's inferences as rows, numbered in a canonical order (by the other
    person and kind; two inferences of one edge keep the order `infer_for` found them)."""
    ordered = sorted(found, key=lambda i: (i.b, i.kind))
    return [
        EdgeRow(person, i.b, k, i.kind, i.probability, i.basis, i.evidence, i.reasons)
        for k, i in enumerate(ordered)
    ]


def extended(
    rows: Iterable[EdgeRow], found: Iterable[Inferred], gone: Collection[str] = ()
) -> list[Inferred] | None:
    """A person's stored inferences (``rows``, in their order) with those about ``gone``
    persons replaced by what it now infers about newcomers (``found``), the likeliest of
    each kind kept: what `infer_for` would find again while the person's crowds
    (`tracing.kinindex.crowds`) stay the same. None when that cannot be told from the rows:
    an inference about a gone person left a kind that was full (`KEPT`) or came back less
    likely, so a candidate never stored may now be among the likeliest; or a kind holds
    more than it keeps with equally likely ones at the limit, or a full kind's least likely
    inference is about a touched person: the persons' order in the files decides such ties
    (`infer_for` reads it from their profiles; the rows do not hold it).

    ``gone`` is every person an update touched (its records or its profile changed, or it
    ceased to exist), not only the persons removed: what was inferred about them is stale.
    The other stored inferences are kept as they are, which holds because the crowd
    penalties depend only on the inferring person's names and the kind (one penalty per
    kind), and those did not move: the caller recomputes a person whose crowds moved."""
    stored = [
        Inferred(r.person, r.other, r.kind, r.probability, r.evidence, r.reasons, r.basis)
        for r in rows
        if r.basis != "declared"
    ]
    found = list(found)
    full = Counter(kept_group(i) for i in stored)
    for i in stored:
        group = kept_group(i)
        if i.b not in gone or full[group] < KEPT[group]:
            continue
        if not any(
            f.b == i.b and kept_group(f) == group and f.probability >= i.probability for f in found
        ):
            return None
    candidates = [*(i for i in stored if i.b not in gone), *found]
    if tied_at_limit(candidates):
        return None
    kept = keep_likeliest(candidates)
    if _touched_at_full_limit(kept, gone):
        return None
    return kept


def _touched_at_full_limit(kept: list[Inferred], gone: Collection[str]) -> bool:
    """Whether a full kind's least likely inference is about a touched person: its place in
    the files may have moved (its records changed), and a person never stored, as likely
    and now before it, would take its place."""
    for group, members in by_kept_group(kept).items():
        if len(members) == KEPT[group]:
            lowest = min(i.probability for _, i in members)
            if any(i.b in gone and i.probability == lowest for _, i in members):
                return True
    return False


def declared_rows(
    relations: Iterable[DeclaredRelation], person_of: dict[str, str]
) -> list[EdgeRow]:
    """Declared relations whose two records are known, each once, as rows of the person
    of the declaring record (``seq`` is -1: a declaration is identified by its records)."""
    found = {(r.record, r.relation, r.related) for r in relations}
    rows = []
    for record, relation, related in sorted(found):
        a, b = person_of.get(record), person_of.get(related)
        if a is None or b is None:
            continue
        rows.append(
            EdgeRow(a, b, -1, relation, DECLARED_PROBABILITY, "declared", (record, related), ())
        )
    return rows


def _order(row: EdgeRow) -> tuple:
    if row.basis == "declared":
        return (0, row.evidence, row.kind, "", 0)
    return (1, (), "", row.person, row.seq)


def assemble(profiles: dict[str, Profile], rows: Iterable[EdgeRow]) -> FamilyGraph:
    """The family graph of these rows (the profiles of both ends of each row needed)."""
    graph = FamilyGraph(profiles)
    seen: set[tuple] = set()
    for row in sorted(rows, key=_order):
        identity = (*_order(row), row.person, row.other)
        if identity in seen:
            continue
        seen.add(identity)
        graph.add(
            row.person,
            row.other,
            row.kind,
            row.probability,
            basis=row.basis,
            evidence=row.evidence,
            reasons=row.reasons,
        )
    return graph


def children_in(rows: Iterable[EdgeRow], parents: set[str]) -> set[str]:
    """The children of these parents that the rows name, at any probability."""
    found: set[str] = set()
    for r in rows:
        if r.person in parents and r.kind == "child":
            found.add(r.other)
        elif r.other in parents and r.kind in PARENT_KINDS:
            found.add(r.person)
    return found


def encode_key(table: str, key: Any) -> str:
    """A kinship-index key as text: its table, then its parts."""
    parts = key if isinstance(key, tuple) else (key,)
    return SEP.join((table, *parts))


def member_key(record_id: str) -> str:
    return encode_key("member", record_id)


def person_keys(p: Profile) -> set[str]:
    """Every key a person is filed under: its index keys and its records."""
    found = {encode_key(t, k) for t, keys in index_keys(p).items() for k in keys}
    return found | {member_key(r.id) for r in p.records}


def reader_keys(keys: Iterable[str]) -> set[str]:
    """The keys of the persons whose inferences read a person filed under ``keys``."""
    found: set[str] = set()
    for key in keys:
        table, _, rest = key.partition(SEP)
        for reader in READERS.get(table, ()):
            found.add(reader + SEP + rest)
    return found


def read_keys(p: Profile) -> dict[str, tuple[str, Any]]:
    """The keys `infer_for` reads for this person: text → (table, key)."""
    return {encode_key(t, k): (t, k) for t, keys in lookup_keys(p).items() for k in keys}
