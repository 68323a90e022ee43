"""Prepared values: what matching makes of a name, a parent's name or a place as written,
in a form a store can keep, so that a record met again is not parsed again.

Linking one new record against a million stored ones compares it with a few hundred
candidates; in a process that has just started, parsing their names and parents and
resolving their places in the gazetteer is most of the time (about 0.2 ms a name, 0.15
ms a parent, 0.25 ms a place). A value is keyed by what parsing reads (a name's four
fields stripped, a parent's name with the patronym, a place's four fields folded),
stored as a digest (`key_digest`: a cell may hold 10,000 characters, more than an index
entry may): a changed record has another key, so a stored value goes stale only with
the code that prepared it (`prepared_version`).

`Prepared` is what `columns.build_columns` and the place comparison ask before they
parse: the values it knows for a list of keys. It is told every value they worked out
(`learn`), so that a store can keep those it did not have.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from matching.place_resolution import ResolvedSets, signature_of
from matching.values import FamilyValue, GivenValue, ParentValue

PREPARED_FORMAT = "prepared-3"
"""Bumped by hand when the stored form of a value changes in a way no probe shows."""

NAME, PARENT, PLACE = "name", "parent", "place"
KINDS = (NAME, PARENT, PLACE)

NameValues = tuple[FamilyValue | None, GivenValue | None, str | None]
PlaceReading = tuple[tuple[object, ...], ResolvedSets, tuple[str, ...]]
"""A place's resolution signature (equal for spellings the comparison cannot tell apart),
the sets the comparison reads, and the place as written (folded), which with the sets
gives the signature (`place_resolution.signature_of`)."""


class Prepared(Protocol):
    def known(self, kind: str, keys: Sequence[tuple[Any, ...]]) -> Mapping[tuple[Any, ...], Any]:
        """The prepared values of `kind` it holds for any of `keys`."""
        ...

    def learn(self, kind: str, values: Mapping[tuple[Any, ...], Any]) -> None:
        """Values of `kind` worked out by matching (it may keep them)."""
        ...


def values_of(
    prepared: Prepared | None,
    kind: str,
    keys: Sequence[tuple[Any, ...]],
    work_out: Callable[[list[tuple[Any, ...]]], list[Any]],
) -> dict[tuple[Any, ...], Any]:
    """Each distinct key's value of `kind`: from `prepared` where it holds it, else worked
    out (`work_out(keys)`, the values in the keys' order) and `prepared` told."""
    values = dict(prepared.known(kind, keys)) if prepared is not None else {}
    missing = [k for k in keys if k not in values]
    worked_out = dict(zip(missing, work_out(missing), strict=True))
    if prepared is not None:
        prepared.learn(kind, worked_out)
    values.update(worked_out)
    return values


@dataclass
class PreparedValues:
    """Prepared values held in memory: those read from a store, and those worked out
    since (`learned`), which the store did not have."""

    values: dict[str, dict[tuple[Any, ...], Any]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )
    learned: dict[str, dict[tuple[Any, ...], Any]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )

    def known(self, kind: str, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
        held = self.values[kind]
        return {key: held[key] for key in keys if key in held}

    def learn(self, kind: str, values: Mapping[tuple[Any, ...], Any]) -> None:
        held = self.values[kind]
        new = {key: value for key, value in values.items() if key not in held}
        held.update(new)
        self.learned[kind].update(new)

    def rows(self) -> Iterator[tuple[str, str, str]]:
        """What was learned, as (kind, key digest, value) texts for a store."""
        return _rows(self.learned)


@dataclass
class CollectedValues:
    """Every value worked out, kept to be stored (a relink: nothing is known before)."""

    learned: dict[str, dict[tuple[Any, ...], Any]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )

    def known(self, kind: str, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
        return {}

    def learn(self, kind: str, values: Mapping[tuple[Any, ...], Any]) -> None:
        self.learned[kind].update(values)

    def rows(self) -> Iterator[tuple[str, str, str]]:
        """(kind, key digest, value) texts for a store."""
        return _rows(self.learned)


def _rows(learned: dict[str, dict[tuple[Any, ...], Any]]) -> Iterator[tuple[str, str, str]]:
    for kind in KINDS:
        for key, value in learned[kind].items():
            yield kind, key_digest(key), encode(kind, value)


def key_digest(key: tuple[Any, ...]) -> str:
    """A key as stored: a digest of its fields as JSON (None stays null), 32 hex digits."""
    text = json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def encode(kind: str, value: Any) -> str:
    return json.dumps(as_data(kind, value), ensure_ascii=False, separators=(",", ":"))


def decode(kind: str, text: str) -> Any:
    return from_data(kind, json.loads(text))


def as_data(kind: str, value: Any) -> Any:
    """A value as lists, strings, numbers and None: what JSON keeps, and what pickle
    writes and reads several times faster than the frozen dataclasses themselves."""
    return _ENCODERS[kind](value)


def from_data(kind: str, data: Any) -> Any:
    return _DECODERS[kind](data)


def _family(value: FamilyValue | None) -> list[Any] | None:
    if value is None:
        return None
    return [value.folded, value.key, value.group, value.spouse_key, value.shown]


def _given(value: GivenValue | None) -> list[Any] | None:
    if value is None:
        return None
    return [
        value.folded,
        value.keys,
        value.groups,
        value.alias_keys,
        value.alias_groups,
        value.short,
        value.shown,
    ]


def _name(value: NameValues) -> list[Any]:
    family, given, patronym = value
    return [_family(family), _given(given), patronym]


def _name_of(data: list[Any]) -> NameValues:
    family, given, patronym = data
    return (
        FamilyValue(*family) if family is not None else None,
        GivenValue(*(tuple(v) for v in given[:6]), given[6]) if given is not None else None,
        patronym,
    )


def _parent(value: ParentValue | None) -> list[Any] | None:
    if value is None:
        return None
    return [
        value.given_keys,
        value.given_groups,
        value.family_key,
        value.shown,
        value.from_patronym,
    ]


def _parent_of(data: list[Any] | None) -> ParentValue | None:
    if data is None:
        return None
    keys, groups, family_key, shown, from_patronym = data
    return ParentValue(tuple(keys), tuple(groups), family_key, shown, from_patronym)


def _ids(values: Iterable[int]) -> list[int]:
    return sorted(values)


def _place(value: PlaceReading) -> list[Any]:
    """The sets and the place as written (folded); the signature is derived from them."""
    _, sets, written = value
    return [
        list(written),
        [
            sets.given,
            sets.plausible,
            _ids(sets.village_ids),
            _ids(sets.commune_ids),
            _ids(sets.cercle_ids),
            sorted([region, sorted(regions)] for region, regions in sets.region_sigs),
            sorted(sets.village_keys),
            sets.village_key,
            list(sets.unresolved_keys),
            sets.finest,
        ],
    ]


def _place_of(data: list[Any]) -> PlaceReading:
    written, sets = data
    given, plausible, villages, communes, cercles, regions, keys, key, unresolved, finest = sets
    resolved = ResolvedSets(
        given,
        plausible,
        frozenset(villages),
        frozenset(communes),
        frozenset(cercles),
        frozenset((region, frozenset(names)) for region, names in regions),
        frozenset(keys),
        key,
        (unresolved[0], unresolved[1]),
        finest,
    )
    return signature_of(resolved, tuple(written)), resolved, tuple(written)


_ENCODERS = {NAME: _name, PARENT: _parent, PLACE: _place}
_DECODERS = {NAME: _name_of, PARENT: _parent_of, PLACE: _place_of}


PREPARING_CODE = (
    "columns.py",
    "compare/pairs.py",
    "compare/places.py",
    "gazetteer.py",
    "name_tokens.py",
    "names.py",
    "place_resolution.py",
    "place_text.py",
    "prepared.py",
    "text.py",
    "values.py",
    "variants.py",
)
"""The modules whose code decides a prepared value: a change to any of them moves the
version, even one the probe records do not show."""


@cache
def prepared_version() -> str:
    """`prepared-3-<digest>`: equal for two codes of the same preparing modules
    (`PREPARING_CODE`), reference tables and prepared values of the probe records
    (`keys_version.PROBES`: their names, parents and places)."""
    from matching.columns import build_columns
    from matching.compare.pairs import place_readings
    from matching.keys_version import PROBES, reference_digest

    collected = CollectedValues()
    columns = build_columns(PROBES, prepared=collected)
    place_readings(columns)
    digest = hashlib.sha256(PREPARED_FORMAT.encode())
    digest.update(reference_digest())
    for name in PREPARING_CODE:
        digest.update(name.encode())
        digest.update((_HERE / name).read_bytes())
    for kind, key, value in sorted(collected.rows()):
        digest.update(f"{kind}\x1f{key}\x1f{value}\x1e".encode())
    return f"{PREPARED_FORMAT}-{digest.hexdigest()[:12]}"


_HERE = Path(__file__).parent
