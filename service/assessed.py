"""A safe-return assessment as the service answers it, and the recorded decisions shown
beside it (whether each still stands on what is known today)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tracing.decisions import WITHHELD, fingerprint, split_since, stale_reasons, version
from tracing.factors import Factor
from tracing.reasons import Reason
from tracing.relatives import Relative


@dataclass(frozen=True, slots=True)
class Assessed:
    """One person's assessment on one day: the overall status, the factors, the person's
    records (internal ids), the relatives it read and the decisions recorded on the
    person (stored rows, the latest first)."""

    person: str
    day: date
    status: str
    factors: list[Factor]
    records: tuple[str, ...]
    family: list[Relative]
    decisions: list[dict[str, Any]]

    @property
    def basis(self) -> str:
        """What a decision is made on (`tracing.decisions.fingerprint`)."""
        return fingerprint(self.records, self.factors)

    @property
    def version(self) -> str:
        """The basis and the latest decision: the ETag a decision is sent with."""
        latest = str(self.decisions[0]["id"]) if self.decisions else None
        return version(self.basis, latest)

    @property
    def entity_id(self) -> str | None:
        return None if self.person.startswith("record:") else self.person

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "assessed_on": self.day.isoformat(),
            "advisory": True,
            "status": self.status,
            "version": self.version,
            "factors": [f.as_dict(lang) for f in self.factors],
        }

    def snapshot(self) -> dict[str, Any]:
        """The assessment as a decision keeps it: both languages, to be read back later."""
        return {
            "assessed_on": self.day.isoformat(),
            "status": self.status,
            "basis": self.basis,
            "factors": [
                {
                    "factor": f.factor,
                    "status": f.status,
                    "evidence": list(f.evidence),
                    "reasons": [{"fr": r.fr, "en": r.en} for r in f.reasons],
                }
                for f in self.factors
            ],
        }


def decision_view(
    row: dict[str, Any], now: Assessed, lang: str, *, superseded: bool
) -> dict[str, Any]:
    """A recorded decision as shown: who, when, what on which assessment, and its state:
    `in_force`, `superseded` by a later decision made on its records, or `stale`: due
    for review or made on what has changed since (`stale` says why), such as a decision
    on a person another was merged with. The free text of a decision made on records
    some of which belong to another person since (a split) is withheld: it may speak of
    that other person (`tracing.decisions.split_since`)."""
    stale: list[Reason] = (
        []
        if superseded
        else stale_reasons(
            row["review_by"],
            row["records"],
            row["assessment"]["basis"],
            (now.basis, now.records),
            now.day,
        )
    )
    state = "superseded" if superseded else "stale" if stale else "in_force"
    split = split_since(row["records"], now.records)
    return {
        "id": str(row["id"]),
        "decision": row["decision"],
        "decided_at": row["created_at"].isoformat(),
        "decided_by": row["user_name"],
        "organisation": row["organisation"],
        "note": None if split else row["note"],
        "review_by": row["review_by"].isoformat(),
        "best_interests": None if split else row["best_interests"],
        "override": None if split else row["override"],
        "withheld": WITHHELD.text(lang) if split else None,
        "assessment_status": row["assessment"]["status"],
        "assessed_on": row["assessment"]["assessed_on"],
        "state": state,
        "in_force": state == "in_force",
        "stale": [r.text(lang) for r in stale],
    }


def decisions_view(now: Assessed, lang: str) -> list[dict[str, Any]]:
    """Every decision on the person, the latest first. An earlier one is superseded when
    a later decision was made on all its records; one made on records no later decision
    saw (a person merged in since) is shown stale, not superseded."""
    shown: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in now.decisions:
        records = set(row["records"])
        view = decision_view(row, now, lang, superseded=bool(seen) and records <= seen)
        if shown and view["state"] == "in_force":  # only the latest can be in force
            view = decision_view(row, now, lang, superseded=True)
        shown.append(view)
        seen |= records
    return shown
