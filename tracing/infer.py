"""Kinship inferred from names: a record's `father_name` / `mother_name` (or its patronym,
"Ag Souleymane") matched against other persons' own names, with sex, an age gap that
allows parenthood, origin place and shared case files; brothers and sisters through the
parents' names they declare (same father and same mother: sibling; one of the two:
half-sibling, polygamy being normal).

Candidates come from an index of name identities (`tracing.kinindex`: variant groups,
so spellings meet), never from a scan of everyone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass

from tracing import evidence as ev
from tracing.kinindex import KinIndex, father_keys, mother_keys, parent_crowd, sibling_crowd
from tracing.persons import ParentName, Profile, family_ids, given_ids
from tracing.reasons import Reason

__all__ = [
    "Inferred",
    "by_kept_group",
    "household_kin",
    "infer_for",
    "keep_likeliest",
    "kept_group",
    "parent_score",
    "sibling_score",
    "tied_at_limit",
]

MIN_PROBABILITY = 0.05
KEPT = {"father": 5, "mother": 5, "siblings": 30, "household": 30}
"""How many inferences of each kind a person keeps, the likeliest: a common name makes
hundreds of persons fit a little, and the graph must not grow with the population."""


@dataclass(frozen=True, slots=True)
class Inferred:
    """``b`` is the ``kind`` of ``a``, with a probability, its evidence and reasons."""

    a: str
    b: str
    kind: str
    probability: float
    evidence: tuple[str, ...]
    reasons: tuple[Reason, ...]
    basis: str = "names"  # or "household": only named in one case file


def probability(points: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-points))


def _sex_fits(candidate: Profile, role: str) -> bool:
    wanted = {"father": "M", "mother": "F"}.get(role)
    return wanted is None or candidate.sex in (None, wanted)


def _declares_as_parent(person: Profile, other: Profile) -> bool:
    """``person`` names ``other`` as its father or mother (given and family names)."""
    strong = ev.POINTS["given_first"] + ev.POINTS["family_from_child"]
    for role, declared in (("father", person.fathers), ("mother", person.mothers)):
        if not _sex_fits(other, role):
            continue
        for d in declared:
            found = ev.name_of_parent(d, person, other, role)
            if found is not None and found.points >= strong:
                return True
    return False


def parent_score(
    child: Profile, candidate: Profile, role: str, declared: list[ParentName]
) -> tuple[float, tuple[Reason, ...], tuple[str, ...]] | None:
    """Points that ``candidate`` is the child's ``role`` (father or mother), their reasons
    and the child's records they read, or None."""
    if candidate.person == child.person or not _sex_fits(candidate, role):
        return None
    best: ev.Points | None = None
    evidence: tuple[str, ...] = ()
    for d in declared:
        found = ev.name_of_parent(d, child, candidate, role)
        if found is not None and (best is None or found.points > best.points):
            best, evidence = found, (d.record,)
    patronym = ev.patronym_father(child, candidate) if role == "father" else None
    if patronym is not None and (best is None or patronym.points > best.points):
        best, evidence = patronym, tuple(r.id for r in child.records)
    if best is None:
        return None
    if _declares_as_parent(candidate, child):
        return None  # a namesake: the "father" names the child as his own father
    ages = ev.age_gap(candidate, child, role)
    if ages is None:
        return None
    parts = [best, ages, ev.places(candidate, child), ev.shared_case(candidate, child)]
    points = ev.POINTS["parent_prior"] + sum(p.points for p in parts)
    if candidate.sex is not None:
        points += ev.POINTS["sex_agrees"]
    reasons = tuple(r for p in parts for r in p.reasons)
    return points, reasons, evidence


def _matching_record(candidate: Profile, declared: list[ParentName], child: Profile, role: str):
    """The candidate's record whose own name the child's declaration fits best: it stands
    for the parent in the answer when linkage put several records in one person."""
    wanted_given = {d.given[0] for d in declared if d.given}
    if role == "father":
        wanted_given |= child.patronyms
    wanted_family = {f for d in declared for f in d.family} or set(child.family)

    def fit(k: int) -> tuple[int, int, bool]:
        parts, record = candidate.names[k], candidate.records[k]
        return (
            len(wanted_given & set(given_ids(parts))),
            len(wanted_family & family_ids(parts)),
            (record.source, record.case_id) in child.cases,
        )

    best = max(range(len(candidate.records)), key=fit)
    return candidate.records[best].id


