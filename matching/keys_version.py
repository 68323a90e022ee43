"""The version of the blocking keys this code writes.

Stored keys outlive the code that wrote them: a new spelling table, a new key kind or a
changed normaliser gives a record other keys, and a stored record whose keys are old is
never found again by a new record's lookup. The version is a digest of what decides the
keys: the format below, the reference tables the normalisers read, and the keys of a
fixed set of probe records (so a change in code that moves any probe's keys moves the
version without anyone remembering to bump it). A store remembers the version of its
keys; when it differs from the code's, the keys are rebuilt (`service.keys`).
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path

from matching.columns import build_columns
from matching.record_keys import all_record_keys

KEYS_FORMAT = "keys-1"
"""Bumped by hand when the stored form of a key changes in a way no probe shows."""

_DATA = Path(__file__).parent / "data"
_TABLES = (
    "clan_names.csv",
    "given_names.csv",
    "name_equivalences.csv",
    "titles_particles.csv",
    "places_admin.csv",
    "places_settlements.csv",
    "places_variants_curated.csv",
    "places_2015_to_2023.csv",
)

_DAY_1990 = date(1990, 1, 1).toordinal()
"""Birth intervals below are day ordinals around 1990."""


def _probe(
    record_id: str,
    full_name: str | None = None,
    *,
    family: str | None = None,
    given: str | None = None,
    sex: str | None = None,
    born: tuple[int, int] | None = None,
    village: str | None = None,
    region: str | None = None,
    father: str | None = None,
    mother: str | None = None,
    aliases: str | None = None,
    case: str | None = None,
) -> dict[str, object]:
    earliest, latest = (date.fromordinal(day) for day in born) if born else (None, None)
    return {
        "id": record_id,
        "full_name": full_name,
        "family_name": family,
        "given_names": given,
        "aliases": aliases,
        "father_name": father,
        "mother_name": mother,
        "origin_village": village,
        "origin_commune": None,
        "origin_cercle": None,
        "origin_region": region,
        "sex": sex,
        "birth_earliest": earliest,
        "birth_latest": latest,
        "birth_precision": "day" if born and earliest == latest else ("year" if born else None),
        "birth_placeholder": False,
        "case_id": case,
        "source": "probe",
        "registered_on": None,
        "role": "victim",
    }


PROBES = (
    _probe("p1", "TRAORE Fatoumata", sex="F", born=(_DAY_1990, _DAY_1990), village="Kati"),
    _probe("p2", "Fatoumata Traoré dite Fanta", sex="F", region="Koulikoro", case="c1"),
    _probe("p3", family="Diarra", given="Rokia", sex="F", mother="Aminata Coulibaly", case="c1"),
    _probe("p4", "Mbarka Mint Mohamed Salem", sex="F", born=(_DAY_1990, _DAY_1990 + 364)),
    _probe("p5", "Ahmed Ag Abdoul Aziz", sex="M", village="Kidal", father="Abdoul Aziz"),
    _probe("p6", "Fatma Walet Sidi", sex="F", region="Tombouctou"),
    _probe("p7", "KEITA Mamadou", aliases="Madou", sex="M", father="Seydou Keïta"),
    _probe("p8", "Moustafa", sex="M", village="Takoutala"),
    _probe("p9", "Oumou Sangaré", sex="F", born=(_DAY_1990 - 3650, _DAY_1990), village="Bougouni"),
    _probe("p10", "Ould Ahmed Mohamed", sex="M", village="Goundam", case="c2"),
    _probe("p11", family="Maïga", given="Aïssata", sex="F", village="Gao", case="c2"),
    _probe("p12", "Cheick Oumar Touré", sex="M", born=(_DAY_1990 + 200, _DAY_1990 + 200)),
    _probe("p13", "Kadidia Bint Ahmed", mother="Mariem Mint Ahmed", village="Ber"),
    _probe("p14", "COULIBALY", sex="M", village="Néguela", region="Koulikoro"),
    _probe("p15", "Sidi Mohamed Ould Cheikh", sex="M", father="Cheikh Ould Sidi"),
    _probe("p16", "Aminata Walet Issa", sex="F", father="Issa", mother="Mme Ag Mohamed"),
)


def reference_digest() -> bytes:
    """A digest of the reference tables the normalisers read."""
    digest = hashlib.sha256()
    for name in _TABLES:
        path = _DATA / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.digest()


@cache
def keys_version() -> str:
    """`keys-1-<digest>`: equal for two codes that give the probes the same keys and read
    the same reference tables."""
    digest = hashlib.sha256(KEYS_FORMAT.encode())
    digest.update(reference_digest())
    for keys in all_record_keys(build_columns(PROBES)):
        digest.update("\x1f".join(sorted(keys)).encode())
        digest.update(b"\x1e")
    return f"{KEYS_FORMAT}-{digest.hexdigest()[:12]}"
