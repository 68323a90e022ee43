"""Chunked numpy work on every core: forked workers write into shared memory.

numpy runs one core at a time; a million-record run compares and scores tens
of millions of pairs chunk by chunk, and the chunks are independent. Workers
are forked after the tables they read are built, so they share the parent's
memory (copy on write) and write their chunks into arrays the parent mapped
as shared; nothing is pickled. Small jobs (tests, incremental matching) run
in the calling process: forking costs more than it saves below `MIN_ITEMS`;
so does every job of a process that runs other threads (the HTTP server).
`NRM_WORKERS` sets the number of processes (default: the cores available;
1 turns forking off).

Two more shapes of the same idea: `map_chunks` for Python work whose results are
objects (each worker writes its results to a file, pickled a part at a time), and
`Background` for one job run in a forked process while the caller goes on (a relink
writes the blocking keys so while it links).
"""

from __future__ import annotations

import gc
import mmap
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import BinaryIO

import numpy as np

MIN_ITEMS = 500_000
"""Below this many items (pairs), a job runs in the calling process."""


def workers() -> int:
    """Processes to use: `NRM_WORKERS`, else the cores this process may run on."""
    configured = os.environ.get("NRM_WORKERS")
    if configured:
        return max(1, int(configured))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _forks(total: int, min_items: int | None = None) -> bool:
    """Fork for a job of at least `min_items` items (default `MIN_ITEMS`), never from a
    process running other threads (a server's worker threads may hold locks that a
    forked child would wait on forever)."""
    least = MIN_ITEMS if min_items is None else min_items
    return total >= least and workers() > 1 and threading.active_count() == 1


def shared_empty(shape: int | tuple[int, ...], dtype: np.dtype | type) -> np.ndarray:
    """An uninitialised array of `shape[0]` items: in anonymous shared memory when a job
    of that many items forks (what forked workers write into it, the parent sees), a
    plain array otherwise. Freed with the array, like any other."""
    shape = (shape,) if isinstance(shape, int) else shape
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if size == 0 or not _forks(shape[0]):
        return np.empty(shape, dtype=dtype)
    buffer = mmap.mmap(-1, size)
    return np.frombuffer(buffer, dtype=dtype).reshape(shape)


def _run(work: Callable[[slice], None], parts: Sequence[slice]) -> None:
    for part in parts:
        work(part)


def run_chunks(
    work: Callable[[slice], None], total: int, chunk: int, parallel: bool = True
) -> None:
    """Call `work(part)` for every slice of `chunk` items of 0..total, on `workers()`
    processes when the job is large enough (and `parallel`). `work` must write its
    results into arrays made by `shared_empty(total, ...)`, or the parent will not
    see them."""
    forks = parallel and _forks(total)
    if forks:  # at least one part per process
        chunk = max(1, min(chunk, -(-total // workers())))
    parts = [slice(start, min(start + chunk, total)) for start in range(0, total, chunk)]
    count = min(workers(), len(parts))
    if not forks or count < 2:
        _run(work, parts)
        return
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_run, args=(work, parts[k::count]), daemon=True)
        for k in range(1, count)
    ]
    for process in processes:
        process.start()
    try:
        _run(work, parts[0::count])
    finally:
        for process in processes:
            process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"a worker process failed (exit codes {failed})")


def sort_shared(values: np.ndarray) -> None:
    """Sort `values` in place, on `workers()` processes when it is large enough: split
    into ranges around its quantiles (`np.partition`, one pass), each range sorted by a
    process (numpy sorts on one core: 76 million pair codes took 6 s). `values` must be
    made by `shared_empty(len(values), ...)` for the workers' sorting to be seen."""
    total = len(values)
    count = workers() if _forks(total) else 1
    if count < 2:
        values.sort()
        return
    chunk = -(-total // count)
    values.partition(list(range(chunk, total, chunk)))
    run_chunks(lambda part: values[part].sort(), total, chunk)


def _write(work: Callable[[slice], list], parts: Sequence[slice], out: BinaryIO) -> None:
    gc.freeze()  # the parent's objects are never collected in the worker: no copying
    for part in parts:  # a part at a time: the worker never holds all its results
        pickle.dump(work(part), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def map_chunks(
    work: Callable[[slice], list], total: int, chunk: int, min_items: int = 5_000
) -> list:
    """`work(part)` for every slice of `chunk` items of 0..total, concatenated in order:
    for Python work whose results are objects, not arrays (reasons worded for pairs). On
    `workers()` processes when the job has at least `min_items` items and the process may
    fork; each forked worker writes its parts' results, pickled a part at a time, to a
    temporary file the caller reads once it is done (sent whole through a pipe, a
    million-record relink's reasons held 1 GB more in the worker at its peak)."""
    parts = [slice(start, min(start + chunk, total)) for start in range(0, total, chunk)]
    count = min(workers(), len(parts))
    if count < 2 or not _forks(total, min_items):
        return [item for part in parts for item in work(part)]
    context = multiprocessing.get_context("fork")
    results: list[list | None] = [None] * len(parts)
    children = []
    with ExitStack() as files:
        for k in range(1, count):
            out = files.enter_context(tempfile.TemporaryFile())
            process = context.Process(target=_write, args=(work, parts[k::count], out), daemon=True)
            process.start()
            children.append((k, out, process))
        try:
            for index in range(0, len(parts), count):
                results[index] = work(parts[index])
        except BaseException:
            for _, _, process in children:
                process.terminate()
                process.join()
            raise
        failed = []
        for k, out, process in children:
            process.join()
            if process.exitcode != 0:
                failed.append(k)
                continue
            out.seek(0)
            for index in range(k, len(parts), count):
                results[index] = pickle.load(out)
        if failed:
            raise RuntimeError(f"a worker process failed (workers {sorted(failed)})")
    return [item for found in results for item in found or ()]


class Background:
    """A job run in a forked process while the caller goes on, when a process may fork
    (`workers()` > 1, no other thread) and the job is large enough; else run in the
    calling process at `wait()`. `in_child` runs first in the forked process (to let go
    of what the parent holds, such as database connections). The job's own effects are
    its results (rows it writes): nothing comes back but whether it succeeded."""

    def __init__(
        self,
        job: Callable[[], None],
        items: int,
        in_child: Callable[[], None] = lambda: None,
        min_items: int = 20_000,
    ) -> None:
        self._job = job
        self._process = None
        if _forks(items, min_items):

            def run() -> None:
                gc.freeze()  # the parent's objects are never collected here: no copying
                in_child()
                job()

            self._process = multiprocessing.get_context("fork").Process(target=run, daemon=True)
            self._process.start()

    def wait(self) -> None:
        """The job done: joined (raises RuntimeError when it failed), or run now."""
        if self._process is None:
            self._job()
            return
        self._process.join()
        if self._process.exitcode != 0:
            raise RuntimeError(f"a background process failed (exit code {self._process.exitcode})")
