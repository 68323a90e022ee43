"""Which relatives the safe-return assessment counts as evidence, and how it names them.

The relatives of a person (`tracing.relatives`) include every namesake the names make a
possible parent, brother or sister, most of them wrong. The assessment counts always a
relative the files declare (a declared suspect is never hidden) and a suspect named in one
of the person's own case files (no namesake: only the kind of kinship is inferred); any
other inferred relative only from `EVIDENCE_FLOOR` (a case file holds co-victims as well as
a household), and never an
inferred father or mother where the files declare one the records do not contradict: the
declared one is the parent. What it sets aside it says, and every relative it names says
whether it is declared or inferred, and how surely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracing.reasons import Reason, relation_word
from tracing.relatives import Relative

__all__ = ["EVIDENCE_FLOOR", "Counted", "counted", "how_related", "set_aside_suspects"]

EVIDENCE_FLOOR = 0.75
"""The score from which an inferred relative counts as evidence in the assessment (a
suspect in the family, a brother or sister also a victim, a parent to confirm). Measured
on the demo set and on a generated one (600 households, seed 23), imported, linked and
traced as the service does: of the inferred parents, brothers and sisters scored 0.75 or
more, 76 % and 79 % were true relatives; of those scored 0.3 to 0.75, 7 % and 8 %. Below
it, an inferred relative is far likelier a namesake than kin."""

DECLARED_PARENT = {
    "father": Reason("un père est déclaré", "a father is declared"),
    "mother": Reason("une mère est déclarée", "a mother is declared"),
}
"""Why an inferred father or mother is set aside: the files declare the parent."""


@dataclass(frozen=True, slots=True)
class Counted:
    """The relatives the assessment counts, and the inferred ones it sets aside, each
    with why."""

    counted: list[Relative] = field(default_factory=list)
    set_aside: list[tuple[Relative, Reason]] = field(default_factory=list)


def counted(relatives: list[Relative]) -> Counted:
    """Split ``relatives`` into those the assessment counts and those it sets aside."""
    declared_parents = {
        r.relation
        for r in relatives
        if r.declared and r.relation in DECLARED_PARENT and "contradicted" not in r.flags
    }
    found = Counted()
    for r in relatives:
        if r.declared or (r.household and r.suspect):
            found.counted.append(r)  # a suspect of the person's own case file is no namesake
        elif r.relation in declared_parents:
            found.set_aside.append((r, DECLARED_PARENT[r.relation]))
        elif r.score < EVIDENCE_FLOOR:
            floor = round(100 * EVIDENCE_FLOOR)
            found.set_aside.append(
                (r, Reason(f"moins de {floor} % de chances", f"under {floor} % likely"))
            )
        else:
            found.counted.append(r)
    return found


def _said(r: Relative, lang: str) -> str:
    relation = relation_word(r.relation, lang)
    if r.declared:
        how = "déclaré(e)" if lang == "fr" else "declared"
    else:
        how = f"{'déduit(e) à' if lang == 'fr' else 'inferred at'} {round(100 * r.score)} %"
        if r.household:
            how += ", même dossier" if lang == "fr" else ", same case file"
    return f"{r.name} ({relation}, {how})"


def how_related(relatives: list[Relative], lang: str) -> str:
    """Each relative's name, relation and whether the files declare it or the engine
    infers it, and how surely ("TRAORE Oumou (mère, déduit(e) à 33 %)"): a caseworker must
    not read an inferred mother as the child's own."""
    ordered = sorted(relatives, key=lambda r: (not r.declared, -r.score, r.name))
    return ", ".join(dict.fromkeys(_said(r, lang) for r in ordered))


def set_aside_suspects(found: Counted) -> Reason | None:
    """The relatives named as suspects the assessment does not count, and why ("KEITA
    Fousseni (père, déduit(e) à 10 %) : moins de 75 % de chances"): they are not hidden,
    the caseworker may know better than the names."""
    suspects = sorted(
        ((r, why) for r, why in found.set_aside if r.suspect),
        key=lambda rw: (-rw[0].score, rw[0].name),
    )
    if not suspects:
        return None
    fr = " ; ".join(dict.fromkeys(f"{_said(r, 'fr')} : {why.fr}" for r, why in suspects))
    en = "; ".join(dict.fromkeys(f"{_said(r, 'en')}: {why.en}" for r, why in suspects))
    return Reason(
        f"cités comme suspects mais non retenus comme proches (homonymes possibles) : {fr}",
        f"named as suspects but not counted as relatives (possible namesakes): {en}",
    )
