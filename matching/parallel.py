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

Three more shapes of the same idea: `map_chunks` for Python work whose results are
objects (each worker writes its results to a file, pickled a part at a time),
`Background` for one job run in a forked process while the caller goes on (a relink
writes the blocking keys so while it links), and `WorkAhead` for items worked out in a
forked process while the caller is still finding them (names parsed while a file is
read).
"""

from __future__ import annotations

import gc
import mmap
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any, BinaryIO

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


class WorkAhead:
    """Work on items while the caller is still finding them: a forked process works out
    `work(item)` for the items sent to it (`send`, a list at a time) as they come, and
    `take()` stops it and returns what it has worked out so far ({item: result}); the
    caller works out the rest. Reading a million-record file keeps one core busy while
    the other would wait for the names it finds. Nothing is forked when not `enabled` or
    when the process may not fork (`workers()` < 2, other threads): `send` keeps nothing
    and `take()` gives {}. Use it as a context manager: leaving stops the process,
    whatever happened."""

    def __init__(self, work: Callable[[Any], Any], enabled: bool = True) -> None:
        self._process = None
        self._sending: Any = None
        self._fd = -1
        if not enabled or not _forks(1, 1):
            return
        self._fd, path = tempfile.mkstemp(prefix="nrm-ahead-")
        os.unlink(path)  # the results' file lives as long as it is open
        receiving, self._sending = multiprocessing.get_context("fork").Pipe(duplex=False)
        self._process = multiprocessing.get_context("fork").Process(
            target=_work_ahead, args=(work, receiving, self._sending, self._fd), daemon=True
        )
        self._process.start()
        receiving.close()

    def send(self, items: list) -> None:
        if self._process is None or not items or self._sending.closed:
            return
        try:
            self._sending.send(items)
        except OSError:  # the process is gone: `take()` says why
            self._sending.close()

    def take(self, finish: bool = False) -> dict:
        """What the process worked out: it stops at once, or with `finish` once every item
        sent is worked out. Raises RuntimeError when it failed."""
        process = self._process
        if process is None:
            return {}
        try:
            if not self._sending.closed:
                self._sending.send(_FINISH if finish else None)
        except OSError:  # the process is gone: its exit code says why
            pass
        finally:
            self._sending.close()
            process.join()
            self._process = None
        found: dict = {}
        with os.fdopen(self._fd, "rb") as results:
            self._fd = -1
            if process.exitcode != 0:
                raise RuntimeError(f"a process working ahead failed (exit code {process.exitcode})")
            results.seek(0)
            unpickler = pickle.Unpickler(results)  # one memo: what the worker shared stays shared
            while results.peek(1):
                found.update(unpickler.load())
        return found

    def __enter__(self) -> WorkAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None
        if self._sending is not None:
            self._sending.close()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


_AHEAD_PIECE = 200
"""Items worked out between two looks at whether the caller has asked to stop."""

_FINISH = ()
"""Sent instead of None (stop now): stop once every item sent is worked out."""


def _work_ahead(work: Callable[[Any], Any], receiving: Any, sending: Any, fd: int) -> None:
    """The process of a `WorkAhead`: a thread receives the lists sent (so the caller never
    waits on a full pipe), this one works them out a piece at a time until told to stop,
    writing each list's results as soon as they are done."""
    gc.freeze()  # the parent's objects are never collected here: no copying
    sending.close()  # the caller's end: the pipe then closes should the caller die
    pending: deque[list] = deque()
    stopped, finishing = threading.Event(), threading.Event()

    def receive() -> None:
        try:
            while items := receiving.recv():
                pending.append(items)
        except EOFError:  # the caller is gone
            os._exit(1)
        (stopped if items is None else finishing).set()

    threading.Thread(target=receive, daemon=True).start()
    with os.fdopen(fd, "wb") as out:
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        while not stopped.is_set():
            finished = finishing.is_set()  # before looking: the last list comes before it
            if not pending:
                if finished:
                    break
                stopped.wait(0.002)
                continue
            items = pending.popleft()
            found = {}
            for start in range(0, len(items), _AHEAD_PIECE):
                if stopped.is_set():
                    break
                for item in items[start : start + _AHEAD_PIECE]:
                    found[item] = work(item)
            pickler.dump(found)
