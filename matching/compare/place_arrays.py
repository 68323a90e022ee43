"""`matching.places.place_level` for arrays of pairs of places at once.

Each distinct reading of a place (see `resolution_signature`) becomes a row
of codes: its plausible village, commune and cercle ids and region
signatures as sets, the village names it may stand for, and the keys
of the village and commune as written (for places the gazetteer does not
know). Levels are then numpy expressions, tested in the order of
`places._level`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.compare.arrays import Codes, Sets, equal_known, sets, shares_any
from matching.comparisons import COMPARISON
from matching.gazetteer import LEVELS
from matching.place_resolution import ResolvedSets
from matching.places import regions_agree

PLACE = {level: i for i, level in enumerate(COMPARISON["origin_place"].levels)}


@dataclass
class PlaceTable:
    given: np.ndarray
    plausible: np.ndarray
    village_ids: Sets
    commune_ids: Sets
    cercle_ids: Sets
    regions: np.ndarray
    """The code of each place's set of region signatures (few distinct sets)."""
    region_agree: np.ndarray
    """region_agree[i, j]: some signature of set i and some of set j name the same region
    (across the 2015 and 2023 schemes)."""
    village_keys: Sets
    village_key: np.ndarray
    written_village: np.ndarray
    written_commune: np.ndarray
    finest: np.ndarray
    """The finest level each place names (`place_resolution.Resolved.finest`)."""


def place_table(resolved: Sequence[ResolvedSets]) -> PlaceTable:
    """The table of places as resolved (`place_resolution.resolved_sets`), one row each."""
    region_sets, signatures, keys, written = Codes(), Codes(), Codes(), Codes()
    regions = np.array([region_sets(r.region_sigs) for r in resolved], dtype=np.int32)
    member_rows = [[signatures(sig) for sig in group] for group in region_sets.values]  # type: ignore[union-attr]
    known = signatures.values
    single = np.array(
        [[regions_agree(p, q) for q in known] for p in known],  # type: ignore[arg-type]
        dtype=np.int32,
    ).reshape(len(known), len(known))
    membership = np.zeros((len(member_rows), len(known)), dtype=np.int32)
    for i, row in enumerate(member_rows):
        membership[i, row] = 1
    agree = (membership @ single @ membership.T) > 0
    return PlaceTable(
        given=np.array([r.given for r in resolved], dtype=bool),
        plausible=np.array([r.plausible for r in resolved], dtype=bool),
        village_ids=sets([sorted(r.village_ids) for r in resolved]),
        commune_ids=sets([sorted(r.commune_ids) for r in resolved]),
        cercle_ids=sets([sorted(r.cercle_ids) for r in resolved]),
        regions=regions,
        region_agree=agree,
        village_keys=sets([[keys(k) for k in sorted(r.village_keys)] for r in resolved]),
        village_key=np.array([keys(r.village_key or None) for r in resolved], dtype=np.int32),
        written_village=np.array(
            [written(r.unresolved_keys[0] or None) for r in resolved], dtype=np.int32
        ),
        written_commune=np.array(
            [
                written(("c", r.unresolved_keys[1]) if r.unresolved_keys[1] else None)
                for r in resolved
            ],
            dtype=np.int32,
        ),
        finest=np.array([r.finest for r in resolved], dtype=np.int8),
    )


def _regions_agree(t: PlaceTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    rx, ry = t.regions[x], t.regions[y]
    out = np.zeros(len(x), dtype=bool)
    known = (rx >= 0) & (ry >= 0)
    out[known] = t.region_agree[rx[known], ry[known]]
    return out


def place_levels(t: PlaceTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`place_level(values[x[k]], values[y[k]])` for every k, as level codes."""
    out = np.full(len(x), PLACE["different"], dtype=np.int8)
    missing = ~t.given[x] | ~t.given[y]
    out[missing] = PLACE["missing"]
    unresolved = ~missing & (~t.plausible[x] | ~t.plausible[y])
    if unresolved.any():
        k = np.flatnonzero(unresolved)
        level = np.full(len(k), PLACE["missing"], dtype=np.int8)
        commune = equal_known(t.written_commune[x[k]], t.written_commune[y[k]])
        villages = (t.written_village[x[k]] >= 0) & (t.written_village[y[k]] >= 0)
        level[commune] = PLACE["within_commune"]
        level[commune & villages] = PLACE["same_commune"]
        village = equal_known(t.written_village[x[k]], t.written_village[y[k]])
        level[village] = PLACE["same_village"]
        out[k] = level
    k = np.flatnonzero(~missing & ~unresolved)
    x, y = x[k], y[k]
    level = np.full(len(k), PLACE["different"], dtype=np.int8)
    todo = np.ones(len(k), dtype=bool)

    def assign(hit: np.ndarray, name: str) -> None:
        nonlocal todo
        level[todo & hit] = PLACE[name]
        todo = todo & ~hit

    has_village_x, has_village_y = t.village_ids.width[x] > 0, t.village_ids.width[y] > 0
    has_cercle_x, has_cercle_y = t.cercle_ids.width[x] > 0, t.cercle_ids.width[y] > 0
    same_village = shares_any(t.village_ids, x, y)
    cercles = shares_any(t.cercle_ids, x, y)
    assign(same_village, "same_village")
    same_written = equal_known(t.village_key[x], t.village_key[y])
    assign(
        same_written
        & ~(has_village_x & has_village_y)
        & (~(has_cercle_x & has_cercle_y) | cercles),
        "same_village",
    )
    coarser = np.maximum(t.finest[x], t.finest[y])

    def within_or_same(hit: np.ndarray, area: str) -> None:
        """`places._within_or_same`: one side names nothing finer than the shared area."""
        assign(hit & (coarser >= LEVELS.index(area)), f"within_{area}")
        assign(hit, f"same_{area}")

    within_or_same(shares_any(t.commune_ids, x, y), "commune")
    within_or_same(cercles, "cercle")
    homonym = shares_any(t.village_keys, x, y) & (has_village_x | has_village_y | same_written)
    assign(homonym, "homonym_different_cercle")
    within_or_same(_regions_agree(t, x, y), "region")
    out[k] = level
    return out
