"""Records turned into columns of codes, each code naming one normalised unique value.

Names repeat heavily in Mali: a million records hold perhaps a few tens of
thousands of distinct spellings. Every raw name, place and parent's name is
parsed and normalised once, the record keeps an integer code, and the
comparisons run on tables of the unique values, indexed by those codes.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import islice
from typing import Any

import numpy as np

from matching.parallel import map_chunks
from matching.phones import phone_codes
from matching.prepared import NAME, PARENT, Prepared, values_of
from matching.text import fold
from matching.values import (
    PlaceValue,
    Vocabulary,
    name_values,
    parent_value,
)


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
    prepared: Prepared | None = field(default=None, repr=False, compare=False)
    """Where values prepared before are asked for, and told those worked out here."""
    arrival: np.ndarray | None = field(default=None, repr=False, compare=False)
    """Put in `NATURAL_ORDER`: the position at which each row came in (None: the rows are
    in the order they came)."""

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


WRITTEN_NAME_FIELDS = ("full_name", "family_name", "given_names", "aliases")
"""The fields a name is parsed from (`values.name_values`), in the order of its key."""


def written_name(cells: Sequence[Any]) -> tuple[str | None, ...]:
    """A name's key as `build_columns` parses it: its `WRITTEN_NAME_FIELDS` cells as text."""
    return tuple(_text(cell) for cell in cells)


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


NATURAL_ORDER = ("source", "record_id")
"""What orders a batch's records before they are coded (`build_columns(natural=True)`):
their organisation and their id there, as written (code point order, which is that of
SQLite's and PostgreSQL's "C" collation). Sampling for the fit, blocks, pairs and the
ties of clustering follow the rows' order: the same records in another order (a file
sorted otherwise, or a database that sorts text by its own locale) gave other persons
(23,110 records: 7,192 or 7,197 pairs matched)."""


SHORT_ID = 64
"""Record ids up to this many characters are sorted as fixed-width numpy strings."""


def _natural_arrival(sources: tuple[np.ndarray, list[Any]], record_ids: list[Any]) -> np.ndarray:
    """The rows' positions in `NATURAL_ORDER`: by record id, then (stably) by source, in
    numpy arrays (a million keys as Python strings or tuples cost 0.1-0.3 GB of small
    objects, and `nrm link` of a million records runs within 4 GB)."""
    written = [str(r) if r is not None else "" for r in record_ids]
    longest = max(map(len, written), default=0)
    # Fixed-width strings sort fastest but take rows x the longest id x 4 bytes: a file
    # may hold an id of thousands of characters, then the strings are sorted as objects.
    ids = np.array(written, dtype=f"<U{max(longest, 1)}" if longest <= SHORT_ID else object)
    del written
    order = np.argsort(ids, kind="stable")
    del ids
    codes, names = sources
    source_names = [str(n) if n else "" for n in names]
    rank = np.empty(len(names), dtype=np.int64)
    rank[sorted(range(len(names)), key=source_names.__getitem__)] = np.arange(len(names))
    return order[np.argsort(rank[codes[order]], kind="stable")]


class ColumnBatches:
    """Records already held column by column (a validated file's chunks): each batch maps
    a field to its values, one per record, in the same order; a field a batch lacks is
    None for each of its records. `build_columns` codes them as they are, without
    making a dict per record first (that and taking the dicts apart again cost a tenth
    of linking a million-record file)."""

    def __init__(self, batches: Iterable[Mapping[str, Sequence[Any]]]) -> None:
        self.batches = batches

    def __iter__(self) -> Iterator[Mapping[str, Sequence[Any]]]:
        return iter(self.batches)


def _row_batches(
    records: Iterable[Mapping[str, Any]], fields: Sequence[str]
) -> Iterator[dict[str, list[Any]]]:
    """Records as column batches of `_BATCH` records; `fields[0]` is the id, which every
    record must have (KeyError otherwise), the others are None where missing."""
    stream = iter(records)
    while batch := list(islice(stream, _BATCH)):
        columns = {name: [r.get(name) for r in batch] for name in fields[1:]}
        yield {fields[0]: [r[fields[0]] for r in batch], **columns}


