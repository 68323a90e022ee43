"""Places of origin as written, resolved against the Mali gazetteer, and compared.

- :func:`resolve_place` turns a place as written (any level, any spelling, 2015 or 2023
  regions, "cercle de …", "Commune IV", typos) into ranked :class:`PlaceCandidate`.
- :func:`place_similarity` compares two places and says how far they agree
  (:data:`PLACE_LEVELS`), with the distance and a reason in French and English.

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

from matching.gazetteer import (
    LEVELS,
    Place,
    fold_place_key,
    fold_text,
    fold_written,
    gazetteer,
    haversine_km,
    parse_place_text,
)

#: Levels of :func:`place_similarity`, from most to least agreement; ``missing`` last.
PLACE_LEVELS = (
    "same_village",
    "same_commune",
    "same_cercle",
    "same_region",
    "homonym_different_cercle",
    "different",
    "missing",
)

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

    ``folded`` gives the four fields folded (:func:`matching.gazetteer.fold_written`); it
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


@dataclass(frozen=True, slots=True)
class PlaceComparison:
    """How far two places agree: ``level`` (one of :data:`PLACE_LEVELS`), the distance in km
    between the best readings of each side, and reasons for a caseworker."""

    level: str
    distance_km: float | None
    reason_fr: str
    reason_en: str
    a: PlaceCandidate | None = None
    b: PlaceCandidate | None = None
    ambiguous: bool = False  # a side had several plausible readings (homonyms)


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).split())
    return text or None


# --------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------


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
    return list(_resolved_of((village, commune, cercle, region)).candidates[:limit])


@dataclass(frozen=True, slots=True)
class _Resolved:
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


@lru_cache(maxsize=1 << 16)
def _resolve_raw(values: tuple[object, ...]) -> _Resolved:
    return _resolve(PlaceRef.of(values).folded)


@lru_cache(maxsize=1 << 18)
def _resolve(folded: tuple[str, str, str, str]) -> _Resolved:
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
    return _Resolved(
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


# --------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------


def place_similarity(a: object, b: object, *, explain: bool = True) -> PlaceComparison:
    """How far two places agree, with the distance between their best readings.

    ``a`` and ``b`` are :class:`PlaceRef`, mappings (``village``/``origin_village`` …) or
    ``(village, commune, cercle, region)`` tuples. The level is the deepest one both sides
    give and agree on: ``same_village`` > ``same_commune`` > ``same_cercle`` >
    ``same_region``; ``homonym_different_cercle`` when the village names agree but the
    places lie in different cercles (Sirakoro in Kati vs Sirakoro in Ségou); ``different``;
    ``missing`` when a side gives no place, or none the gazetteer knows (unless both write
    the same name). Regions agree across the 2015 and 2023 schemes (region Bougouni and
    cercle Bougouni, region Sikasso agree). Homonyms are kept as alternatives, so a lone
    "Sirakoro" agrees with "Sirakoro, Kati" (``ambiguous`` is then set).
    """
    ra, rb = _resolved_of(a), _resolved_of(b)
    if not ra.given or not rb.given:
        return PlaceComparison("missing", None, "lieu absent d'un côté", "no place on one side")
    if not ra.plausible or not rb.plausible:
        return _compare_unresolved(ra, rb, PlaceRef.of(a), PlaceRef.of(b))
    level, agree = _level(ra, rb)
    pa, pb, km = _best_pair(ra, rb, agree)
    ambiguous = len(ra.plausible) > 1 or len(rb.plausible) > 1
    if not explain:
        return PlaceComparison(level, km, "", "", pa, pb, ambiguous)
    if level in ("same_village", "homonym_different_cercle") and not (pa.village and pb.village):
        village_a, village_b = PlaceRef.of(a).village, PlaceRef.of(b).village  # as written
    else:
        village_a = village_b = None
    fr, en = _reasons(level, pa, pb, km, village_a, village_b)
    if ambiguous and level == "same_village":
        fr += " ; plusieurs villages de ce nom possibles"
        en += "; several villages of that name possible"
    return PlaceComparison(level, km, fr, en, pa, pb, ambiguous)


def place_level(a: object, b: object) -> str:
    """The level `place_similarity` would give, without distance or reasons.

    For scoring many pairs: resolution is cached per distinct place, and the
    level is a few set intersections.
    """
    ra, rb = _resolved_of(a), _resolved_of(b)
    if not ra.given or not rb.given:
        return "missing"
    if not ra.plausible or not rb.plausible:
        return _compare_unresolved(ra, rb, PlaceRef.of(a), PlaceRef.of(b)).level
    return _level(ra, rb)[0]


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


def resolved_sets(value: object) -> ResolvedSets:
    r = _resolved_of(value)
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
    )


def regions_agree(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    """Two region signatures (2015 region, 2023 regions) name the same region."""
    return a[0] == b[0] and bool(a[1] & b[1])


def resolution_signature(value: object) -> tuple[object, ...]:
    """Equal for two places as written that `place_level` cannot tell apart.

    Many spellings of one village resolve to the same readings: comparing
    signatures instead of spellings compares each distinct reading once.
    """
    r = _resolved_of(value)
    if not r.given:
        return ("missing",)
    if not r.plausible:
        return ("unresolved", r.written)
    return (
        r.village_ids,
        r.commune_ids,
        r.cercle_ids,
        r.region_sigs,
        r.village_keys,
        r.village_key,
        r.written[0] if not r.village_ids else "",
    )


def _resolved_of(value: object) -> _Resolved:
    if isinstance(value, tuple):
        try:
            return _resolve_raw(value)
        except TypeError:  # unhashable parts
            pass
    if isinstance(value, PlaceRef):
        return _resolve(value.folded)
    return _resolve(PlaceRef.of(value).folded)


def _same_village(p: Place, q: Place) -> bool:
    return p.id == q.id


def _same_commune(p: Place, q: Place) -> bool:
    return p.commune_id is not None and p.commune_id == q.commune_id


def _same_cercle(p: Place, q: Place) -> bool:
    return p.cercle_id is not None and p.cercle_id == q.cercle_id


def _same_cercle_or_unknown(p: Place, q: Place) -> bool:
    return p.cercle_id is None or q.cercle_id is None or p.cercle_id == q.cercle_id


def _same_region(p: Place, q: Place) -> bool:
    return p.region_2015 == q.region_2015 and not set(p.regions_2023).isdisjoint(q.regions_2023)


def _any(p: Place, q: Place) -> bool:
    return True


def _level(ra: _Resolved, rb: _Resolved):
    """The deepest level of agreement over the plausible readings, and its predicate."""
    if ra.village_ids & rb.village_ids:
        return "same_village", _same_village
    same_written = bool(ra.village_key) and ra.village_key == rb.village_key
    # The same village name, not (both) in the gazetteer: agree unless the cercles differ.
    if (
        same_written
        and not (ra.village_ids and rb.village_ids)
        and (not (ra.cercle_ids and rb.cercle_ids) or ra.cercle_ids & rb.cercle_ids)
    ):
        return "same_village", _same_cercle_or_unknown
    if ra.commune_ids & rb.commune_ids:
        return "same_commune", _same_commune
    if ra.cercle_ids & rb.cercle_ids:
        return "same_cercle", _same_cercle
    if ra.village_keys & rb.village_keys and (ra.village_ids or rb.village_ids or same_written):
        return "homonym_different_cercle", _any
    if any(regions_agree(sa, sb) for sa in ra.region_sigs for sb in rb.region_sigs):
        return "same_region", _same_region
    return "different", _any


def _best_pair(ra: _Resolved, rb: _Resolved, agree) -> tuple[PlaceCandidate, PlaceCandidate, float]:
    """The pair of plausible readings that shows the level: most confident, then nearest."""
    if len(ra.plausible) == 1 and len(rb.plausible) == 1:
        ca, cb = ra.plausible[0][0], rb.plausible[0][0]
        return ca, cb, round(haversine_km(ca.lat, ca.lon, cb.lat, cb.lon), 1)
    best_conf, pairs = -1.0, []
    for ca, pa in ra.plausible:
        for cb, pb in rb.plausible:
            if agree(pa, pb):
                conf = ca.confidence * cb.confidence
                if conf > best_conf + 1e-12:
                    best_conf, pairs = conf, [(ca, cb)]
                elif conf >= best_conf - 1e-12:
                    pairs.append((ca, cb))
    if not pairs:  # not reached: the level was found on these same readings
        pairs = [(ra.plausible[0][0], rb.plausible[0][0])]
    km, ca, cb = min(
        ((haversine_km(ca.lat, ca.lon, cb.lat, cb.lon), ca, cb) for ca, cb in pairs[:50]),
        key=lambda t: t[0],
    )
    return ca, cb, round(km, 1)


def _compare_unresolved(
    ra: _Resolved, rb: _Resolved, ref_a: PlaceRef, ref_b: PlaceRef
) -> PlaceComparison:
    """At least one side names no place the gazetteer knows: compare the names as written."""
    for i, level in ((0, "same_village"), (1, "same_commune")):
        ka = fold_place_key(parse_place_text(ra.written[i], FIELDS[i])[1])
        kb = fold_place_key(parse_place_text(rb.written[i], FIELDS[i])[1])
        if ka and ka == kb:
            what_fr, what_en = ("village", "village") if i == 0 else ("commune", "commune")
            name = ref_a.village if i == 0 else ref_a.commune
            return PlaceComparison(
                level,
                None,
                f"{what_fr} : « {name} » des deux côtés (hors répertoire)",
                f"{what_en}: '{name}' on both sides (not in the gazetteer)",
            )
    unknown = [ref for r, ref in ((ra, ref_a), (rb, ref_b)) if not r.plausible]
    names = " » ; « ".join(
        ", ".join(w for w in (ref.village, ref.commune, ref.cercle, ref.region) if w)
        for ref in unknown
    )
    return PlaceComparison(
        "missing",
        None,
        f"lieu non reconnu : « {names} »",
        f"place not recognised: '{names}'",
    )


def _de(name: str) -> str:
    return "d'" if fold_text(name)[:1] in ("a", "e", "i", "o", "u", "y", "h") else "de "


def _label(c: PlaceCandidate, lang: str, with_region: bool = False) -> str:
    """ "Sirakoro (Kati)", "commune Siby (Kati)", "cercle de Kati", "région de Bougouni (2023)"."""
    fr = lang == "fr"
    if c.level == "village":
        inside = f"{c.cercle}, {c.region_2015}" if with_region else c.cercle
        return f"{c.name} ({inside})"
    if c.level == "commune":
        inside = f"{c.cercle}, {c.region_2015}" if with_region else c.cercle
        return f"commune {c.name} ({inside})" if fr else f"{c.name} commune ({inside})"
    if c.level == "cercle":
        text = f"cercle {_de(c.name)}{c.name}" if fr else f"{c.name} cercle"
        return f"{text} ({c.region_2015})" if with_region else text
    if c.name == "Bamako":
        return "district de Bamako" if fr else "Bamako district"
    scheme = " (2023)" if c.region_2015 != c.name else ""
    return (f"région {_de(c.name)}{c.name}" if fr else f"{c.name} region") + scheme


def _region_text(pa: PlaceCandidate, pb: PlaceCandidate, lang: str) -> str:
    common = sorted(set(pa.regions_2023) & set(pb.regions_2023))
    r15 = pa.region_2015
    if len(common) == 1 and common[0] != r15:
        if lang == "fr":
            return f"{common[0]} (région de 2023, ex-région {_de(r15)}{r15})"
        return f"{common[0]} (2023 region, formerly part of {r15} region)"
    return r15


def _km_text(km: float, pa: PlaceCandidate, pb: PlaceCandidate, lang: str) -> str:
    if km < 0.05:
        return ""
    seats = pa.level in ("cercle", "region") or pb.level in ("cercle", "region")
    value = f"{km:.0f}" if km >= 10 else f"{km:.1f}"
    if lang == "fr":
        return f", à {value} km" + (" (entre chefs-lieux)" if seats else "")
    return f", {value} km apart" + (" (between seats)" if seats else "")


def _reasons(
    level: str,
    pa: PlaceCandidate,
    pb: PlaceCandidate,
    km: float,
    village_a: str | None,
    village_b: str | None,
) -> tuple[str, str]:
    """French and English reasons; ``village_a``/``village_b`` are the villages as written."""
    if level == "same_village":
        if pa.level == "village" and pa.place_id == pb.place_id:
            return (
                f"village : {_label(pa, 'fr')}, même village",
                f"village: {_label(pa, 'en')}: same village",
            )
        name = village_a
        where_fr = f" ({pa.cercle})" if pa.cercle else ""
        return (
            f"village : « {name} »{where_fr}, même nom des deux côtés (hors répertoire)",
            f"village: '{name}'{where_fr}: same name on both sides (not in the gazetteer)",
        )
    if level == "homonym_different_cercle":
        va = f"{pa.village or village_a} ({pa.cercle})"
        vb = f"{pb.village or village_b} ({pb.cercle})"
        return (
            f"village : {va} ≠ {vb}, cercles différents" + _km_text(km, pa, pb, "fr"),
            f"village: {va} vs {vb}: different cercles" + _km_text(km, pa, pb, "en"),
        )
    if level == "same_commune":
        fr = f"commune : {pa.commune} ({pa.cercle}), même commune"
        en = f"commune: {pa.commune} ({pa.cercle}): same commune"
        if pa.village and pb.village and pa.place_id != pb.place_id:
            fr += f" ; villages {pa.village} ≠ {pb.village}"
            en += f"; villages {pa.village} vs {pb.village}"
        return fr + _km_text(km, pa, pb, "fr"), en + _km_text(km, pa, pb, "en")
    if level == "same_cercle":
        fr = f"cercle : {pa.cercle}, même cercle"
        en = f"cercle: {pa.cercle}: same cercle"
        if pa.commune and pb.commune and pa.commune != pb.commune:
            fr += f" ; communes {pa.commune} ≠ {pb.commune}"
            en += f"; communes {pa.commune} vs {pb.commune}"
        return fr + _km_text(km, pa, pb, "fr"), en + _km_text(km, pa, pb, "en")
    if level == "same_region":
        fr = f"région : {_region_text(pa, pb, 'fr')}, même région"
        en = f"region: {_region_text(pa, pb, 'en')}: same region"
        if pa.cercle and pb.cercle and pa.cercle != pb.cercle:
            fr += f" ; cercles {pa.cercle} ≠ {pb.cercle}"
            en += f"; cercles {pa.cercle} vs {pb.cercle}"
        return fr + _km_text(km, pa, pb, "fr"), en + _km_text(km, pa, pb, "en")
    la_fr, lb_fr = _label(pa, "fr", True), _label(pb, "fr", True)
    la_en, lb_en = _label(pa, "en", True), _label(pb, "en", True)
    return (
        f"lieux différents : {la_fr} ≠ {lb_fr}" + _km_text(km, pa, pb, "fr"),
        f"different places: {la_en} vs {lb_en}" + _km_text(km, pa, pb, "en"),
    )
