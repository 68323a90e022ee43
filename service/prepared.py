"""Prepared values kept in the store (`matching.prepared`), so that linking a new record
does not parse its candidates' names and places again.

A relink writes every value of the population; an incremental link reads its
candidates' values by key and adds those it had to work out (its new records', and any
candidate's missing). The values carry the version of the code that prepared them: a
store whose values another code prepared drops them (a cache; nothing is lost) before
the next link reads any.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from matching.prepared import (
    KINDS,
    CollectedValues,
    PreparedValues,
    decode,
    encode,
    key_digest,
    prepared_version,
)
from models.store import Store
from models.store.prepared import PREPARED_VERSION

Reader = Callable[[str, list[str]], list[tuple[str, str]]]
"""(kind, keys as stored) -> the (key, value) rows stored among them."""


class StoredPrepared:
    """`matching.prepared.Prepared` over a store: values read by key on first ask (through
    `read`: `Store.prepared`, or `LinkTx.prepared` inside a linking transaction), those
    worked out kept in memory until `rows` gives them to be stored."""

    def __init__(self, read: Reader, memory: PreparedValues | None = None) -> None:
        self.read = read
        self.memory = memory if memory is not None else PreparedValues()

    def through(self, read: Reader) -> StoredPrepared:
        """The same values, read through another reader."""
        return StoredPrepared(read, self.memory)

    def known(self, kind: str, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
        found = self.memory.known(kind, keys)
        wanted = {key_digest(k): k for k in keys if k not in found}
        if wanted:
            stored = {
                wanted[text]: decode(kind, value) for text, value in self.read(kind, list(wanted))
            }
            self.memory.values[kind].update(stored)
            found.update(stored)
        return found

    def learn(self, kind: str, values: Mapping[tuple[Any, ...], Any]) -> None:
        self.memory.learn(kind, values)

    def rows(self) -> list[tuple[str, str, str]]:
        """The values worked out here, as rows to store."""
        return list(self.memory.rows())


class DigestedValues:
    """Values worked out for a whole population, taken out of `collected` (which then
    holds none: a million records' keys as parsed need not stay beside their digests),
    by their keys as stored (`key_digest`), encoded only when a store asks for them
    (`Store.replace_prepared`: a relink writes only those the store lacks)."""

    def __init__(self, collected: CollectedValues) -> None:
        self._values: dict[tuple[str, str], Any] = {}
        for kind in KINDS:
            learned = collected.learned[kind]
            while learned:
                key, value = learned.popitem()
                self._values[kind, key_digest(key)] = value

    def keys(self) -> Collection[tuple[str, str]]:
        return self._values.keys()

    def rows(self, keys: Iterable[tuple[str, str]] | None = None) -> Iterator[tuple[str, str, str]]:
        for kind, key in self._values if keys is None else keys:
            yield kind, key, encode(kind, self._values[kind, key])


def ensure_current_prepared(store: Store) -> None:
    """Drop the stored values when another code prepared them."""
    if store.setting(PREPARED_VERSION) != prepared_version():
        store.forget_prepared(prepared_version())
