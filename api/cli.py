"""The `nrm` command line. Exit status: 0 success, 1 runtime failure, 2 bad input or usage."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from models.database import ENV_VAR
from models.users import UserRole
from service import Actor, Service
from service.errors import StoreError
from service.progress import Progress, count_lines
from service.reports import report_csv
from service.tracing import AmbiguousRecord, UnknownPerson
from service.tracingsearch import EmptyDescription

EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2


def _service(url: str | None) -> Service:
    try:
        return Service.open(url)
    except Exception as exc:
        raise click.ClickException(f"cannot open the database: {exc}") from exc


def _emit(document: Any) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))


db_option = click.option(
    "--db",
    "db_url",
    envvar=ENV_VAR,
    default=None,
    help=f"Database URL (default: ${ENV_VAR}, else ./nrm.db). postgresql://… uses psycopg.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nrm-tracing: link NRM case records into people, trace families, review matches."""


@main.command("import")
@click.argument("records", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--relations", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option("--source", default=None, help="Organisation for rows without a source column.")
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--no-link", is_flag=True, help="Load without linking the new rows.")
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON summary.")
@db_option
def import_command(
    records: Path,
    relations: Path | None,
    source: str | None,
    dry_run: bool,
    no_link: bool,
    as_json: bool,
    db_url: str | None,
) -> None:
    """Load RECORDS (CSV or XLSX) into the database and link the new rows. All or nothing."""
    service = _service(db_url)
    total = count_lines(str(records)) - 1 if records.suffix.lower() == ".csv" else None
    progress = Progress("rows read", total=total, enabled=None if not as_json else False)
    report = service.import_file(
        records,
        relations,
        source=source,
        dry_run=dry_run,
        link=not no_link,
        on_rows=progress.advance,
        actor=Actor.operator("nrm import"),
    )
    progress.done()
    if as_json:
        _emit(report.as_dict())
    else:
        _print_import(report.as_dict())
    if not report.ok:
        sys.exit(EXIT_BAD_INPUT)


def _print_import(summary: dict[str, Any]) -> None:
    out = sys.stdout if summary["ok"] else sys.stderr
    if not summary["ok"]:
        click.echo(
            f"{summary['file']}: {summary['error_count']} error(s); nothing was loaded.", file=out
        )
        for error in summary["errors"]:
            click.echo(f"  {error}", file=out)
        hidden = summary["error_count"] - len(summary["errors"])
        if hidden > 0:
            click.echo(f"  … and {hidden} more", file=out)
        return
    if summary["dry_run"]:
        click.echo(f"{summary['file']}: {summary['rows']} rows are valid (dry run: no write)")
        return
    click.echo(
        f"{summary['file']}: {summary['rows']} rows: {summary['new']} new, "
        f"{summary['changed']} changed, {summary['unchanged']} unchanged; "
        f"{summary['relations']} relations added"
    )
    linked = summary.get("linked")
    if linked:
        click.echo(
            f"linked: {linked['records']} records compared, {linked['pairs']} candidate pairs, "
            f"{linked['match']} matches, {linked['review']} for review, "
            f"{linked['entities']} entities"
        )
    if summary.get("pending"):
        click.echo(
            f"{summary['pending']} records wait for a person: the next import links them "
            "(or `nrm relink`)"
        )
    flags = summary.get("flags") or {}
    if flags.get("count"):
        click.echo(
            f"{flags['count']} person(s) already identified, returned or sought "
            "appear again (see `GET /flags`):"
        )
        for flag in flags["items"]:
            records = ", ".join(flag["evidence"])
            click.echo(f"  {flag['flag']}: {flag['entity_id'] or '-'} ({records})")


@main.command("link")
@click.argument("records", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--pairs", "pairs_out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON summary.")
def link_command(records: Path, out: Path, pairs_out: Path | None, as_json: bool) -> None:
    """Deduplicate RECORDS file to file (no database): CLUSTERS.csv and optionally PAIRS.csv."""
    from service.linkfile import LinkInputError, link_file

    try:
        summary = link_file(records, out, pairs_out, progress=not as_json)
    except LinkInputError as exc:
        if as_json:
            _emit({"ok": False, "errors": exc.errors})
        else:
            click.echo(f"{records}: {len(exc.errors)} error(s)", err=True)
            for error in exc.errors[:1000]:
                click.echo(f"  {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _emit(summary)
    else:
        click.echo(
            f"{summary['records']} records → {summary['entities']} entities; "
            f"{summary['pairs']} scored pairs ({summary['match']} match, "
            f"{summary['review']} review) in {summary['seconds']:.1f} s → {out}"
        )


@main.command("relink")
@click.option("--no-household", is_flag=True, help="Score pairs without household support.")
@click.option("--json", "as_json", is_flag=True)
@db_option
def relink_command(no_household: bool, as_json: bool, db_url: str | None) -> None:
    """Link the whole stored population again: refit the model, rebuild the blocking keys,
    keep entity ids where membership allows."""
    summary = _service(db_url).relink(Actor.operator("nrm relink"), household=not no_household)
    if as_json:
        _emit(summary)
    else:
        click.echo(
            f"{summary['records']} records, {summary['pairs']} pairs "
            f"({summary['match']} match, {summary['review']} review), "
            f"{summary['entities']} entities"
        )


@main.group("graph")
def graph_group() -> None:
    """The persisted family graph."""


@graph_group.command("rebuild")
@click.option("--json", "as_json", is_flag=True)
@db_option
def graph_rebuild(as_json: bool, db_url: str | None) -> None:
    """Write the family graph again from every stored record and declared relation
    (imports and review decisions keep it up to date; run this after a restore)."""
    progress = Progress("persons", enabled=None if not as_json else False)
    summary = _service(db_url).rebuild_family_graph(
        Actor.operator("nrm graph rebuild"), on_persons=progress.advance
    )
    progress.done()
    if as_json:
        _emit(summary)
    else:
        click.echo(
            f"family graph: {summary['persons']} persons, {summary['edges']} edge rows "
            f"({summary['seconds']} s)"
        )


@main.command("search")
@click.option("--name", default=None)
@click.option("--sex", type=click.Choice(["F", "M", "f", "m"]), default=None)
@click.option("--birth-year", type=int, default=None)
@click.option("--village", default=None)
@click.option("--father", default=None)
@click.option("--mother", default=None)
@click.option("--top", type=click.IntRange(1, 100), default=10)
@click.option("--json", "as_json", is_flag=True)
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
    """Ranked persons (entities) matching a description."""
    if not any((name, village, father, mother)):
        raise click.UsageError("give at least --name, --village, --father or --mother")
    description = {
        "full_name": name,
        "sex": sex.upper() if sex else None,
        "birth_year": birth_year,
        "origin_village": village,
        "father_name": father,
        "mother_name": mother,
    }
    results = _service(db_url).search(Actor.operator("nrm search"), description, top, limited=False)
    if as_json:
        _emit(results)
        return
    if not results:
        click.echo("no person matches this description")
    for rank, hit in enumerate(results, start=1):
        click.echo(
            f"{rank:>2}. {hit['name']} ({hit['sex'] or '?'}, {hit['age_band']}, "
            f"{hit['region'] or 'région inconnue'}) score {hit['score']:.2f} "
            f"entity {hit['entity_id']}"
        )
        for reason in hit["reasons"]:
            click.echo(f"      {reason}")


@main.command("trace")
@click.option("--given", default=None, help="Given name(s) as the family says them.")
@click.option("--family", default=None, help="Family name (jamu), or a patronym (Ag Ghaly).")
@click.option("--name", default=None, help="A full name, when given and family are not told apart.")
@click.option("--sex", type=click.Choice(["F", "M", "f", "m"]), default=None)
@click.option("--age", type=click.IntRange(0, 120), default=None, help="Approximate age today.")
@click.option("--birth-year", type=click.IntRange(1900, 2100), default=None)
@click.option("--village", default=None)
@click.option("--commune", default=None)
@click.option("--father", default=None, help="The father's name.")
@click.option("--mother", default=None, help="The mother's name.")
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@db_option
def trace_command(top: int, lang: str, as_json: bool, db_url: str | None, **sought: Any) -> None:
    """Persons who may be a sought person described as the family tells it (any spelling,
    approximate age, origin, parents' names), ranked, with reasons; audited."""
    actor = replace(Actor.operator("nrm trace"), lang=lang)
    try:
        hits = _service(db_url).trace(actor, sought, top=top, limited=False)
    except EmptyDescription as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _emit(hits)
        return
    if not hits:
        click.echo("no person found")
    for rank, hit in enumerate(hits, start=1):
        click.echo(
            f"{rank:>2}. {hit['name']} ({hit['sex'] or '?'}, {hit['age_band']}, "
            f"{hit['region'] or '?'}) score {hit['score']:.2f} entity {hit['entity_id']}"
        )
        for reason in hit["reasons"]:
            click.echo(f"      {reason}")


@main.command("report")
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the cells as CSV with an HXL hashtag row.",
)
@click.option("--json", "as_json", is_flag=True)
@db_option
def report_command(csv_out: Path | None, as_json: bool, db_url: str | None) -> None:
    """People, not records: persons per role, organisation, case type, region, sex, age
    group, year and naming group, how many are uncertain (under review or not linked),
    how much files overstate people; cells under 5 persons suppressed; audited."""
    summary = _service(db_url).report(Actor.operator("nrm report"))
    if csv_out is not None:
        csv_out.write_text(report_csv(summary), encoding="utf-8")
    if as_json:
        _emit(summary)
        return
    small = f"<{summary['smallest_cell']}"
    click.echo(
        f"{summary['persons']} persons in {summary['records']} records "
        f"({summary['files_per_person']} files per person), {summary['uncertain']} uncertain"
    )
    for outcome, persons in summary["outcomes"].items():
        click.echo(f"  {outcome}: {small if persons is None else persons}")
    for dimension, cells in summary["by"].items():
        shown = ", ".join(
            f"{c['value']} {small if c['suppressed'] else c['persons']}" for c in cells
        )
        click.echo(f"{dimension}: {shown}")


@contextmanager
def _person_asked(record_id: str) -> Iterator[None]:
    """Exit 2 with a clear message when RECORD_ID names no stored record, or two."""
    try:
        yield
    except UnknownPerson:
        click.echo(f'error: no stored record "{record_id}"', err=True)
        sys.exit(EXIT_BAD_INPUT)
    except AmbiguousRecord:
        click.echo(f'error: several sources use "{record_id}"; give --source', err=True)
        sys.exit(EXIT_BAD_INPUT)


@main.command("relatives")
@click.argument("record_id")
@click.option("--source", default=None, help="The record's organisation, when ids collide.")
@click.option("--top", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@db_option
def relatives_command(
    record_id: str, source: str | None, top: int, lang: str, as_json: bool, db_url: str | None
) -> None:
    """Proposed relatives of the person RECORD_ID belongs to, ranked: declared first."""
    with _person_asked(record_id):
        found = _service(db_url).relatives_of_record(
            Actor.operator("nrm relatives"), record_id, source=source, top=top, lang=lang
        )
    if as_json:
        _emit(found)
        return
    if not found:
        click.echo("no relative found")
    for rank, hit in enumerate(found, start=1):
        flag = "  [SUSPECT]" if hit["flags"] else ""
        click.echo(
            f"{rank:>2}. {hit['relation']:<12} {hit['name']} ({hit['source']} {hit['record_id']}) "
            f"score {hit['score']:.2f}{flag}"
        )
        for reason in hit["reasons"]:
            click.echo(f"      {reason}")


@main.command("assess")
@click.argument("record_id")
@click.option("--source", default=None, help="The record's organisation, when ids collide.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@db_option
def assess_command(
    record_id: str, source: str | None, lang: str, as_json: bool, db_url: str | None
) -> None:
    """Safe-return assessment (advisory) of the person RECORD_ID belongs to: each factor as
    risk, no_known_risk or unknown, with evidence and reasons. Never "safe"."""
    with _person_asked(record_id):
        found = _service(db_url).assessment_of_record(
            Actor.operator("nrm assess"), record_id, source=source, lang=lang
        )
    if as_json:
        _emit(found)
        return
    click.echo(f"{found['status']} (advisory, {found['assessed_on']})")
    for factor in found["factors"]:
        evidence = f" [{', '.join(factor['evidence'])}]" if factor["evidence"] else ""
        click.echo(f"  {factor['factor']:<22} {factor['status']}{evidence}")
        for reason in factor["reasons"]:
            click.echo(f"      {reason}")


@main.group("model")
def model_group() -> None:
    """The match model."""


@model_group.command("train")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--holdout", type=click.FloatRange(0.1, 0.5), default=0.25, show_default=True)
@click.option("--min-decisions", type=click.IntRange(10), default=100, show_default=True)
@click.option("--dry-run", is_flag=True, help="Report, but do not switch models.")
@click.option("--json", "as_json", is_flag=True)
@db_option
def model_train(
    seed: int,
    holdout: float,
    min_decisions: int,
    dry_run: bool,
    as_json: bool,
    db_url: str | None,
) -> None:
    """Learn from reviewers' decisions; switch only when the new model is better on
    held-out decisions."""
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
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _emit(report)
        return
    current, new = report["current"], report["learned"]
    click.echo(
        f"{report['train_size']} decisions to train, {report['holdout_size']} held out "
        f"({report['holdout_positives']} confirmed, {report['holdout_negatives']} rejected)"
    )
    click.echo(
        f"current {report['current_model']}: precision {current['precision']:.3f} "
        f"recall {current['recall']:.3f} F1 {current['f1']:.3f}"
    )
    click.echo(
        f"new     {report['new_model']}: precision {new['precision']:.3f} "
        f"recall {new['recall']:.3f} F1 {new['f1']:.3f}"
    )
    if report["switched"]:
        click.echo("the new model is better: it is now in use")
    elif dry_run:
        click.echo("dry run: nothing changed")
    else:
        click.echo("the new model is not better: the current one stays in use")


@model_group.command("export")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False))
@db_option
def model_export(out: Path | None, db_url: str | None) -> None:
    """Write the match model in use as readable JSON (to OUT, or to the terminal)."""
    document = _service(db_url).export_model(Actor.operator("nrm model export"))
    if out is None:
        click.echo(document, nl=False)
    else:
        out.write_text(document, encoding="utf-8")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option(
    "--workers",
    default=1,
    type=click.IntRange(1, 64),
    show_default=True,
    help="Server processes (one per core serves concurrent reviewers best).",
)
@db_option
def serve_command(host: str, port: int, workers: int, db_url: str | None) -> None:
    """Run the HTTP API (OpenAPI at /docs)."""
    import os

    import uvicorn

    from models.database import ENV_VAR

    _service(db_url).close()
    if db_url:
        os.environ[ENV_VAR] = db_url
    click.echo(f"nrm-tracing on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


@main.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@db_option
def db_upgrade(db_url: str | None) -> None:
    """Create or migrate the schema to the latest version."""
    from models.database import make_engine
    from models.migrate import upgrade

    try:
        revision = upgrade(make_engine(db_url))
    except Exception as exc:
        raise click.ClickException(f"cannot upgrade the database: {exc}") from exc
    click.echo(f"schema at revision {revision}")


@main.group("user")
def user_group() -> None:
    """Users and API tokens."""


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in UserRole]), required=True)
@click.option("--org", default=None, help="Organisation code (e.g. the `source` it records).")
@click.option("--json", "as_json", is_flag=True)
@db_option
def user_add(name: str, role: str, org: str | None, as_json: bool, db_url: str | None) -> None:
    """Create a user and print its API token once (only its hash is stored)."""
    try:
        user, token = _service(db_url).add_user(
            Actor.operator("nrm user add"), name, UserRole(role), org
        )
    except StoreError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        _emit({"name": user.name, "role": user.role, "organisation": org, "token": token})
    else:
        click.echo(token)


@user_group.command("revoke")
@click.argument("name")
@db_option
def user_revoke(name: str, db_url: str | None) -> None:
    """Revoke a user's token."""
    if not _service(db_url).revoke_user(Actor.operator("nrm user revoke"), name):
        click.echo(f'error: no active user named "{name}"', err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"revoked {name}")


if __name__ == "__main__":
    main()
