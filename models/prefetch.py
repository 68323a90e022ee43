"""A generator run in a worker process while the caller consumes what it yields.

A large records file is read and validated there, a chunk ahead, while this process
writes the chunks before it into the database: validation is Python, so a thread would
wait on the GIL. The worker is spawned (a server's threads are not forked with it);
what it raises is raised here, and it is stopped when the caller stops reading.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

from i18n import Message, MessageError

T = TypeVar("T")
AHEAD = 4
"""Items the worker may have ready before the caller takes them (memory held)."""
PATIENCE_SECONDS = 1.0
"""How often a caller waiting for an item checks that the worker is still alive."""
WORKER_STOPPED = "the process reading the file stopped unexpectedly (exit code {code})"


class WorkerStopped(MessageError):
    """The worker died without a word (killed, out of memory)."""


def _produce(out: Any, make: Callable[..., Iterator[Any]], args: tuple, kwargs: dict) -> None:
    try:
        for item in make(*args, **kwargs):
            out.put(("item", item))
    except Exception as exc:  # raised again in the caller, whatever it is
        out.put(("error", exc))
    else:
        out.put(("done", None))


def in_worker(
    make: Callable[..., Iterator[T]], /, *args: Any, **kwargs: Any
) -> Generator[T, None, None]:
    """What ``make(*args, **kwargs)`` yields, computed in a worker process (``make`` and
    its arguments are pickled: a module-level function and plain values)."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue(maxsize=AHEAD)
    worker = context.Process(target=_produce, args=(out, make, args, kwargs), daemon=True)
    worker.start()
    try:
        while True:
            try:
                kind, value = out.get(timeout=PATIENCE_SECONDS)
            except queue.Empty:
                if not worker.is_alive():
                    raise WorkerStopped(Message(WORKER_STOPPED, code=worker.exitcode)) from None
                continue
            if kind == "error":
                raise value
            if kind == "done":
                return
            yield value
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        out.close()


def in_this_process(make: Callable[..., Iterator[T]], /, *args: Any, **kwargs: Any) -> Iterator[T]:
    """``make(*args, **kwargs)`` as it is: `in_worker`'s twin for small inputs."""
    return make(*args, **kwargs)
