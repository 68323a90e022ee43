"""Searching for a described person: ranked entities with minimal details."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from i18n import N_, Message
from matching.blocking import block_cap
from matching.columns import build_columns
from matching.names import parse_name
from matching.pipeline import match_new
from matching.record_keys import all_record_keys
from matching.regions import region_of
from models.records import PersonRecord, Role
from models.store import Store
from service.context import ADMIN, CASEWORKER, TRACING, Actor, UseCases
from service.errors import TooManyRequests, UseCaseError
from service.ratelimit import SharedLimit
from service.registry import active_learned, active_model, rescorer
from service.scoring import reasons_of

SEARCH = frozenset({ADMIN, CASEWORKER, TRACING})
"""Tracing officers and caseworkers search (and admins); reviewers do not need to."""
MINIMAL = ("entity_id", "name", "sex", "age_band", "region", "score", "named_suspect")
"""Who a search found: never a contact or a current location; whether a record of the
person names them as a suspect (in any case: a tracing officer must not take a suspect
for the relative a family seeks)."""
SHOWN = (*MINIMAL, "reasons")
"""What a search, a tracing search and a request's potential match answer over HTTP: who
(`MINIMAL`) and why (the reasons show no place below a region and no day of birth)."""


def shown(hit: dict[str, Any]) -> dict[str, Any]:
    """A search result as it is answered over HTTP (`SHOWN`)."""
    return {k: hit[k] for k in SHOWN}


WILDCARDS = ("*", "%", "?")
"""Marks a user may type expecting a pattern: a search reads names as written (their
spelling variants come from the name tables), so it says so rather than drop them."""


def _age_band(record: Mapping[str, Any], lang: str, today: date | None = None) -> str:
    """The person's age band today, in the reader's language: what a family describing
    a child tells (and whether the person is a minor now), from the birth interval
    `record` gives (the person's narrowest, `_person_births`: not the one of whichever
    record matched best, which another description picks differently)."""
    earliest, latest = record.get("birth_earliest"), record.get("birth_latest")
    if earliest is None or latest is None:
        return Message("age unknown").text(lang)
    middle = earliest + (latest - earliest) / 2
    age = (today or date.today()).year - middle.year
    if age < 18:
        return Message("under 18").text(lang)
    low = (age // 10) * 10
    return Message("{low} to {high} years", low=low, high=low + 9).text(lang)


def _person_births(store: Store, entities: list[Any]) -> dict[Any, dict[str, Any]]:
    """Each person's narrowest birth interval among all their records (the earliest one
    of equal width): one age band per person, whichever search found them."""
    rows = store.records_of_entities(entities, ("entity_id", "birth_earliest", "birth_latest"))
    dated = [r for r in rows if r["birth_earliest"] is not None and r["birth_latest"] is not None]
    dated.sort(key=lambda r: (r["birth_latest"] - r["birth_earliest"], r["birth_earliest"]))
    births: dict[Any, dict[str, Any]] = {}
    for row in dated:
        births.setdefault(row["entity_id"], row)
    return births


def _partial_name(record: Mapping[str, Any]) -> str:
    parts = parse_name(
        full_name=record.get("full_name"),
        family_name=record.get("family_name"),
        given_names=record.get("given_names"),
    )
    given = " ".join(w.capitalize() for w in parts.given) or "?"
    family = parts.family[0][:1].upper() + "." if parts.family else ""
    return f"{given} {family}".strip()


def _query(description: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The record a description stands for, and the blocking keys it looks up: where it
    gives no sex, the keys of a woman, a man and a person of unknown sex so described (a
    stored record's keys hold its own sex: "Awa, born in 2012" must find girls)."""
    query: dict[str, Any] = {"id": "query", **{k: v for k, v in description.items() if v}}
    year = description.get("birth_year")
    if year:
        query["birth_earliest"], query["birth_latest"] = date(year, 1, 1), date(year, 12, 31)
        query["birth_precision"] = "year"
    sexes = [query["sex"]] if query.get("sex") else [None, "F", "M"]
    each = [all_record_keys(build_columns([{**query, "sex": sex}]))[0] for sex in sexes]
    return query, list(dict.fromkeys(key for keys in each for key in keys))


