"""What the commands of `nrm` share: the service they open, JSON output, exit codes and
the common options (help texts are message ids, translated when shown)."""

from __future__ import annotations

import json
from typing import Any

import click

from api.clikit import _
from i18n import N_
from models.database import ENV_VAR
from service import Service

EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2


def open_service(url: str | None) -> Service:
    try:
        return Service.open(url)
    except Exception as exc:
        raise click.ClickException(
            _("cannot open the database: {error}").format(error=exc)
        ) from exc


def emit(document: Any) -> None:
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