def _columnar(
    records: Iterable[Mapping[str, Any]] | ColumnBatches, id_field: str, natural: bool = False
) -> tuple[dict[str, tuple[np.ndarray, list[Any]]], list[Any], list[Any], np.ndarray | None]:
    """Each field of `COLUMN_FIELDS` as (codes, distinct values), the ids, the roles and,
    with `natural` where that moved them, the position each row arrived at (rows then in
    `NATURAL_ORDER`).

    Records are read once, as they come (a stream of a million validated rows need
    never be held at once): each value is replaced by a code into its field's
    distinct values.
    """
    indexes: dict[str, dict[Any, int]] = {name: {} for name in COLUMN_FIELDS}
    codes = {name: array("q") for name in COLUMN_FIELDS}
    ids: list[Any] = []
    roles: list[Any] = []
    record_ids: list[Any] = []
    own_ids = natural and id_field != "record_id"
    fields = (id_field, *COLUMN_FIELDS, "role", *(("record_id",) if own_ids else ()))
    batches = records if isinstance(records, ColumnBatches) else _row_batches(records, fields)
    for batch in batches:
        count = len(batch[id_field])
        ids.extend(batch[id_field])
        roles.extend(batch.get("role") or [None] * count)
        if own_ids:
            record_ids.extend(batch.get("record_id") or [None] * count)
        for name in COLUMN_FIELDS:
            index = indexes[name]
            values = batch.get(name) or [None] * count
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
    if not natural:
        return table, ids, roles, None
    arrival = _natural_arrival(table["source"], record_ids if own_ids else ids)
    del record_ids
    if np.all(arrival[1:] > arrival[:-1]):  # came in that order (a relink reads so)
        return table, ids, roles, None
    table = {name: _recoded(c[arrival], uniques) for name, (c, uniques) in table.items()}
    order = arrival.tolist()
    return table, [ids[i] for i in order], [roles[i] for i in order], arrival


def _recoded(codes: np.ndarray, uniques: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """`codes` (and their values) numbered again by first sight, as if the rows had come
    in the order they are now in (every value is some row's)."""
    first = np.full(len(uniques), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    by_sight = np.argsort(first, kind="stable")
    number = np.empty(len(uniques), dtype=np.int64)
    number[by_sight] = np.arange(len(uniques))
    return number[codes], [uniques[i] for i in by_sight.tolist()]


PARALLEL_VALUES = 50_000
"""From this many distinct values, names are parsed on every core."""


def _each(parse: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """`parse(value)` for each distinct value, on every core for a long list: the names of
    a million records hold hundreds of thousands of distinct spellings."""
    return map_chunks(
        lambda part: [parse(v) for v in values[part]], len(values), 5_000, PARALLEL_VALUES
    )


def _parent_of_key(key: tuple[str | None, str | None]) -> Any:
    return parent_value(*key)


def sex_code(sex: Any) -> int:
    """A record's sex as matching codes it: 0 F, 1 M, -1 unknown."""
    return {"F": 0, "M": 1}.get(str(sex)[:1].upper() if sex else "", -1)


def build_columns(
    records: Iterable[Mapping[str, Any]] | ColumnBatches,
    id_field: str = "id",
    prepared: Prepared | None = None,
    natural: bool = False,
) -> Columns:
    """Prepare records (validated values or stored records as dicts, or `ColumnBatches`)
    for matching.

    Column by column: each field's distinct values are found once, parsed and
    normalised once, and coded; no parsing runs per record. Values `prepared` holds
    are taken from it rather than parsed (`matching.prepared`). With `natural`, the rows
    are put in `NATURAL_ORDER` first, whatever order they came in (a batch: the same
    records give the same persons); `Columns.arrival` says where each came from when
    that moved them.
    """
    table, ids, roles, arrival = _columnar(records, id_field, natural)
    vocab = {name: Vocabulary() for name in ("family", "given", "place", "parent", "case", "name")}

    def column(name: str) -> tuple[np.ndarray, list[Any]]:
        return table[name]

    def texts(name: str) -> tuple[np.ndarray, list[str | None]]:
        codes, uniques = column(name)
        return codes, [_text(u) for u in uniques]

    n = len(ids)

    name_fields = [texts(f) for f in WRITTEN_NAME_FIELDS]
    name_codes, name_rows = _combined(*(c for c, _ in name_fields))
    raws = [tuple(uniques[codes[row]] for codes, uniques in name_fields) for row in name_rows]
    distinct = list(dict.fromkeys(raws))
    parsed = values_of(prepared, NAME, distinct, partial(_each, name_values))
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
    parent_values = values_of(prepared, PARENT, distinct_parents, partial(_each, _parent_of_key))
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
        prepared=prepared,
        arrival=arrival,
    )
