"""The family graph: nodes are persons (entities), edges are relations.

A directed edge ``a → b`` with key ``kind`` reads "b is the *kind* of a", as in the
relations file. Every edge is stored with its inverse (a father's child, a sibling's
sibling). An edge holds a probability, whether someone declared it, the records that
are its evidence, and reasons in French and English. Two pieces of evidence for the
same edge combine as independent ones (noisy-or) when one of them is a declaration;
two inferences of one edge (from the child's side and from the parent's, from names and
from a shared case file) read the same records, so the stronger is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx

from tracing.evidence import age_gap
from tracing.infer import Inferred, infer_for
from tracing.kinindex import KinIndex
from tracing.persons import DeclaredRelation, Profile, TracingRecord, build_profiles
from tracing.reasons import Doubt, Reason, relation_word

__all__ = ["Edge", "FamilyGraph", "Population", "build_graph"]

DECLARED_PROBABILITY = 0.97
PARENT_KINDS = frozenset({"mother", "father", "parent"})
SYMMETRIC = frozenset({"sibling", "half_sibling", "spouse", "other"})
NEAR = PARENT_KINDS | {"child", "sibling"}  # whose relations a person's relatives follow from
NEAR_PROBABILITY = 0.3
NEAR_FANOUT = 6


@dataclass(slots=True)
class Edge:
    kind: str
    probability: float
    basis: set[str]  # declared, names, household
    evidence: set[str] = field(default_factory=set)
    reasons: list[Reason] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        return "declared" in self.basis


def parent_kind(sex: str | None) -> str:
    return {"F": "mother", "M": "father"}.get(sex or "", "parent")


def _declared_reason(kind: str) -> Reason:
    return Reason(f"déclaré : {relation_word(kind)}", f"declared: {relation_word(kind, 'en')}")


def declared_doubts(child: Profile, parent: Profile, kind: str) -> list[Doubt]:
    """Warnings on a declared parent the records contradict (a file may swap two columns or
    two ids): a father recorded as a woman, a mother as a man, a parent whose birth leaves
    no room for parenthood. The relation stays declared; whoever reads it is told."""
    doubts = []
    fr, en = relation_word(kind), relation_word(kind, "en")
    if {"father": "F", "mother": "M"}.get(kind) == parent.sex:
        doubts.append(
            Doubt(
                f"ATTENTION : déclaré(e) {fr} mais enregistré(e) de sexe {parent.sex}",
                f"WARNING: declared {en} but recorded as sex {parent.sex}",
            )
        )
    if age_gap(parent, child, kind) is None:  # both births known, and too close or too far
        assert parent.birth_year is not None and child.birth_year is not None
        gap = round(child.birth_year - parent.birth_year)
        if gap == 0:
            when_fr, when_en = "la même année que l'enfant", "the same year as the child"
        else:
            years_fr = f"{abs(gap)} an{'s' if abs(gap) > 1 else ''}"
            years_en = f"{abs(gap)} year{'s' if abs(gap) > 1 else ''}"
            before = gap > 0
            when_fr = f"environ {years_fr} {'avant' if before else 'après'} l'enfant"
            when_en = f"about {years_en} {'before' if before else 'after'} the child"
        doubts.append(
            Doubt(
                f"ATTENTION : déclaré(e) {fr} mais né(e) {when_fr}",
                f"WARNING: declared {en} but born {when_en}",
            )
        )
    return doubts


class FamilyGraph:
    """Persons and their relations; see the module docstring for the reading of an edge."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self.profiles = profiles
        self.g = nx.MultiDiGraph()

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
        basis: str,
        evidence: Iterable[str],
        reasons: Iterable[Reason],
    ) -> None:
        if a == b:
            return
        if kind == "parent":
            kind = parent_kind(self.profiles[b].sex)
        reasons = list(reasons)
        evidence = set(evidence)
        back = self.inverse(kind, a)
        there, here = reasons, reasons
        if basis == "declared":  # read from each end: "declared: mother" / "declared: child"
            doubts = (
                declared_doubts(self.profiles[a], self.profiles[b], kind)
                if kind in PARENT_KINDS
                else declared_doubts(self.profiles[b], self.profiles[a], back)
                if back in PARENT_KINDS
                else []
            )
            there, here = [_declared_reason(kind), *doubts], [_declared_reason(back), *doubts]
        self._add_one(a, b, kind, probability, basis, evidence, there)
        self._add_one(b, a, back, probability, basis, evidence, here)

    def _add_one(
        self,
        a: str,
        b: str,
        kind: str,
        probability: float,
        basis: str,
        evidence: set[str],
        reasons: list[Reason],
    ) -> None:
        data = self.g.get_edge_data(a, b, key=kind)
        if data is None:
            edge = Edge(kind, probability, {basis}, set(evidence), list(reasons))
            self.g.add_edge(a, b, key=kind, edge=edge)
            return
        edge = data["edge"]
        if "declared" not in edge.basis | {basis}:  # inferences share their evidence
            edge.probability = max(edge.probability, probability)
        else:
            edge.probability = 1 - (1 - edge.probability) * (1 - probability)
        edge.basis.add(basis)
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
            self.add(
                a,
                b,
                r.relation,
                DECLARED_PROBABILITY,
                basis="declared",
                evidence=(r.record, r.related),
                reasons=(),
            )

    def add_inferred(self, found: Iterable[Inferred]) -> None:
        for i in found:
            self.add(
                i.a,
                i.b,
                i.kind,
                i.probability,
                basis=i.basis,
                evidence=i.evidence,
                reasons=i.reasons,
            )


