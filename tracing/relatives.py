"""Ranked relatives of a person: declared relations first (a vague "other" or "guardian"
link after the parents and siblings the names make likely), then inferred ones with
their evidence, including what follows from them (the mother of my full brother is my
mother; the other children of my father are my brothers and sisters, or half-brothers
and half-sisters when their mother is another wife; the mother of my child is my
spouse, never another woman the names make a possible mother of that child).

A relative named as a suspect in any case keeps that flag and a warning reason: a
relative may be the trafficker, and a tracing officer must never see one proposed as a
caregiver without it. Such a relative is listed whatever ``top`` asks for (after the top
ones when it ranks below them): a warning the safe-return assessment gives must not be
missing from the list a tracing officer reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracing.graph import Edge, FamilyGraph
from tracing.persons import TracingRecord
from tracing.reasons import Doubt, Reason, relation_word

__all__ = ["Around", "Relative", "read_around", "relatives"]

DECLARED_FLOOR = 0.9  # a declared relative ranks above every inferred one ...
VAGUE = frozenset({"other", "guardian"})
VAGUE_FLOOR = 0.6  # ... but an "other" link or a guardian (an uncle, a co-wife, an employer
# named guardian) ranks below a parent or sibling the names make likely
INFERRED_CEILING = 0.89  # scales inferred scores below declared ones, keeping their order
DERIVED = 0.9  # a relation that follows from two others is a little less sure than both
STRONG = 0.5
FOLLOWED_PARENTS = 2
FOLLOWED_SIBLINGS = 10
SIBLINGS = frozenset({"sibling", "half_sibling"})
ROLE_SEX = {"father": "M", "mother": "F"}
DERIVED_BASIS = frozenset({"derived"})
# How far each basis is trusted to name the KIND of a relation (names say "half" best).
KIND_TRUST = {"declared": 1.0, "names": 1.0, "derived": 0.9, "household": 0.6}


@dataclass(slots=True)
class Option:
    kind: str
    probability: float
    basis: frozenset[str]  # declared, names, household, derived
    reasons: list[Reason]
    evidence: set[str]

    @property
    def declared(self) -> bool:
        return "declared" in self.basis


@dataclass(slots=True)
class Relative:
    person: str
    record: TracingRecord
    relation: str
    score: float
    declared: bool
    reasons: list[Reason]
    evidence: list[str]
    name: str = ""
    suspect: bool = False
    flags: list[str] = field(default_factory=list)
    household: bool = False
    """Named in a case file of the person asked about (a household listing, a tracing
    request): a fact of the files, whatever the kinship inferred."""

    def as_dict(self, lang: str = "fr") -> dict:
        return {
            "record_id": self.record.record_id,
            "source": self.record.source,
            "entity_id": self.person if not self.person.startswith("record:") else None,
            "name": self.name,
            "relation": self.relation,
            "score": round(self.score, 4),
            "declared": self.declared,
            "flags": self.flags,
            "reasons": [r.text(lang) for r in self.reasons],
        }


def _via(graph: FamilyGraph, b: str, edge: Edge) -> tuple[str, str]:
    """ "Aminata TRAORE, sœur" for a derived reason."""
    return graph.profiles[b].label(), relation_word(edge.kind)


def _followed_parents(
    graph: FamilyGraph, parents: list[tuple[str, Edge]]
) -> list[tuple[str, Edge]]:
    """The likeliest `FOLLOWED_PARENTS` fathers and mothers, whose other children are
    proposed as brothers and sisters (a common name makes many men a possible father)."""
    ranked = sorted(parents, key=lambda pe: (-pe[1].probability, graph.profiles[pe[0]].order()))
    taken: dict[str, int] = {}
    followed = []
    for par, edge in ranked:
        taken[edge.kind] = taken.get(edge.kind, 0) + 1
        if taken[edge.kind] <= FOLLOWED_PARENTS:
            followed.append((par, edge))
    return followed


def _followed_siblings(graph: FamilyGraph, a: str) -> list[tuple[str, Edge]]:
    """The likeliest `FOLLOWED_SIBLINGS` strong full brothers and sisters, whose parents
    and brothers and sisters are proposed too."""
    strong = [
        (s, e) for s, e in graph.edges_of(a) if e.kind == "sibling" and e.probability >= STRONG
    ]
    ranked = sorted(strong, key=lambda se: (-se[1].probability, graph.profiles[se[0]].order()))
    return ranked[:FOLLOWED_SIBLINGS]


def _options(graph: FamilyGraph, a: str) -> dict[str, list[Option]]:
    out: dict[str, list[Option]] = {}

    def put(b: str, option: Option) -> None:
        if b != a:
            out.setdefault(b, []).append(option)

    for b, e in graph.edges_of(a):
        put(b, Option(e.kind, e.probability, frozenset(e.basis), list(e.reasons), set(e.evidence)))

    for s, e_s in _followed_siblings(graph, a):
        name = graph.profiles[s].label()
        for m, e_m in graph.parents(s):
            why = Reason(
                f"{relation_word(e_m.kind)} de {name} (frère ou sœur)",
                f"{relation_word(e_m.kind, 'en')} of {name} (brother or sister)",
            )
            p = e_s.probability * e_m.probability * DERIVED
            put(m, Option(e_m.kind, p, DERIVED_BASIS, [why], e_s.evidence | e_m.evidence))
        for t, e_t in graph.edges_of(s):
            if e_t.kind in SIBLINGS:
                why = Reason(
                    f"{relation_word(e_t.kind)} de {name} (frère ou sœur)",
                    f"{relation_word(e_t.kind, 'en')} of {name} (brother or sister)",
                )
                p = e_s.probability * e_t.probability * DERIVED
                put(t, Option(e_t.kind, p, DERIVED_BASIS, [why], e_s.evidence | e_t.evidence))

    my_parents = graph.parents(a, minimum=0.2)
    mine = {kind: {p for p, e in my_parents if e.kind == kind} for kind in ("father", "mother")}
    for par, e_p in _followed_parents(graph, my_parents):
        other_kind = "mother" if e_p.kind == "father" else "father"
        name = graph.profiles[par].label()
        for c, e_c in graph.children(par):
            if c == a:
                continue
            theirs = {p for p, e in graph.parents(c, minimum=0.2) if e.kind == other_kind}
            if e_p.kind == "parent" or not mine.get(other_kind) or not theirs:
                kind, factor = "sibling", 0.8
            elif mine[other_kind] & theirs:
                kind, factor = "sibling", 1.0
            else:
                kind, factor = "half_sibling", 1.0
            why = Reason(
                f"enfant de {name}, {relation_word(e_p.kind)}",
                f"child of {name}, {relation_word(e_p.kind, 'en')}",
            )
            p = e_p.probability * e_c.probability * factor * DERIVED
            put(c, Option(kind, p, DERIVED_BASIS, [why], e_p.evidence | e_c.evidence))

    for c, e_c in graph.children(a, minimum=0.2):
        parents = graph.parents(c, minimum=0.2)
        mine = _parent_sex(graph, a, [e for p, e in parents if p == a])
        for o, e_o in parents:
            if o == a:
                continue
            theirs = _parent_sex(graph, o, [e_o])
            if mine is not None and mine == theirs:
                continue  # two candidates for one role (two possible mothers): rivals
            kind, why = _co_parent(graph.profiles[c].label(), mine, theirs)
            p = e_c.probability * e_o.probability * 0.8
            put(o, Option(kind, p, DERIVED_BASIS, [why], e_c.evidence | e_o.evidence))
    return out


def _parent_sex(graph: FamilyGraph, person: str, edges: list[Edge]) -> str | None:
    """Which parent ``person`` is of a child, "M" or "F", by the roles its edges to the
    child name (father, mother) and the sex its records give; None when nothing says, or
    they disagree (a declared father recorded as a woman)."""
    said = {ROLE_SEX[e.kind] for e in edges if e.kind in ROLE_SEX}
    said |= {graph.profiles[person].sex} - {None}
    return said.pop() if len(said) == 1 else None


def _co_parent(child: str, mine: str | None, theirs: str | None) -> tuple[str, Reason]:
    """The other parent of a child is a spouse only as the other kind of parent (a father
    for a mother); where a sex is unknown, the link is said as unknown: that person may as
    well be another candidate for the same role."""
    if mine is not None and theirs is not None:
        return "spouse", Reason(f"autre parent de {child}", f"other parent of {child}")
    return "other", Reason(
        f"également parent de {child} ; sexe inconnu : l'autre parent, ou un autre "
        "candidat au même rôle",
        f"also a parent of {child}; sex unknown: the other parent, or another candidate "
        "for the same role",
    )


@dataclass(frozen=True, slots=True)
class Around:
    """Whose relations `relatives` reads besides those of the person asked about, and
    which: the parents and brothers and sisters of its strong full siblings, the children
    of its likely parents (and their parents), the parents of its likely children."""

    siblings: frozenset[str]
    parents: frozenset[str]
    children: frozenset[str]

    @property
    def everyone(self) -> frozenset[str]:
        return self.siblings | self.parents | self.children


def read_around(graph: FamilyGraph, a: str) -> Around:
    """`Around` ``a``, given every relation of ``a``. Mirrors `_options`."""
    return Around(
        frozenset(s for s, _ in _followed_siblings(graph, a)),
        frozenset(p for p, _ in _followed_parents(graph, graph.parents(a, minimum=0.2))),
        frozenset(c for c, _ in graph.children(a, minimum=0.2)),
    )


def _trust(o: Option) -> float:
    return o.probability * max(KIND_TRUST[b] for b in o.basis)


def _choose(options: list[Option]) -> tuple[str, float, bool, list[Option]]:
    """The relation kind to propose, its score, whether declared, and the options behind it."""
    by_names = [o for o in options if "names" in o.basis]
    half_by_names = max((o.probability for o in by_names if o.kind == "half_sibling"), default=0.0)
    full_by_names = max((o.probability for o in by_names if o.kind == "sibling"), default=0.0)
    declared = [o for o in options if o.declared]
    if declared:
        specific = [o for o in declared if o.kind not in ("other", "guardian")] or declared
        kind = max(specific, key=lambda o: o.probability).kind
        # Families call a half-brother "brother": the parents' names may say otherwise.
        if kind == "sibling" and half_by_names >= STRONG and half_by_names > full_by_names:
            kind = "half_sibling"
        p = max(o.probability for o in declared)
        floor = DECLARED_FLOOR if kind not in VAGUE else VAGUE_FLOOR
        score = floor + (1 - DECLARED_FLOOR) * p
        return kind, score, True, [o for o in options if o.kind == kind or o.declared]
    trusted: dict[str, float] = {}
    for o in options:
        trusted[o.kind] = max(trusted.get(o.kind, 0.0), _trust(o))
    kind = max(trusted, key=lambda k: trusted[k])
    if kind == "sibling" and half_by_names >= STRONG and half_by_names > full_by_names:
        kind = "half_sibling"
    chosen = [o for o in options if o.kind == kind]
    best = max(o.probability for o in chosen)
    rest = 1.0
    for o in chosen:
        rest *= 1 - o.probability
    score = INFERRED_CEILING * min(1 - rest, best + 0.1)
    return kind, score, False, chosen


def _suspect_reasons(graph: FamilyGraph, person: str) -> list[Reason]:
    return [
        Reason(
            f"ATTENTION : cité(e) comme suspect(e) dans le dossier {r.case_id or r.record_id}",
            f"WARNING: named as a suspect in case {r.case_id or r.record_id}",
        )
        for r in graph.profiles[person].suspect_records()
    ]


def relatives(graph: FamilyGraph, person: str, top: int = 10) -> list[Relative]:
    """The ``top`` relatives of ``person``, best first (declared before inferred), then any
    relative named as a suspect that ranks below them."""
    found: list[Relative] = []
    asked = graph.profiles[person]
    for b, options in _options(graph, person).items():
        kind, score, declared, chosen = _choose(options)
        reasons: list[Reason] = []
        evidence: set[str] = set()
        for o in sorted(chosen, key=lambda o: (not o.declared, -o.probability)):
            reasons.extend(r for r in o.reasons if r not in reasons)
            evidence |= o.evidence
        profile = graph.profiles[b]
        # The record standing for the relative: one the evidence names, else one from a
        # case file the person asked about is in (linkage may have merged two people).
        own = [r for r in profile.records if r.id in evidence] or [
            r for r in profile.records if (r.source, r.case_id) in asked.cases
        ]
        record = min(own, key=lambda r: (r.source, r.record_id)) if own else None
        record = record or profile.representative()
        suspect = profile.is_suspect
        contradicted = any(isinstance(r, Doubt) for r in reasons)
        found.append(
            Relative(
                b,
                record,
                kind,
                score,
                declared,
                _suspect_reasons(graph, b) + reasons,
                sorted(evidence),
                record.full_name
                or " ".join(p for p in (record.given_names, record.family_name) if p),
                suspect,
                ["suspect"] * suspect + ["contradicted"] * contradicted,
                bool(profile.cases & asked.cases),
            )
        )
    found.sort(key=lambda r: (-r.score, r.record.source, r.record.record_id))
    return found[:top] + [r for r in found[top:] if r.suspect]