def _parents(index: KinIndex, child: Profile, among: set[str] | None) -> Iterator[Inferred]:
    household = index.same_case(child)
    for role, declared in (("father", child.fathers), ("mother", child.mothers)):
        keys = father_keys(child) if role == "father" else mother_keys(child)
        candidates = index.take("name", keys) | household
        if role == "father":  # "Ag Souleymane": a father named Souleymane, of any family
            candidates |= index.take("given", child.patronyms)
        if among is not None:
            candidates &= among
        scored = []
        for person in candidates:
            found = parent_score(child, index.profiles[person], role, declared)
            if found is not None:
                scored.append((person, *found))
        penalty = parent_crowd(child, role, index.size)
        scored.sort(key=lambda s: (-s[1], index.profiles[s[0]].order(), s[0]))
        for person, points, reasons, evidence in scored[: KEPT[role]]:
            p = probability(points - penalty)
            if p >= MIN_PROBABILITY:
                parent = index.profiles[person]
                evidence = (*evidence, _matching_record(parent, declared, child, role))
                yield Inferred(child.person, person, role, p, evidence, reasons)


def _born_close(a: Profile, b: Profile) -> bool:
    """Born within the years two records of one person may disagree by."""
    if a.birth_year is None or b.birth_year is None:
        return True
    return abs(a.birth_year - b.birth_year) <= 2 + a.birth_tolerance + b.birth_tolerance


def sibling_score(a: Profile, b: Profile) -> tuple[str, float, tuple[Reason, ...]] | None:
    """(sibling or half_sibling, points, reasons) from the parents' names both declare."""
    if a.person == b.person:
        return None
    father = ev.parents_agree(a.fathers, a, b.fathers, b)
    if father is None and a.patronyms and a.patronyms & b.patronyms:
        father = "same"
    mother = ev.parents_agree(a.mothers, a, b.mothers, b, mothers=True)
    if "same" not in (father, mother):
        return None
    ages = ev.sibling_ages(a, b)
    if ages is None:
        return None
    reasons: list[Reason] = []
    points = ev.POINTS["sibling_prior"] + ev.POINTS["given_first"] + ages.points
    if father == "same":
        reasons.append(Reason("même père déclaré", "same declared father"))
    if mother == "same":
        reasons.append(Reason("même mère déclarée", "same declared mother"))
    kind = "sibling"
    if father == "same" and mother == "same":
        points += ev.POINTS["both_parents"] + ev.POINTS["family_declared"]
    elif "different" in (father, mother):
        kind = "half_sibling"
        points += ev.POINTS["family_declared"] + ev.POINTS["other_parent_differs"]
        if father != "same":
            points += ev.POINTS["mother_only"]
        reasons.append(
            Reason("mère déclarée différente", "different declared mother")
            if mother == "different"
            else Reason("père déclaré différent", "different declared father")
        )
    if a.family & b.family:
        points += ev.POINTS["same_family"]
    if a.first_given & b.first_given and a.family & b.family and _born_close(a, b):
        points += ev.POINTS["same_person_risk"]
    place = ev.places(a, b)
    case = ev.shared_case(a, b)
    points += place.points + case.points
    return kind, points, (*reasons, *ages.reasons, *place.reasons, *case.reasons)


def _siblings(index: KinIndex, a: Profile, among: set[str] | None) -> Iterator[Inferred]:
    candidates = index.take("father", father_keys(a))
    candidates |= index.take("patronym", a.patronyms)
    candidates |= index.take("mother", mother_keys(a))
    if among is not None:
        candidates &= among
    crowd = sibling_crowd(a, index.size)
    for person in candidates:
        found = sibling_score(a, index.profiles[person])
        if found is None:
            continue
        kind, points, reasons = found
        p = probability(points - crowd)
        if p >= MIN_PROBABILITY:
            evidence = (a.records[0].id, index.profiles[person].records[0].id)
            yield Inferred(a.person, person, kind, p, evidence, reasons)


def _case_roles(p: Profile, case: tuple[str, str]) -> set[str | None]:
    return {r.role for r in p.records if (r.source, r.case_id) == case}


def _declared_parent_differs(child: Profile, candidate: Profile, role: str) -> bool:
    declared = child.fathers if role == "father" else child.mothers
    given = {d.given[0] for d in declared if d.given}
    return bool(given) and not given & candidate.given


