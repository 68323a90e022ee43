"""The queue and the decisions as CSV and XLSX: names, reasons, words in the reader's
language, no cell a spreadsheet would run, and every export audited."""

from __future__ import annotations

import csv
import io

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
