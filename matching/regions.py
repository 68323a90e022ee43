"""The region a record comes from, one name per region: as it writes it, read in the
gazetteer, or, when it names none, the one region its village, commune or cercle lies in.

Most field files leave the region blank and write the village: a report by region and a
search answer (which shows the region, never the village) would say "unknown" for them.
A village the gazetteer holds in several regions (homonyms: "Sirakoro") names none."""

from __future__ import annotations

from functools import lru_cache

from matching.place_resolution import resolve_place, resolved_of


def region_name(written: str | None) -> str | None:
    """The region as the gazetteer names it ("Sikaso", "Segu", "Timbuktu" → Sikasso,
    Ségou, Tombouctou; a 2023 region stays one); a cercle, commune or village written in
    the region's column, its one region ("Kati" → Koulikoro); else None: a region shown
    is never a place finer than a region (a search answer shows the region alone)."""
    if not written or not written.strip():
        return None
    return _named(written) or _lone_region(written, None, None)


def _named(region: str) -> str | None:
    """`region` as the gazetteer names it, when it reads as a region."""
    found = resolve_place(region=region, limit=1)
    return found[0].name if found and found[0].level == "region" else None


def _lone_region(village: str | None, commune: str | None, cercle: str | None) -> str | None:
    """The one region every plausible reading of a place lies in (2015 scheme), named as
    the gazetteer names it; None for a place found in several regions or nowhere."""
    regions = {c.region_2015 for c, _ in resolved_of((village, commune, cercle, None)).plausible}
    return _named(regions.pop()) if len(regions) == 1 else None


@lru_cache(maxsize=1 << 16)
def region_of(
    village: str | None, commune: str | None, cercle: str | None, region: str | None
) -> str | None:
    """The record's region (`region_name` of the one it writes), else the only region
    every plausible reading of its village, commune and cercle lies in (2015 scheme);
    None when it writes no place, or one found in several regions or nowhere."""
    stated = region_name(region)
    if stated or not any(v and v.strip() for v in (village, commune, cercle)):
        return stated
    return _lone_region(village, commune, cercle)
