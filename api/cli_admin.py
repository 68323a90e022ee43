"""The `nrm` commands of the administrator: the match model, serving, the schema, the
blocking keys."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from api.cli_common import EXIT_BAD_INPUT, db_option, emit, json_option, open_service
from api.clikit import Command, Group, _, current_language
from api.summaries import print_calibration, print_training
from i18n import N_
from service import Actor
from service.progress import Progress


@click.group("model", cls=Group, help=N_("The match model."))
def model_group() -> None:
    pass


@model_group.command(
    "train",
    help=N_(
        "Learn from reviewers' decisions; switch only when the new model is better on "
        "held-out decisions (those of the queue's random share when there are enough)."
    ),
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--holdout",
    type=click.FloatRange(0.1, 0.5),
    default=0.25,
    show_default=True,
    help=N_(
        "Share of the decisions held out to compare the models, when the queue's random "
        "share holds too few."
    ),
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
        report = open_service(db_url).train_model(
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
        emit(report)
    else:
        print_training(report, dry_run)


@model_group.command(
    "calibration",
    help=N_(
        "How often reviewers confirmed the pairs of the queue's random share, per band of "
        "the engine's probability: whether its probabilities hold on these records."
    ),
)
@json_option
@db_option
def model_calibration(as_json: bool, db_url: str | None) -> None:
    report = open_service(db_url).calibration(Actor.operator("nrm model calibration"))
    if as_json:
        emit(report)
    else:
        print_calibration(report)


@model_group.command(
    "export",
    help=N_("Write the match model in use as readable JSON (to OUT, or to the terminal)."),
)
@click.option(
    "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help=N_("The JSON file.")
)
@db_option
def model_export(out: Path | None, db_url: str | None) -> None:
    document = open_service(db_url).export_model(Actor.operator("nrm model export"))
    if out is None:
        click.echo(document, nl=False)
    else:
        out.write_text(document, encoding="utf-8")


@click.command("serve", cls=Command, help=N_("Run the HTTP API (OpenAPI at /docs)."))
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
    import socket

    import uvicorn

    from models.database import ENV_VAR

    open_service(db_url).close()
    if db_url:
        os.environ[ENV_VAR] = db_url
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            click.echo(
                _(
                    "Error: cannot serve on {host}:{port} ({error}); another program may "
                    "use it: choose another port with --port"
                ).format(host=host, port=port, error=exc.strerror or exc),
                err=True,
            )
            sys.exit(EXIT_BAD_INPUT)
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
        access_log=False,  # it logs queries, names among them: `api.app.ACCESS_LOG` instead
        log_config=LOG_CONFIG,
    )


LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "uvicorn": {"handlers": ["err"], "level": "INFO"},
        "nrm.access": {"handlers": ["err"], "level": "INFO"},
        "nrm.audit": {"handlers": ["err"], "level": "INFO"},
    },
}
"""uvicorn's messages, the service's access lines (path without query) and what it could
not audit, on stderr."""


@click.group("db", cls=Group, help=N_("Database schema."))
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


@click.group(
    "keys",
    cls=Group,
    help=N_("The stored blocking keys (rebuilt by the next import when the code changed)."),
)
def keys_group() -> None:
    pass


@keys_group.command(
    "rebuild", help=N_("Compute every stored record's blocking keys again (nothing is re-linked).")
)
@json_option
@db_option
def keys_rebuild(as_json: bool, db_url: str | None) -> None:
    service = open_service(db_url)
    progress = Progress(
        _("records"), enabled=None if not as_json else False, lang=current_language()
    )
    summary = service.rebuild_keys(Actor.operator("nrm keys rebuild"), progress.advance)
    progress.done()
    if as_json:
        emit(summary)
    else:
        click.echo(
            _("blocking keys of {records} records rebuilt ({version})").format(
                records=summary["records"], version=summary["to"]
            )
        )
