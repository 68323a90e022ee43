"""The accuracy benchmark's engine run (`bench.accuracy.run_engine`): `nrm link`'s pipeline
with the pairs a reviewer would see."""

from bench.accuracy import run_engine
from fixtures.demo import DEMO_DIR


def test_every_kept_pair_has_a_band_and_every_record_a_person() -> None:
    run = run_engine(DEMO_DIR / "records.csv", household=True)
    assert len(run.band) == len(run.a) == len(run.probability) > 0
    assert set(run.band.tolist()) <= {"match", "review"}
    assert len(run.ids) == len(run.labels)
