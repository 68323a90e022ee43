"""Origin places compared through the gazetteer (hierarchy, homonyms, distance)."""

from __future__ import annotations

from functools import lru_cache

from matching import places
from matching.place_resolution import PlaceRef
from matching.places import PlaceComparison, place_similarity
from matching.values import PlaceValue


def place_ref(value: PlaceValue | None) -> tuple[str | None, ...] | PlaceRef:
    """A plain tuple: the gazetteer caches its resolution per distinct tuple."""
    if value is None:
        return PlaceRef()
    return (value.village, value.commune, value.cercle, value.region)


@lru_cache(maxsize=100_000)
def place_comparison(a: PlaceValue | None, b: PlaceValue | None) -> PlaceComparison:
    """The gazetteer's verdict on two places as written, with reasons in French and English."""
    return place_similarity(place_ref(a), place_ref(b))


@lru_cache(maxsize=1_000_000)
def place_level(a: PlaceValue, b: PlaceValue) -> str:
    """The comparison level only: no reason strings, for scoring many pairs."""
    return places.place_level(place_ref(a), place_ref(b))