def household_kin(a: Profile, b: Profile) -> tuple[str, float, Reason] | None:
    """A guess from two persons named in one case file (a household listing, a tracing
    request) when no name says more: brothers and sisters of an age and a name, a parent a
    generation older. Weak on purpose: names and declarations outrank it."""
    shared = a.cases & b.cases
    if not shared or a.person == b.person:
        return None
    if all("suspect" in _case_roles(a, c) | _case_roles(b, c) for c in shared):
        return None
    same_family = bool(a.family & b.family) or bool(a.patronyms & b.patronyms)
    why = Reason("cités dans le même dossier", "named in the same case file")
    if a.birth_year is None or b.birth_year is None:
        return ("sibling", 0.35, why) if same_family else None
    older = a.birth_year - b.birth_year  # how much older b is
    # A mother keeps her own family name; a father and his children share theirs.
    # Two women a generation apart may be mother and daughter, or a grandmother and her
    # son's wife: less sure than a mother and her son.
    if 14 <= older <= 45 and b.sex == "F" and not same_family:
        if not _declared_parent_differs(a, b, "mother"):
            return ("mother", 0.3 if a.sex == "F" else 0.45, why)
        return None
    if -45 <= older <= -14 and a.sex == "F" and not same_family:
        return ("child", 0.3 if b.sex == "F" else 0.4, why)
    if 18 <= older <= 60 and b.sex == "M" and same_family:
        if not _declared_parent_differs(a, b, "father"):
            return ("father", 0.5, why)
        return None
    if -60 <= older <= -18 and a.sex == "M" and same_family:
        return ("child", 0.4, why)
    # A mother written under her married name, sixteen years or more older: her child.
    if 16 <= older <= 45 and b.sex == "F" and b.married_family & a.family:
        return ("mother", 0.35, why)
    if -45 <= older <= -16 and a.sex == "F" and a.married_family & b.family:
        return ("child", 0.35, why)
    # A wife written under her husband's name bears his family name too.
    married = bool(a.married_family & b.family) or bool(b.married_family & a.family)
    if married and a.sex and b.sex and a.sex != b.sex and abs(older) < 16:
        return ("spouse", 0.4, why)
    if abs(older) <= 20 and same_family:
        if _declared_parent_differs(a, b, "father"):
            return None
        return ("sibling", 0.7 if abs(older) <= 15 else 0.55, why)
    if abs(older) <= 20 and a.sex and b.sex and a.sex != b.sex:
        return ("spouse", 0.25, why)
    return None


def _household(index: KinIndex, a: Profile, among: set[str] | None) -> Iterator[Inferred]:
    household = index.same_case(a)
    for person in household if among is None else household & among:
        b = index.profiles[person]
        found = household_kin(a, b)
        if found is not None:
            kind, p, why = found
            evidence = (a.records[0].id, b.records[0].id)
            yield Inferred(a.person, person, kind, p, evidence, (why,), "household")


def kept_group(i: Inferred) -> str:
    """Which of `KEPT`'s limits an inference counts against."""
    if i.basis == "household":
        return "household"
    return "siblings" if i.kind in ("sibling", "half_sibling") else i.kind


def by_kept_group(found: Iterable[Inferred]) -> dict[str, list[tuple[int, Inferred]]]:
    """The inferences of each of `KEPT`'s limits, each with its place in ``found``."""
    groups: dict[str, list[tuple[int, Inferred]]] = {}
    for n, i in enumerate(found):
        groups.setdefault(kept_group(i), []).append((n, i))
    return groups


def keep_likeliest(
    found: Iterable[Inferred], order: Callable[[str], Hashable] = str
) -> list[Inferred]:
    """The likeliest inferences of each kind (`KEPT`), in the order they were found.

    Among equally likely persons at the limit, those that come first by ``order`` (a
    person's `Profile.order`: its files' source and record id) are kept: a person's id is
    drawn at random, and two stores of the same files must propose the same relatives."""
    kept: list[tuple[int, Inferred]] = []
    for group, members in by_kept_group(found).items():
        members.sort(key=lambda m: (-m[1].probability, order(m[1].b), m[1].b, m[0]))
        kept.extend(members[: KEPT[group]])
    return [i for _, i in sorted(kept, key=lambda m: m[0])]


def tied_at_limit(found: Iterable[Inferred]) -> bool:
    """Whether some kind holds more inferences than `KEPT` with the last one kept and the
    first one left out equally likely: which of them is kept depends on the persons' order
    in the files, not on what the inferences say."""
    for group, members in by_kept_group(found).items():
        limit = KEPT[group]
        if len(members) > limit:
            likeliest = sorted((-i.probability for _, i in members))
            if likeliest[limit - 1] == likeliest[limit]:
                return True
    return False


def infer_for(index: KinIndex, person: str, among: set[str] | None = None) -> list[Inferred]:
    """The likeliest inferred parents and brothers and sisters of ``person`` (its children
    are the persons inferring it as their parent: each edge is read from both ends); with
    ``among``, only the inferences about these persons (what a newcomer adds, `crowds`)."""
    p = index.profiles[person]
    return keep_likeliest(
        [*_parents(index, p, among), *_siblings(index, p, among), *_household(index, p, among)],
        order=lambda other: index.profiles[other].order(),
    )
