"""Records turned into columns of codes, each code naming one normalised unique value.

Names repeat heavily in Mali: a million records hold perhaps a few tens of
thousands of distinct spellings. Every raw name, place and parent's name is
parsed and normalised once, the record keeps an integer code, and the
comparisons run on unique pairs of codes, not on pairs of records.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from matching.names import NameParts, parse_name
from matching.text import fold, name_key
from matching.variants import clan_group, given_group


@dataclass(frozen=True, slots=True)
class FamilyValue:
    """A birth family name (folded), its orthographic key and its clan group."""

    folded: str
    key: str
    group: str
    spouse_key: str | None = None
    shown: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class GivenValue:
    """Given names in order, with their keys and variant groups, and aliases."""

    folded: tuple[str, ...]
    keys: tuple[str, ...]
    groups: tuple[str, ...]
    alias_keys: tuple[str, ...] = ()
    alias_groups: tuple[str, ...] = ()
    short: tuple[bool, ...] = ()
    shown: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class ParentValue:
    """A parent's name as declared (or the patronym after Ag / Ould / Walet / Mint)."""

    given_keys: tuple[str, ...]
    given_groups: tuple[str, ...]
    family_key: str | None
    family_group: str | None
    shown: str = field(default="", compare=False)
    from_patronym: bool = False
    """Known only from the person's own Ag / Walet / Ould / Mint name, not declared."""


@dataclass(frozen=True, slots=True)
class PlaceValue:
    village: str | None
    commune: str | None
    cercle: str | None
    region: str | None
    shown: str = field(default="", compare=False)


