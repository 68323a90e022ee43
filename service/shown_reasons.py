"""A pair's stored reasons as a reader may read them.

The reasons are worded once, when the pair is scored, for reviewers: they quote each
record's birth as it was written, to the day. Someone who reads either record of the
pair in its minimal view (another organisation's record, no purpose stated) is shown
only the years of its birth (`protection.birth_for`), so to them the birth's reason
quotes years too, at the same level and weight. Two levels say more than years
(`same_day`: "même date"; `overlap_narrow`: dates compatible to within a few months):
beside the reader's own record, whose date they read, they would give the other's day or
month. To that reader they are withheld: level `withheld`, weight 0, the words saying so.
(The pair's probability still sums every weight: a reader who works it back learns how
much the births agreed; the queue shows probabilities to every reviewer.) Every other
reason is as stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matching.explain import FIELD_LABELS, quoted_reason
from models.records import PersonRecord
from service.context import Actor
from service.protection import Access, access_to, years_of

BIRTH = "birth"
FINER_THAN_YEARS = frozenset({"same_day", "overlap_narrow"})
WITHHELD = "withheld"
WITHHELD_WORDS = (
    "années compatibles ; le détail, réservé aux lecteurs du dossier, dirait la date",
    "consistent years; the detail, kept for readers of the case file, would tell the date",
)


def reasons_shown(
    actor: Actor,
    reasons: Sequence[dict[str, Any]],
    pair: tuple[PersonRecord | None, PersonRecord | None],
) -> list[dict[str, Any]]:
    """`reasons` of the pair of records `pair` (None: a record no longer stored) as
    `actor` may read them."""
    if all(r is not None and access_to(actor, r) is not Access.MINIMAL for r in pair):
        return list(reasons)
    years = (_years(pair[0]), _years(pair[1]))
    return [_in_years(r, years) if r["field"] == BIRTH else r for r in reasons]


def _years(record: PersonRecord | None) -> str:
    return (years_of(record) if record is not None else None) or "?"


def _in_years(reason: dict[str, Any], years: tuple[str, str]) -> dict[str, Any]:
    if reason["level"] in FINER_THAN_YEARS:
        (label_fr, label_en), (words_fr, words_en) = FIELD_LABELS[BIRTH], WITHHELD_WORDS
        quoted = f"{years[0]} ~ {years[1]}"
        return {
            "field": BIRTH,
            "level": WITHHELD,
            "weight": 0.0,
            "fr": f"{label_fr} : {quoted} ({words_fr})",
            "en": f"{label_en}: {quoted} ({words_en})",
        }
    worded = quoted_reason(BIRTH, reason["level"], reason["weight"], years)
    return {
        **reason,
        "fr": _with_number_of(worded.fr, reason["fr"]),
        "en": _with_number_of(worded.en, reason["en"]),
    }


def _with_number_of(text: str, stored: str) -> str:
    """`text` ending in the number `stored` ends in (worded from the unrounded weight)."""
    return f"{text.rsplit(' ', 1)[0]} {stored.rsplit(' ', 1)[-1]}"
