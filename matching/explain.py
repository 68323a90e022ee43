"""Reasons for a score, field by field, in French and English, in a caseworker's words.

Every contribution is a log2 Bayes factor: +1 doubles the odds that the two
records are the same person, -1 halves them. French numbers use a decimal
comma: `nom : Kulibali ~ Coulibaly (même nom de clan, autre graphie) +3,1`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from matching.columns import Columns
from matching.compare.places import place_comparison
from matching.comparisons import COMPARISONS
from matching.guards import guard_words
from matching.values import FamilyValue, GivenValue

FIELD_LABELS: dict[str, tuple[str, str]] = {
    **{c.name: c.label for c in COMPARISONS},
    "household": ("foyer", "household"),
}

LEVEL_WORDS: dict[str, dict[str, tuple[str, str]]] = {
    c.name: dict(zip(c.levels, c.words, strict=True)) for c in COMPARISONS
}


_COMPARED = tuple(
    (c.name, c.levels, FIELD_LABELS[c.name], LEVEL_WORDS[c.name]) for c in COMPARISONS
)
"""What a reason reads of each comparison, in the order of its levels and weights."""

UNQUOTED = frozenset({"phone"})
"""Fields a reason names without quoting their values: a phone number is protected
(`service/protection.py`), and a reviewer needs only to know whether the two agree."""
UNQUOTED_MINIMAL = UNQUOTED | {"origin_place"}
"""... and, in an answer to someone who sees the records minimally (a search, a tracing
search), the place of origin too: the minimal view (`service/protection.py`) holds names
and parents' names, the birth year and the region, no place below it; births then show
their years only."""


@dataclass(frozen=True, slots=True)
class FieldReason:
    field: str
    level: str
    weight: float
    fr: str
    en: str


def _number(weight: float, french: bool) -> str:
    text = f"{weight:+.1f}"
    return text.replace(".", ",") if french else text


def _title(text: str) -> str:
    return " ".join(w.capitalize() for w in text.split())


def _birth_text(columns: Columns, row: int, years: bool = False) -> str:
    earliest, latest = int(columns.birth_earliest[row]), int(columns.birth_latest[row])
    if earliest < 0:
        return "?"
    first, last = date.fromordinal(earliest), date.fromordinal(latest)
    if first == last and not years:
        return first.strftime("%d/%m/%Y")
    if first.year == last.year:
        return str(first.year)
    return f"{first.year}–{last.year}"


def _shown(columns: Columns, field: str, row: int, minimal: bool = False) -> str:
    if field == "family_name":
        return _names_shown(columns, "family", row)
    if field == "given_names":
        return _names_shown(columns, "given", row)
    if field == "sex":
        return {0: "F", 1: "M"}.get(int(columns.sex[row]), "?")
    if field == "birth":
        return _birth_text(columns, row, years=minimal)
    value = columns.value(field, row)
    if value is not None and field in columns.written:
        written = columns.as_written(field, row)
        if written:
            return written
    return value.shown if value is not None and value.shown else "?"


def _joined(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One code per distinct `(first, second)`, both codes from -1 up."""
    width = np.int64(int(second.max(initial=-1)) + 2)
    return (first.astype(np.int64) + 1) * width + (second.astype(np.int64) + 1)


def _shown_codes(columns: Columns, name: str, minimal: bool) -> np.ndarray:
    if name in (UNQUOTED_MINIMAL if minimal else UNQUOTED):
        return np.zeros(len(columns), dtype=np.int64)
    if name == "family_name":
        return columns.family.astype(np.int64)
    if name == "given_names":
        return columns.given.astype(np.int64)
    if name == "birth":
        return _joined(columns.birth_earliest, columns.birth_latest)
    if name == "origin_place":
        return columns.place.astype(np.int64)
    codes = getattr(columns, name).astype(np.int64)
    if name in columns.written:
        return _joined(codes, columns.written[name][0])
    return codes


def shown_codes(columns: Columns, field: int, minimal: bool = False) -> np.ndarray:
    """For comparison number `field` (`COMPARISONS`' order), a code per row: two rows of
    one code are quoted alike by its reason (the name, birth, place or parent's name as
    the record wrote it; nothing for a field a reason does not quote). It reads what
    `_shown` and `field_reason` read, kept beside them: `reason_classes` words once the
    pairs it finds alike."""
    name = COMPARISONS[field].name
    return columns.derive(
        f"shown_codes:{name}:{minimal}", lambda: _shown_codes(columns, name, minimal)
    )


def _names_shown(columns: Columns, vocabulary: str, row: int) -> str:
    """A family or given name as a reason shows it, worked out once per distinct value of
    the population (a million records' reasons show the same names again and again)."""
    code = int(getattr(columns, vocabulary)[row])
    shown = columns.derive(f"shown_{vocabulary}", dict)
    text = shown.get(code)
    if text is None:
        text = shown[code] = _name_text(columns.value(vocabulary, row))
    return text


