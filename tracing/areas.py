"""The dated list of communes and cercles where a return is not safe, which the
safe-return assessment reads (`tracing.assessment`): a CSV `area,level,security,source,
as_of`, empty by default (`tracing/data/insecure_areas.csv`) or `NRM_INSECURE_AREAS`."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["AREAS_ENV", "InsecureArea", "insecure_areas"]

AREAS_ENV = "NRM_INSECURE_AREAS"
DEFAULT_AREAS = Path(__file__).parent / "data" / "insecure_areas.csv"


@dataclass(frozen=True, slots=True)
class InsecureArea:
    """One commune or cercle on the dated list of areas where return is not safe."""

    area: str
    level: str  # commune | cercle
    security: str
    source: str
    as_of: str


@cache
def _read_areas(path: str) -> tuple[InsecureArea, ...]:
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    return tuple(
        InsecureArea(r["area"], r["level"], r["security"], r["source"], r["as_of"]) for r in rows
    )


def insecure_areas() -> tuple[InsecureArea, ...]:
    """The configured list (`NRM_INSECURE_AREAS`, else `tracing/data/insecure_areas.csv`)."""
    return _read_areas(os.environ.get(AREAS_ENV) or str(DEFAULT_AREAS))
