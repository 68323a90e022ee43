"""What tracing reads: person records with their entity, declared relations, and the
profile of a person (an entity) built from all its records.

A profile keeps what kinship needs: the identities of the person's given and family
names (variant groups, so "Mamadou" and "Mahamadou" are one), sex, an estimated
birth year with its tolerance, origin places, the parents' names as each record
declares them, and the cases the person appears in.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from matching.names import NameParts, parse_name
from matching.text import fold, name_key
from matching.variants import family_identity, given_group, given_sex, lookup_key

__all__ = [
    "DeclaredRelation",
    "Profile",
    "TracingRecord",
    "build_profiles",
    "family_ids",
    "given_ids",
]


@dataclass(frozen=True, slots=True)
class TracingRecord:
    """One stored person record, as much of it as tracing uses (never a contact or location).

    ``id`` is the internal id, ``record_id`` the organisation's own; ``entity_id`` the
    person the record belongs to (None when not linked: the record is its own person).
    """

    id: str
    record_id: str
    entity_id: str | None = None
    source: str = ""
    case_id: str | None = None
    case_type: str | None = None
    role: str | None = None
    full_name: str | None = None
    family_name: str | None = None
    given_names: str | None = None
    aliases: str | None = None
    sex: str | None = None
    birth_earliest: date | None = None
    birth_latest: date | None = None
    origin_village: str | None = None
    origin_commune: str | None = None
    origin_cercle: str | None = None
    origin_region: str | None = None
    father_name: str | None = None
    mother_name: str | None = None
    registered_on: date | None = None
    return_consent: str | None = None

    @property
    def person(self) -> str:
        return self.entity_id or f"record:{self.id}"


@dataclass(frozen=True, slots=True)
class DeclaredRelation:
    """ "``related`` is the ``relation`` of ``record``" (internal record ids)."""

    record: str
    relation: str
    related: str


def given_id(token: str) -> str:
    """The identity of one given name: its variant group, else its orthographic key."""
    found = given_group(token)
    return found[0] if found else "k:" + lookup_key(token)


def given_ids(parts: NameParts) -> tuple[str, ...]:
    """Identities of the given names, the first (core) given name first."""
    return tuple(dict.fromkeys(given_id(t) for t in parts.core_given))


def family_ids(parts: NameParts) -> frozenset[str]:
    """Identities of the birth family name; a patronym ("Ag Ghaly") is keyed by the
    father's given name so "Ag Ghaly" and "Ghaly" as a father's given name meet."""
    if parts.patronym:
        return frozenset({"p:" + given_id(parts.patronym)})
    return frozenset(family_identity(f) for f in parts.family)


def _place(value: str | None) -> str | None:
    folded = fold(value or "")
    return name_key(folded) if folded else None


@dataclass(frozen=True, slots=True)
class ParentName:
    """A parent's name as one record of the child declares it."""

    record: str
    parts: NameParts
    given: tuple[str, ...]
    family: frozenset[str]
    spouse_family: frozenset[str]


def _in_files(record: TracingRecord) -> tuple[str, str]:
    """Where a record comes in the files: by source, then record id."""
    return record.source, record.record_id


@dataclass(slots=True)
class Profile:
    """One person (entity) as all its records describe it."""

    person: str
    records: list[TracingRecord] = field(default_factory=list)
    names: list[NameParts] = field(default_factory=list)
    first_given: set[str] = field(default_factory=set)
    given: set[str] = field(default_factory=set)
    family: set[str] = field(default_factory=set)
    married_family: set[str] = field(default_factory=set)
    patronyms: set[str] = field(default_factory=set)
    sex: str | None = None
    birth_year: float | None = None
    birth_tolerance: float = 0.0
    villages: set[str] = field(default_factory=set)
    communes: set[str] = field(default_factory=set)
    cercles: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    fathers: list[ParentName] = field(default_factory=list)
    mothers: list[ParentName] = field(default_factory=list)
    cases: set[tuple[str, str]] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)

    @property
    def is_suspect(self) -> bool:
        return "suspect" in self.roles

    def suspect_records(self) -> list[TracingRecord]:
        return [r for r in self.records if r.role == "suspect"]

    def in_file_order(self) -> list[TracingRecord]:
        """The person's records by source and record id: what its files say, whatever
        order a store gives them in."""
        return sorted(self.records, key=_in_files)

    def representative(self) -> TracingRecord:
        """The record that stands for the person (the first by source and id)."""
        return min(self.records, key=_in_files)

    def order(self) -> tuple[str, str]:
        """Where the person comes among equally likely others: by what its files say
        (source and record id), never by its stored id, drawn at random, so that two
        stores of the same files propose the same relatives."""
        return _in_files(self.representative())

    def label(self) -> str:
        record = self.representative()
        return written_name(record.full_name, record.given_names, record.family_name)


