"""A generator run in a worker process: what it yields, what it raises, when it dies."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from i18n import Message, MessageError
from models.prefetch import WorkerStopped, in_worker


def _counting(n: int, *, step: int = 1) -> Iterator[int]:
    yield from range(0, n, step)


def _refusing() -> Iterator[int]:
    yield 1
    raise MessageError(Message("cannot read {what}", what="the file"))


def _dying() -> Iterator[int]:
    yield 1
    os._exit(3)


def test_a_worker_yields_what_the_generator_yields_in_order() -> None:
    assert list(in_worker(_counting, 10, step=3)) == [0, 3, 6, 9]


def test_what_a_worker_raises_is_raised_with_its_message_to_translate() -> None:
    with pytest.raises(MessageError) as raised:
        list(in_worker(_refusing))
    assert raised.value.message.msgid == "cannot read {what}"
    assert raised.value.message.params == {"what": "the file"}


def test_a_worker_that_dies_is_an_error_not_a_wait() -> None:
    with pytest.raises(WorkerStopped, match="exit code 3"):
        list(in_worker(_dying))
