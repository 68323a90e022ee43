"""Places as written resolved against the Mali gazetteer: ranked readings and their sets.

:func:`resolve_place` turns a place as written (any level, any spelling, 2015 or 2023
regions, "cercle de …", "Commune IV", typos) into ranked :class:`PlaceCandidate`.
:func:`resolved_of` gives the plausible readings with the ids and names a comparison
reads (:mod:`matching.places`); :func:`resolved_sets` and :func:`resolution_signature`
give them as plain values to the array comparisons.

Resolution is cached per unique folded place (``lru_cache``), so comparing the unique
place pairs of millions of records resolves each distinct place once. The reference
data is ``matching/data/places_*.csv`` (see :mod:`matching.gazetteer`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel, JaroWinkler

from matching.gazetteer import LEVELS, Place, gazetteer
from matching.place_text import fold_place_key, fold_written, parse_place_text

FIELDS = ("village", "commune", "cercle", "region")
_Q_VARIANT = 0.95  # a spelling variant rather than the name
_Q_OTHER_LEVEL = 0.85  # found at another level than its field ("cercle de Inékar": a commune)
_Q_FUZZY = 0.9  # times the Jaro-Winkler similarity of a near spelling
_FUZZY_CUTOFF = 0.88  # Jaro-Winkler on folded keys (Kokolani/Kolokani: 0.97)
_FUZZY_INDEL_MIN = 0.7  # and Indel similarity, against long shared prefixes
_INCONSISTENT = 0.15  # factor for a candidate outside another given field (Sirakoro ∉ Kati)
_COARSER = 0.7  # factor for a fallback candidate coarser than the finest field given
_PLAUSIBLE = 0.6  # candidates within this ratio of the best one are compared
_GOOD = 0.9  # a candidate this good stops the fallback to coarser fields
# Prior odds that a bare name means a town rather than a homonymous hamlet (J): the capital,
# region seats, cercle seats, commune seats, other settlements; admin units (0) neutral.
_SEAT_PRIOR = {0: 1.0, 1: 4.0, 2: 4.0, 3: 3.0, 4: 2.0, 5: 1.0}


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place as written: village, commune, cercle and region (empty → ``None``).

    ``folded`` gives the four fields folded (:func:`matching.place_text.fold_written`); it
    is what resolution is cached on.
    """

    village: str | None = None
    commune: str | None = None
    cercle: str | None = None
    region: str | None = None

    @classmethod
    def of(cls, value: object) -> PlaceRef:
        """A :class:`PlaceRef` from a PlaceRef, a mapping or pandas row (``village`` … or
        ``origin_village`` …), a sequence ``(village, commune, cercle, region)``, a single
        string (a village) or None. NaN and blank fields become None."""
        if isinstance(value, PlaceRef):
            return value
        if value is None:
            return cls()
        if isinstance(value, str):
            return cls(_clean(value))
        if isinstance(value, Mapping) or hasattr(value, "get"):  # dict, pandas row
            return cls(*(_clean(value.get(f, value.get(f"origin_{f}"))) for f in FIELDS))
        if isinstance(value, Sequence):
            return cls(*(_clean(v) for v in list(value)[:4]))
        raise TypeError(f"not a place: {value!r}")

    @property
    def folded(self) -> tuple[str, str, str, str]:
        return (
            fold_written(self.village),
            fold_written(self.commune),
            fold_written(self.cercle),
            fold_written(self.region),
        )

    def is_empty(self) -> bool:
        return not any((self.village, self.commune, self.cercle, self.region))


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    """One reading of a place: its level, full hierarchy (both region schemes) and position.

    ``confidence`` (0–1) is shared among homonyms: a lone "Sirakoro" gives ~30
    candidates of about 0.03 each. ``matched`` says how it was found.
    """

    level: str  # village | commune | cercle | region
    name: str
    village: str | None
    commune: str | None
    cercle: str | None
    region_2015: str
    region_2023: str | None
    regions_2023: tuple[str, ...]
    lat: float
    lon: float
    confidence: float
    matched: str
    pcode: str | None
    place_id: int


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).split())
    return text or None


