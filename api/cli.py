"""The `nrm` command line. Exit status: 0 success, 1 runtime failure, 2 bad input or usage.
Every word it shows is a message id translated into the user's language (`api.clikit`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import click

from api.cli_admin import db_group, keys_group, model_group, serve_command
from api.cli_assess import assess_command
from api.cli_common import (
    EXIT_BAD_INPUT,
    db_option,
    emit,
    file_option,
    json_option,
    lang_option,
    open_service,
    source_option,
)
from api.cli_tracing import graph_group, report_command, trace_command
from api.cli_users import user_group
from api.cli_versions import versions_group
from api.clikit import Group, _, current_language, decimal, label, set_language
from api.summaries import print_hits, print_import, print_link, print_link_errors, print_relink
from i18n import N_
from service import Actor
from service.progress import Progress, count_lines
from service.search import WildcardRefused
from service.tracing import AmbiguousRecord, UnknownPerson


@click.group(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_("nrm-tracing: link NRM case records into people, trace families, review matches."),
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=set_language,
    help=N_("Language of messages and help (default: $NRM_LANG, else the locale; French)."),
)
def main() -> None:
    pass


@main.command(
    "import",
    help=N_(
        "Load RECORDS (CSV or XLSX) into the database and link the new rows. All or nothing; "
        "an unreadable date or age is a warning (counted as unknown, kept as written) "
        "unless --strict."
    ),
)
@click.argument("records", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--relations",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=N_("Declared relations between rows (CSV)."),
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=N_(
        "Column mapping file (CSV column,field[,values] or JSON) for another system's layout "
        "and its coded values."
    ),
)
@click.option("--source", default=None, help=N_("Organisation for rows without a source column."))
@click.option("--dry-run", is_flag=True, help=N_("Validate only; write nothing."))
@click.option("--no-link", is_flag=True, help=N_("Load without linking the new rows."))
@click.option(
    "--strict", is_flag=True, help=N_("Refuse the file when a date or an age cannot be read.")
)
@json_option
@db_option
def import_command(
    records: Path,
    relations: Path | None,
    mapping: Path | None,
    source: str | None,
    dry_run: bool,
    no_link: bool,
    strict: bool,
    as_json: bool,
    db_url: str | None,
) -> None:
    service = open_service(db_url)
    lang = current_language()
    total = count_lines(str(records)) - 1 if records.suffix.lower() == ".csv" else None
    progress = Progress(
        _("rows read"), total=total, enabled=None if not as_json else False, lang=lang
    )
    report = service.import_file(
        records,
        relations,
        source=source,
        dry_run=dry_run,
        link=not no_link,
        on_rows=progress.advance,
        actor=replace(Actor.operator("nrm import"), lang=lang),
        strict=strict,
        mapping=mapping,
    )
    progress.done()
    if as_json:
        emit(report.as_dict(lang))
    else:
        print_import(report.as_dict(lang))
    if not report.ok:
        sys.exit(EXIT_BAD_INPUT)


@main.command(
    "link",
    help=N_(
        "Deduplicate RECORDS file to file (no database): CLUSTERS.csv and optionally PAIRS.csv."
    ),
)
@click.argument("records", type=click.Path(path_type=Path, dir_okay=False))
@file_option("--out", "out", N_("Where to write record_id,entity_id (CSV)."), required=True)
@file_option("--pairs", "pairs_out", N_("Where to write the scored pairs (CSV)."))
@click.option("--source", default=None, help=N_("Organisation for rows without a source column."))
@json_option
def link_command(
    records: Path, out: Path, pairs_out: Path | None, source: str | None, as_json: bool
) -> None:
    from service.linkfile import LinkInputError, link_file

    lang = current_language()
    try:
        summary = link_file(records, out, pairs_out, progress=not as_json, lang=lang, source=source)
    except LinkInputError as exc:
        if as_json:
            emit({"ok": False, "errors": exc.texts(lang)})
        else:
            print_link_errors(records, exc.texts(lang))
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        emit(summary)
    else:
        print_link(summary, out, records)


@main.command(
    "relink",
    help=N_(
        "Link the whole stored population again: refit the model, rebuild the blocking keys, "
        "keep entity ids where membership allows."
    ),
)
@click.option("--no-household", is_flag=True, help=N_("Score pairs without household support."))
@json_option
@db_option
def relink_command(no_household: bool, as_json: bool, db_url: str | None) -> None:
    summary = open_service(db_url).relink(Actor.operator("nrm relink"), household=not no_household)
    if as_json:
        emit(summary)
    else:
        print_relink(summary)


@main.command("search", help=N_("Ranked persons (entities) matching a description."))
@click.option("--name", default=None, help=N_("A name, in any order and spelling."))
@click.option("--sex", type=click.Choice(["F", "M", "f", "m"]), default=None, help=N_("F or M."))
@click.option(
    "--birth-year",
    type=click.IntRange(1900, 2100),
    default=None,
    help=N_("Year of birth, even approximate."),
)
@click.option("--village", default=None, help=N_("Village of origin."))
@click.option("--father", default=None, help=N_("The father's name."))
@click.option("--mother", default=None, help=N_("The mother's name."))
@click.option("--top", type=click.IntRange(1, 100), default=10)
@lang_option
@json_option
@db_option
def search_command(
    name: str | None,
    sex: str | None,
    birth_year: int | None,
    village: str | None,
    father: str | None,
    mother: str | None,
    top: int,
    lang: str | None,
    as_json: bool,
    db_url: str | None,
) -> None:
    if not any((name, village, father, mother)):
        raise click.UsageError(_("give at least --name, --village, --father or --mother"))
    description = {
        "full_name": name,
        "sex": sex.upper() if sex else None,
        "birth_year": birth_year,
        "origin_village": village,
        "father_name": father,
        "mother_name": mother,
    }
    actor = replace(Actor.operator("nrm search"), lang=lang or current_language())
    try:
        service = open_service(db_url)
        results = service.search(actor, description, top, limited=False)
    except WildcardRefused as exc:
        click.echo(_("Error: {message}").format(message=exc.text(current_language())), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        emit(results)
        return
    print_hits(results, _("no person matches this description"))
    if not results and (hint := service.why_unfound(actor, description)):
        click.echo(hint.text(actor.lang))


@contextmanager
def _person_asked() -> Iterator[None]:
    """Exit 2 with a clear message when RECORD_ID names no stored record, or two."""
    try:
        yield
    except (UnknownPerson, AmbiguousRecord) as exc:
        click.echo(_("Error: {message}").format(message=exc.text(current_language())), err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.command(
    "relatives",
    help=N_("Proposed relatives of the person RECORD_ID belongs to, ranked: declared first."),
)
@click.argument("record_id")
@source_option
@click.option(
    "--top",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help=N_("How many to list; a relative named as a suspect is listed even below them."),
)
@lang_option
@json_option
@db_option
def relatives_command(
    record_id: str,
    source: str | None,
    top: int,
    lang: str | None,
    as_json: bool,
    db_url: str | None,
) -> None:
    with _person_asked():
        found = open_service(db_url).relatives_of_record(
            Actor.operator("nrm relatives"),
            record_id,
            source=source,
            top=top,
            lang=lang or current_language(),
        )
    if as_json:
        emit(found)
        return
    if not found:
        click.echo(_("no relative found"))
    words = {hit["relation"]: label(hit["relation"]) for hit in found}
    width = max(map(len, words.values()), default=0)
    for rank, hit in enumerate(found, start=1):
        flag = "".join(
            f"  [{label(f).upper()}]" if f == "suspect" else f"  [{label(f)}]" for f in hit["flags"]
        )
        click.echo(
            _("{rank}. {relation} {name} ({source} {record_id}) score {score}{flag}").format(
                rank=f"{rank:>2}",
                relation=words[hit["relation"]].ljust(width),
                name=hit["name"],
                source=hit["source"],
                record_id=hit["record_id"],
                score=decimal(hit["score"]),
                flag=flag,
            )
        )
        for reason in hit["reasons"]:
            click.echo(f"      {reason}")


for command in (
    model_group,
    serve_command,
    db_group,
    keys_group,
    user_group,
    versions_group,
    graph_group,
    trace_command,
    assess_command,
    report_command,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
