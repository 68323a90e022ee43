"""Values worked out ahead in another process are those one process works out, and a file
linked with them gives the same persons.

The checks that must fork run in a fresh process: the test process may hold threads an
HTTP client of an earlier test left, beside which nothing forks (rightly).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from fixtures.demo import demo_records_path
from matching.ahead import WorkedAhead
from matching.columns import build_columns
from matching.compare.pairs import place_readings
from matching.parallel import WorkAhead
from service.linkfile import link_file, valid_columns

ROOT = Path(__file__).resolve().parents[2]


def _in_fresh_process(check: str, *args: str) -> None:
    code = f"import sys; from {__name__} import {check}; {check}(*sys.argv[1:])"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NRM_WORKERS": "2"},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


def _square_elsewhere(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def worked_out_in_another_process() -> None:
    with WorkAhead(_square_elsewhere) as ahead:
        for start in range(0, 3000, 500):
            ahead.send(list(range(start, start + 500)))
        found = ahead.take(finish=True)
    assert sorted(found) == list(range(3000))
    assert all(square == item * item for item, (square, _) in found.items())
    assert {pid for _, pid in found.values()} - {os.getpid()}


def test_items_sent_ahead_are_worked_out_in_another_process() -> None:
    _in_fresh_process("worked_out_in_another_process")


def taken_at_once_gives_only_what_was_worked_out() -> None:
    with WorkAhead(_square_elsewhere) as ahead:
        ahead.send(list(range(100)))
        time.sleep(0.5)  # long enough for a process to reach these
        ahead.send(list(range(100, 1_000_000)))
        found = ahead.take()
    assert 100 <= len(found) < 1_000_000
    assert all(square == item * item for item, (square, _) in found.items())


def test_what_is_taken_at_once_is_right_and_the_rest_is_left_to_the_caller() -> None:
    _in_fresh_process("taken_at_once_gives_only_what_was_worked_out")


def _broken(item: int) -> int:
    raise ValueError(f"broken on {item}")


def a_failure_is_raised_when_taken() -> None:
    with WorkAhead(_broken) as ahead:
        ahead.send([1, 2, 3])
        try:
            ahead.take(finish=True)
        except RuntimeError as error:
            assert "failed" in str(error)
        else:
            raise AssertionError("no error")


def test_a_failing_process_fails_when_its_results_are_taken() -> None:
    _in_fresh_process("a_failure_is_raised_when_taken")


def _report_then_wait(path: str) -> object:
    Path(path).write_text(str(os.getpid()))
    time.sleep(60)
    return None


def leaving_stops_the_process(marker: str) -> None:
    with WorkAhead(lambda _: _report_then_wait(marker)) as ahead:
        ahead.send([1])
        for _ in range(3000):
            if Path(marker).exists() and Path(marker).read_text():
                break
            time.sleep(0.01)
    pid = int(Path(marker).read_text())
    assert not Path(f"/proc/{pid}").exists()


def test_leaving_stops_a_process_still_working(tmp_path: Path) -> None:
    _in_fresh_process("leaving_stops_the_process", str(tmp_path / "pid"))


def test_nothing_is_forked_when_not_enabled() -> None:
    with WorkAhead(_square_elsewhere, enabled=False) as ahead:
        ahead.send([1, 2])
        assert ahead.take(finish=True) == {}


def _demo_columns(ahead: WorkedAhead | None):
    errors: list = []
    batches = valid_columns(demo_records_path(), errors)
    if ahead is not None:
        batches = ahead.watching(batches)
    columns = build_columns(batches, "record_id", prepared=ahead, natural=True)
    assert not errors
    return columns


def columns_alike_with_values_worked_out_ahead() -> None:
    alone = _demo_columns(None)
    alone_places = place_readings(alone)
    asked = []
    with WorkedAhead(finish=True) as ahead:
        real = ahead.known

        def counting(kind, keys):
            found = real(kind, keys)
            asked.append((kind, len(found), len(keys)))
            return found

        ahead.known = counting
        together = _demo_columns(ahead)
        ahead.places(together)
        together_places = place_readings(together)
    assert [kind for kind, _, _ in asked] == ["name", "parent", "place"]
    assert asked[0][1] == asked[0][2] > 0  # every name parsed ahead
    assert asked[2][1] == asked[2][2] > 0  # every place resolved ahead
    for name in ("family", "given", "father", "mother", "patronymic", "place"):
        assert np.array_equal(getattr(together, name), getattr(alone, name)), name
    for name, vocabulary in together.vocab.items():
        assert vocabulary.values == alone.vocab[name].values, name
    assert together_places == alone_places


def test_names_and_places_worked_out_ahead_are_those_worked_out_in_place() -> None:
    _in_fresh_process("columns_alike_with_values_worked_out_ahead")


def linked_with_values_ahead(out: str) -> None:
    WorkedAhead.for_file = classmethod(lambda cls, size: cls(finish=True))  # type: ignore[method-assign]
    real, found = WorkedAhead.known, []

    def counting(self: WorkedAhead, kind: str, keys: list) -> dict:
        values = real(self, kind, keys)
        found.append(len(values))
        return values

    WorkedAhead.known = counting  # type: ignore[method-assign]
    link_file(demo_records_path(), Path(out), progress=False)
    assert found[0] > 0 and found[2] > 0  # names and places were worked out ahead


def test_a_file_linked_with_values_worked_out_ahead_gives_the_same_persons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _in_fresh_process("linked_with_values_ahead", str(tmp_path / "ahead.csv"))
    monkeypatch.setenv("NRM_WORKERS", "1")
    link_file(demo_records_path(), tmp_path / "alone.csv", progress=False)
    assert (tmp_path / "ahead.csv").read_text() == (tmp_path / "alone.csv").read_text()
