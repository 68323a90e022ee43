"""The version of the family graph this code writes.

A stored graph outlives the code that wrote it: a new evidence weight, a new crowd
penalty or another order of the rows gives persons other edges, and a store would keep
answering relatives from the old ones. The version is a digest of what decides the rows:
the format below and the rows and keys a whole write of the graph stores for a fixed set
of probe records and declared relations (so a change in code that moves any probe's
edges moves the version without anyone remembering to bump it). A store remembers the
version of its graph; when it differs from the code's, the graph counts as not built and
the first query builds it again (`service.kingraph`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import cache

from tracing.graph import Population
from tracing.infer import infer_for
from tracing.persons import DeclaredRelation, TracingRecord
from tracing.stored import declared_rows, inferred_rows, person_keys

GRAPH_FORMAT = "graph-1"
"""Bumped by hand when the stored form of an edge row or key changes in a way no probe
shows (a column's meaning, how evidence or reasons are serialised)."""


def _probe(
    record_id: str,
    full_name: str,
    *,
    sex: str | None = None,
    born: int | None = None,
    case: str | None = None,
    role: str | None = None,
    village: str | None = None,
    father: str | None = None,
    mother: str | None = None,
    entity: str | None = None,
    source: str = "probe",
) -> TracingRecord:
    birth = date(born, 1, 1) if born else None
    return TracingRecord(
        id=record_id,
        record_id=record_id.upper(),
        entity_id=entity,
        source=source,
        case_id=case,
        role=role,
        full_name=full_name,
        sex=sex,
        birth_earliest=birth,
        birth_latest=date(born, 12, 31) if born else None,
        origin_village=village,
        father_name=father,
        mother_name=mother,
    )


PROBES = (
    # A father named in two files (one person), his wife, their children and a son of
    # another mother: fathers, mothers, siblings and a half-brother by names.
    _probe("r01", "KEITA Seydou", sex="M", born=1960, village="Kati", entity="e1"),
    _probe("r02", "Seydou Keïta", sex="M", born=1961, village="Kati", entity="e1", source="x"),
    _probe("r03", "Aminata Coulibaly", sex="F", born=1966, village="Kati", case="c1"),
    _probe(
        "r04",
        "Mamadou KEITA",
        sex="M",
        born=1990,
        village="Kati",
        case="c1",
        father="Seydou Keita",
        mother="Aminata Coulibaly",
    ),
    _probe(
        "r05",
        "Fatoumata Keita",
        sex="F",
        born=1993,
        case="c1",
        father="feu Seydou Keïta",
        mother="Aminata Koulibaly",
    ),
    _probe("r06", "Madou Keita", sex="M", born=1996, father="Seydou Keita", mother="Oumou Sangaré"),
    # A patronym: the son and the daughter of Abdoul Aziz, and Abdoul Aziz himself.
    _probe("r07", "Ahmed Ag Abdoul Aziz", sex="M", born=1985, village="Kidal"),
    _probe("r08", "Abdoul Aziz Ag Mohamed", sex="M", born=1955, village="Kidal"),
    _probe("r09", "Fatma Walet Abdoul Aziz", sex="F", born=1988, village="Kidal"),
    # A household file naming a mother, a father, their daughter and a suspect.
    _probe("r10", "Oumou DIARRA", sex="F", born=1970, case="c2", role="household_member"),
    _probe("r11", "Bakary Traoré", sex="M", born=1968, case="c2", role="household_member"),
    _probe("r12", "Rokia Traore", sex="F", born=2000, case="c2", role="beneficiary"),
    _probe("r13", "Moussa Traoré", sex="M", born=1975, case="c2", role="suspect"),
    # A wife under her husband's name, and a son and his father of no known age.
    _probe("r14", "Kadidia Mint Ahmed épouse Diarra", sex="F", born=1972, case="c2"),
    _probe("r15", "Sidi Ould Cheikh", sex="M", father="Cheikh Ould Sidi", village="Ber"),
    _probe("r16", "Cheikh Ould Sidi", sex="M", village="Ber"),
)

DECLARED = (
    DeclaredRelation("r12", "mother", "r10"),
    DeclaredRelation("r12", "father", "r11"),
    DeclaredRelation("r04", "sibling", "r05"),
    DeclaredRelation("r12", "other", "r13"),
    DeclaredRelation("r15", "father", "r99"),  # a record the store does not hold
)


def probe_rows() -> list[str]:
    """What a whole write of the graph stores for the probes, in the order it writes
    them (`service.kingraph`): the declared rows, then each person's inference rows and
    keys, in person order."""
    population = Population.build(list(PROBES), DECLARED)
    rows = [r.as_row() for r in declared_rows(DECLARED, population.person_of)]
    written = [json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows]
    for person in sorted(population.profiles):
        found = infer_for(population.index, person)
        rows = [r.as_row() for r in inferred_rows(person, found)]
        written.extend(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows)
        written.append("\x1f".join(sorted(person_keys(population.profiles[person]))))
    return written


@cache
def graph_version() -> str:
    """`graph-1-<digest>`: equal for two codes that write the same rows and keys for the
    probes."""
    digest = hashlib.sha256(GRAPH_FORMAT.encode())
    for line in probe_rows():
        digest.update(line.encode())
        digest.update(b"\x1e")
    return f"{GRAPH_FORMAT}-{digest.hexdigest()[:12]}"
