"""Small synthetic families for the tracing tests (names from the Malian naming reference)."""

from __future__ import annotations

from datetime import date

from tracing.graph import Population
from tracing.persons import DeclaredRelation, TracingRecord
from tracing.relatives import Relative, relatives


def person(record_id: str, name: str, sex: str | None, born: int | None, **fields) -> TracingRecord:
    """One record that is its own person (entity ``E-<record_id>``)."""
    return TracingRecord(
        id=record_id,
        record_id=record_id,
        entity_id=fields.pop("entity_id", f"E-{record_id}"),
        source=fields.pop("source", "ONG-A"),
        full_name=name,
        sex=sex,
        birth_earliest=date(born, 1, 1) if born else None,
        birth_latest=date(born, 12, 31) if born else None,
        **fields,
    )


def answer(
    records: list[TracingRecord],
    asked: str,
    relations: list[tuple[str, str, str]] = (),
    top: int = 10,
    *,
    whole: bool = False,
) -> dict[str, Relative]:
    """The relatives of record ``asked``, by the record id that stands for each; with
    ``whole``, read in the graph of everyone, where the persons inferring ``asked`` as
    their parent are its children (the stored graph's query reads them too)."""
    declared = [DeclaredRelation(a, kind, b) for a, kind, b in relations]
    population = Population.build(records, declared)
    me = next(r.person for r in records if r.record_id == asked)
    graph = population.graph(None if whole else [me])
    return {r.record.record_id: r for r in relatives(graph, me, top)}
