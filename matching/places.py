"""Two places of origin as written, compared through their readings in the gazetteer.

:func:`place_similarity` says how far two places agree (:data:`PLACE_LEVELS`), with the
distance and a reason in French and English (worded by :mod:`matching.place_reasons`);
:func:`place_level` gives the level alone, for scoring many pairs. Both read the
places' resolutions (:mod:`matching.place_resolution`), cached per distinct place.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.gazetteer import LEVELS, Place, haversine_km
from matching.place_reasons import reasons
from matching.place_resolution import (
    FIELDS,
    PlaceCandidate,
    PlaceRef,
    Resolved,
    resolved_of,
)
from matching.place_text import fold_place_key, parse_place_text

#: Levels of :func:`place_similarity`, from most to least agreement; ``missing`` last.
PLACE_LEVELS = (
    "same_village",
    "within_commune",
    "same_commune",
    "within_cercle",
    "same_cercle",
    "within_region",
    "same_region",
    "homonym_different_cercle",
    "different",
    "missing",
)


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


def place_similarity(a: object, b: object, *, explain: bool = True) -> PlaceComparison:
    """How far two places agree, with the distance between their best readings.

    ``a`` and ``b`` are :class:`PlaceRef`, mappings (``village``/``origin_village`` …) or
    ``(village, commune, cercle, region)`` tuples. The level is the deepest one both sides
    give and agree on: ``same_village`` > ``same_commune`` > ``same_cercle`` >
    ``same_region``, each of the last three as ``within_commune`` / ``within_cercle`` /
    ``within_region`` when one side stops there (a place written only as a commune, a
    cercle or a region agrees with any finer place inside it: consistent, where two
    different villages of one cercle are not);
    ``homonym_different_cercle`` when the village names agree but the
    places lie in different cercles (Sirakoro in Kati vs Sirakoro in Ségou); ``different``;
    ``missing`` when a side gives no place, or none the gazetteer knows (unless both write
    the same name). Regions agree across the 2015 and 2023 schemes (region Bougouni and
    cercle Bougouni, region Sikasso agree). Homonyms are kept as alternatives, so a lone
    "Sirakoro" agrees with "Sirakoro, Kati" (``ambiguous`` is then set).
    """
    ra, rb = resolved_of(a), resolved_of(b)
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
    within = None
    if level.startswith("within_"):
        within = ((ra.finest, _as_written(a)), (rb.finest, _as_written(b)))
    fr, en = reasons(level, pa, pb, km, village_a, village_b, within)
    if ambiguous and level == "same_village":
        fr += " ; plusieurs villages de ce nom possibles"
        en += "; several villages of that name possible"
    return PlaceComparison(level, km, fr, en, pa, pb, ambiguous)


def _as_written(place: object) -> str:
    ref = PlaceRef.of(place)
    return ", ".join(w for w in (ref.village, ref.commune, ref.cercle, ref.region) if w)


def place_level(a: object, b: object) -> str:
    """The level `place_similarity` would give, without distance or reasons.

    For scoring many pairs: resolution is cached per distinct place, and the
    level is a few set intersections.
    """
    ra, rb = resolved_of(a), resolved_of(b)
    if not ra.given or not rb.given:
        return "missing"
    if not ra.plausible or not rb.plausible:
        return _compare_unresolved(ra, rb, PlaceRef.of(a), PlaceRef.of(b)).level
    return _level(ra, rb)[0]


def regions_agree(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    """Two region signatures (2015 region, 2023 regions) name the same region."""
    return a[0] == b[0] and bool(a[1] & b[1])


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


def _level(ra: Resolved, rb: Resolved):
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
    coarser = max(ra.finest, rb.finest)
    if ra.commune_ids & rb.commune_ids:
        return _within_or_same("commune", coarser), _same_commune
    if ra.cercle_ids & rb.cercle_ids:
        return _within_or_same("cercle", coarser), _same_cercle
    if ra.village_keys & rb.village_keys and (ra.village_ids or rb.village_ids or same_written):
        return "homonym_different_cercle", _any
    if any(regions_agree(sa, sb) for sa in ra.region_sigs for sb in rb.region_sigs):
        return _within_or_same("region", coarser), _same_region
    return "different", _any


def _within_or_same(level: str, coarser: int) -> str:
    """``same_<level>`` when both places name something finer than the area they share
    (two villages of one commune: they differ), ``within_<level>`` when one of them names
    nothing finer (then it is consistent with any place inside)."""
    return f"same_{level}" if coarser < LEVELS.index(level) else f"within_{level}"


def _best_pair(ra: Resolved, rb: Resolved, agree) -> tuple[PlaceCandidate, PlaceCandidate, float]:
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
    ra: Resolved, rb: Resolved, ref_a: PlaceRef, ref_b: PlaceRef
) -> PlaceComparison:
    """At least one side names no place the gazetteer knows: compare the names as written."""
    keys = [
        tuple(fold_place_key(parse_place_text(r.written[i], FIELDS[i])[1]) for r in (ra, rb))
        for i in (0, 1)
    ]
    both_villages = all(keys[0])
    commune = "same_commune" if both_villages else "within_commune"
    for i, level in ((0, "same_village"), (1, commune)):
        ka, kb = keys[i]
        if ka and ka == kb:
            what_fr, what_en = ("village", "village") if i == 0 else ("commune", "commune")
            name = ref_a.village if i == 0 else ref_a.commune
            fr = f"{what_fr} : « {name} » des deux côtés (hors répertoire)"
            en = f"{what_en}: '{name}' on both sides (not in the gazetteer)"
            if level == "same_commune":
                fr += f" ; villages {ref_a.village} ≠ {ref_b.village}"
                en += f"; villages {ref_a.village} vs {ref_b.village}"
            return PlaceComparison(level, None, fr, en)
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
