"""`nrm trace`, `nrm report` and `nrm graph`: tracing a sought person, counting people,
and the persisted family graph."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from api.cli_common import (
    EXIT_BAD_INPUT,
    db_option,
    emit,
    file_option,
    json_option,
    lang_option,
    open_service,
)
from api.clikit import Command, Group, _, current_language, decimal, label
from api.summaries import print_hits
from i18n import N_
from models.ages import AgeSpan, read_age
from models.birthdates import DateError
from service import Actor
from service.progress import Progress
from service.reports import report_csv, report_rows
from service.sought import AgeAndYearDisagree, EmptyDescription

HIDDEN = "–"
"""A suppressed cell: small, or hidden with a small one (its size is not said)."""


@click.group("graph", cls=Group, help=N_("The persisted family graph."))
def graph_group() -> None:
    pass


@graph_group.command(
    "rebuild",
    help=N_(
        "Write the family graph again from every stored record and declared relation "
        "(imports and review decisions keep it up to date; run this after a restore)."
    ),
)
@json_option
@db_option
def graph_rebuild(as_json: bool, db_url: str | None) -> None:
    progress = Progress(
        _("persons"), enabled=None if not as_json else False, lang=current_language()
    )
    summary = open_service(db_url).rebuild_family_graph(
        Actor.operator("nrm graph rebuild"), on_persons=progress.advance
    )
    progress.done()
    if as_json:
        emit(summary)
    else:
        click.echo(
            _("family graph: {persons} persons, {edges} edge rows ({seconds} s)").format(
                **{**summary, "seconds": decimal(summary["seconds"], 1)}
            )
        )
        if summary["from"] not in (None, summary["to"]):
            click.echo(
                _(
                    "it replaced a family graph written by another version of the code ({version})"
                ).format(version=summary["from"])
            )


class Age(click.ParamType):
    """An age as the imports read one (`models.ages.read_age`): one age, a range, a bound."""

    name = "age"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> AgeSpan:
        if isinstance(value, AgeSpan):
            return value
        try:
            return read_age(str(value))
        except DateError:
            self.fail(
                _("not an age: {value} (12, 12-13 ans, plus de 18 ans)").format(value=value),
                param,
                ctx,
            )


AGE = Age()


@click.command(
    "trace",
    cls=Command,
    help=N_(
        "Persons who may be a sought person described as the family tells it (any spelling, "
        "approximate age, origin, parents' names), ranked, with reasons; audited."
    ),
)
@click.option("--given", default=None, help=N_("Given name(s) as the family says them."))
@click.option("--family", default=None, help=N_("Family name (jamu), or a patronym (Ag Ghaly)."))
@click.option(
    "--name", default=None, help=N_("A full name, when given and family are not told apart.")
)
@click.option("--sex", type=click.Choice(["F", "M", "f", "m"]), default=None, help=N_("F or M."))
@click.option(
    "--age",
    type=AGE,
    default=None,
    help=N_('Approximate age today: 12, "environ 12", "12-13 ans", "plus de 18 ans".'),
)
@click.option(
    "--birth-year",
    type=click.IntRange(1900, 2100),
    default=None,
    help=N_("Year of birth, even approximate."),
)
@click.option("--village", default=None, help=N_("Village of origin."))
@click.option("--commune", default=None, help=N_("Commune of origin."))
@click.option("--father", default=None, help=N_("The father's name."))
@click.option("--mother", default=None, help=N_("The mother's name."))
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True)
@lang_option
@json_option
@db_option
def trace_command(
    top: int, lang: str | None, as_json: bool, db_url: str | None, **sought: Any
) -> None:
    lang = lang or current_language()
    if (span := sought.pop("age")) is not None:
        sought["age"], sought["age_max"] = span.sought
    actor = replace(Actor.operator("nrm trace"), lang=lang)
    try:
        service = open_service(db_url)
        hits = service.trace(actor, sought, top=top, limited=False)
    except (EmptyDescription, AgeAndYearDisagree) as exc:
        click.echo(_("Error: {message}").format(message=exc.text(current_language())), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        emit(hits)
        return
    print_hits(hits, _("no person found"))
    if not hits and (hint := service.why_untraced(actor, sought)):
        click.echo(hint.text(lang))


@click.command(
    "report",
    cls=Command,
    help=N_(
        "People, not records: persons per role, organisation, case type, region, sex, age "
        "group, year and naming group, how many are uncertain (under review or not linked), "
        "how much files overstate people; cells under 5 persons suppressed; audited."
    ),
)
@file_option("--csv", "csv_out", N_("Also write the cells as CSV with an HXL hashtag row."))
@file_option(
    "--xlsx",
    "xlsx_out",
    N_("Also write the cells as an Excel workbook, in words (French by default)."),
)
@json_option
@db_option
def report_command(
    csv_out: Path | None, xlsx_out: Path | None, as_json: bool, db_url: str | None
) -> None:
    summary = open_service(db_url).report(Actor.operator("nrm report"))
    if csv_out is not None:
        csv_out.write_text(report_csv(summary), encoding="utf-8")
    if xlsx_out is not None:
        xlsx_out.write_bytes(_report_xlsx(summary))
    if as_json:
        emit(summary)
        return
    small = f"<{summary['smallest_cell']}"
    click.echo(
        _(
            "{persons} persons in {records} records ({files} files per person), "
            "{uncertain} uncertain"
        ).format(
            persons=small if summary["persons"] is None else summary["persons"],
            records=HIDDEN if summary["records"] is None else summary["records"],
            files=HIDDEN
            if not summary["files_per_person"]
            else decimal(summary["files_per_person"], 3),
            uncertain=small if summary["uncertain"] is None else summary["uncertain"],
        )
    )
    for outcome, persons in summary["outcomes"].items():
        count = small if persons is None else persons
        click.echo("  " + _("{name}: {value}").format(name=label(outcome), value=count))
    for dimension, cells in summary["by"].items():
        shown = ", ".join(
            f"{label(str(c['value']))} {HIDDEN if c['suppressed'] else c['persons']}" for c in cells
        )
        click.echo(_("{name}: {value}").format(name=label(dimension), value=shown))


def _report_xlsx(summary: dict[str, Any]) -> bytes:
    """The report's cells as a workbook French Excel opens as it is: one row per cell, in
    words (a suppressed cell empty, as in the CSV)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Report")[:31])
    sheet.append([_("Dimension"), _("Value"), _("Persons"), _("Uncertain"), _("Records")])
    named = {"total": _("Total"), "outcome": _("Outcome")}
    for dimension, value, *counts in report_rows(summary):
        words = [named.get(dimension) or label(dimension), label(value) if value else ""]
        sheet.append([*words, *counts])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
