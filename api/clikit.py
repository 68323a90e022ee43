"""The `nrm` command line in the user's language: French unless `--lang en` (before the
command: `nrm --lang en import …`), else `NRM_LANG`, else the locale (`LC_ALL`,
`LC_MESSAGES`, `LANG`, the first one set) says English (`en…`).

Help texts are message ids (`help=N_("…")`) translated when the help is shown, by the
command and group classes below; so are Click's own headings and the `Error:` line.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import click

from i18n import N_, Word, environment_language, gettext_for, ngettext_for, number

_META = "nrm.lang"
CLICK_TEXTS = (
    N_("Usage: "),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Aborted!"),
    N_("env var: {var}"),
    N_("default: {default}"),
    N_("required"),
)
"""Click's own words that `nrm` shows, translated here."""
CLICK_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?P<value>.+) is not a valid integer(?: range)?\."),
        N_("{value} is not a whole number."),
    ),
    (
        re.compile(r"(?P<value>.+) is not a valid float(?: range)?\."),
        N_("{value} is not a number."),
    ),
    (
        re.compile(r"(?P<value>.+) is not in the range (?P<range>.+)\."),
        N_("{value} is not in the range {range}."),
    ),
    (
        re.compile(r"(?P<value>.+) is not one of (?P<choices>.+)\."),
        N_("{value} is not one of {choices}."),
    ),
    (re.compile(r"Option (?P<name>.+) requires an argument\."), N_("Option {name} needs a value.")),
    (
        re.compile(r"Got unexpected extra arguments? \((?P<words>.+)\)"),
        N_("Unexpected words at the end: {words}"),
    ),
)
"""Click's commonest error sentences (its English, matched whole) and ours for them."""


def current_language() -> str:
    """The language of this run: `--lang`, else the environment's."""
    ctx = click.get_current_context(silent=True)
    chosen = ctx.meta.get(_META) if ctx is not None else None
    return chosen or environment_language()


def _(message: str) -> str:
    return gettext_for(current_language())(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return ngettext_for(current_language())(singular, plural, n)


def counted(n: int, singular: str, plural: str) -> str:
    """`n` with its words in the user's language, singular or plural (`ngettext`): French
    writes `1 nouvelle` and `2 nouvelles` where English says `new` for both."""
    return ngettext(singular, plural, n).format(count=n)


def label(code: str) -> str:
    """A code of the service (a relation, a flag, an assessment's factor or status, a field)
    in the words the pages use for it (`i18n.labels`); the code when it has none."""
    return Word(code).text(current_language())


def decimal(value: float, digits: int = 2) -> str:
    """A number as the user's language writes it (a decimal comma in French)."""
    return number(value, current_language(), digits)


def set_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta[_META] = value


def _help_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """An option's line of help, its text and Click's bracketed extras translated."""
    if not isinstance(param, click.Option):
        return None
    record = param.get_help_record(ctx)
    if record is None or not hasattr(param, "get_help_extra"):  # Click before 8.2
        return record and (record[0], _(param.help) if param.help else record[1])
    extra = param.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append(_("env var: {var}").format(var=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(_("default: {default}").format(default=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(_("required"))
    text = _(param.help) if param.help else ""
    if items:
        text = f"{text}  [{'; '.join(items)}]" if text else f"[{'; '.join(items)}]"
    return record[0], text


class Command(click.Command):
    """A command whose help (its `help=N_(…)`, its options' help) shows translated."""

    def get_short_help_str(self, limit: int = 45) -> str:
        original = self.help
        self.help = _(original) if original else original
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = original

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = _(original) if original else original
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        opts = [
            record
            for param in self.get_params(ctx)
            if (record := _help_record(param, ctx)) is not None
        ]
        if opts:
            with formatter.section(_("Options")):
                formatter.write_dl(opts)


class Group(Command, click.Group):
    """A group of commands, translated like `Command`; its subcommands and subgroups are
    made of these classes too."""

    command_class = Command
    group_class = type

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        shown = [(name, cmd) for name, cmd in commands if cmd is not None and not cmd.hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(name) for name, _cmd in shown)
        for name, cmd in shown:
            rows.append((name, cmd.get_short_help_str(limit)))
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            ctx.fail(_('No such command "{name}".').format(name=name))
        return super().resolve_command(ctx, args)

    def main(self, *args: Any, **extra: Any) -> Any:
        """Click's `main`, with its errors worded in the user's language."""
        extra.pop("standalone_mode", None)
        try:
            return super().main(*args, standalone_mode=False, **extra)
        except click.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            if ctx is None:
                show_error(exc)
            else:  # the error's own context: its --lang, if one was given
                with ctx.scope(cleanup=False):
                    show_error(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(_("Aborted!"), err=True)
            sys.exit(1)


def show_error(exc: click.ClickException) -> None:
    """Click's error display (usage and hint for a usage error), translated."""
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        ctx = exc.ctx
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            option = max(ctx.command.get_help_option_names(ctx), key=len)
            hint = _("Try '{command} {option}' for help.").format(
                command=ctx.command_path, option=option
            )
            hint += "\n"
        click.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    click.echo(_("Error: {message}").format(message=_error_text(exc)), err=True)


def _error_text(exc: click.ClickException) -> str:
    """The commonest usage errors in the user's language; Click's words otherwise."""
    param = getattr(exc, "param", None)
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.MissingParameter) and param is not None and ctx is not None:
        missing = (
            _("Missing argument {name}.")
            if param.param_type_name == "argument"
            else _("Missing option {name}.")
        )
        return missing.format(name=param.get_error_hint(ctx))
    if isinstance(exc, click.NoSuchOption):
        return _("No such option: {name}").format(name=exc.option_name)
    if isinstance(exc, click.BadParameter) and param is not None and ctx is not None:
        return _("Invalid value for {name}: {message}").format(
            name=param.get_error_hint(ctx), message=_click_words(exc.message)
        )
    return _click_words(exc.format_message())


def _click_words(message: str) -> str:
    """One of Click's sentences (`CLICK_ERRORS`) in the user's language; others as Click
    wrote them."""
    for pattern, ours in CLICK_ERRORS:
        if found := pattern.fullmatch(message):
            return _(ours).format(**found.groupdict())
    return message
