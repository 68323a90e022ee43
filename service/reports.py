"""Counting people, not files (`nrm report`, `GET /reports/summary`): the persons the
MRN assists and the families looking for them, per role, organisation, case type,
region, sex, age group, year and naming group, with how many are uncertain, small cells
suppressed (`tracing.report`). Reads every record's kinship columns; audited.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from models.review import SuggestionStatus
from models.store.tracing import records_under_review
from service.context import ADMIN, CASEWORKER, Actor, UseCases
from service.kingraph import load
from tracing.persons import build_profiles
from tracing.report import summarise

READ_REPORT = frozenset({ADMIN, CASEWORKER})
"""Aggregate figures for the MRN's coordination: admins and caseworkers."""
UNDER_REVIEW = (SuggestionStatus.PENDING.value, SuggestionStatus.AWAITING_SECOND.value)
HXL = {
    "dimension": "#meta+dimension",
    "value": "#meta+value",
    "persons": "#affected+persons",
    "uncertain": "#affected+uncertain",
    "records": "#meta+records",
}
"""The CSV's HXL hashtag row, as humanitarian partners read it."""


class Reports(UseCases):
    def report(self, actor: Actor) -> dict[str, Any]:
        """How many people (not records), per dimension, and how many are uncertain: a
        record still in a suggestion under review, or not linked to a person yet."""
        actor.require(READ_REPORT)
        records, _ = load(self.store)
        profiles = build_profiles(records)
        reviewed = {str(r) for r in records_under_review(self.store, UNDER_REVIEW)}
        uncertain = {r.person for r in records if r.id in reviewed or r.entity_id is None}
        summary = summarise(profiles, uncertain).as_dict()
        self.audit(
            actor,
            "read_report",
            None,
            (),
            persons=summary["persons"],
            records=summary["records"],
        )
        return summary


def report_csv(summary: dict[str, Any]) -> str:
    """The report's cells as CSV, long format, with an HXL hashtag row under the header
    (suppressed cells are empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(HXL))
    writer.writerow(list(HXL.values()))
    totals = (summary["persons"], summary["uncertain"], summary["records"])
    writer.writerow(["total", "", *(_blank(n) for n in totals)])
    for outcome, persons in summary["outcomes"].items():
        writer.writerow(["outcome", outcome, _blank(persons), "", ""])
    for dimension, cells in summary["by"].items():
        for cell in cells:
            writer.writerow(
                [
                    dimension,
                    cell["value"],
                    *(
                        "" if cell[k] is None else cell[k]
                        for k in ("persons", "uncertain", "records")
                    ),
                ]
            )
    return out.getvalue()


def _blank(value: Any) -> Any:
    return "" if value is None else value
