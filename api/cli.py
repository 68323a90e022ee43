"""The `nrm` command line. Exit status: 0 success, 1 runtime failure, 2 bad input or usage.
Every word it shows is a message id translated into the user's language (`api.clikit`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from api.clikit import Group, _, current_language, set_language
from api.summaries import print_import, print_link, print_link_errors, print_relink, print_training
from i18n import N_, text
from models.database import ENV_VAR
from models.users import UserRole
from service import Actor, Service
from service.errors import StoreError
from service.progress import Progress, count_lines
from service.tracing import AmbiguousRecord, UnknownPerson

EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2


def _service(url: str | None) -> Service:
    try:
        return Service.open(url)
    except Exception as exc:
        raise click.ClickException(
            _("cannot open the database: {error}").format(error=exc)
        ) from exc


def _emit(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


db_option = click.option(
    "--db",
    "db_url",
    envvar=ENV_VAR,
    default=None,
    help=N_(
        "Database URL (default: $NRM_DATABASE_URL, else ./nrm.db). postgresql://… uses psycopg."
    ),
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help=N_("Print only a JSON document.")
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default=None,
    help=N_("Language of the reasons (default: the language of the command line)."),
)
source_option = click.option(
    "--source", default=None, help=N_("The record's organisation, when ids collide.")
)


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
    help=N_("Column mapping file (CSV column,field or JSON) for another system's layout."),
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
    service = _service(db_url)
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
        actor=Actor.operator("nrm import"),
        strict=strict,
        mapping=mapping,
    )
    progress.done()
    if as_json:
        _emit(report.as_dict(lang))
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
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help=N_("Where to write record_id,entity_id (CSV)."),
)
@click.option(
    "--pairs",
    "pairs_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Where to write the scored pairs (CSV)."),
)
@json_option
def link_command(records: Path, out: Path, pairs_out: Path | None, as_json: bool) -> None:
    from service.linkfile import LinkInputError, link_file

    lang = current_language()
    try:
        summary = link_file(records, out, pairs_out, progress=not as_json, lang=lang)
    except LinkInputError as exc:
        if as_json:
            _emit({"ok": False, "errors": exc.texts(lang)})
        else:
            print_link_errors(records, exc.texts(lang))
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _emit(summary)
    else:
        print_link(summary, out)


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
    summary = _service(db_url).relink(Actor.operator("nrm relink"), household=not no_household)
    if as_json:
        _emit(summary)
    else:
        print_relink(summary)


@main.command("search", help=N_("Ranked persons (entities) matching a description."))
@click.option("--name", default=None, help=N_("A name, in any order and spelling."))
@click.option("--sex", type=click.Choice(["F", "M", "f", "m"]), default=None)
@click.option("--birth-year", type=int, default=None)
@click.option("--village", default=None, help=N_("Village of origin."))
@click.option("--father", default=None, help=N_("The father's name."))
@click.option("--mother", default=None, help=N_("The mother's name."))
@click.option("--top", type=click.IntRange(1, 100), default=10)
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
    actor = replace(Actor.operator("nrm search"), lang=current_language())
    results = _service(db_url).search(actor, description, top, limited=False)
    if as_json:
        _emit(results)
        return
    if not results:
        click.echo(_("no person matches this description"))
    for rank, hit in enumerate(results, start=1):
        click.echo(
            _("{rank}. {name} ({sex}, {age_band}, {region}) score {score} entity {entity}").format(
                rank=f"{rank:>2}",
                name=hit["name"],
                sex=hit["sex"] or "?",
                age_band=hit["age_band"],
                region=hit["region"] or _("region unknown"),
                score=f"{hit['score']:.2f}",
                entity=hit["entity_id"],
            )
        )
        for reason in hit["reasons"]:
            click.echo(f"      {reason}")


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
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True)
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
        found = _service(db_url).relatives_of_record(
            Actor.operator("nrm relatives"),
            record_id,
            source=source,
            top=top,
            lang=lang or current_language(),
        )
    if as_json:
        _emit(found)
        return
    if not found:
        click.echo(_("no relative found"))
    for rank, hit in enumerate(found, start=1):
        flag = "  [SUSPECT]" if hit["flags"] else ""
        click.echo(
            _("{rank}. {relation} {name} ({source} {record_id}) score {score}{flag}").format(
                rank=f"{rank:>2}",
                relation=f"{hit['relation']:<12}",
                name=hit["name"],
                source=hit["source"],
                record_id=hit["record_id"],
                score=f"{hit['score']:.2f}",
                flag=flag,
            )
        )
        for reason in hit["reasons"]:
            click.echo(f"      {reason}")


@main.command(
    "assess",
    help=N_(
        "Safe-return assessment (advisory) of the person RECORD_ID belongs to: each factor as "
        'risk, no_known_risk or unknown, with evidence and reasons. Never "safe".'
    ),
)
@click.argument("record_id")
@source_option
@lang_option
@json_option
@db_option
def assess_command(
    record_id: str, source: str | None, lang: str | None, as_json: bool, db_url: str | None
) -> None:
    with _person_asked():
        found = _service(db_url).assessment_of_record(
            Actor.operator("nrm assess"), record_id, source=source, lang=lang or current_language()
        )
    if as_json:
        _emit(found)
        return
    click.echo(
        _("{status} (advisory, {day})").format(status=found["status"], day=found["assessed_on"])
    )
    for factor in found["factors"]:
        evidence = f" [{', '.join(factor['evidence'])}]" if factor["evidence"] else ""
        click.echo(f"  {factor['factor']:<22} {factor['status']}{evidence}")
        for reason in factor["reasons"]:
            click.echo(f"      {reason}")


@main.group("model", help=N_("The match model."))
def model_group() -> None:
    pass


@model_group.command(
    "train",
    help=N_(
        "Learn from reviewers' decisions; switch only when the new model is better on "
        "held-out decisions."
    ),
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--holdout",
    type=click.FloatRange(0.1, 0.5),
    default=0.25,
    show_default=True,
    help=N_("Share of the decisions held out to compare the models."),
)
@click.option("--min-decisions", type=click.IntRange(10), default=100, show_default=True)
@click.option("--dry-run", is_flag=True, help=N_("Report, but do not switch models."))
@json_option
@db_option
def model_train(
    seed: int,
    holdout: float,
    min_decisions: int,
    dry_run: bool,
    as_json: bool,
    db_url: str | None,
) -> None:
    from matching.learned import NotEnoughDecisions

    try:
        report = _service(db_url).train_model(
            Actor.operator("nrm model train"),
            seed=seed,
            holdout=holdout,
            min_decisions=min_decisions,
            dry_run=dry_run,
        )
    except NotEnoughDecisions as exc:
        message = exc.text(current_language())
        click.echo(_("Error: {message}").format(message=message), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _emit(report)
    else:
        print_training(report, dry_run)


@model_group.command(
    "export",
    help=N_("Write the match model in use as readable JSON (to OUT, or to the terminal)."),
)
@click.option(
    "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help=N_("The JSON file.")
)
@db_option
def model_export(out: Path | None, db_url: str | None) -> None:
    document = _service(db_url).export_model(Actor.operator("nrm model export"))
    if out is None:
        click.echo(document, nl=False)
    else:
        out.write_text(document, encoding="utf-8")


@main.command("serve", help=N_("Run the HTTP API (OpenAPI at /docs)."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option(
    "--workers",
    default=1,
    type=click.IntRange(1, 64),
    show_default=True,
    help=N_("Server processes (one per core serves concurrent reviewers best)."),
)
@db_option
def serve_command(host: str, port: int, workers: int, db_url: str | None) -> None:
    import os

    import uvicorn

    from models.database import ENV_VAR

    _service(db_url).close()
    if db_url:
        os.environ[ENV_VAR] = db_url
    click.echo(
        _("nrm-tracing on http://{host}:{port}  (API docs: http://{host}:{port}/docs)").format(
            host=host, port=port
        )
    )
    uvicorn.run(
        "api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


@main.group("db", help=N_("Database schema."))
def db_group() -> None:
    pass


@db_group.command("upgrade", help=N_("Create or migrate the schema to the latest version."))
@db_option
def db_upgrade(db_url: str | None) -> None:
    from models.database import make_engine
    from models.migrate import upgrade

    try:
        revision = upgrade(make_engine(db_url))
    except Exception as exc:
        raise click.ClickException(
            _("cannot upgrade the database: {error}").format(error=exc)
        ) from exc
    click.echo(_("schema at revision {revision}").format(revision=revision))


@main.group("user", help=N_("Users and API tokens."))
def user_group() -> None:
    pass


@user_group.command(
    "add", help=N_("Create a user and print its API token once (only its hash is stored).")
)
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in UserRole]), required=True)
@click.option("--org", default=None, help=N_("Organisation code (e.g. the `source` it records)."))
@json_option
@db_option
def user_add(name: str, role: str, org: str | None, as_json: bool, db_url: str | None) -> None:
    try:
        user, token = _service(db_url).add_user(
            Actor.operator("nrm user add"), name, UserRole(role), org
        )
    except StoreError as exc:
        message = text(exc.args[0], current_language()) if exc.args else str(exc)
        click.echo(_("Error: {message}").format(message=message), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _emit({"name": user.name, "role": user.role, "organisation": org, "token": token})
    else:
        click.echo(token)


@user_group.command("revoke", help=N_("Revoke a user's token."))
@click.argument("name")
@db_option
def user_revoke(name: str, db_url: str | None) -> None:
    if not _service(db_url).revoke_user(Actor.operator("nrm user revoke"), name):
        click.echo(_('Error: no active user named "{name}"').format(name=name), err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(_("revoked {name}").format(name=name))


if __name__ == "__main__":
    main()