@dataclass(slots=True)
class Population:
    """Profiles, their name index and the declared relations: what a graph is built from."""

    profiles: dict[str, Profile]
    index: KinIndex
    declared: dict[str, list[DeclaredRelation]]  # by the person at either end
    person_of: dict[str, str]
    inferred: dict[str, list[Inferred]] = field(default_factory=dict)  # a cache, by person

    @classmethod
    def build(
        cls, records: list[TracingRecord], relations: Iterable[DeclaredRelation]
    ) -> Population:
        profiles = build_profiles(records)
        person_of = {r.id: r.person for r in records}
        declared: dict[str, list[DeclaredRelation]] = {}
        for r in relations:
            for end in {person_of.get(r.record), person_of.get(r.related)} - {None}:
                declared.setdefault(end, []).append(r)
        return cls(profiles, KinIndex.build(profiles), declared, person_of)

    def infer(self, person: str) -> list[Inferred]:
        """The inferred relations of one person (computed once per population)."""
        found = self.inferred.get(person)
        if found is None:
            found = self.inferred[person] = infer_for(self.index, person)
        return found

    def graph(self, focus: Iterable[str] | None = None) -> FamilyGraph:
        """Declared relations, and inferred ones, for every person (``focus`` None) or
        around the persons in ``focus``: their relatives, their relatives' parents and
        their parents' children, enough to answer the relatives of the focus."""
        graph = FamilyGraph(self.profiles)
        if focus is None:
            seen = {id(r): r for rs in self.declared.values() for r in rs}
            graph.add_declared(seen.values(), self.person_of)
            for person in self.profiles:
                graph.add_inferred(self.infer(person))
            return graph
        done: set[str] = set()
        added: set[int] = set()

        def visit(people: Iterable[str]) -> set[str]:
            """Add the declared and inferred relations of these persons; their neighbours."""
            people = [p for p in people if p in self.profiles and p not in done]
            for person in people:
                fresh = [r for r in self.declared.get(person, ()) if id(r) not in added]
                added.update(id(r) for r in fresh)
                graph.add_declared(fresh, self.person_of)
                graph.add_inferred(self.infer(person))
                done.add(person)
            return {b for p in people for b in _nearest(graph, p)}

        around = visit(focus)
        beyond = visit(around)
        visit(beyond)
        return graph


def _nearest(graph: FamilyGraph, person: str) -> list[str]:
    """Whose relations the relatives of ``person`` follow from: every declared parent,
    child or sibling, and the few most likely inferred ones (a common name must not pull
    in everyone who bears it)."""
    edges = [(b, e) for b, e in graph.edges_of(person) if e.kind in NEAR]
    declared = [b for b, e in edges if e.declared]
    inferred = sorted(
        (
            (-e.probability, graph.profiles[b].order(), b)
            for b, e in edges
            if not e.declared and e.probability >= NEAR_PROBABILITY
        ),
    )
    return declared + [b for _, _, b in inferred[:NEAR_FANOUT]]


def build_graph(
    records: list[TracingRecord],
    relations: Iterable[DeclaredRelation],
    focus: Iterable[str] | None = None,
) -> FamilyGraph:
    """The family graph of these records (see `Population.graph` for ``focus``)."""
    return Population.build(records, relations).graph(focus)