class Vocabulary:
    """Codes for unique values: `code(value)` is stable within one run."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._codes: dict[Hashable, int] = {}

    def code(self, value: Hashable | None) -> int:
        if value is None:
            return -1
        found = self._codes.get(value)
        if found is None:
            found = self._codes[value] = len(self.values)
            self.values.append(value)
        return found

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class Columns:
    """The prepared population: one row per record, codes into the vocabularies."""

    ids: list[Any]
    family: np.ndarray
    given: np.ndarray
    sex: np.ndarray
    birth_earliest: np.ndarray
    birth_latest: np.ndarray
    birth_exact: np.ndarray
    place: np.ndarray
    father: np.ndarray
    mother: np.ndarray
    case: np.ndarray
    registered: np.ndarray
    roles: list[str | None]
    vocab: dict[str, Vocabulary] = field(default_factory=dict)
    patronymic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """The family name is a patronym (Ag / Walet / Ould / Mint + the father's given name)."""

    def __len__(self) -> int:
        return len(self.ids)

    def value(self, name: str, row: int) -> Any:
        code = int(getattr(self, name)[row])
        vocabulary = self.vocab["parent" if name in ("father", "mother") else name]
        return None if code < 0 else vocabulary.values[code]


def _group_of_given(token_key: str, folded: str) -> tuple[str, bool]:
    found = given_group(folded)
    if found is None:
        return "k:" + token_key, False
    group, kind = found
    return group, kind == "short"


def _family_value(parts: NameParts, shown: str) -> FamilyValue | None:
    if not parts.family:
        return None
    folded = " ".join(parts.family)
    key = " ".join(name_key(t) for t in folded.split())
    group = clan_group(folded) or "k:" + key
    if parts.patronym and parts.patronym_particle:
        # Ag Mohamed, Ag Mahamadou and Ag Mamadou name one father's given-name group; the
        # group is what its term frequency counts (a common father's name proves little).
        father = given_group(parts.patronym)
        group = f"pat:{parts.patronym_particle}|{father[0] if father else name_key(parts.patronym)}"
    spouse = name_key(parts.spouse_family) if parts.spouse_family else None
    return FamilyValue(folded, key, group, spouse, shown)


def _given_value(parts: NameParts, shown: str) -> GivenValue | None:
    if not parts.given and not parts.aliases:
        return None
    keys = tuple(name_key(t) for t in parts.given)
    pairs = [_group_of_given(k, t) for k, t in zip(keys, parts.given, strict=True)]
    alias_tokens = tuple(t for alias in parts.aliases for t in alias.split())
    alias_keys = tuple(name_key(t) for t in alias_tokens)
    alias_groups = tuple(
        _group_of_given(k, t)[0] for k, t in zip(alias_keys, alias_tokens, strict=True)
    )
    return GivenValue(
        parts.given,
        keys,
        tuple(g for g, _ in pairs),
        alias_keys,
        alias_groups,
        tuple(s for _, s in pairs),
        shown,
    )


def _parent_value(written: str | None, patronym: str | None) -> ParentValue | None:
    if not written and not patronym:
        return None
    given: tuple[str, ...] = ()
    family: str | None = None
    if written:
        parts = parse_name(full_name=written)
        given = parts.given
        if parts.patronym and not given:
            given = (parts.patronym,)
        family = " ".join(parts.family) if parts.family else None
    if patronym and patronym not in given:
        given = (*given, patronym)
    keys = tuple(name_key(t) for t in given)
    groups = tuple(_group_of_given(k, t)[0] for k, t in zip(keys, given, strict=True))
    family_key = " ".join(name_key(t) for t in family.split()) if family else None
    family_group = (clan_group(family) or "k:" + family_key) if family and family_key else None
    return ParentValue(
        keys, groups, family_key, family_group, written or patronym or "", not written
    )


def _ordinal(value: Any) -> int:
    if value is None or value == "":
        return -1
    if isinstance(value, date):
        return value.toordinal()
    return date.fromisoformat(str(value)).toordinal()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def build_columns(records: Iterable[Mapping[str, Any]], id_field: str = "id") -> Columns:
    """Prepare records (validated values or stored records as dicts) for matching."""
    vocab = {name: Vocabulary() for name in ("family", "given", "place", "parent", "case", "name")}
    name_cache: dict[tuple[Any, ...], tuple[int, int, str | None]] = {}
    parent_cache: dict[tuple[Any, ...], int] = {}
    place_cache: dict[tuple[Any, ...], int] = {}
    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            "family",
            "given",
            "sex",
            "earliest",
            "latest",
            "exact",
            "place",
            "father",
            "mother",
            "case",
            "registered",
        )
    }
    ids: list[Any] = []
    roles: list[str | None] = []
    patronyms: list[bool] = []
    for record in records:
        ids.append(record[id_field])
        roles.append(record.get("role"))
        raw = (
            _text(record.get("full_name")),
            _text(record.get("family_name")),
            _text(record.get("given_names")),
            _text(record.get("aliases")),
        )
        coded = name_cache.get(raw)
        if coded is None:
            parts = parse_name(
                full_name=raw[0], family_name=raw[1], given_names=raw[2], aliases=raw[3]
            )
            shown = raw[0] or " ".join(p for p in (raw[2], raw[1]) if p)
            coded = (
                vocab["family"].code(_family_value(parts, shown)),
                vocab["given"].code(_given_value(parts, shown)),
                parts.patronym,
            )
            name_cache[raw] = coded
        family_code, given_code, patronym = coded
        patronyms.append(patronym is not None)
        columns["family"].append(family_code)
        columns["given"].append(given_code)
        for column, field_name, own_patronym in (
            ("father", "father_name", patronym),
            ("mother", "mother_name", None),
        ):
            key = (_text(record.get(field_name)), own_patronym)
            code = parent_cache.get(key)
            if code is None:
                code = parent_cache[key] = vocab["parent"].code(_parent_value(*key))
            columns[column].append(code)
        place_raw = tuple(
            _text(record.get(f"origin_{level}"))
            for level in ("village", "commune", "cercle", "region")
        )
        code = place_cache.get(place_raw)
        if code is None:
            folded = tuple(fold(p) if p else None for p in place_raw)
            value = (
                PlaceValue(*folded, shown=", ".join(p for p in place_raw if p))
                if any(folded)
                else None
            )
            code = place_cache[place_raw] = vocab["place"].code(value)
        columns["place"].append(code)
        sex = record.get("sex")
        columns["sex"].append({"F": 0, "M": 1}.get(str(sex)[:1].upper() if sex else "", -1))
        earliest = _ordinal(record.get("birth_earliest"))
        latest = _ordinal(record.get("birth_latest"))
        columns["earliest"].append(earliest)
        columns["latest"].append(latest if latest >= 0 else earliest)
        columns["exact"].append(
            record.get("birth_precision") == "day" and not record.get("birth_placeholder")
        )
        case_id = _text(record.get("case_id"))
        columns["case"].append(
            vocab["case"].code((record.get("source"), case_id)) if case_id else -1
        )
        columns["registered"].append(_ordinal(record.get("registered_on")))
    return Columns(
        ids=ids,
        family=np.asarray(columns["family"], dtype=np.int32),
        given=np.asarray(columns["given"], dtype=np.int32),
        sex=np.asarray(columns["sex"], dtype=np.int8),
        birth_earliest=np.asarray(columns["earliest"], dtype=np.int32),
        birth_latest=np.asarray(columns["latest"], dtype=np.int32),
        birth_exact=np.asarray(columns["exact"], dtype=bool),
        place=np.asarray(columns["place"], dtype=np.int32),
        father=np.asarray(columns["father"], dtype=np.int32),
        mother=np.asarray(columns["mother"], dtype=np.int32),
        case=np.asarray(columns["case"], dtype=np.int32),
        registered=np.asarray(columns["registered"], dtype=np.int32),
        roles=roles,
        vocab=vocab,
        patronymic=np.asarray(patronyms, dtype=bool),
    )
