"""Progress lines for long commands: shown on a terminal, silent in a pipe or with --json,
in the language of the command (`lang`; the caller translates the label)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from i18n import N_, gettext_for, number

STAGE_NAMES = {
    "prepare": N_("preparing"),
    "blocking": N_("blocking"),
    "compare": N_("comparing"),
    "fit": N_("fitting the model"),
    "score": N_("scoring"),
    "cluster": N_("clustering"),
    "reading": N_("reading and preparing"),
    "writing": N_("writing"),
}
"""The stages of a linking run (`matching.pipeline`'s names and the file steps around it)."""


class Progress:
    """`rows read 120,000 / 1,000,000 · 48,210/s · 18 s left`, redrawn at most 4 times a second."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        lang: str = "en",
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.lang = lang
        self.total = total
        self.count = 0
        self.started = time.monotonic()
        self._last_draw = 0.0

    def advance(self, n: int = 1) -> None:
        self.count += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last_draw >= 0.25:
            self._last_draw = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.count / elapsed
        text = f"{self.label} {number(self.count, self.lang, grouped=True)}"
        if self.total:
            text += f" / {number(self.total, self.lang, grouped=True)}"
        text += f" · {number(rate, self.lang, grouped=True)}/s"
        if self.total and rate > 0 and self.count < self.total:
            _ = gettext_for(self.lang)
            left = number((self.total - self.count) / rate, self.lang, grouped=True)
            text += " · " + _("{seconds} s left").format(seconds=left)
        else:
            text += f" · {number(elapsed, self.lang, 1, grouped=True)} s"
        return text

    def _draw(self, now: float) -> None:
        self.stream.write("\r\033[K" + self.line(now))
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K" + self.line() + "\n")
            self.stream.flush()


def count_lines(path: str) -> int:
    """Rows in a text file, fast (for the progress total); 0 when it cannot tell."""
    try:
        with open(path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0


class Stages:
    """`linking: blocking done · 12.4 s` lines for the stages of a linking run (terminal only)."""

    def __init__(
        self,
        label: str,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        lang: str = "en",
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.lang = lang
        self.started = time.monotonic()

    def __call__(self, stage: str) -> None:
        if self.enabled:
            _ = gettext_for(self.lang)
            line = _("{label}: {stage} done · {seconds} s").format(
                label=self.label,
                stage=_(STAGE_NAMES.get(stage, stage)),
                seconds=number(time.monotonic() - self.started, self.lang, 1, grouped=True),
            )
            self.stream.write("\r\033[K" + line)
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
