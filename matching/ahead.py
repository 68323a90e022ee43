"""Values worked out ahead, on the core a batch link would leave idle.

Linking a file keeps one core busy, and the other waiting, in two places: reading,
validating and coding the rows (about 20 s for a million), then finding the candidate
pairs (about 8 s). Meanwhile what comes next is already known: the distinct names the
rows hold (370,000 for a million records, about 25 CPU seconds to parse) and, once the
rows are coded, their distinct places (110,000, about 14 CPU seconds in the gazetteer).
`WorkedAhead` sends them, as they are found, to processes that work them out
(`parallel.WorkAhead`), and is the `prepared.Prepared` that `build_columns` and the
place comparison ask before they parse: each kind is taken once, and what its process
had not reached is worked out on every core as before. The values are the same, and so
are the persons.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from matching.columns import WRITTEN_NAME_FIELDS, ColumnBatches, Columns, written_name
from matching.compare.pairs import place_keys, place_reading
from matching.parallel import WorkAhead
from matching.prepared import NAME, PLACE, as_data, from_data
from matching.values import name_values

AHEAD_BYTES = 4_000_000
"""From a file of this size (about 25,000 records) values are worked out ahead: below
it, forking costs more than it saves."""


class WorkedAhead:
    """A `matching.prepared.Prepared` holding the names and places worked out ahead, each
    kind given once to the first question about it, then forgotten (the values live on in
    the columns' vocabularies and tables). A context manager: leaving stops whatever is
    still running."""

    def __init__(self, enabled: bool = True, finish: bool = False) -> None:
        """With `finish`, a kind is taken once every value sent is worked out (what its
        process reached then no longer depends on the machine's speed)."""
        self._enabled = enabled
        self._finish = finish
        self._ahead: dict[str, WorkAhead] = {}

    @classmethod
    def for_file(cls, size: int) -> WorkedAhead:
        """For a file of `size` bytes: nothing is worked out ahead below `AHEAD_BYTES`."""
        return cls(enabled=size >= AHEAD_BYTES)

    def _start(self, kind: str) -> WorkAhead:
        if kind in self._ahead:
            raise RuntimeError(f"{kind} values are already worked out ahead")
        ahead = self._ahead[kind] = WorkAhead(_WORK[kind], enabled=self._enabled)
        return ahead

    def watching(self, batches: ColumnBatches) -> ColumnBatches:
        """The same batches, whose names are sent ahead to be parsed as each goes by."""
        return ColumnBatches(self._watch(batches, self._start(NAME)))

    @staticmethod
    def _watch(batches: ColumnBatches, ahead: WorkAhead) -> Iterator[Mapping[str, Sequence[Any]]]:
        keys: set[tuple[str | None, ...]] = set()
        for batch in batches:
            count = max((len(v) for v in batch.values() if v is not None), default=0)
            cells = [batch.get(name) or (None,) * count for name in WRITTEN_NAME_FIELDS]
            new = []
            for raw in set(zip(*cells, strict=True)):
                if raw in keys:  # most cells are kept as they are written
                    continue
                key = written_name(raw)
                if key not in keys:
                    keys.add(key)
                    new.append(key)
            ahead.send(new)
            yield batch

    def places(self, columns: Columns) -> None:
        """Start resolving the places of `columns` (the candidate pairs are found meanwhile)."""
        self._start(PLACE).send(place_keys(columns))

    def known(self, kind: str, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
        ahead = self._ahead.pop(kind, None)
        if ahead is None:
            return {}
        with ahead:
            found = ahead.take(self._finish)
        return {key: from_data(kind, found[key]) for key in keys if key in found}

    def learn(self, kind: str, values: Mapping[tuple[Any, ...], Any]) -> None:
        """Nothing is kept: a file links once."""

    def __enter__(self) -> WorkedAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        for ahead in self._ahead.values():
            ahead.__exit__(*exc)
        self._ahead.clear()


def _name(key: tuple[Any, ...]) -> Any:
    return as_data(NAME, name_values(key))


def _place(key: tuple[Any, ...]) -> Any:
    return as_data(PLACE, place_reading(key))


_WORK = {NAME: _name, PLACE: _place}
"""What is worked out for each kind, sent back as plain data (`prepared.as_data`: pickle
writes and reads it several times faster than the frozen dataclasses)."""
