"""The review queue and the decisions as CSV or XLSX files, with names and reasons, for a
team that works in spreadsheets. Every cell is neutralised for spreadsheets (a name that
starts like a formula is shown, never run)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from openpyxl import Workbook

from api.pages.review import queue_filters
from api.pages.routing import PageRoute
from api.pages.web import page_actor, page_language, page_service, translate
from i18n import N_, number
from i18n.labels import WORDS
from models.recordfile import spreadsheet_safe
from service.worklist import Table

router = APIRouter(route_class=PageRoute, include_in_schema=False)

HEADERS = {
    "suggestion": N_("Suggestion"),
    "status": N_("Status"),
    "probability": N_("Probability"),
    "involves_minor": N_("Involves a minor"),
    "tracing_request": N_("Tracing request"),
    "organisation_a": N_("Organisation A"),
    "record_id_a": N_("Record A"),
    "name_a": N_("Name A"),
    "sex_a": N_("Sex A"),
    "birth_date_a": N_("Birth date A"),
    "organisation_b": N_("Organisation B"),
    "record_id_b": N_("Record B"),
    "name_b": N_("Name B"),
    "sex_b": N_("Sex B"),
    "birth_date_b": N_("Birth date B"),
    "reasons": N_("Reasons"),
    "decision_event": N_("Decision"),
    "created_at": N_("Date (UTC)"),
    "decision": N_("Decision taken"),
    "effect": N_("Effect"),
    "reverts": N_("Reverts"),
    "reviewer": N_("Reviewer"),
    "role": N_("Role"),
    "note": N_("Note"),
}
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


WORDED = frozenset({"status", "decision", "effect", "role"})
TIMES = frozenset({"created_at"})
"""Columns of UTC times (Mali's time): a date-time cell in a workbook; in a CSV file, a
day and time as the reader's spreadsheet reads them ("06/12/2026 14:16:46" in French)."""
CSV_TIME = {"fr": "%d/%m/%Y %H:%M:%S", "en": "%Y-%m-%d %H:%M:%S"}
Kind = Literal["csv", "xlsx"]
"""The files an export is written as (another address is a missing page)."""


def _cell(column: str, value: Any, _: Callable[[str], str]) -> Any:
    """A value as a reader of the sheet reads it: words in their language, never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if column in WORDED and value in WORDS:
        return _(WORDS[value])
    if column in TIMES:
        moment = datetime.fromisoformat(value)
        return (moment.astimezone(UTC) if moment.tzinfo else moment).replace(tzinfo=None)
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _csv_cell(value: Any, lang: str) -> Any:
    """A cell as a CSV file writes it for the reader's spreadsheet: a decimal comma in
    French, a time its locale reads as one."""
    if isinstance(value, datetime):
        return value.strftime(CSV_TIME.get(lang, CSV_TIME["en"]))
    if isinstance(value, float):
        return number(value, lang, 4)
    return value


def table_csv(table: Table, _: Callable[[str], str], lang: str) -> bytes:
    """UTF-8 with a byte-order mark, `;`-separated: what Excel in a French locale opens."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_(HEADERS[c]) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(_cell(c, row.get(c), _), lang) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table, _: Callable[[str], str], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([_(HEADERS[c]) for c in table.columns])
    for row in table.rows:
        sheet.append([_cell(c, row.get(c), _) for c in table.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _file(request: Request, table: Table, stem: str, kind: str) -> Response:
    _ = translate(request)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    if kind == "xlsx":
        body, media = table_xlsx(table, _, stem), XLSX_TYPE
    else:
        body, media = table_csv(table, _, page_language(request)), CSV_TYPE
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="nrm-{stem}-{stamp}.{kind}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/exports/queue.{kind}")
def export_queue(
    request: Request, kind: Kind, queue: str = "pending", minor: str | None = None
) -> Response:
    actor = page_actor(request)
    service = page_service(request)
    return _file(request, service.export_queue(actor, queue_filters(queue, minor)), "queue", kind)


@router.get("/exports/decisions.{kind}")
def export_decisions(request: Request, kind: Kind) -> Response:
    actor = page_actor(request)
    service = page_service(request)
    return _file(request, service.export_decisions(actor), "decisions", kind)
