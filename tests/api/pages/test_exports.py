"""The queue and the decisions as CSV and XLSX: names, reasons, words in the reader's
language, no cell a spreadsheet would run, and every export audited."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from openpyxl import load_workbook

from tests.api.pages.conftest import Pages


def _rows(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_queue_exports_as_csv_with_names_and_reasons(pages: Pages) -> None:
    answer = pages.browser("reviewer").get("/exports/queue.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    header, *rows = _rows(answer.content)
    assert header[:3] == ["Suggestion", "Statut", "Probabilité"] and "Raisons" in header
    names = {row[header.index("Nom A")] for row in rows} | {
        row[header.index("Nom B")] for row in rows
    }
    assert {"TRAORE Aminata", "TRAORÉ Aminata", "COULIBALY Awa", "KULIBALI Awa"} <= names
    assert all(row[header.index("Statut")] == "en attente" for row in rows)
    assert all("nom" in row[header.index("Raisons")] for row in rows)


def test_decisions_export_as_xlsx_and_a_formula_is_shown_not_run(pages: Pages) -> None:
    world = pages.world
    answer = world.client.post(
        f"/suggestions/{world.suggestions['adult']}/decision",
        json={"decision": "non_match", "note": '=HYPERLINK("http://x")'},
        headers=world.headers("reviewer", **{"If-Match": world.etag("adult")}),
    )
    assert answer.status_code == 200, answer.text
    book = load_workbook(
        io.BytesIO(pages.browser("reviewer", lang="en").get("/exports/decisions.xlsx").content)
    )
    sheet = book.active
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["Decision taken"].value == "not a match"
    assert {row["Name A"].value, row["Name B"].value} == {"TRAORE Aminata", "TRAORÉ Aminata"}
    assert row["Note"].value == '\'=HYPERLINK("http://x")' and row["Note"].data_type == "s"
    assert row["Reasons"].value


def test_an_export_is_audited(pages: Pages) -> None:
    pages.browser("reviewer").get("/exports/queue.xlsx")
    trail = pages.world.client.get(
        "/audit?action=export_suggestions", headers=pages.world.headers("admin")
    ).json()
    assert trail["items"] and trail["items"][0]["detail"]["rows"] == 3


def test_exports_follow_the_queues_roles(pages: Pages) -> None:
    assert pages.browser("tracing_officer").get("/exports/decisions.csv").status_code == 403


def test_a_page_refused_is_audited_as_the_signed_in_user_s(pages: Pages) -> None:
    pages.browser("tracing_officer").get("/exports/decisions.csv")
    trail = pages.world.client.get(
        "/audit?action=access_refused", headers=pages.world.headers("admin")
    ).json()
    [row] = trail["items"]
    assert row["role"] == "tracing_officer"
    assert row["detail"]["path"] == "/exports/decisions.csv"


def test_a_csv_file_writes_numbers_times_and_roles_as_french_excel_reads_them(
    pages: Pages,
) -> None:
    world = pages.world
    assert world.decide("adult", "non_match").status_code == 200
    queue = _rows(pages.browser("reviewer").get("/exports/queue.csv").content)
    header, *rows = queue
    assert all(re.fullmatch(r"0,\d{4}|1,0000", r[header.index("Probabilité")]) for r in rows)
    header, row, *_ = _rows(pages.browser("reviewer").get("/exports/decisions.csv").content)
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}", row[header.index("Date (UTC)")])
    assert row[header.index("Rôle")] == "réviseur"


def test_a_workbook_holds_times_as_dates(pages: Pages) -> None:
    assert pages.world.decide("adult", "non_match").status_code == 200
    book = load_workbook(
        io.BytesIO(pages.browser("reviewer").get("/exports/decisions.xlsx").content)
    )
    header = [c.value for c in book.active[1]]
    assert isinstance(book.active[2][header.index("Date (UTC)")].value, datetime)


def test_an_export_in_a_format_there_is_not_is_a_missing_page(pages: Pages) -> None:
    answer = pages.browser("reviewer").get("/exports/queue.pdf")
    assert answer.status_code == 404 and "text/html" in answer.headers["content-type"]
