"""The family graph: every relation is stored from both ends, evidence combines."""

from __future__ import annotations

from tests.tracing.families import person
from tracing.graph import DECLARED_PROBABILITY, NEAR_FANOUT, FamilyGraph, Population, _nearest
from tracing.persons import DeclaredRelation, build_profiles


def _graph(records, relations=()):
    declared = [DeclaredRelation(a, kind, b) for a, kind, b in relations]
    return Population.build(records, declared).graph()


def test_a_declared_mother_is_the_mother_of_the_child_and_the_child_of_the_mother() -> None:
    graph = _graph(
        [person("C", "Awa DIALLO", "F", 2010), person("M", "Kadia BAH", "F", 1985)],
        [("C", "mother", "M")],
    )
    (mother,) = [(b, e) for b, e in graph.edges_of("E-C")]
    (child,) = [(b, e) for b, e in graph.edges_of("E-M")]
    assert (mother[0], mother[1].kind) == ("E-M", "mother")
    assert (child[0], child[1].kind) == ("E-C", "child")
    assert child[1].reasons[0].en == "declared: child"
    assert mother[1].reasons[0].en == "declared: mother"


def test_a_declared_parent_becomes_mother_or_father_by_sex() -> None:
    graph = _graph(
        [person("C", "Awa DIALLO", "F", 2010), person("P", "Amadou DIALLO", "M", 1980)],
        [("C", "parent", "P")],
    )
    assert [e.kind for _, e in graph.edges_of("E-C")] == ["father"]


def test_a_declaration_confirmed_by_names_is_surer_than_either() -> None:
    records = [
        person("C", "Awa DIALLO", "F", 2010, father_name="Amadou Diallo"),
        person("P", "Amadou DIALLO", "M", 1980),
    ]
    declared = _graph(records, [("C", "father", "P")]).edges_of("E-C")
    (edge,) = [e for _, e in declared]
    assert edge.basis == {"declared", "names"}
    assert edge.probability > DECLARED_PROBABILITY


def test_records_of_one_entity_are_one_person() -> None:
    records = [
        person("C1", "Awa DIALLO", "F", 2010, entity_id="E-C"),
        person("C2", "Awa DIALO", "F", 2010, entity_id="E-C", father_name="Amadou Diallo"),
        person("P", "Amadou DIALLO", "M", 1980),
    ]
    graph = _graph(records)
    assert len(graph.profiles) == 2
    assert [(b, e.kind) for b, e in graph.edges_of("E-C")] == [("E-P", "father")]


def test_a_father_s_child_is_the_child_inferring_him_with_the_same_probability() -> None:
    records = [
        person("C", "Awa DIALLO", "F", 2010, father_name="Amadou Diallo"),
        person("P", "Amadou DIALLO", "M", 1980),
        person("Q", "Amadou DIALLO", "M", 1978),
    ]
    graph = _graph(records)
    fathers = {b: e.probability for b, e in graph.parents("E-C")}
    assert set(fathers) == {"E-P", "E-Q"}
    for father, p in fathers.items():
        assert [(b, e.probability) for b, e in graph.children(father)] == [("E-C", p)]


def test_equally_likely_relatives_are_followed_by_what_their_files_say_not_by_stored_ids() -> None:
    """Two stores of the same files draw other random person ids: the relatives followed
    from a person among equally likely ones must be the same in both."""

    def followed(entity_of: dict[str, str]) -> set[str]:
        records = [
            person(r, "Awa DIARRA", "F", 1990, entity_id=entity_of[r]) for r in sorted(entity_of)
        ]
        profiles = build_profiles(records)
        graph = FamilyGraph(profiles)
        me = entity_of["R0"]
        for r, entity in entity_of.items():
            if r != "R0":
                graph.add(me, entity, "sibling", 0.5, basis="names", evidence=(), reasons=())
        record_of = {p: profiles[p].representative().record_id for p in profiles}
        return {record_of[b] for b in _nearest(graph, me)}

    ids = [f"R{k}" for k in range(NEAR_FANOUT + 4)]
    one = followed({r: f"a-{r}" for r in ids})
    other = followed({r: f"z-{99 - k}" for k, r in enumerate(ids)})
    assert one == other and len(one) == NEAR_FANOUT
