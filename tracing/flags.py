"""Flags on persons that a caseworker must see: a person identified or returned more than
once (possible re-trafficking), and a person assisted who is also sought by their family
in a tracing request. A person is an entity: the flags come from linking records into
people, never from one file alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from tracing.persons import Profile, TracingRecord
from tracing.reasons import Reason

__all__ = [
    "RULES",
    "PersonFlag",
    "apart",
    "arrival_flags",
    "episodes_reason",
    "flagged",
    "flags_of",
    "repeated_episodes",
]

EPISODE_ROLES = frozenset({"victim", "returnee"})
EPISODE_CASES = frozenset({"identification", "return"})
ASSISTED_ROLES = frozenset({"victim", "returnee", "beneficiary"})
SOUGHT_ROLES = frozenset({"sought"})
TWICE = 2
"""Two identification files, or two return files, are two episodes; an identification and
its return are one."""
REFERRAL_DAYS = 90
"""Identification (or return) files of one person all registered within this many days are
one episode passed along the referral mechanism (an NGO identifies a girl, refers her to
the DNPEF, which opens its own file weeks later), not a second trafficking: re-trafficked
within three months of being identified, while assisted, is the rare case, and a flag
raised on every referral teaches caseworkers to ignore it. A file without a registration
date cannot be placed in time: it counts apart."""
RULES = {
    "episode_roles": EPISODE_ROLES,
    "episode_cases": EPISODE_CASES,
    "twice": TWICE,
    "sought_roles": SOUGHT_ROLES,
    "assisted_roles": ASSISTED_ROLES,
}
"""What `flags_of` reads, for a store that lists flagged persons with a query
(`models.store.tracing.flag_page`; a test holds the two to the same answer)."""


@dataclass(frozen=True, slots=True)
class PersonFlag:
    person: str
    flag: str  # possible_retrafficking | sought_by_family
    evidence: tuple[str, ...]
    latest: str  # the most recent registration date among the evidence (ISO), or ""
    reason: Reason

    def as_dict(self, lang: str = "fr") -> dict:
        return {
            "entity_id": None if self.person.startswith("record:") else self.person,
            "flag": self.flag,
            "evidence": list(self.evidence),
            "latest": self.latest or None,
            "reason": self.reason.text(lang),
        }


def _latest(records) -> str:
    days = [r.registered_on.isoformat() for r in records if r.registered_on]
    return max(days, default="")


def repeated_episodes(p: Profile) -> dict[tuple[str, str], list[TracingRecord]]:
    """The case files in which the person was identified or returned, by (source, case),
    when they are enough to suspect re-trafficking (two identification files or two
    return files, `TWICE`, further apart than a referral, `apart`: an identification and
    its return are one episode); else empty. The flag and the safe-return assessment
    read this one rule."""
    episodes: dict[tuple[str, str], list[TracingRecord]] = {}
    for r in p.records:
        if r.case_type in EPISODE_CASES and r.role in EPISODE_ROLES:
            episodes.setdefault((r.source, r.case_id or r.record_id), []).append(r)
    for kind in EPISODE_CASES:
        files = [records for records in episodes.values() if records[0].case_type == kind]
        days = [r.registered_on for records in files for r in records]
        if apart(len(files), [d for d in days if d], sum(d is None for d in days)):
            return episodes
    return {}


def apart(files: int, dates: list[date], undated: int) -> bool:
    """Whether `files` case files of one kind, whose records were registered on `dates`
    (`undated` records on no known day), are two episodes or more: two files at least,
    and one of them undated or two of them more than `REFERRAL_DAYS` apart."""
    if files < TWICE:
        return False
    return undated > 0 or (max(dates) - min(dates)).days > REFERRAL_DAYS


def episodes_reason(episodes: dict[tuple[str, str], list[TracingRecord]]) -> Reason:
    """How many identification and return files the episodes are ("identified in 2 case
    files, returned in 1 case file"; an identification and its return are one episode)."""
    files = Counter(records[0].case_type for records in episodes.values())
    fr, en = [], []
    for kind, said_fr, said_en in (
        ("identification", "identifié(e)", "identified"),
        ("return", "rapatrié(e)", "returned"),
    ):
        if n := files[kind]:
            fr.append(f"{said_fr} dans {n} dossier{'s' if n > 1 else ''}")
            en.append(f"{said_en} in {n} case file{'s' if n > 1 else ''}")
    return Reason(", ".join(fr), ", ".join(en))


def flags_of(p: Profile) -> list[PersonFlag]:
    found: list[PersonFlag] = []
    episodes = repeated_episodes(p)
    if episodes:
        records = [r for rs in episodes.values() for r in rs]
        found.append(
            PersonFlag(
                p.person,
                "possible_retrafficking",
                tuple(sorted(r.record_id for r in records)),
                _latest(records),
                episodes_reason(episodes),
            )
        )
    sought = [r for r in p.records if r.role in SOUGHT_ROLES]
    assisted = [r for r in p.records if r.role in ASSISTED_ROLES]
    if sought and assisted:
        found.append(
            PersonFlag(
                p.person,
                "sought_by_family",
                tuple(sorted(r.record_id for r in sought + assisted)),
                _latest(sought + assisted),
                Reason(
                    "recherché(e) par sa famille (demande de recherche) et déjà assisté(e)",
                    "sought by the family (tracing request) and already assisted",
                ),
            )
        )
    return found


def flagged(profiles: dict[str, Profile]) -> list[PersonFlag]:
    """Every flag of every person, the most recent first."""
    found = [f for p in profiles.values() for f in flags_of(p)]
    return sorted(found, key=lambda f: (f.latest, f.person, f.flag), reverse=True)


def arrival_flags(p: Profile, new: set[str]) -> list[PersonFlag]:
    """The flags new identification or return records (internal ids ``new``) raise on a
    person already known from earlier records: what an import summary must say."""
    arrived = {r.record_id for r in p.records if r.id in new and r.case_type in EPISODE_CASES}
    earlier = {r.record_id for r in p.records if r.id not in new}
    if not arrived or not earlier:
        return []
    return [f for f in flags_of(p) if arrived & set(f.evidence) and earlier & set(f.evidence)]
