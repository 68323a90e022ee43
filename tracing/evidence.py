"""The pieces of evidence kinship is inferred from, each a plain function returning points
(a log2 Bayes factor: +1 doubles the odds, -1 halves them) and a reason in both languages.

Weights are judgement (J), tuned on the generated set (`bench/relatives.py`); they are
declared once here so the bench and the tests read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracing.persons import ParentName, Profile
from tracing.reasons import Reason

POINTS: dict[str, float] = {
    "given_first": 4.0,  # the declared parent's first given name is the candidate's
    "given_other": 2.5,  # another of the given names
    "family_declared": 3.0,  # the declared parent's family name is the candidate's
    "family_from_child": 2.0,  # no family name declared: the child's jamu / patronym
    "family_married": 1.0,  # a mother recorded under her husband's (the child's) name
    "family_different": -4.0,
    "sex_agrees": 0.5,
    "age_plausible": 2.0,
    "age_at_the_edge": -1.0,  # a gap no parent has, allowed only by how loosely ages are known
    "age_unknown": -1.0,
    "same_village": 2.0,
    "same_commune": 1.0,
    "same_cercle": 0.5,
    "other_region": -1.5,
    "same_case": 2.5,  # both are named in one case file (a household listing)
    "parent_prior": -7.0,  # one person in many is the parent
    "sibling_prior": -6.0,
    "both_parents": 3.0,
    "other_parent_differs": 0.0,
    "mother_only": -2.0,  # same mother, another father: rarer than another wife's child
    "same_family": 1.5,
    "age_sibling_plausible": 1.0,
    "same_person_risk": -6.0,  # same name, same birth, same parents: a duplicate, not a twin
}

# A parent is 13 to 65 years older (a mother at most 50); a tolerance widens both ends.
PARENT_GAP = {"father": (15.0, 70.0), "mother": (13.0, 50.0), "parent": (13.0, 70.0)}
SIBLING_GAP = 30.0
_PARENT_BORN = {
    "father": ("père né", "father born"),
    "mother": ("mère née", "mother born"),
    "parent": ("parent né(e)", "parent born"),
}


@dataclass(frozen=True, slots=True)
class Points:
    points: float
    reasons: tuple[Reason, ...]


def _years(value: float) -> str:
    return f"{round(value):d}"


def age_gap(parent: Profile, child: Profile, role: str) -> Points | None:
    """None when the ages rule parenthood out (the namesake son of his father is younger).

    The reason names whom it speaks of ("mère née environ 25 ans avant l'enfant"): an
    inferred edge carries its reasons at both ends, and on the parent's family sheet the
    child's row must not read as the child born before the child. A gap outside what a
    parent's may be (`PARENT_GAP`), allowed only because the ages are estimates, counts
    against the link and says so: a mother nine years older is possible only if an age
    was written wrong."""
    if parent.birth_year is None or child.birth_year is None:
        return Points(
            POINTS["age_unknown"],
            (Reason("âge inconnu d'un côté", "age unknown on one side"),),
        )
    gap = child.birth_year - parent.birth_year
    tolerance = parent.birth_tolerance + child.birth_tolerance
    low, high = PARENT_GAP[role]
    if gap < low - tolerance or gap > high + tolerance:
        return None
    fr, en = _PARENT_BORN[role]
    said = Reason(
        f"{fr} environ {_years(gap)} ans avant l'enfant",
        f"{en} about {_years(gap)} years before the child",
    )
    if low <= gap <= high:
        return Points(POINTS["age_plausible"], (said,))
    too = (
        ("trop peu pour un parent", "too few for a parent")
        if gap < low
        else ("beaucoup pour un parent", "a lot for a parent")
    )
    return Points(
        POINTS["age_at_the_edge"],
        (
            Reason(
                f"{said.fr} : {too[0]}, sauf si un âge est mal noté",
                f"{said.en}: {too[1]}, unless an age is wrong",
            ),
        ),
    )


def sibling_ages(a: Profile, b: Profile) -> Points | None:
    if a.birth_year is None or b.birth_year is None:
        return Points(0.0, ())
    gap = abs(a.birth_year - b.birth_year)
    if gap > SIBLING_GAP + a.birth_tolerance + b.birth_tolerance:
        return None
    if gap < 0.1:
        why = Reason("même date de naissance (jumeaux ?)", "same birth date (twins?)")
    else:
        why = Reason(f"{_years(gap)} ans d'écart", f"{_years(gap)} years apart")
    return Points(POINTS["age_sibling_plausible"], (why,))


def places(a: Profile, b: Profile) -> Points:
    if a.villages & b.villages:
        return Points(POINTS["same_village"], (Reason("même village", "same village"),))
    if a.communes & b.communes:
        return Points(POINTS["same_commune"], (Reason("même commune", "same commune"),))
    if a.cercles & b.cercles:
        return Points(POINTS["same_cercle"], (Reason("même cercle", "same cercle"),))
    if a.regions and b.regions and not a.regions & b.regions:
        return Points(
            POINTS["other_region"],
            (Reason("régions d'origine différentes", "different regions of origin"),),
        )
    return Points(0.0, ())


def shared_case(a: Profile, b: Profile) -> Points:
    if a.cases & b.cases:
        return Points(
            POINTS["same_case"],
            (Reason("cités dans le même dossier", "named in the same case file"),),
        )
    return Points(0.0, ())


def name_of_parent(
    declared: ParentName, child: Profile, candidate: Profile, role: str
) -> Points | None:
    """How the declared father's or mother's name fits the candidate's own names."""
    if not declared.given:
        return None
    raw = declared.parts.raw
    if declared.given[0] in candidate.first_given:
        points = POINTS["given_first"]
    elif set(declared.given) & candidate.given:
        points = POINTS["given_other"]
    else:
        return None
    reasons = [Reason(f"nom déclaré « {raw} »", f"declared name “{raw}”")]
    own = candidate.family | candidate.married_family
    if declared.family:
        if declared.family & candidate.family:
            points += POINTS["family_declared"]
        elif declared.family & own or declared.spouse_family & own:
            points += POINTS["family_married"]
        elif own:
            points += POINTS["family_different"]
    else:
        from_child = child.family | {"p:" + p for p in child.patronyms}
        if role == "father":
            # A child of "Ag Ghaly" has a father whose given name is Ghaly.
            fits = bool(from_child & candidate.family) or bool(child.patronyms & candidate.given)
        else:
            fits = bool(from_child & own)
        if fits:
            points += POINTS["family_from_child"]
            reasons.append(
                Reason("nom de famille de l'enfant", "the child's family name")
                if role == "father"
                else Reason(
                    "porte le nom de famille de l'enfant (nom d'épouse ?)",
                    "bears the child's family name (married name?)",
                )
            )
    return Points(points, tuple(reasons))


