"""The docs stay true: every command and every model comparison is documented."""

from pathlib import Path

import click
import pytest

from api.cli import main
from matching.model import COMPARISONS

ROOT = Path(__file__).resolve().parent.parent


def _commands(group: click.Group, prefix: str = "nrm") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix} {name}"))
        else:
            names.append(f"{prefix} {name}")
    return names


@pytest.mark.parametrize("command", _commands(main))
def test_every_command_is_in_the_readme_and_the_interfaces(command: str) -> None:
    assert command in (ROOT / "README.md").read_text()
    assert command in (ROOT / "docs" / "interfaces.md").read_text()


@pytest.mark.parametrize("comparison", [c.name for c in COMPARISONS])
def test_every_comparison_has_words_for_caseworkers(comparison: str) -> None:
    from matching.explain import FIELD_LABELS

    assert comparison in FIELD_LABELS
