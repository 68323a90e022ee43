"""The README's benchmark section is what `python -m bench.report` renders: the tables
from `bench/results/`, the hand-measured notes from `bench/notes/`."""

from __future__ import annotations

from pathlib import Path

from bench.report import END, START, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_holds_what_the_report_renders() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(START) + len(START) : readme.index(END)]
    assert section.strip() == render().strip()
