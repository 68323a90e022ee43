"""`nrm assess`: the safe-return assessment of a person, and recording the caseworker's
decision on their return (`--decide`)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from api.cli_common import (
    EXIT_BAD_INPUT,
    db_option,
    emit,
    json_option,
    lang_option,
    open_service,
    source_option,
)
from api.clikit import Command, _, current_language, label, set_language
from i18n import N_, day
from models.birthdates import DateError, parse_plain_date
from service import Actor
from service.errors import UseCaseError
from service.returns import ReturnRequest
from tracing.decisions import DECISIONS, BestInterests


class Day(click.ParamType):
    """A day as the imports read one (`models.birthdates.parse_plain_date`): dd/mm/yyyy
    or ISO."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_plain_date(str(value))
        except DateError:
            self.fail(_("not a date: {value} (dd/mm/yyyy)").format(value=value), param, ctx)


DAY = Day()


def _best_interests(
    decided_on: date | None, body: str | None, reference: str | None
) -> BestInterests | None:
    if decided_on is None and body is None and reference is None:
        return None
    if decided_on is None or not body:
        raise click.UsageError(_("a Best Interests Determination needs --bid-date and --bid-body"))
    return BestInterests(decided_on, body, reference)


def _bid_text(bid: dict[str, Any] | None) -> str | None:
    if not bid:
        return None
    return ", ".join(v for v in (bid["body"], bid["decided_on"], bid.get("reference")) if v)


def _print(found: dict[str, Any]) -> None:
    click.echo(
        _("{status} (advisory, {day}; version {version})").format(
            status=label(found["status"]), day=found["assessed_on"], version=found["version"]
        )
    )
    names = {f["factor"]: label(f["factor"]) for f in found["factors"]}
    width = max(map(len, names.values()), default=0)
    for factor in found["factors"]:
        named = [f"{r['source']} {r['record_id']}" for r in factor["records"]]
        evidence = f" [{', '.join(named)}]" if named else ""
        name = names[factor["factor"]].ljust(width)
        click.echo(f"  {name}  {label(factor['status'])}{evidence}")
        for reason in factor["reasons"]:
            click.echo(f"      {reason}")
    recorded = [found["decision"]] if "decision" in found else found["decisions"][:1]
    for decision in recorded:
        click.echo(
            _(
                "latest decision ({state}): {decision} by {who} on {day}, to review by {review_by}"
            ).format(
                state=label(decision["state"]),
                decision=label(decision["decision"]),
                who=decision["decided_by"] or "?",
                day=day(decision["decided_at"][:10], current_language()),
                review_by=day(decision["review_by"], current_language()),
            )
        )
        extra = (
            (_("note: {text}"), decision["note"]),
            (_("Best Interests Determination: {text}"), _bid_text(decision["best_interests"])),
            (_("administrator's override: {text}"), decision["override"]),
        )
        for line, text in extra:
            if text:
                click.echo("      " + line.format(text=text))
        if decision.get("withheld"):
            click.echo("      " + decision["withheld"])
        for reason in decision["stale"]:
            click.echo("      " + _("no longer stands: {reason}").format(reason=reason))


@click.command(
    "assess",
    cls=Command,
    help=N_(
        "Safe-return assessment (advisory) of the person RECORD_ID belongs to: each factor as "
        'risk, no_known_risk or unknown, with evidence and reasons. Never "safe". With '
        "--decide, records the caseworker's decision on today's assessment."
    ),
)
@click.argument("record_id")
@source_option
@click.option(
    "--decide",
    type=click.Choice(DECISIONS),
    default=None,
    help=N_("Record a decision on the return, made on the assessment printed."),
)
@click.option(
    "--version",
    "version",
    default=None,
    help=N_("The version of the assessment the decision is made on (as nrm assess prints it)."),
)
@click.option("--note", default=None, help=N_("Why (kept with the decision)."))
@click.option(
    "--review-by",
    type=DAY,
    default=None,
    help=N_("Review date (default: in 90 days, at most a year)."),
)
@click.option("--bid-date", type=DAY, default=None, help=N_("Date of the child's BID."))
@click.option("--bid-body", default=None, help=N_("Who made the BID (panel, service)."))
@click.option("--bid-reference", default=None, help=N_("The BID's reference."))
@click.option(
    "--override",
    default=None,
    help=N_(
        "Why a return is recommended despite what stands in the way (an administrator's "
        "override: at the command line, the operator's, audited with their account)."
    ),
)
@lang_option
@json_option
@db_option
def assess_command(
    record_id: str,
    source: str | None,
    decide: str | None,
    version: str | None,
    note: str | None,
    review_by: date | None,
    bid_date: date | None,
    bid_body: str | None,
    bid_reference: str | None,
    override: str | None,
    lang: str | None,
    as_json: bool,
    db_url: str | None,
) -> None:
    if lang:
        set_language(click.get_current_context(), None, lang)
    bid = _best_interests(bid_date, bid_body, bid_reference)
    if decide is None and (version or note or review_by or bid or override):
        raise click.UsageError(
            _("--version, --note, --review-by, --bid-* and --override go with --decide")
        )
    if decide is not None and not version:
        raise click.UsageError(
            _("--decide needs --version: the version of the assessment nrm assess printed")
        )
    lang = lang or current_language()
    service = open_service(db_url)
    try:
        if decide is None:
            found = service.assessment_of_record(
                Actor.operator("nrm assess"), record_id, source=source, lang=lang
            )
        else:
            request = ReturnRequest(decide, note, review_by, bid, override)
            found = service.decide_return_of_record(
                Actor.operator("nrm assess --decide"),
                record_id,
                request,
                version,
                source=source,
                lang=lang,
            )
    except UseCaseError as exc:
        click.echo(_("Error: {message}").format(message=exc.text(lang)), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        emit(found)
        return
    if "decision" in found:
        click.echo(_("Decision recorded: {id}").format(id=found["decision"]["id"]))
    _print(found)
