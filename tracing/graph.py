"""The family graph: nodes are persons (entities), edges are relations.

A directed edge ``a → b`` with key ``kind`` reads "b is the *kind* of a", as in the
relations file. Every edge is stored with its inverse (a father's child, a sibling's
sibling). An edge holds a probability, whether someone declared it, the records that
are its evidence, and reasons in French and English. Two pieces of evidence for the
same edge combine as independent ones (noisy-or) when one of them is a declaration;
two inferences of one edge (from the child's side and from the parent's) are the same
names read twice, so the stronger is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx

from tracing.infer import Inferred, KinIndex, infer_for
from tracing.persons import DeclaredRelation, Profile, TracingRecord, build_profiles
from tracing.reasons import Reason, relation_word

__all__ = ["Edge", "FamilyGraph", "Population", "build_graph"]

DECLARED_PROBABILITY = 0.97
PARENT_KINDS = frozenset({"mother", "father", "parent"})
SYMMETRIC = frozenset({"sibling", "half_sibling", "spouse", "other"})


@dataclass(slots=True)
class Edge:
    kind: str
    probability: float
    declared: bool
    evidence: set[str] = field(default_factory=set)
    reasons: list[Reason] = field(default_factory=list)


def parent_kind(sex: str | None) -> str:
    return {"F": "mother", "M": "father"}.get(sex or "", "parent")


class FamilyGraph:
    """Persons and their relations; see the module docstring for the reading of an edge."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self.profiles = profiles
        self.g = nx.MultiDiGraph()
        self.g.add_nodes_from(profiles)

    def inverse(self, kind: str, a: str) -> str:
        """What ``a`` is to ``b`` when ``b`` is the ``kind`` of ``a``."""
        if kind in PARENT_KINDS:
            return "child"
        if kind == "child":
            return parent_kind(self.profiles[a].sex)
        if kind in SYMMETRIC:
            return kind
        return "other"  # a guardian's ward has no word of its own in the vocabulary

    def add(
        self,
        a: str,
        b: str,
        kind: str,
        probability: float,
        *,
        declared: bool,
        evidence: Iterable[str],
        reasons: Iterable[Reason],
    ) -> None:
        if a == b:
            return
        if kind == "parent":
            kind = parent_kind(self.profiles[b].sex)
        reasons = list(reasons)
        evidence = set(evidence)
        self._add_one(a, b, kind, probability, declared, evidence, reasons)
        self._add_one(b, a, self.inverse(kind, a), probability, declared, evidence, reasons)

    def _add_one(
        self,
        a: str,
        b: str,
        kind: str,
        probability: float,
        declared: bool,
        evidence: set[str],
        reasons: list[Reason],
    ) -> None:
        data = self.g.get_edge_data(a, b, key=kind)
        if data is None:
            edge = Edge(kind, probability, declared, set(evidence), list(reasons))
            self.g.add_edge(a, b, key=kind, edge=edge)
            return
        edge = data["edge"]
        if declared or edge.declared:
            edge.probability = 1 - (1 - edge.probability) * (1 - probability)
        else:  # the same names seen from either end are one piece of evidence
            edge.probability = max(edge.probability, probability)
        edge.declared = edge.declared or declared
        edge.evidence |= evidence
        edge.reasons.extend(r for r in reasons if r not in edge.reasons)

    def edges_of(self, a: str) -> Iterator[tuple[str, Edge]]:
        """(b, edge) for every relation of ``a``."""
        if a not in self.g:
            return
        for _, b, data in self.g.out_edges(a, data=True):
            yield b, data["edge"]

    def parents(self, a: str, minimum: float = 0.0) -> list[tuple[str, Edge]]:
        return [
            (b, e)
            for b, e in self.edges_of(a)
            if e.kind in PARENT_KINDS and e.probability >= minimum
        ]

    def children(self, a: str, minimum: float = 0.0) -> list[tuple[str, Edge]]:
        return [
            (b, e) for b, e in self.edges_of(a) if e.kind == "child" and e.probability >= minimum
        ]

    def add_declared(
        self, relations: Iterable[DeclaredRelation], person_of: dict[str, str]
    ) -> None:
        for r in relations:
            a, b = person_of.get(r.record), person_of.get(r.related)
            if a is None or b is None:
                continue
            word_fr, word_en = relation_word(r.relation, "fr"), relation_word(r.relation, "en")
            self.add(
                a,
                b,
                r.relation,
                DECLARED_PROBABILITY,
                declared=True,
                evidence=(r.record, r.related),
                reasons=(Reason(f"déclaré : {word_fr}", f"declared: {word_en}"),),
            )

    def add_inferred(self, found: Iterable[Inferred]) -> None:
        for i in found:
            self.add(
                i.a,
                i.b,
                i.kind,
                i.probability,
                declared=False,
                evidence=i.evidence,
                reasons=i.reasons,
            )


@dataclass(slots=True)
class Population:
    """Profiles, their name index and the declared relations: what a graph is built from."""

    profiles: dict[str, Profile]
    index: KinIndex
    declared: list[DeclaredRelation]
    person_of: dict[str, str]

    @classmethod
    def build(
        cls, records: list[TracingRecord], relations: Iterable[DeclaredRelation]
    ) -> Population:
        profiles = build_profiles(records)
        person_of = {r.id: r.person for r in records}
        return cls(profiles, KinIndex.build(profiles), list(relations), person_of)

    def graph(self, focus: Iterable[str] | None = None) -> FamilyGraph:
        """Declared relations, and inferred ones for every person (``focus`` None) or for
        the persons in ``focus``, their parents and full siblings, and their parents'
        parents: enough to answer the relatives of the focus."""
        graph = FamilyGraph(self.profiles)
        graph.add_declared(self.declared, self.person_of)
        if focus is None:
            for person in self.profiles:
                graph.add_inferred(infer_for(self.index, person))
            return graph
        done: set[str] = set()

        def infer(people: Iterable[str]) -> None:
            for person in people:
                if person in self.profiles and person not in done:
                    graph.add_inferred(infer_for(self.index, person))
                    done.add(person)

        focus = list(focus)
        infer(focus)
        near = PARENT_KINDS | {"sibling"}
        around = {b for p in focus for b, e in graph.edges_of(p) if e.kind in near}
        infer(around)
        infer({b for p in around for b, e in graph.edges_of(p) if e.kind in PARENT_KINDS})
        return graph


def build_graph(
    records: list[TracingRecord],
    relations: Iterable[DeclaredRelation],
    focus: Iterable[str] | None = None,
) -> FamilyGraph:
    """The family graph of these records (see `Population.graph` for ``focus``)."""
    return Population.build(records, relations).graph(focus)