def search(
    store: Store,
    description: dict[str, Any],
    top: int = 10,
    lang: str = "fr",
    exclude: frozenset[Any] = frozenset(),
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Persons (entities) matching a description, best first, with minimal details;
    records in `exclude` (internal ids) are never compared (a request's own records)."""
    query, keys = _query(description)
    candidate_ids = [i for i in store.candidates(keys, block_cap) if i not in exclude]
    candidates = store.records_by_ids(candidate_ids)
    if not candidates:
        return []
    model = active_model(store)
    columns, a, b, scores, _ = match_new(
        [query],
        [r.model_dump() for r in candidates],
        model,
        household=False,
        population_size=store.estimated_record_count() + 1,
        rescore=rescorer(model, active_learned(store, model)),
    )
    by_id = {r.id: r for r in candidates}
    best: dict[Any, tuple[float, int]] = {}
    for k in range(len(a)):
        other = int(b[k]) if int(a[k]) == 0 else int(a[k])
        if other == 0 or columns.ids[other] not in by_id:
            continue
        record = by_id[columns.ids[other]]
        entity = record.entity_id or record.id
        probability = float(scores.probability[k])
        if entity not in best or probability > best[entity][0]:
            best[entity] = (probability, k)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:top]
    suspects = _named_suspects(store, [entity for entity, _ in ranked], candidates)
    births = _person_births(store, [entity for entity, _ in ranked])
    results = []
    for entity, (probability, k) in ranked:
        other = int(b[k]) if int(a[k]) == 0 else int(a[k])
        record = by_id[columns.ids[other]].model_dump()
        reasons = reasons_of(columns, int(a[k]), int(b[k]), scores, k, minimal=True)
        results.append(
            {
                "entity_id": str(entity),
                "name": _partial_name(record),
                "sex": record.get("sex"),
                "age_band": _age_band(births.get(entity, record), lang, today),
                "region": _region(entity, by_id[columns.ids[other]], candidates),
                "score": round(probability, 4),
                "named_suspect": entity in suspects,
                "reasons": [r[lang] for r in reasons if r["level"] != "missing"],
            }
        )
    return results


def _named_suspects(store: Any, persons: list[Any], candidates: list[PersonRecord]) -> set[Any]:
    """The persons among these a record names as a suspect: any of their stored records,
    not only those the search compared (a record without a person is its own)."""
    roles = store.records_of_entities(persons, ["entity_id", "role"])
    named = {r["entity_id"] for r in roles if r["role"] == Role.SUSPECT}
    named |= {r.entity_id or r.id for r in candidates if r.role == Role.SUSPECT}
    return named & set(persons)


def _region(entity: Any, best: PersonRecord, candidates: list[PersonRecord]) -> str | None:
    """The person's region: the one its best-matching record writes or its village lies
    in (`matching.regions.region_of`), else another candidate record's of the same person."""
    same = [best] + [r for r in candidates if (r.entity_id or r.id) == entity and r is not best]
    for record in same:
        found = region_of(
            record.origin_village, record.origin_commune, record.origin_cercle, record.origin_region
        )
        if found:
            return found
    return None


class WildcardRefused(UseCaseError):
    """A search written as a pattern: the request itself is wrong (422)."""

    status = 422


def refuse_patterns(description: Mapping[str, Any]) -> None:
    """Refuse a description written as a pattern (`WILDCARDS`), saying why."""
    written = " ".join(v for v in description.values() if isinstance(v, str))
    if any(mark in written for mark in WILDCARDS):
        raise WildcardRefused(
            "wildcards ({marks}) are not read: write the name as you know it, spelling "
            "variants are found without them",
            marks=" ".join(WILDCARDS),
        )


THIN_DESCRIPTION = N_(
    "a single name or a village alone finds no one among many: describe the person by two "
    "things at least (a given name and a family name, or a name with a village, a birth year "
    "or a parent's name)"
)


TOO_COMMON = N_(
    "too many persons fit this description to list them: add what sets the person apart "
    "(the sex, the family name, the village, a parent's name)"
)


NOT_LATIN = N_(
    "the names are written in another script than the records': write them in Latin "
    "letters, as the case files do (Fatoumata, not فاطمة)"
)


def _not_latin(description: Mapping[str, Any]) -> bool:
    """Whether a name of the description is written in letters no record uses (Arabic,
    Tifinagh, N'Ko: the files write Malian names in Latin letters)."""
    names = (v for k, v in description.items() if isinstance(v, str) and "name" in k)
    return any(
        letter.isalpha() and not unicodedata.name(letter, "").startswith("LATIN")
        for name in names
        for letter in name
    )


def unfound_hint(store: Store, description: Mapping[str, Any]) -> Message | None:
    """Why a search that found no one may have missed the person: names in a script the
    records do not use (`NOT_LATIN`), a description too thin (`THIN_DESCRIPTION`), or one
    with a key shared by more records than a search compares (`block_cap`: "Awa, about
    12" among thousands of Awas). A search that finds no one found no record sharing any
    other key of the description, so such a crowded block is the only place the person
    may be; None when there is none."""
    if _not_latin(description):
        return Message(NOT_LATIN)
    if described(description) < 2:
        return Message(THIN_DESCRIPTION)
    _, keys = _query(description)
    return Message(TOO_COMMON) if keys and store.crowded_keys(keys, block_cap) else None


def described(description: Mapping[str, Any]) -> int:
    """How many of a given name, a family name, a village, a birth year, a father and a
    mother a description gives (as matching reads them: "Aminata" is a given name alone)."""
    query = {"id": "query", **{k: v for k, v in description.items() if isinstance(v, str)}}
    columns = build_columns([query])
    coded = (columns.given, columns.family, columns.place, columns.father, columns.mother)
    born = description.get("birth_year") or description.get("birth_earliest")
    return sum(int(c[0] >= 0) for c in coded) + bool(born)


class Searching(UseCases):
    search_limit: SharedLimit

    def check_search_rate(self, actor: Actor) -> None:
        """Refuse (429, audited) a user past the search rate limit; a search over HTTP
        of any kind (a description, a tracing search) counts against it."""
        if actor.user is None:
            return
        wait = self.search_limit.retry_after(self.store, actor.user.id)
        if wait > 0:
            self.audit(actor, "search_refused", "entity", [], reason="rate limit")
            raise TooManyRequests(
                "too many searches: at most {count} a minute",
                retry_after=wait,
                count=self.search_limit.per_window,
            )

    def search(
        self, actor: Actor, description: dict[str, Any], top: int = 10, *, limited: bool = True
    ) -> list[dict[str, Any]]:
        """Persons matching a description, audited with the query. A `limited` search
        (HTTP) counts against the user's rate limit and answers `SHOWN` fields only."""
        actor.require(SEARCH)
        refuse_patterns(description)
        if limited:
            self.check_search_rate(actor)
        hits = search(self.store, description, top, actor.lang)
        if limited:
            hits = [shown(hit) for hit in hits]
        self.audit(
            actor,
            "search",
            "entity",
            [h["entity_id"] for h in hits],
            query={k: v for k, v in description.items() if v is not None},
        )
        return hits

    def why_unfound(self, actor: Actor, description: dict[str, Any]) -> Message | None:
        """What to add to a description that found no one (`unfound_hint`)."""
        actor.require(SEARCH)
        return unfound_hint(self.store, description)