def resolve_place(
    village: str | None = None,
    commune: str | None = None,
    cercle: str | None = None,
    region: str | None = None,
    limit: int = 5,
) -> list[PlaceCandidate]:
    """Ranked readings of a place as written, best first (at most ``limit``).

    Each field may be at any level and in any spelling: ``region="région de Bougouni"``
    (a 2023 region), ``cercle="Timbuktu"``, ``commune="Commune IV"``,
    ``village="Kokolani"`` (a typo for Kolokani). The finest field that resolves gives
    the candidates; the others narrow them (``village="Sirakoro", cercle="Kati"``). If
    the finest field is not found, or only where the other fields say it cannot be, the
    next field's place is offered too.
    """
    return list(resolved_of((village, commune, cercle, region)).candidates[:limit])


@dataclass(frozen=True, slots=True)
class Resolved:
    """One place as written, resolved: its ranked candidates, the plausible readings, and
    the ids, region signatures and village keys two places are compared by."""

    given: bool
    written: tuple[str, str, str, str]  # folded as written
    village_key: str  # the written village, as a key ("" if none)
    candidates: tuple[PlaceCandidate, ...]
    plausible: tuple[tuple[PlaceCandidate, Place], ...]
    village_ids: frozenset[int]
    commune_ids: frozenset[int]
    cercle_ids: frozenset[int]
    region_sigs: frozenset[tuple[str, frozenset[str]]]
    village_keys: frozenset[str]  # written village and resolved village names, folded
    finest: int = len(LEVELS)
    """The finest level the place names (an index of `LEVELS`; `len(LEVELS)` when none):
    its finest reading, or a field the gazetteer does not know (an unknown village still
    names a village). A town that is the seat of its cercle, its region or the country
    ("Kayes", "Bamako") stands for its cercle as much as for itself: it names a cercle."""


SEAT_NAMES_CERCLE = 3
"""A village of this seat rank or above (capital, region seat, cercle seat) names a cercle."""


def _finest(parsed: list[tuple[str, str, str]], matches: list, places: list[Place]) -> int:
    unknown = zip(parsed, matches, strict=True)
    levels = [LEVELS.index(level) for (level, _, _), found in unknown if not found]
    for p in places:
        if p.level == "village" and 0 < p.seat_rank <= SEAT_NAMES_CERCLE:
            levels.append(LEVELS.index("cercle"))
        else:
            levels.append(LEVELS.index(p.level))
    return min(levels, default=len(LEVELS))


@lru_cache(maxsize=1 << 16)
def _resolve_raw(values: tuple[object, ...]) -> Resolved:
    return _resolve(PlaceRef.of(values).folded)