def patronym_father(child: Profile, candidate: Profile) -> Points | None:
    """ "Bacary Ag Souleymane": the father's given name is Souleymane."""
    if not child.patronyms & candidate.given:
        return None
    return Points(
        POINTS["given_first"],
        (
            Reason(
                "le patronyme de l'enfant est le prénom de cet homme",
                "the child's patronym is this man's given name",
            ),
        ),
    )


def parents_agree(
    a: list[ParentName],
    a_child: Profile,
    b: list[ParentName],
    b_child: Profile,
    mothers: bool = False,
) -> str | None:
    """Whether two children declare the same father (or mother): "same", "different" or None
    (unknown). A family name missing on a side is taken from the child's own name; a mother
    written under the child's own family name may be written under her married name."""
    if not a or not b:
        return None
    agree = differ = False
    for x in a:
        for y in b:
            if not x.given or not y.given:
                continue
            x_family = x.family or frozenset(a_child.family)
            y_family = y.family or frozenset(b_child.family)
            same_given = x.given[0] == y.given[0] or (set(x.given) & set(y.given))
            family_ok = not x_family or not y_family or bool(x_family & y_family)
            family_ok = (
                family_ok
                or bool(x.spouse_family & y_family)
                or bool(y.spouse_family & x_family)
                or (mothers and (x_family <= a_child.family or y_family <= b_child.family))
            )
            if same_given and family_ok:
                agree = True
            elif not same_given:
                differ = True
    if agree:
        return "same"
    return "different" if differ else None