def written_name(full: str | None, given: str | None, family: str | None) -> str:
    """A record's name as written: its full name, else its given and family names."""
    return full or " ".join(p for p in (given, family) if p)


# A parent declared dead ("feu Bakary", "défunte Awa") is still the parent; a parent
# declared unknown is no name at all (J: forms seen in case files).
_DECEASED_RE = re.compile(
    r"^\s*(feue?|d[ée]funte?|late|deceased)\b|\(?\b(d[ée]c[ée]d[ée]e?|deceased)\b\)?\s*$",
    re.IGNORECASE,
)
UNKNOWN_PARENT = frozenset(
    {
        "inconnu",
        "inconnue",
        "nsp",
        "neant",
        "non connu",
        "non connue",
        "non declare",
        "na",
        "n a",
        "x",
        "unknown",
        "aucun",
        "aucune",
    }
)


def _parent(record: TracingRecord, text: str | None) -> ParentName | None:
    text = _DECEASED_RE.sub(" ", text or "").strip()
    if not text or fold(text) in UNKNOWN_PARENT:
        return None
    parts = parse_name(text)
    given = given_ids(parts)
    if not given and not parts.family:
        return None
    spouse = frozenset({family_identity(parts.spouse_family)} if parts.spouse_family else ())
    family = family_ids(parts)
    if parts.patronym:  # "Maimouna Ould Adama née Mint Elemine": either link may be hers
        family |= {"p:" + given_id(f.split(" ", 1)[1]) for f in parts.family if " " in f}
    return ParentName(record.id, parts, given, family, spouse)


def _birth(records: list[TracingRecord]) -> tuple[float | None, float]:
    """Median midpoint of the records' birth intervals (years) and a tolerance."""
    mids, halves = [], []
    for r in records:
        if r.birth_earliest is None or r.birth_latest is None:
            continue
        lo = r.birth_earliest.year + r.birth_earliest.timetuple().tm_yday / 366
        hi = r.birth_latest.year + r.birth_latest.timetuple().tm_yday / 366
        mids.append((lo + hi) / 2)
        halves.append((hi - lo) / 2)
    if not mids:
        return None, 0.0
    return float(median(mids)), float(min(halves)) + 1.0


def _profile(person: str, records: list[TracingRecord]) -> Profile:
    profile = Profile(person, records=records)
    sexes: Counter[str] = Counter()
    for r in records:
        parts = parse_name(r.full_name, r.family_name, r.given_names, r.aliases)
        profile.names.append(parts)
        given = given_ids(parts)
        if given:
            profile.first_given.add(given[0])
        profile.given.update(given)
        profile.given.update(given_id(a) for alias in parts.aliases for a in alias.split()[:1])
        ids = family_ids(parts)
        if parts.family_may_be_spouse:
            profile.married_family.update(ids)
        else:
            profile.family.update(ids)
        if parts.spouse_family:
            profile.married_family.add(family_identity(parts.spouse_family))
        if parts.patronym:
            profile.patronyms.add(given_id(parts.patronym))
        if r.sex in ("F", "M"):
            sexes[r.sex] += 1
        for attribute, value in (
            ("villages", r.origin_village),
            ("communes", r.origin_commune),
            ("cercles", r.origin_cercle),
            ("regions", r.origin_region),
        ):
            key = _place(value)
            if key:
                getattr(profile, attribute).add(key)
        if (father := _parent(r, r.father_name)) is not None:
            profile.fathers.append(father)
        if (mother := _parent(r, r.mother_name)) is not None:
            profile.mothers.append(mother)
        if r.case_id:
            profile.cases.add((r.source, r.case_id))
        if r.role:
            profile.roles.add(r.role)
    if sexes:
        profile.sex = sexes.most_common(1)[0][0]
    else:
        guessed = {given_sex(t) for parts in profile.names for t in parts.core_given[:1]}
        guessed.discard(None)
        profile.sex = guessed.pop() if len(guessed) == 1 else None
    profile.birth_year, profile.birth_tolerance = _birth(records)
    return profile


def build_profiles(records: list[TracingRecord]) -> dict[str, Profile]:
    """One profile per person (entity; an unlinked record is a person of its own), its
    records in the order of the files (source, record id), not of their internal ids,
    drawn at random: the record an inference quotes among equally fitting ones, and so
    the record that stands for a relative, is the same in two stores of the same files."""
    grouped: dict[str, list[TracingRecord]] = {}
    for r in records:
        grouped.setdefault(r.person, []).append(r)
    return {person: _profile(person, sorted(rs, key=_in_files)) for person, rs in grouped.items()}
