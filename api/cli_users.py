"""`nrm user`: API users and their tokens (printed once, stored as hashes, ageing)."""

from __future__ import annotations

import sys

import click

from api.cli_common import EXIT_BAD_INPUT, bad_input, db_option, emit, json_option, open_service
from api.clikit import Group, _
from i18n import N_
from models.users import UserRole
from service import Actor

expires_option = click.option(
    "--expires-in",
    "days",
    type=int,
    default=None,
    help=N_("Days the token lives (default: $NRM_TOKEN_DAYS, else 90)."),
)


@click.group("user", cls=Group, help=N_("API users."))
def user_group() -> None:
    pass


@user_group.command(
    "add", help=N_("Create a user and print its API token once (only its hash is stored).")
)
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in UserRole]), required=True)
@click.option("--org", default=None, help=N_("Organisation code (e.g. the `source` it records)."))
@expires_option
@json_option
@db_option
def user_add(
    name: str, role: str, org: str | None, days: int | None, as_json: bool, db_url: str | None
) -> None:
    with bad_input():
        user, token = open_service(db_url).add_user(
            Actor.operator("nrm user add"), name, UserRole(role), org, days
        )
    if as_json:
        emit(
            {
                "name": user.name,
                "role": user.role,
                "organisation": org,
                "expires_at": user.expires_at,
                "token": token,
            }
        )
    else:
        click.echo(token)
        _shown_once(user.name, user.expires_at)


def _shown_once(name: str, expires_at: object) -> None:
    """Beside the bare token on stdout (`TOKEN=$(nrm user add ...)`), on stderr what it is."""
    click.echo(
        _(
            "the token of {name} above is shown this once (only its hash is stored); it "
            "expires on {date}"
        ).format(name=name, date=str(expires_at)[:10] if expires_at else "-"),
        err=True,
    )


@user_group.command(
    "list", help=N_("Users: role, organisation, token expiry and last use (never the token).")
)
@json_option
@db_option
def user_list(as_json: bool, db_url: str | None) -> None:
    users = open_service(db_url).list_users(Actor.operator("nrm user list"))
    if as_json:
        emit(users)
        return
    columns = ("name", "role", "organisation", "status", "expires_at", "last_used_at")
    click.echo("\t".join(columns))
    for user in users:
        click.echo("\t".join(str(user[c] or "-") for c in columns))


@user_group.command(
    "rotate", help=N_("Give NAME a new token (printed once); the old one stops working at once.")
)
@click.argument("name")
@expires_option
@json_option
@db_option
def user_rotate(name: str, days: int | None, as_json: bool, db_url: str | None) -> None:
    with bad_input():
        service = open_service(db_url)
        user, token = service.rotate_token(Actor.operator("nrm user rotate"), name, days)
    if as_json:
        emit({"name": user.name, "expires_at": user.expires_at, "token": token})
    else:
        click.echo(token)
        _shown_once(user.name, user.expires_at)


@user_group.command("revoke", help=N_("Revoke a user's token."))
@click.argument("name")
@db_option
def user_revoke(name: str, db_url: str | None) -> None:
    if not open_service(db_url).revoke_user(Actor.operator("nrm user revoke"), name):
        click.echo(_('Error: no active user named "{name}"').format(name=name), err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(_("revoked {name}").format(name=name))