def _name_text(value: FamilyValue | GivenValue | None) -> str:
    if value is None:
        return "?"
    if isinstance(value, FamilyValue):
        return _title(value.folded)
    aliases = list(value.alias_keys)
    shown = _title(" ".join(value.folded)) or "?"
    return shown + (f" ({_title(' '.join(aliases))})" if aliases else "")


def field_reason(
    columns: Columns,
    field: int,
    level_code: int,
    weight: float,
    row_a: int,
    row_b: int,
    minimal: bool = False,
) -> FieldReason:
    """The reason of comparison number `field` (`COMPARISONS`' order) for two rows, at
    that level and weight. What it reads of each row: `shown_codes`."""
    name, names_of_levels, (label_fr, label_en), words = _COMPARED[field]
    level = names_of_levels[level_code]
    words_fr, words_en = words[level]
    if name in (UNQUOTED_MINIMAL if minimal else UNQUOTED):
        fr, en = f"{label_fr} : {words_fr}", f"{label_en}: {words_en}"
    elif name == "origin_place":
        place = place_comparison(columns.value("place", row_a), columns.value("place", row_b))
        fr, en = place.reason_fr, place.reason_en
    else:
        shown = (_shown(columns, name, row_a, minimal), _shown(columns, name, row_b, minimal))
        return quoted_reason(name, level, weight, shown)
    number = f"{weight:+.1f}"
    return FieldReason(name, level, weight, f"{fr} {number.replace('.', ',')}", f"{en} {number}")


def quoted_reason(name: str, level: str, weight: float, shown: tuple[str, str]) -> FieldReason:
    """The reason of comparison `name` at `level` and `weight` quoting the two values
    `shown`: `nom : Kulibali ~ Coulibaly (même nom de clan, autre graphie) +3,1`."""
    (label_fr, label_en), words = FIELD_LABELS[name], LEVEL_WORDS[name]
    words_fr, words_en = words[level]
    quoted = f"{shown[0]} ~ {shown[1]}"
    number = f"{weight:+.1f}"
    return FieldReason(
        name,
        level,
        weight,
        f"{label_fr} : {quoted} ({words_fr}) {number.replace('.', ',')}",
        f"{label_en}: {quoted} ({words_en}) {number}",
    )


def explain_pair(
    columns: Columns,
    row_a: int,
    row_b: int,
    levels: np.ndarray,
    weights: np.ndarray,
    household: float = 0.0,
    sibling: bool = False,
    held: int = 0,
    minimal: bool = False,
    learned: float = 0.0,
) -> list[FieldReason]:
    """One reason per comparison (and one for household support when there is any, one
    for what a model learned from reviewers moved), then one warning per guard that keeps
    the pair from an automatic merge (`held`). `minimal`: worded for someone who sees the
    records minimally (`UNQUOTED_MINIMAL`)."""
    return [
        *(
            field_reason(columns, field, level_code, weight, row_a, row_b, minimal)
            for field, level_code, weight in zip(
                range(len(_COMPARED)),
                np.asarray(levels).tolist(),
                np.asarray(weights).tolist(),
                strict=True,
            )
        ),
        *pair_reasons(household, sibling, held, learned),
    ]


def pair_reasons(
    household: float = 0.0, sibling: bool = False, held: int = 0, learned: float = 0.0
) -> list[FieldReason]:
    """The reasons after the comparisons': a likely sibling, household support, what the
    model learned from reviewers' decisions moved (log2 odds), then one warning per guard
    that holds the pair back."""
    reasons: list[FieldReason] = []
    if sibling:
        reasons.append(
            FieldReason(
                "sibling",
                "likely_sibling",
                0.0,
                "frère ou sœur probable : mêmes parents, prénoms différents ; ce qu'ils partagent "
                "(nom, parents, village, date des jumeaux) ne compte pas",
                "likely brother or sister: same parents, different given names; what siblings "
                "share (name, parents, village, twins' birth date) does not count",
            )
        )
    if household:
        supported = household > 0
        fr = (
            "d'autres membres des deux dossiers concordent"
            if supported
            else "aucun autre membre des deux foyers ne concorde"
        )
        en = (
            "other members of both cases match"
            if supported
            else "no other member of the two households matches"
        )
        reasons.append(
            FieldReason(
                "household",
                "supported" if supported else "unsupported",
                household,
                f"foyer : {fr} {_number(household, True)}",
                f"household: {en} {_number(household, False)}",
            )
        )
    if learned:
        raised = learned > 0
        fr = "plus" if raised else "moins"
        en = "more" if raised else "less"
        reasons.append(
            FieldReason(
                "learned",
                "raised" if raised else "lowered",
                learned,
                f"appris des relecteurs : ils ont confirmé des paires comme celle-ci {fr} "
                f"souvent que les champs ne le disent {_number(learned, True)}",
                f"learned from reviewers: they confirmed pairs like this one {en} often than "
                f"the fields say {_number(learned, False)}",
            )
        )
    for guard in guard_words(held):
        reasons.append(
            FieldReason(
                "guard",
                guard.name,
                0.0,
                f"à relire : {guard.fr}",
                f"to review: {guard.en}",
            )
        )
    return reasons