@lru_cache(maxsize=1 << 18)
def _resolve(folded: tuple[str, str, str, str]) -> Resolved:
    """All readings of a folded place, ranked, and the plausible ones with their ids."""
    g = gazetteer()
    parsed = []  # (level, core key, full key), from the finest field to the coarsest
    for default_level, text in zip(FIELDS, folded, strict=True):
        if text:
            parsed.append(_parsed_field(text, default_level))
    parsed.sort(key=lambda f: LEVELS.index(f[0]))
    matches = [_exact(level, core, full) for level, core, full in parsed]
    for i, (level, core, _) in enumerate(parsed):
        if not matches[i]:  # near spellings, among the villages of the cercles given if any
            within = {
                g.places[pid].cercle_id
                for m in matches[i + 1 :]
                for pid, _, _ in m
                if g.places[pid].cercle_id is not None
            }
            matches[i] = _fuzzy(core, level, within if level == "village" else set())

    scored: dict[int, tuple[float, str]] = {}
    for i, found in enumerate(matches):
        if any(score >= _GOOD for score, _ in scored.values()):
            break  # a finer field resolved, exactly and consistently: no fallback needed
        for place_id, quality, how in found:
            place = g.places[place_id]
            score = quality * (_COARSER if i else 1.0)
            for others in matches[i + 1 :]:  # the coarser fields narrow it down
                if others and not any(_related(place, g.places[o]) for o, _, _ in others):
                    score *= _INCONSISTENT
            if score > scored.get(place_id, (0.0, ""))[0]:
                note = f"{how}; fallback, {parsed[0][0]} not placed" if i else how
                scored[place_id] = (score, note)

    best = max((score for score, _ in scored.values()), default=0.0)
    kept = [(pid, score, how) for pid, (score, how) in scored.items() if score >= 0.2 * best]
    # Rank by weight: the score sharpened, times the prior odds of a town over a hamlet.
    weights = {pid: score**4 * _SEAT_PRIOR[g.places[pid].seat_rank] for pid, score, _ in kept}
    total = sum(weights.values()) or 1.0
    kept.sort(
        key=lambda t: (
            -weights[t[0]],
            LEVELS.index(g.places[t[0]].level),
            g.places[t[0]].name,
            t[0],
        )
    )
    candidates = tuple(
        _candidate(g.places[pid], score * weights[pid] / total, how) for pid, score, how in kept
    )
    # Plausible readings, compared by place_similarity: close to the best score, and not
    # a hamlet when a town of the same name is there (Gao the city, not Gao in Bafoulabé).
    close = [
        (c, g.places[pid])
        for c, (pid, score, _) in zip(candidates, kept, strict=True)
        if score >= _PLAUSIBLE * best
    ]
    top_prior = max((_SEAT_PRIOR[p.seat_rank] for _, p in close), default=1.0)
    plausible = tuple((c, p) for c, p in close if _SEAT_PRIOR[p.seat_rank] >= top_prior / 2)
    places = [p for _, p in plausible]
    village_key = parsed[0][1] if folded[0] and parsed[0][0] == "village" else ""
    village_keys = {fold_place_key(p.name) for p in places if p.level == "village"}
    return Resolved(
        given=bool(parsed),
        written=folded,
        village_key=village_key,
        candidates=candidates,
        plausible=plausible,
        village_ids=frozenset(p.id for p in places if p.level == "village"),
        commune_ids=frozenset(p.commune_id for p in places if p.commune_id is not None),
        cercle_ids=frozenset(p.cercle_id for p in places if p.cercle_id is not None),
        region_sigs=frozenset((p.region_2015, frozenset(p.regions_2023)) for p in places),
        village_keys=frozenset(village_keys | {village_key} - {""}),
        finest=_finest(parsed, matches, places),
    )


@lru_cache(maxsize=1 << 18)
def _parsed_field(text: str, default_level: str) -> tuple[str, str, str]:
    """(level, core key, full key) of one field as written: fields repeat across places."""
    level, core, full = parse_place_text(text, default_level)
    return level, fold_place_key(core), fold_place_key(full)


@lru_cache(maxsize=1 << 18)
def _exact(level: str, core: str, full: str) -> tuple[tuple[int, float, str], ...]:
    """Places whose name or variant folds to the field: at its level, else at another."""
    g = gazetteer()
    keys = [k for k in dict.fromkeys((full, core)) if k]
    for key in keys:
        hits = g.lookup(key, level)
        if hits:
            return tuple(
                (pid, _Q_VARIANT if v else 1.0, "variant" if v else "name") for pid, v in hits
            )
    here = LEVELS.index(level)  # other levels, nearest first, coarser first on a tie
    others = sorted(LEVELS, key=lambda lv: (abs(LEVELS.index(lv) - here), -LEVELS.index(lv)))
    for other in others[1:]:
        for key in keys:
            hits = g.lookup(key, other)
            if hits:
                quality = _Q_OTHER_LEVEL
                return tuple(
                    (pid, quality * (_Q_VARIANT if v else 1.0), f"{other} name") for pid, v in hits
                )
    return ()


