"""`nrm versions`: a record's earlier values, which re-imports keep (`record_versions`),
erased for one record with a reason, or past a retention limit; both audited."""

from __future__ import annotations

import click

from api.cli_common import bad_input, db_option, emit, json_option, open_service, source_option
from api.clikit import Group, _
from i18n import N_
from service import Actor


@click.group("versions", cls=Group, help=N_("A record's earlier values, kept by re-imports."))
def versions_group() -> None:
    pass


@versions_group.command(
    "erase",
    help=N_(
        "Erase the earlier values of the record RECORD_ID (a value given in error stays in "
        "them); the record as it is now is untouched, the reason is audited."
    ),
)
@click.argument("record_id")
@source_option
@click.option(
    "--reason",
    required=True,
    help=N_("Why, in words (kept in the audit trail for good: never quote the erased value)."),
)
@json_option
@db_option
def versions_erase(
    record_id: str, source: str | None, reason: str, as_json: bool, db_url: str | None
) -> None:
    with bad_input():
        erased = open_service(db_url).erase_versions_by_record_id(
            Actor.operator("nrm versions erase"), record_id, source, reason
        )
    if as_json:
        emit({"record_id": record_id, "erased": erased})
    else:
        click.echo(_("earlier versions erased: {count}").format(count=erased))


@versions_group.command(
    "prune",
    help=N_("Delete every record version replaced more than DAYS days ago (audited)."),
)
@click.option("--older-than", "days", type=click.IntRange(min=0), required=True, metavar="DAYS")
@json_option
@db_option
def versions_prune(days: int, as_json: bool, db_url: str | None) -> None:
    deleted = open_service(db_url).prune_record_versions(Actor.operator("nrm versions prune"), days)
    if as_json:
        emit({"older_than_days": days, "erased": deleted})
    else:
        click.echo(_("earlier versions erased: {count}").format(count=deleted))
