"""Counting people, not files (`nrm report`, `GET /reports/summary`): the persons the
MRN assists and the families looking for them, per role, organisation, case type,
region, sex, age group, year and naming group, with how many are uncertain, small cells
suppressed (`tracing.report`). Reads every record's kinship columns; audited.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
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


def report_rows(summary: dict[str, Any]) -> Iterator[tuple[str, str, Any, Any, Any]]:
    """The report's cells in long format: `(dimension, value, persons, uncertain,
    records)`, the totals first (`total`), then the outcomes (`outcome`), then each
    dimension's cells; a suppressed count is None."""
    yield "total", "", summary["persons"], summary["uncertain"], summary["records"]
    for outcome, persons in summary["outcomes"].items():
        yield "outcome", outcome, persons, None, None
    for dimension, cells in summary["by"].items():
        for cell in cells:
            yield dimension, str(cell["value"]), cell["persons"], cell["uncertain"], cell["records"]


def report_csv(summary: dict[str, Any]) -> str:
    """The report's cells as CSV, long format (`report_rows`), with an HXL hashtag row
    under the header (suppressed cells are empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(HXL))
    writer.writerow(list(HXL.values()))
    writer.writerows(["" if v is None else v for v in row] for row in report_rows(summary))
    return out.getvalue()