def _fuzzy(key: str, level: str, within: set[int]) -> list[tuple[int, float, str]]:
    """Near spellings of ``key`` at ``level`` (Kokolani → Kolokani): Jaro-Winkler on folded
    keys. Among the villages of the ``within`` cercles if given; else among the keys of the
    same first letter and a length within ±2 (a typo in the first letter is then missed:
    the price of a search 15 times smaller)."""
    if len(key) < 4:
        return []
    g = gazetteer()
    if within:
        choices = sorted({k for c in within for k in g.village_keys_in(c)})
    else:
        choices = g.keys_near(level, key[0], len(key), 2)
    found = process.extract(
        key, choices, scorer=JaroWinkler.normalized_similarity, score_cutoff=_FUZZY_CUTOFF, limit=20
    )
    found = [(k, s) for k, s, _ in found if Indel.normalized_similarity(key, k) >= _FUZZY_INDEL_MIN]
    if not found:
        return []
    top = max(s for _, s in found)
    return [
        (pid, _Q_FUZZY * s * (_Q_VARIANT if v else 1.0), "near spelling")
        for k, s in found
        if s >= top - 0.01
        for pid, v in g.lookup(k, level)
        if not within or g.places[pid].cercle_id in within
    ]


def _related(a: Place, b: Place) -> bool:
    """True if one place contains the other (or they are the same place)."""
    if a.id == b.id:
        return True
    inner, outer = (a, b) if LEVELS.index(a.level) <= LEVELS.index(b.level) else (b, a)
    if outer.level == "commune":
        return inner.commune_id == outer.id
    if outer.level == "cercle":
        return inner.cercle_id == outer.id
    if outer.level == "region":
        return inner.region_2015 == outer.region_2015 and bool(
            set(inner.regions_2023) & set(outer.regions_2023)
        )
    return False


def _candidate(place: Place, confidence: float, how: str) -> PlaceCandidate:
    return PlaceCandidate(
        level=place.level,
        name=place.name,
        village=place.village,
        commune=place.commune,
        cercle=place.cercle,
        region_2015=place.region_2015,
        region_2023=place.region_2023,
        regions_2023=place.regions_2023,
        lat=place.lat,
        lon=place.lon,
        confidence=round(confidence, 4),
        matched=how,
        pcode=place.pcode,
        place_id=place.id,
    )


@dataclass(frozen=True, slots=True)
class ResolvedSets:
    """What `place_level` reads of one place as written, as plain sets (for array code).

    ``unresolved_keys`` are the village and commune as written, keyed: what two places
    the gazetteer does not know are compared by.
    """

    given: bool
    plausible: bool
    village_ids: frozenset[int]
    commune_ids: frozenset[int]
    cercle_ids: frozenset[int]
    region_sigs: frozenset[tuple[str, frozenset[str]]]
    village_keys: frozenset[str]
    village_key: str
    unresolved_keys: tuple[str, str]
    finest: int = len(LEVELS)


def resolved_sets(value: object) -> ResolvedSets:
    r = resolved_of(value)
    unresolved = tuple(fold_place_key(parse_place_text(r.written[i], FIELDS[i])[1]) for i in (0, 1))
    return ResolvedSets(
        r.given,
        bool(r.plausible),
        r.village_ids,
        r.commune_ids,
        r.cercle_ids,
        r.region_sigs,
        r.village_keys,
        r.village_key,
        (unresolved[0], unresolved[1]),
        r.finest,
    )


def resolution_signature(value: object) -> tuple[object, ...]:
    """Equal for two places as written that `place_level` cannot tell apart.

    Many spellings of one village resolve to the same readings: comparing
    signatures instead of spellings compares each distinct reading once.
    """
    r = resolved_of(value)
    return signature_of(r, r.written)


def signature_of(r: Resolved | ResolvedSets, written: tuple[str, ...]) -> tuple[object, ...]:
    """The resolution signature of a place resolved as `r` and written (folded) `written`:
    what `resolution_signature` gives, from a resolution or the sets drawn from it."""
    if not r.given:
        return ("missing",)
    if not r.plausible:
        return ("unresolved", written)
    return (
        r.village_ids,
        r.commune_ids,
        r.cercle_ids,
        r.region_sigs,
        r.village_keys,
        r.village_key,
        written[0] if not r.village_ids else "",
        r.finest,
    )


def resolved_of(value: object) -> Resolved:
    """The cached resolution of a place in any form :meth:`PlaceRef.of` reads."""
    if isinstance(value, tuple):
        try:
            return _resolve_raw(value)
        except TypeError:  # unhashable parts
            pass
    if isinstance(value, PlaceRef):
        return _resolve(value.folded)
    return _resolve(PlaceRef.of(value).folded)
