"""The committed gazetteer is what matching/data/build_gazetteer.py makes of the shared data
(habit 5: a test fails on drift). Rebuild with:

    python -m matching.data.build_gazetteer \
        --shared ../shared/data/mali-gazetteer --out matching/data
"""

import csv
import difflib
import io
from pathlib import Path

import pytest

from matching.data.build_gazetteer import ADMIN_OUT, HERE, SETTLEMENTS_OUT, build

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED = PROJECT_ROOT.parent / "shared" / "data" / "mali-gazetteer"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not SHARED.is_dir(),
        reason=f"shared gazetteer data not found at {SHARED} (needed to rebuild and compare)",
    ),
]


@pytest.fixture(scope="module")
def rebuilt() -> dict[str, str]:
    return build(SHARED)


@pytest.mark.parametrize("name", [ADMIN_OUT, SETTLEMENTS_OUT])
def test_committed_gazetteer_matches_a_rebuild(rebuilt, name):
    committed = (HERE / name).read_text(encoding="utf-8")
    if committed != rebuilt[name]:
        diff = difflib.unified_diff(
            committed.splitlines(), rebuilt[name].splitlines(), "committed", "rebuilt", n=0
        )
        shown = "\n".join(list(diff)[:20])
        pytest.fail(f"{name} drifted from its build; rerun the build script.\n{shown}")


REBUILT_COUNTS = [
    (ADMIN_OUT, "region_2015,", 9),
    (ADMIN_OUT, "region_2023,", 20),
    (ADMIN_OUT, "cercle,", 50),
    (ADMIN_OUT, "commune,", 701),
]


@pytest.mark.parametrize(("name", "prefix", "count"), REBUILT_COUNTS)
def test_rebuild_has_every_admin_unit(rebuilt, name, prefix, count):
    assert sum(line.startswith(prefix) for line in rebuilt[name].splitlines()) == count


def test_rebuild_fixes_the_koulikouro_misspelling(rebuilt):
    lines = [line for line in rebuilt[SETTLEMENTS_OUT].splitlines() if not line.startswith("#")]
    regions = {row["region_2015"] for row in csv.DictReader(io.StringIO("\n".join(lines)))}
    assert "Koulikoro" in regions and "Koulikouro" not in regions
