"""Records turned into columns of codes, each code naming one normalised unique value.

Names repeat heavily in Mali: a million records hold perhaps a few tens of
thousands of distinct spellings. Every raw name, place and parent's name is
parsed and normalised once, the record keeps an integer code, and the
comparisons run on tables of the unique values, indexed by those codes.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

import numpy as np

from matching.names import NameParts, parse_name
from matching.phones import phone_codes
from matching.text import fold, name_key
from matching.variants import clan_group, given_group
from models.birthdates import is_unknown


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

    __call__ = code

    def get(self, value: Hashable) -> int:
        """The code of a value already seen, -1 otherwise."""
        return self._codes.get(value, -1)

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
    phone: np.ndarray
    """Codes of the numbers in E.164 (`matching.phones`), -1 where none is written."""
    roles: list[str | None]
    vocab: dict[str, Vocabulary] = field(default_factory=dict)
    patronymic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """The family name is a patronym (Ag / Walet / Ould / Mint + the father's given name)."""
    written: dict[str, tuple[np.ndarray, list[Any]]] = field(default_factory=dict, repr=False)
    """For the fields whose coded value merges spellings (the parents' names): each row's
    code into the values as written, so a reason quotes the record's own words."""
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Tables derived from the vocabularies (comparison tables, blocking codes), built once."""

    def __len__(self) -> int:
        return len(self.ids)

    def derive(self, name: str, build: Callable[[], Any]) -> Any:
        """`build()` once per population: the vocabularies do not change after preparing."""
        if name not in self.derived:
            self.derived[name] = build()
        return self.derived[name]

    def as_written(self, name: str, row: int) -> Any:
        """The value of field `name` (a key of `written`) as the record wrote it."""
        codes, values = self.written[name]
        return values[int(codes[row])]

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


def _all_given(words: tuple[str, ...]) -> bool:
    tokens = [t for w in words for t in w.split()]
    return all(given_group(t) is not None and clan_group(t) is None for t in tokens)


def _parent_value(written: str | None, patronym: str | None) -> ParentValue | None:
    if written and is_unknown(written):
        written = None  # "inconnu", "NSP": no parent named, not a parent called Inconnu
    if not written and not patronym:
        return None
    given: tuple[str, ...] = ()
    family: str | None = None
    if written:
        parts = parse_name(full_name=written)
        given = parts.given
        if parts.patronym and not given:
            given = (parts.patronym,)
        family_words = parts.family
        if not parts.patronym and family_words and _all_given(family_words):
            # A parent is often written by given names alone ("Mamadou Lamine", "Abdoul
            # Kader Sidi"): a "family name" that is a known given name and no clan name
            # is one more given name.
            given, family_words = (*given, *family_words), ()
        family = " ".join(family_words) if family_words else None
    if patronym and patronym not in given:
        given = (*given, patronym)
    keys = tuple(name_key(t) for t in given)
    groups = tuple(_group_of_given(k, t)[0] for k, t in zip(keys, given, strict=True))
    family_key = " ".join(name_key(t) for t in family.split()) if family else None
    return ParentValue(keys, groups, family_key, written or patronym or "", not written)


def _name_values(
    raw: tuple[str | None, ...],
) -> tuple[FamilyValue | None, GivenValue | None, str | None]:
    """The family and given values and the patronym of one raw (full, family, given, aliases)."""
    parts = parse_name(full_name=raw[0], family_name=raw[1], given_names=raw[2], aliases=raw[3])
    shown = raw[0] or " ".join(p for p in (raw[2], raw[1]) if p)
    return _family_value(parts, shown), _given_value(parts, shown), parts.patronym


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


def _factorize(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes of the values (first seen first) and the distinct values; None is a value."""
    index: dict[Any, int] = {}
    try:
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values)
        )
    except TypeError:  # an unhashable value (a list): compared as written
        return _factorize([v if isinstance(v, Hashable) else str(v) for v in values])
    return codes, list(index)


