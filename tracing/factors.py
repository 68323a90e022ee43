"""A factor of the safe-return assessment (`tracing.assessment`): its status, the records
it rests on, named as their files name them, and its reasons in French and English."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from tracing.persons import TracingRecord
from tracing.reasons import Reason

__all__ = ["NO_KNOWN_RISK", "RISK", "UNKNOWN", "Factor", "Ref", "refs"]

RISK, NO_KNOWN_RISK, UNKNOWN = "risk", "no_known_risk", "unknown"


class Ref(NamedTuple):
    """A record as its files name it: the organisation and its id there (two
    organisations may use one id)."""

    source: str
    record_id: str


@dataclass(frozen=True, slots=True)
class Factor:
    """One factor, its status, the records it rests on (sorted) and its reasons."""

    factor: str
    status: str
    records: tuple[Ref, ...]
    reasons: tuple[Reason, ...]

    @property
    def evidence(self) -> tuple[str, ...]:
        """The records' ids: what the API has always answered as `evidence`, and what a
        decision's basis reads (`tracing.decisions.fingerprint`)."""
        return tuple(sorted({r.record_id for r in self.records}))

    def as_dict(self, lang: str = "fr") -> dict:
        return {
            "factor": self.factor,
            "status": self.status,
            "evidence": list(self.evidence),
            "records": [{"source": r.source, "record_id": r.record_id} for r in self.records],
            "reasons": [r.text(lang) for r in self.reasons],
        }


def refs(records: Iterable[TracingRecord]) -> tuple[Ref, ...]:
    """The records as their files name them, each once, sorted."""
    return tuple(sorted({Ref(r.source, r.record_id) for r in records}))
