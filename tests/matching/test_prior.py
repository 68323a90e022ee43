"""The prior belongs to the population being linked: it does not grow with it."""

from pathlib import Path

import pytest

from fixtures.dataset import generate, write_dataset
from matching.columns import build_columns
from matching.model import FSModel
from matching.pipeline import link
from matching.scoring import MIN_MATCHES_PER_RECORD
from models.columnwise import validated_rows


def _matches_per_record(tmp_path: Path, households: int) -> float:
    out = tmp_path / f"h{households}"
    write_dataset(generate(households, seed=5), out)
    rows = [values for _, _, values, errors in validated_rows(out / "records.csv") if not errors]
    result = link(build_columns(rows, "record_id"), FSModel(), keep="review")
    return result.model.matches_per_record


@pytest.mark.slow
def test_matches_per_record_stay_the_same_when_the_population_grows_fourfold(
    tmp_path: Path,
) -> None:
    small = _matches_per_record(tmp_path, 300)
    large = _matches_per_record(tmp_path, 1200)
    assert MIN_MATCHES_PER_RECORD <= small < 2.0
    assert large == pytest.approx(small, rel=0.35)
