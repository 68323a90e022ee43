"""The reasons of a place comparison, in French and English, for caseworkers.

:func:`reasons` words the level :func:`matching.places.place_similarity` found for the
pair of readings that shows it: the places' labels at their level, the region in either
scheme, and the distance between them.
"""

from __future__ import annotations

from matching.gazetteer import LEVELS
from matching.place_resolution import PlaceCandidate
from matching.place_text import fold_text


def _de(name: str) -> str:
    return "d'" if fold_text(name)[:1] in ("a", "e", "i", "o", "u", "h") else "de "


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


def reasons(
    level: str,
    pa: PlaceCandidate,
    pb: PlaceCandidate,
    km: float,
    village_a: str | None,
    village_b: str | None,
    within: tuple[tuple[int, str], tuple[int, str]] | None = None,
) -> tuple[str, str]:
    """French and English reasons; ``village_a``/``village_b`` are the villages as written;
    ``within`` (for the ``within_*`` levels): each side's finest level named (an index of
    `gazetteer.LEVELS`) and the place as written."""
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
    if level in ("within_commune", "within_cercle", "within_region"):
        return _within(level, pa, pb, within or ((len(LEVELS), ""), (len(LEVELS), "")))
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


def _within(
    level: str,
    pa: PlaceCandidate,
    pb: PlaceCandidate,
    sides: tuple[tuple[int, str], tuple[int, str]],
) -> tuple[str, str]:
    """Both places lie in one commune, cercle or region, and one of them (or both) names
    nothing finer: the area, then what each side wrote."""
    area = level.removeprefix("within_")
    if area == "commune":
        where_fr = f"commune : {pa.commune} ({pa.cercle}), même commune"
        where_en = f"commune: {pa.commune} ({pa.cercle}): same commune"
    elif area == "cercle":
        where_fr, where_en = (
            f"cercle : {pa.cercle}, même cercle",
            f"cercle: {pa.cercle}: same cercle",
        )
    else:
        where_fr = f"région : {_region_text(pa, pb, 'fr')}, même région"
        where_en = f"region: {_region_text(pa, pb, 'en')}: same region"
    (finer, fine_text), (_, coarse_text) = sorted(sides)
    if finer >= LEVELS.index(area) or not fine_text or not coarse_text:
        return (
            f"{where_fr} ; rien de plus précis d'aucun côté",
            f"{where_en}; nothing finer on either side",
        )
    return (
        f"{where_fr} ; « {fine_text} » d'un côté, seulement « {coarse_text} » de l'autre",
        f"{where_en}; '{fine_text}' on one side, only '{coarse_text}' on the other",
    )
