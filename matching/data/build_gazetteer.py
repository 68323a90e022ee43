"""Build the committed gazetteer from the shared Mali data (habit 5: derived data has a script).

    python -m matching.data.build_gazetteer \
        --shared ../shared/data/mali-gazetteer --out matching/data

Inputs: the five files of ``shared/data/mali-gazetteer`` (OCHA COD 2015 settlements, communes
and Bamako quartiers; OCHA 2021 P-codes; Who's On First / GeoNames places) and two hand-curated
tables next to this script: ``places_2015_to_2023.csv`` (cercle → 2023 region) and
``places_variants_curated.csv`` (reference §6 spellings, denials). Outputs:
``places_admin.csv`` and ``places_settlements.csv``. Derivation and judgement calls are
described in ``GAZETTEER_SOURCE.md``; ``tests/matching/test_data_build.py`` fails on drift.

Joins are on folded names (``matching.place_text.fold_place_key``) and distances, never on
P-codes across editions (the 2015 and 2021 P-codes differ). Within the 2015 edition the OCHA
files share P-codes, which are used to link settlements to their commune and cercle.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Indel, JaroWinkler

from matching.gazetteer import haversine_km, read_rows
from matching.place_text import fold_place_key, fold_text, fold_written

HERE = Path(__file__).parent
SETTLEMENTS = "mli_settlements_ocha_cod_2015.csv"
COMMUNES = "mli_adm3_communes_ocha_cod_2015.csv"
QUARTIERS = "mli_adm4_bamako_quartiers_ocha_iom_2015.csv"
PCODES_2021 = "mli_pcodes_adm1_adm2_ocha_2021.csv"
WOF = "wof_ml_places.csv"
MAPPING = "places_2015_to_2023.csv"
CURATED = "places_variants_curated.csv"
ADMIN_OUT = "places_admin.csv"
SETTLEMENTS_OUT = "places_settlements.csv"

# Display spellings of the 2015 regions (OCHA writes "Koulikouro" and "Segou").
REGION_DISPLAY = {"koulikouro": "Koulikoro", "segou": "Ségou"}
# The 19 regions of 2023 and the Bamako district (reference §6; to verify against loi 2023-006).
REGIONS_2023 = (
    *("Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal"),
    *("Taoudénit", "Ménaka", "Bougouni", "Dioïla", "Nioro", "Koutiala", "Kita", "Nara"),
    *("Bandiagara", "San", "Douentza", "Bamako"),
)
MALI_BBOX = (10.0, 25.5, -12.5, 4.5)  # lat min/max, lon min/max: drops WOF's Maltese rows
JOIN_KM = 10.0  # a WOF/GeoNames point joins an OCHA settlement of the same folded name
FUZZY_JOIN_KM = 3.0  # ... or, failing that, a near spelling this close (see _fuzzy_join)
NEARBY_KM = 25.0  # a variant naming another settlement this close is not an alias
_ORDINAL_REGION = re.compile(
    r"^(region [0-9ivx]+|(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth) region)$"
)
DUPLICATE_KM = 2.0  # same folded name, same commune, this close: one settlement listed twice
_UNIT_WORDS = (
    re.compile(r"^(region|district|cercle|commune)( de la| de| du| d| des)? (?=\S)"),
    re.compile(r" (region|cercle|commune)$"),
)

HEADER = (
    "# Derived file: do not edit. Regenerate with "
    "`python -m matching.data.build_gazetteer --shared ../shared/data/mali-gazetteer "
    "--out matching/data`.\n"
    "# Sources: OCHA / DNCT Mali (COD, CC BY-IGO, to confirm); Who's On First (CC0/CC BY) "
    "including GeoNames (CC BY 4.0). See GAZETTEER_SOURCE.md.\n"
)


@dataclass
class Unit:
    level: str  # region_2015 | region_2023 | cercle | commune | village
    name: str
    pcode: str = ""
    pcode_2021: str = ""
    commune: str = ""
    cercle: str = ""
    region_2015: str = ""
    regions_2023: list[str] = field(default_factory=list)
    lat: float = math.nan
    lon: float = math.nan
    seat: str = ""
    seat_rank: int = 5
    commune_pcode: str = ""
    cercle_pcode: str = ""
    variants: dict[str, str] = field(default_factory=dict)  # key -> spelling
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return fold_place_key(self.name)

    def all_keys(self) -> set[str]:
        return {self.key, *self.variants}

    def add_source(self, source: str) -> None:
        if source not in self.sources:
            self.sources.append(source)

    def add_variant(self, text: str, source: str) -> bool:
        text = " ".join(text.split())
        key = fold_place_key(text)
        if not key or key == self.key or key in self.variants:
            return False
        self.variants[key] = text
        self.add_source(source)
        return True


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            {k: ("" if v in (None, "NA") else v) for k, v in row.items()}
            for row in csv.DictReader(f)
        ]


def _is_latin(text: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def _unit_core(text: str) -> str:
    """Strip "Région de", "X Region", "Cercle d'", "X Cercle" from a WOF admin name."""
    t = fold_written(text)
    for pattern in _UNIT_WORDS:
        t = pattern.sub("", t)
    return t


class Builder:
    """Holds the units while the sources are joined; ``tables()`` renders the outputs."""

    def __init__(self, shared: Path, curated_dir: Path) -> None:
        self.shared = shared
        self.curated_dir = curated_dir
        self.stats: Counter[str] = Counter()
        self.villages: list[Unit] = []
        self.communes: dict[str, Unit] = {}
        self.cercles: dict[str, Unit] = {}
        self.regions15: dict[str, Unit] = {}
        self.regions23: dict[str, Unit] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)  # settlement name key -> idx
        self.denied: dict[str, set[str]] = defaultdict(set)  # name key -> denied variant keys

    # -- OCHA 2015 ---------------------------------------------------------------------
    def load_ocha(self) -> None:
        mapping = read_rows(self.curated_dir / MAPPING)
        rules: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for row in mapping:
            min_lat = float(row["min_lat"]) if row["min_lat"] else -90.0
            ckey = fold_place_key(row["region_2015"]) + "/" + fold_place_key(row["cercle_2015"])
            rules[ckey].append((min_lat, row["region_2023"]))
        used_rules: set[str] = set()

        communes = _csv(self.shared / COMMUNES)
        # Cercle display names: the accented WOF spelling (Djenné, Kéniéba) when it folds
        # to the OCHA name, else the OCHA name.
        wof_counties: dict[str, str] = {}
        for r in _csv(self.shared / WOF):
            if r["placetype"] != "county":
                continue
            for n in (r["name_fra"], r["name"], *r["variants"].split("|")):
                if n and fold_text(n) == fold_text(r["name"]) and not n.isascii():
                    wof_counties.setdefault(fold_place_key(n), n)
                    break
            else:
                wof_counties.setdefault(fold_place_key(r["name"]), r["name_fra"] or r["name"])
        for row in communes:
            rkey = fold_place_key(row["admin1Name"])
            rname = REGION_DISPLAY.get(fold_text(row["admin1Name"]), row["admin1Name"])
            if row["admin1Pcod"] not in self.regions15:
                self.regions15[row["admin1Pcod"]] = Unit(
                    "region_2015", rname, pcode=row["admin1Pcod"], region_2015=rname
                )
                self.regions15[row["admin1Pcod"]].add_source("ocha-cod-2015")
                if fold_place_key(rname) != rkey:
                    self.regions15[row["admin1Pcod"]].add_variant(
                        row["admin1Name"], "ocha-cod-2015"
                    )
            if row["admin2Pcod"] not in self.cercles:
                ocha = row["admin2Name"]
                display = wof_counties.get(fold_place_key(ocha), ocha)
                if fold_place_key(display) != fold_place_key(ocha):
                    display = ocha
                cercle = Unit("cercle", display, pcode=row["admin2Pcod"], cercle=display)
                cercle.region_2015 = rname
                cercle.add_source("ocha-cod-2015")
                self.cercles[row["admin2Pcod"]] = cercle
            cercle = self.cercles[row["admin2Pcod"]]
            commune = Unit(
                "commune",
                row["admin3Name"],
                pcode=row["admin3Pcod"],
                commune=row["admin3Name"],
                cercle=cercle.name,
                region_2015=rname,
                cercle_pcode=row["admin2Pcod"],
            )
            commune.add_source("ocha-cod-2015")
            stripped = re.sub(r"\s+Commune$", "", row["admin3Name"])
            if stripped != row["admin3Name"]:
                commune.add_variant(stripped, "ocha-cod-2015")
            self.communes[row["admin3Pcod"]] = commune

        raw: list[Unit] = []
        for row in _csv(self.shared / SETTLEMENTS):
            commune = self.communes[row["admin3Pcod"]]
            cercle = self.cercles[row["admin2Pcod"]]
            lat, lon = float(row["latitude"]), float(row["longitude"])
            ckey = fold_place_key(cercle.region_2015) + "/" + fold_place_key(cercle.name)
            if ckey not in rules:
                raise ValueError(f"cercle {cercle.name} ({cercle.region_2015}) not in {MAPPING}")
            used_rules.add(ckey)
            min_lat, region_2023 = max(r for r in rules[ckey] if lat >= r[0])
            village = Unit(
                "village",
                row["featureNam"].strip(),
                pcode=row["pcode"],
                commune=commune.name,
                cercle=cercle.name,
                region_2015=cercle.region_2015,
                regions_2023=[region_2023],
                lat=lat,
                lon=lon,
                seat_rank=int(row["popPlaceCl"]),
                commune_pcode=row["admin3Pcod"],
                cercle_pcode=row["admin2Pcod"],
            )
            village.add_source("ocha-cod-2015")
            if min_lat > -90:
                village.notes.append(f"region_2023 uncertain (J: north of {min_lat}°N)")
            raw.append(village)
        for village in self._merge_duplicates(raw):
            self._add_village(village)
        unused = set(rules) - used_rules
        if unused:
            raise ValueError(f"{MAPPING}: rows matching no cercle: {sorted(unused)}")

        # Variants from the OCHA names themselves: "Koulouba/Koulouba-Village",
        # "Sikoroni (Mekin Sicoro)" -> "Sikoroni", "Baranssan+Walifatad".
        for village in self.villages:
            name = village.name
            parts: list[str] = []
            base = re.sub(r"\([^)]*\)?", " ", name).strip()
            if base and base != name:
                parts.append(base)
            if re.search(r"[/+]", base):
                parts.extend(p.strip() for p in re.split(r"[/+]", base))
            for part in parts:
                if self._accept_village_variant(village, part, "ocha-split"):
                    village.add_variant(part, "ocha-cod-2015")

    def _merge_duplicates(self, raw: list[Unit]) -> list[Unit]:
        """Merge a settlement listed twice: same folded name, same commune, within 2 km.

        OCHA lists most commune seats twice (class 4 "Admin3 Capital" and class 5 at the same
        point). The row with the lowest class (then P-code) is kept; the other P-codes are
        named in its note.
        """
        groups: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        for v in raw:
            groups[v.commune_pcode, v.key].append(v)
        kept_ids: set[int] = set()
        for group in groups.values():
            kept: list[Unit] = []
            for v in sorted(group, key=lambda v: (v.seat_rank, v.pcode)):
                twin = next(
                    (k for k in kept if haversine_km(k.lat, k.lon, v.lat, v.lon) <= DUPLICATE_KM),
                    None,
                )
                if twin is None:
                    kept.append(v)
                else:
                    twin.notes.append(f"also listed as {v.pcode}")
                    self.stats["OCHA duplicate settlements merged"] += 1
            kept_ids.update(id(k) for k in kept)
        return [v for v in raw if id(v) in kept_ids]

    def _add_village(self, village: Unit) -> None:
        self.by_key[village.key].append(len(self.villages))
        self.villages.append(village)

    # -- Bamako quartiers (OCHA/IOM admin-4) ----------------------------------------------
    def load_quartiers(self, wof: list[dict[str, str]]) -> None:
        commune_by_name = {c.name: c for c in self.communes.values() if c.region_2015 == "Bamako"}
        taken = {v.pcode for v in self.villages}
        bamako_wof = [w for w in wof if fold_text(w["region_name"]) == "bamako"]
        for row in _csv(self.shared / QUARTIERS):
            commune = commune_by_name[row["admin3Name"]]
            names = [row["admin4Name"], row["admin4RefN"]]
            for alt in (row["admin4AltN"], row["admin4Al_1"]):
                names.extend(p.strip() for p in re.split(r"[/+]", alt) if p.strip())
                if alt and "/" in alt:
                    names.append(alt)
            keys = [fold_place_key(n) for n in names if n]
            in_commune = [v for v in self.villages if v.commune_pcode == commune.pcode]
            match = None
            for key in keys:
                match = next((v for v in in_commune if key in v.all_keys()), None)
                if match is None and len(key) >= 10:
                    match = next((v for v in in_commune if v.key.startswith(key)), None)
                if match:
                    break
            if match:
                for n in names:
                    if n and self._accept_village_variant(match, n, "adm4"):
                        match.add_variant(n, "ocha-iom-adm4")
                match.add_source("ocha-iom-adm4")
                self.stats["quartiers joined to a settlement"] += 1
                continue
            pcode = row["admin4Pcod"] if row["admin4Pcod"] not in taken else row["admin4Pcod"] + "Q"
            quartier = Unit(
                "village",
                row["admin4Name"],
                pcode=pcode,
                commune=commune.name,
                cercle=commune.cercle,
                region_2015="Bamako",
                regions_2023=["Bamako"],
                commune_pcode=commune.pcode,
                cercle_pcode=commune.cercle_pcode,
            )
            quartier.add_source("ocha-iom-adm4")
            point = next((w for w in bamako_wof if fold_place_key(w["name"]) in keys), None)
            if point:
                quartier.lat, quartier.lon = float(point["latitude"]), float(point["longitude"])
                quartier.add_source(f"wof:{point['wof_id']}")
                quartier.notes.append("coordinates from WOF/GeoNames")
            else:
                seat = self._seat(commune.pcode, "commune")
                quartier.lat, quartier.lon = seat.lat, seat.lon
                quartier.notes.append(f"coordinates approximate: seat of {commune.name}")
            for n in names:
                if n:
                    quartier.add_variant(n, "ocha-iom-adm4")
            self._add_village(quartier)
            self.stats["quartiers added"] += 1

    # -- Admin units: seats, coordinates, 2023 regions ---------------------------------
    def _seat(self, pcode: str, level: str) -> Unit:
        if not hasattr(self, "_inside"):
            self._inside: dict[tuple[str, str], list[Unit]] = defaultdict(list)
            for v in self.villages:
                self._inside["commune", v.commune_pcode].append(v)
                self._inside["cercle", v.cercle_pcode].append(v)
        inside = self._inside[level, pcode]
        unit = (self.communes if level == "commune" else self.cercles)[pcode]
        limit = 4 if level == "commune" else 3
        seats = [v for v in inside if v.seat_rank <= limit]
        if seats:
            return min(seats, key=lambda v: (v.seat_rank, v.key != unit.key, v.pcode))
        lat = sum(v.lat for v in inside) / len(inside)
        lon = sum(v.lon for v in inside) / len(inside)
        return Unit("village", "", lat=lat, lon=lon)

    def finish_admin(self) -> None:
        counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for v in self.villages:
            counts["commune", v.commune_pcode][v.regions_2023[0]] += 1
            counts["cercle", v.cercle_pcode][v.regions_2023[0]] += 1
            counts["region", fold_place_key(v.region_2015)][v.regions_2023[0]] += 1
        for level, units in (("commune", self.communes), ("cercle", self.cercles)):
            for pcode, unit in units.items():
                seat = self._seat(pcode, level)
                unit.lat, unit.lon = seat.lat, seat.lon
                if seat.name:
                    unit.seat = seat.name
                    if (
                        level == "commune"
                        and seat.key == unit.key
                        and not seat.name.isascii()
                        and unit.name.isascii()
                    ):
                        unit.add_variant(unit.name, "ocha-cod-2015")
                        unit.name = unit.commune = seat.name
                else:
                    unit.notes.append("no seat in the OCHA list: centroid of its settlements")
                c = counts[level, pcode]
                first = seat.regions_2023[0] if seat.name else None
                unit.regions_2023 = sorted(c, key=lambda r: (r != first, -c[r], r))
        for commune in self.communes.values():
            commune.cercle = self.cercles[commune.cercle_pcode].name
        for village in self.villages:
            village.commune = self.communes[village.commune_pcode].name
            # A seat takes the accented spelling of its cercle or region (Segou → Ségou).
            if village.seat_rank <= 3:
                for display in (village.cercle, REGION_DISPLAY.get(fold_text(village.name), "")):
                    if fold_text(display) == fold_text(village.name) != display.lower():
                        village.name = display
        for region in self.regions15.values():
            seat = min(
                (v for v in self.villages if v.region_2015 == region.name and v.seat_rank <= 2),
                key=lambda v: v.seat_rank,
            )
            region.lat, region.lon, region.seat = seat.lat, seat.lon, seat.name
            c = counts["region", region.key]
            region.regions_2023 = sorted(c, key=lambda r: (r != region.name, r))
        for name in REGIONS_2023:
            key = fold_place_key(name)
            inside = [v for v in self.villages if v.regions_2023[0] == name]
            region_2015 = sorted({v.region_2015 for v in inside})
            if len(region_2015) != 1:
                raise ValueError(f"2023 region {name}: 2015 regions {region_2015}")
            unit = Unit("region_2023", name, region_2015=region_2015[0], regions_2023=[name])
            unit.add_source("reference §6")
            seats = [v for v in inside if v.key == key and v.seat_rank <= 3]
            if seats:
                seat = min(seats, key=lambda v: v.seat_rank)
                unit.lat, unit.lon, unit.seat = seat.lat, seat.lon, seat.name
            self.regions23[name] = unit

    # -- 2021 P-codes: names only ------------------------------------------------------
    def load_pcodes_2021(self) -> None:
        rows = _csv(self.shared / PCODES_2021)
        regions = {r["P-Code"]: r for r in rows if r["Admin Level"] == "1"}
        for row in rows:
            key = fold_place_key(row["Name"])
            if row["Admin Level"] == "1":
                units = [u for u in self.regions15.values() if u.key == key]
                units += [u for u in self.regions23.values() if u.key == key]
            else:
                rkey = fold_place_key(regions[row["Parent P-Code"]]["Name"])
                units = [
                    c
                    for c in self.cercles.values()
                    if c.key == key
                    or (fold_place_key(c.region_2015) == rkey and key in c.all_keys())
                ]
                if not units:
                    continue  # Ménaka's 2021 cercles are 2015 communes (see GAZETTEER_SOURCE.md)
                if len(units) > 1:
                    units = [c for c in units if fold_place_key(c.region_2015) == rkey] or units
            for unit in units:
                unit.pcode_2021 = row["P-Code"]
                unit.add_variant(row["Name"], "ocha-pcodes-2021")

    # -- Who's On First / GeoNames --------------------------------------------------------
    def load_wof(self, wof: list[dict[str, str]]) -> None:
        lat0, lat1, lon0, lon1 = MALI_BBOX
        inside = []
        for row in wof:
            lat, lon = float(row["latitude"]), float(row["longitude"])
            if lat0 <= lat <= lat1 and lon0 <= lon <= lon1:
                inside.append(row)
            else:
                self.stats["WOF rows outside Mali (skipped)"] += 1
        admin = [*self.regions15.values(), *self.cercles.values()]
        for row in inside:
            kind = row["placetype"]
            names = [row["name"], row["name_fra"], row["name_eng"], *row["variants"].split("|")]
            names = [n.strip() for n in names if n and n.strip()]
            if kind in ("region", "county"):
                level = "region_2015" if kind == "region" else "cercle"
                cores = []
                for n in names:
                    if _ORDINAL_REGION.match(fold_text(n)):
                        self.stats["WOF ordinal region names skipped"] += 1
                        continue
                    cores.append(_unit_core(n))
                keys = {fold_place_key(c) for c in cores}
                units = [u for u in admin if u.level == level and u.key in keys]
                for unit in units:
                    for core in cores:
                        if self._accept_admin_variant(unit, core):
                            unit.add_variant(core.title(), f"wof:{row['wof_id']}")
                    unit.add_source(f"wof:{row['wof_id']}")
                self.stats[f"WOF {kind} joined"] += bool(units)
            elif kind == "localadmin":
                ckey = fold_place_key(row["county_name"])
                keys = {fold_place_key(n) for n in names}
                units = [
                    c
                    for c in self.communes.values()
                    if fold_place_key(c.cercle) == ckey and c.all_keys() & keys
                ]
                for unit in units:
                    for n in names:
                        if self._accept_admin_variant(unit, n):
                            unit.add_variant(n, f"wof:{row['wof_id']}")
                    unit.add_source(f"wof:{row['wof_id']}")
                self.stats["WOF localadmin joined"] += bool(units)
            elif kind in ("locality", "neighbourhood"):
                self._join_locality(row, names)

    def _join_locality(self, row: dict[str, str], names: list[str]) -> None:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        keys = {fold_place_key(n) for n in names}
        best, best_km = None, JOIN_KM
        for key in keys:
            for i in self.by_key.get(key, ()):
                v = self.villages[i]
                km = haversine_km(lat, lon, v.lat, v.lon)
                if km <= best_km:
                    best, best_km = v, km
        if best is None:
            best = self._fuzzy_join(lat, lon, keys)
            if best is None:
                self.stats["WOF localities not joined"] += 1
                return
            self.stats["WOF localities joined by near spelling (<= 3 km)"] += 1
        else:
            self.stats["WOF localities joined by folded name (<= 10 km)"] += 1
        added = False
        for n in names:
            if self._accept_village_variant(best, n, "wof"):
                added |= best.add_variant(n, f"wof:{row['wof_id']}")
        if added:
            self.stats["settlements given WOF variants"] += 1

    def _fuzzy_join(self, lat: float, lon: float, keys: set[str]) -> Unit | None:
        """The one settlement within 3 km whose name is a near spelling of a WOF name.

        Near spelling: Jaro-Winkler >= 0.9 and Indel similarity >= 0.85 on the folded keys
        (Sidiano/Sidjando, Mansona/Manzona, El Oualadji/El Walidji; not Faka/Faka-Were).
        A tie between two settlements joins neither.
        """
        if not hasattr(self, "_grid"):
            self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
            for i, v in enumerate(self.villages):
                self._grid[int(v.lat * 20), int(v.lon * 20)].append(i)
        gy, gx = int(lat * 20), int(lon * 20)
        scored = []
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for i in self._grid.get((gy + dy, gx + dx), ()):
                    v = self.villages[i]
                    if haversine_km(lat, lon, v.lat, v.lon) > FUZZY_JOIN_KM:
                        continue
                    score = max(
                        (
                            Indel.normalized_similarity(k, v.key)
                            for k in keys
                            if JaroWinkler.similarity(k, v.key) >= 0.9
                        ),
                        default=0.0,
                    )
                    if score >= 0.85:
                        scored.append((score, v.pcode, v))
        scored.sort(key=lambda t: (-t[0], t[1]))
        if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][2]

    # -- Noise rules ------------------------------------------------------------------
    def _accept_village_variant(self, village: Unit, text: str, origin: str) -> bool:
        key = fold_place_key(text)
        if key == village.key or key in village.variants:
            return False
        reason = None
        if not _is_latin(text):
            reason = "non-Latin script"
        elif len(key) < 3:
            reason = "too short"
        elif key in self.denied.get(village.key, ()):
            reason = "denied by places_variants_curated.csv"
        elif sorted(key) == sorted(village.key):
            reason = "metathesis of the name (GeoNames typo)"
        elif any(
            other is not village
            and (
                other.commune_pcode == village.commune_pcode
                or haversine_km(village.lat, village.lon, other.lat, other.lon) <= NEARBY_KM
            )
            for other in (self.villages[i] for i in self.by_key.get(key, ()))
        ):
            reason = "names another settlement nearby or in the same commune"
        elif key in self._admin_keys and village.seat_rank > 3:
            reason = "names a cercle or region"
        if reason:
            self.stats[f"{origin} variants rejected: {reason}"] += 1
            return False
        return True

    def _accept_admin_variant(self, unit: Unit, text: str) -> bool:
        key = fold_place_key(text)
        if not key or key in unit.all_keys():
            return False
        reason = None
        if not _is_latin(text):
            reason = "non-Latin script"
        elif key in self.denied.get(unit.key, ()):
            reason = "denied by places_variants_curated.csv"
        elif sorted(key) == sorted(unit.key):
            reason = "metathesis of the name (GeoNames typo)"
        if reason:
            self.stats[f"admin variants rejected: {reason}"] += 1
            return False
        return True

    @property
    def _admin_keys(self) -> set[str]:
        """Folded official names of the cercles and 2015 regions."""
        if not hasattr(self, "_admin_keys_cache"):
            units = (*self.cercles.values(), *self.regions15.values())
            self._admin_keys_cache = {u.key for u in units}
        return self._admin_keys_cache

    # -- Curated variants -------------------------------------------------------------
    def load_denials(self) -> None:
        for row in read_rows(self.curated_dir / CURATED):
            if row["action"] == "deny":
                self.denied[fold_place_key(row["name"])].add(fold_place_key(row["variant"]))

    def apply_curated(self) -> None:
        admin = [
            *self.regions15.values(),
            *self.regions23.values(),
            *self.cercles.values(),
            *self.communes.values(),
        ]
        for row in read_rows(self.curated_dir / CURATED):
            key = fold_place_key(row["name"])
            if row["action"] == "deny":
                for unit in [*admin, *self.villages]:
                    if unit.key == key:
                        unit.variants.pop(fold_place_key(row["variant"]), None)
                continue
            if row["action"] != "add" or row["level"] != "any":
                raise ValueError(f"{CURATED}: unsupported row {row}")
            targets = [u for u in admin if key in u.all_keys()]
            targets += [v for v in self.villages if v.key == key and v.seat_rank <= 4]
            if not targets:
                raise ValueError(f"{CURATED}: {row['name']} names no unit")
            for unit in targets:
                unit.add_variant(row["variant"], f"ref:{row['source']}")
        # Taoudénit has no settlement of its name in the OCHA list: seat from WOF/GeoNames.
        for unit in self.regions23.values():
            if math.isnan(unit.lat):
                keys = unit.all_keys()
                point = next(
                    r
                    for r in self._wof
                    if r["placetype"] == "locality" and fold_place_key(r["name"]) in keys
                )
                unit.lat, unit.lon = float(point["latitude"]), float(point["longitude"])
                unit.seat = point["name"]
                unit.add_source(f"wof:{point['wof_id']}")
                unit.notes.append("seat not in the OCHA list: coordinates from WOF/GeoNames")

    # -- Rendering --------------------------------------------------------------------
    def tables(self) -> dict[str, str]:
        admin_rows = []
        for unit in [*self.regions15.values(), *self.regions23.values()]:
            admin_rows.append(self._admin_row(unit, commune="", cercle=""))
        for unit in sorted(self.cercles.values(), key=lambda u: u.pcode):
            admin_rows.append(self._admin_row(unit, commune="", cercle=unit.name))
        for unit in sorted(self.communes.values(), key=lambda u: u.pcode):
            admin_rows.append(self._admin_row(unit, commune=unit.name, cercle=unit.cercle))
        admin_cols = [
            "level",
            "name",
            "pcode",
            "pcode_2021",
            "commune",
            "cercle",
            "region_2015",
            "region_2023",
            "lat",
            "lon",
            "seat",
            "variants",
            "source",
            "note",
        ]
        village_cols = [
            "pcode",
            "village",
            "commune",
            "cercle",
            "region_2015",
            "region_2023",
            "lat",
            "lon",
            "seat_rank",
            "variants",
            "keys",
            "source",
            "note",
        ]
        village_rows = [
            {
                "pcode": v.pcode,
                "village": v.name,
                "commune": v.commune,
                "cercle": v.cercle,
                "region_2015": v.region_2015,
                "region_2023": v.regions_2023[0],
                "lat": f"{v.lat:.5f}",
                "lon": f"{v.lon:.5f}",
                "seat_rank": str(v.seat_rank),
                "variants": "|".join(v.variants.values()),
                # The index keys (name first, then variants), precomputed so that loading
                # does not fold 22,000 names; a change of fold_place_key shows as drift.
                "keys": "|".join(dict.fromkeys([v.key, *map(fold_place_key, v.variants.values())])),
                "source": ";".join(v.sources),
                "note": "; ".join(v.notes),
            }
            for v in sorted(self.villages, key=lambda v: v.pcode)
        ]
        return {
            ADMIN_OUT: _render(admin_cols, admin_rows),
            SETTLEMENTS_OUT: _render(village_cols, village_rows),
        }

    @staticmethod
    def _admin_row(unit: Unit, commune: str, cercle: str) -> dict[str, str]:
        return {
            "level": unit.level,
            "name": unit.name,
            "pcode": unit.pcode,
            "pcode_2021": unit.pcode_2021,
            "commune": commune,
            "cercle": cercle,
            "region_2015": unit.region_2015,
            "region_2023": "|".join(unit.regions_2023),
            "lat": f"{unit.lat:.5f}",
            "lon": f"{unit.lon:.5f}",
            "seat": unit.seat,
            "variants": "|".join(unit.variants.values()),
            "source": ";".join(unit.sources),
            "note": "; ".join(unit.notes),
        }

    def run(self) -> dict[str, str]:
        self._wof = _csv(self.shared / WOF)
        self.load_denials()
        self.load_ocha()
        self.load_quartiers(self._wof)
        self.finish_admin()
        self.load_pcodes_2021()
        self.load_wof(self._wof)
        self.apply_curated()
        return self.tables()


def _render(columns: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def build(shared: Path, curated_dir: Path = HERE) -> dict[str, str]:
    """Render the derived gazetteer files from the shared data: ``{file name: CSV text}``."""
    return Builder(Path(shared), Path(curated_dir)).run()


def build_with_stats(shared: Path, curated_dir: Path = HERE) -> tuple[dict[str, str], Counter]:
    """Like :func:`build`, also returning the join and noise counters (for the docs)."""
    builder = Builder(Path(shared), Path(curated_dir))
    return builder.run(), builder.stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, required=True, help="shared/data/mali-gazetteer")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (matching/data)")
    args = parser.parse_args(argv)
    tables, stats = build_with_stats(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"{name}: {text.count(chr(10)) - 3} rows, {len(text.encode()):,} bytes")
    for key, value in sorted(stats.items()):
        print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