def _combined(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of distinct tuples of codes (first seen first), and a row holding each."""
    mixed = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        mixed = mixed * np.int64(int(c.max()) + 1 if len(c) else 1) + c
    _, first_row, inverse = np.unique(mixed, return_index=True, return_inverse=True)
    order = np.argsort(first_row, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.reshape(-1)], first_row[order]


COLUMN_FIELDS = (
    "full_name",
    "family_name",
    "given_names",
    "aliases",
    "father_name",
    "mother_name",
    "origin_village",
    "origin_commune",
    "origin_cercle",
    "origin_region",
    "sex",
    "birth_earliest",
    "birth_latest",
    "birth_precision",
    "birth_placeholder",
    "case_id",
    "source",
    "registered_on",
    "phone",
)
"""The fields matching reads; every other field of a record is left where it is."""


_BATCH = 20_000
"""Records coded at a time: field by field within a batch, so the loops run in C."""


def _columnar(
    records: Iterable[Mapping[str, Any]], id_field: str
) -> tuple[dict[str, tuple[np.ndarray, list[Any]]], list[Any], list[Any]]:
    """Each field of `COLUMN_FIELDS` as (codes, distinct values), the ids and the roles.

    Records are read once, as they come (a stream of a million validated rows need
    never be held at once): each value is replaced by a code into its field's
    distinct values.
    """
    indexes: dict[str, dict[Any, int]] = {name: {} for name in COLUMN_FIELDS}
    codes = {name: array("q") for name in COLUMN_FIELDS}
    ids: list[Any] = []
    roles: list[Any] = []
    stream = iter(records)
    while batch := list(islice(stream, _BATCH)):
        ids.extend([r[id_field] for r in batch])
        roles.extend([r.get("role") for r in batch])
        for name in COLUMN_FIELDS:
            index = indexes[name]
            values = [r.get(name) for r in batch]
            try:
                codes[name].extend([index.setdefault(v, len(index)) for v in values])
            except TypeError:  # an unhashable value (a list): compared as written
                codes[name].extend(
                    [
                        index.setdefault(v if isinstance(v, Hashable) else str(v), len(index))
                        for v in values
                    ]
                )
    table = {
        name: (np.frombuffer(codes[name], dtype=np.int64).copy(), list(indexes[name]))
        for name in COLUMN_FIELDS
    }
    return table, ids, roles


def sex_code(sex: Any) -> int:
    """A record's sex as matching codes it: 0 F, 1 M, -1 unknown."""
    return {"F": 0, "M": 1}.get(str(sex)[:1].upper() if sex else "", -1)


def build_columns(records: Iterable[Mapping[str, Any]], id_field: str = "id") -> Columns:
    """Prepare records (validated values or stored records as dicts) for matching.

    Column by column: each field's distinct values are found once, parsed and
    normalised once, and coded; no parsing runs per record.
    """
    table, ids, roles = _columnar(records, id_field)
    vocab = {name: Vocabulary() for name in ("family", "given", "place", "parent", "case", "name")}

    def column(name: str) -> tuple[np.ndarray, list[Any]]:
        return table[name]

    def texts(name: str) -> tuple[np.ndarray, list[str | None]]:
        codes, uniques = column(name)
        return codes, [_text(u) for u in uniques]

    n = len(ids)

    name_fields = [texts(f) for f in ("full_name", "family_name", "given_names", "aliases")]
    name_codes, name_rows = _combined(*(c for c, _ in name_fields))
    raws = [tuple(uniques[codes[row]] for codes, uniques in name_fields) for row in name_rows]
    distinct = list(dict.fromkeys(raws))
    parsed = {raw: _name_values(raw) for raw in distinct}
    name_cache: dict[tuple[Any, ...], tuple[int, int, str | None]] = {}
    coded_names: list[tuple[int, int, str | None]] = []
    for raw in raws:
        coded = name_cache.get(raw)
        if coded is None:
            family_value, given_value, patronym = parsed[raw]
            coded = name_cache[raw] = (
                vocab["family"].code(family_value),
                vocab["given"].code(given_value),
                patronym,
            )
        coded_names.append(coded)
    family_of = np.array([c[0] for c in coded_names], dtype=np.int32).reshape(-1)
    given_of = np.array([c[1] for c in coded_names], dtype=np.int32).reshape(-1)
    patronyms, patronym_of = _factorize([c[2] for c in coded_names])
    patronym_codes = patronyms[name_codes] if n else np.zeros(0, dtype=np.int64)

    # Father and mother share one vocabulary, coded in order of first sight (row, father first).
    parent_cache: dict[tuple[Any, ...], int] = {}
    sides = []
    for side, (field_name, with_patronym) in enumerate(
        (("father_name", True), ("mother_name", False))
    ):
        codes, written = texts(field_name)
        own = patronym_codes if with_patronym else np.zeros(n, dtype=np.int64)
        combined, rows = _combined(codes, own)
        keys = [
            (written[codes[row]], patronym_of[own[row]] if with_patronym else None)
            for row in rows.tolist()
        ]
        sides.append((combined, keys, [(row, side, k) for k, row in enumerate(rows.tolist())]))
    coded_sides: list[list[int]] = [[0] * len(keys) for _, keys, _ in sides]
    order = sorted(sides[0][2] + sides[1][2])
    distinct_parents = list(dict.fromkeys(sides[side][1][k] for _, side, k in order))
    parent_values = {key: _parent_value(*key) for key in distinct_parents}
    for _, side, k in order:
        key = sides[side][1][k]
        code = parent_cache.get(key)
        if code is None:
            code = parent_cache[key] = vocab["parent"].code(parent_values[key])
        coded_sides[side][k] = code
    parent_columns = {
        name: np.asarray(coded, dtype=np.int32).reshape(-1)[combined]
        for name, coded, (combined, _, _) in zip(
            ("father", "mother"), coded_sides, sides, strict=True
        )
    }

    place_fields = [
        texts(f"origin_{level}") for level in ("village", "commune", "cercle", "region")
    ]
    place_codes, place_rows = _combined(*(c for c, _ in place_fields))
    place_cache: dict[tuple[Any, ...], int] = {}
    coded_places = []
    for row in place_rows.tolist():
        place_raw = tuple(uniques[codes[row]] for codes, uniques in place_fields)
        code = place_cache.get(place_raw)
        if code is None:
            folded = tuple(fold(p) if p else None for p in place_raw)
            value = (
                PlaceValue(*folded, shown=", ".join(p for p in place_raw if p))
                if any(folded)
                else None
            )
            code = place_cache[place_raw] = vocab["place"].code(value)
        coded_places.append(code)

    sex_codes, sexes = column("sex")
    sex_of = [sex_code(sex) for sex in sexes]

    def ordinals(name: str) -> np.ndarray:
        codes, values = column(name)
        return np.asarray([_ordinal(v) for v in values], dtype=np.int64).reshape(-1)[codes]

    earliest = ordinals("birth_earliest")
    latest = ordinals("birth_latest")
    latest = np.where(latest >= 0, latest, earliest)
    precision_codes, precisions = column("birth_precision")
    placeholder_codes, placeholders = column("birth_placeholder")
    exact = (
        (np.asarray([p == "day" for p in precisions], dtype=bool).reshape(-1)[precision_codes])
        & ~(np.asarray([bool(p) for p in placeholders], dtype=bool).reshape(-1)[placeholder_codes])
        if n
        else np.zeros(0, dtype=bool)
    )
    case_ids, case_texts = texts("case_id")
    sources, source_values = column("source")
    case_combined, case_rows = _combined(case_ids, sources)
    case_of = [
        vocab["case"].code((source_values[sources[row]], case_texts[case_ids[row]]))
        if case_texts[case_ids[row]]
        else -1
        for row in case_rows.tolist()
    ]

    def gather(table: list[Any] | np.ndarray, codes: np.ndarray, dtype: Any) -> np.ndarray:
        return np.asarray(table, dtype=dtype).reshape(-1)[codes] if n else np.zeros(0, dtype)

    return Columns(
        ids=ids,
        family=gather(family_of, name_codes, np.int32),
        given=gather(given_of, name_codes, np.int32),
        sex=gather(sex_of, sex_codes, np.int8),
        birth_earliest=earliest.astype(np.int32),
        birth_latest=latest.astype(np.int32),
        birth_exact=exact,
        place=gather(coded_places, place_codes, np.int32),
        father=parent_columns["father"] if n else np.zeros(0, np.int32),
        mother=parent_columns["mother"] if n else np.zeros(0, np.int32),
        case=gather(case_of, case_combined, np.int32),
        registered=ordinals("registered_on").astype(np.int32),
        phone=phone_codes(*texts("phone")),
        roles=roles,
        vocab=vocab,
        patronymic=gather([p is not None for p in patronym_of], patronym_codes, bool),
        written={side: texts(f"{side}_name") for side in ("father", "mother")},
    )
