"""Work shared out to forked processes gives exactly what one process gives."""

import os
import subprocess
import sys
import threading
import time
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from fixtures.demo import demo_records_path
from matching import parallel
from matching.blocking import candidate_pairs
from matching.columns import Columns, build_columns
from matching.compare.pairs import compare_pairs
from matching.model import FSModel
from matching.pipeline import link
from matching.scoring import score_levels
from models.columnwise import validated_rows


@cache
def _demo_rows() -> tuple[dict, ...]:
    return tuple(v for _, _, v, _ in validated_rows(demo_records_path()) if v)


def _columns() -> Columns:
    return build_columns(list(_demo_rows()), "record_id")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers, and every job large enough to fork, in small chunks; in a process
    whose other threads (a server another test ran, stopping) have ended, since no job
    forks beside a thread."""
    deadline = time.monotonic() + 30
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]
    monkeypatch.setenv("NRM_WORKERS", "2")
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr("matching.compare.pairs.CHUNK", 997)
    monkeypatch.setattr("matching.scoring.CHUNK", 997)


def _scored() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    columns = _columns()
    a, b, _ = candidate_pairs(columns)
    levels = compare_pairs(columns, a, b)
    scores = score_levels(columns, a, b, levels, FSModel())
    return levels, scores.probability, scores.sibling


def test_forked_comparison_and_scoring_equal_one_process(forking: None) -> None:
    forked = _scored()
    with pytest.MonkeyPatch.context() as undo:
        undo.setenv("NRM_WORKERS", "1")
        single = _scored()
    assert len(forked[0]) > 5 * 997
    for x, y in zip(forked, single, strict=True):
        assert np.array_equal(x, y)


def test_forked_results_land_in_shared_memory(forking: None) -> None:
    out = parallel.shared_empty(10, np.int64)

    def work(part: slice) -> None:
        out[part] = np.arange(part.start, part.stop) * 2

    parallel.run_chunks(work, 10, 3)
    assert out.tolist() == [2 * k for k in range(10)]


def test_a_failing_worker_fails_the_job(forking: None) -> None:
    def work(part: slice) -> None:
        if part.start >= 3:
            raise ValueError("broken chunk")

    with pytest.raises((RuntimeError, ValueError)):
        parallel.run_chunks(work, 10, 3)


def test_linking_with_workers_gives_the_same_persons(forking: None) -> None:
    forked = link(list(_demo_rows()), FSModel(), id_field="record_id")
    with pytest.MonkeyPatch.context() as undo:
        undo.setenv("NRM_WORKERS", "1")
        single = link(list(_demo_rows()), FSModel(), id_field="record_id")
    assert np.array_equal(forked.clusters.labels, single.clusters.labels)
    assert np.array_equal(forked.scores.probability, single.scores.probability)
    assert forked.model.version == single.model.version


def _pids_of_work(total: int, chunk: int) -> set[int]:
    pids = parallel.shared_empty(total, np.int64)

    def work(part: slice) -> None:
        pids[part] = os.getpid()

    parallel.run_chunks(work, total, chunk)
    return set(pids.tolist())


ALONE = """
import os
import numpy as np
from matching import parallel

parallel.MIN_ITEMS = 1
pids = parallel.shared_empty(10, np.int64)

def work(part):
    pids[part] = os.getpid()

parallel.run_chunks(work, 10, 3)
print(len(set(pids.tolist())))
"""


def test_a_large_job_runs_in_several_processes() -> None:
    """In a process of one thread: a fresh one, since the test process may hold threads
    an HTTP client of an earlier test left, beside which the guard rightly never forks."""
    done = subprocess.run(
        [sys.executable, "-c", ALONE],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NRM_WORKERS": "2"},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.strip() == "2"


def test_a_process_running_other_threads_does_not_fork(forking: None) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _pids_of_work(10, 3) == {os.getpid()}
    finally:
        stop.set()
        other.join()


def _write_pid(path: Path) -> None:
    path.write_text(str(os.getpid()))


def test_a_background_job_runs_in_another_process_while_the_caller_goes_on(
    forking: None, tmp_path: Path
) -> None:
    marker = tmp_path / "pid"
    job = parallel.Background(lambda: _write_pid(marker), items=1, min_items=1)
    job.wait()
    assert int(marker.read_text()) != os.getpid()


def test_a_failing_background_job_fails_at_wait(forking: None) -> None:
    def broken() -> None:
        raise ValueError("broken job")

    job = parallel.Background(broken, items=1, min_items=1)
    with pytest.raises(RuntimeError, match="background process failed"):
        job.wait()


def test_a_small_background_job_runs_at_wait_in_this_process(forking: None, tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    job = parallel.Background(lambda: _write_pid(marker), items=10, min_items=100)
    assert not marker.exists()
    job.wait()
    assert int(marker.read_text()) == os.getpid()


def test_mapped_chunks_come_back_in_order_from_every_worker(forking: None) -> None:
    def work(part: slice) -> list[tuple[int, int]]:
        return [(k, os.getpid()) for k in range(part.start, part.stop)]

    found = parallel.map_chunks(work, 103, 10, min_items=1)
    assert [k for k, _ in found] == list(range(103))
    assert len({pid for _, pid in found}) == 2


def test_a_failing_mapped_chunk_fails_the_job(forking: None) -> None:
    def work(part: slice) -> list[int]:
        if part.start >= 10:
            raise ValueError("broken chunk")
        return list(range(part.start, part.stop))

    with pytest.raises((RuntimeError, ValueError)):
        parallel.map_chunks(work, 40, 10, min_items=1)


def test_names_parsed_on_every_core_give_the_columns_one_process_gives(
    forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("matching.columns.PARALLEL_VALUES", 1)
    forked = []
    real = parallel.map_chunks

    def spying(*args, **kwargs):
        forked.append(parallel._forks(args[1], args[3]))
        return real(*args, **kwargs)

    monkeypatch.setattr("matching.columns.map_chunks", spying)
    together = _columns()
    monkeypatch.setenv("NRM_WORKERS", "1")
    alone = _columns()

    assert forked[:2] == [True, True]
    for name in ("family", "given", "father", "mother", "patronymic", "place"):
        assert np.array_equal(getattr(together, name), getattr(alone, name)), name
    for name, vocabulary in together.vocab.items():
        assert vocabulary.values == alone.vocab[name].values, name


def test_a_shared_array_sorted_on_every_core_is_sorted(forking: None) -> None:
    values = parallel.shared_empty(10_001, np.int64)
    values[:] = np.random.default_rng(3).integers(0, 500, 10_001)
    expected = np.sort(values)
    parallel.sort_shared(values)
    assert np.array_equal(values, expected)


def test_forked_blocking_gives_the_pairs_one_process_gives(
    forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("matching.blocking.SPLIT_CHUNK", 997)  # chunks across the halves
    forked = candidate_pairs(_columns())
    with pytest.MonkeyPatch.context() as undo:
        undo.setenv("NRM_WORKERS", "1")
        single = candidate_pairs(_columns())
    assert len(forked[0]) > 10 * 997
    assert np.array_equal(forked[0], single[0])
    assert np.array_equal(forked[1], single[1])
