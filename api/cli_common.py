"""What the commands of `nrm` share: the service they open, JSON output, exit codes and
the common options (help texts are message ids, translated when shown)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from api.clikit import _, current_language
from i18n import N_, text
from models.database import ENV_VAR, database_url
from service import Service
from service.errors import StoreError, UseCaseError

EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2


def open_service(url: str | None) -> Service:
    resolved = database_url(url)
    if resolved.startswith("sqlite:///") and resolved != "sqlite:///:memory:":
        folder = Path(resolved.removeprefix("sqlite:///")).parent
        if not folder.is_dir():
            raise click.ClickException(
                _("cannot open the database: the folder {folder} does not exist").format(
                    folder=folder
                )
            )
    try:
        return Service.open(url)
    except Exception as exc:
        why = getattr(exc, "orig", None) or exc  # the driver's words, not SQLAlchemy's URL
        raise click.ClickException(
            _("cannot open the database: {error}").format(error=str(why).strip())
        ) from exc


@contextmanager
def bad_input() -> Iterator[None]:
    """A refused operation: the message on stderr in the user's language, exit 2."""
    try:
        yield
    except UseCaseError as exc:
        message = exc.text(current_language())
        click.echo(_("Error: {message}").format(message=message), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except StoreError as exc:
        message = text(exc.args[0], current_language()) if exc.args else str(exc)
        click.echo(_("Error: {message}").format(message=message), err=True)
        sys.exit(EXIT_BAD_INPUT)


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


def file_option(flag: str, dest: str, help_text: str, required: bool = False) -> Any:
    """An option naming a file the command writes (`--out`, `--csv`, `--xlsx`)."""
    return click.option(
        flag,
        dest,
        type=click.Path(path_type=Path, dir_okay=False),
        required=required,
        help=help_text,
    )


source_option = click.option(
    "--source", default=None, help=N_("The record's organisation, when ids collide.")
)
