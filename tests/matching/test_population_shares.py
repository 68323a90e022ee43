"""A new record's pairs weigh its names as the whole population does, not as its few
candidates do: the same pair scores the same in a batch and linked record by record."""

import numpy as np
import pytest

from bench.score_parity import linked_alone, log2_odds, stored_rows
from fixtures.dataset import generate, write_dataset
from matching.columns import build_columns
from matching.frequencies import name_shares
from matching.model import FSModel
from matching.pipeline import LinkResult, link


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("population")
    write_dataset(generate(400, seed=11), out)
    return stored_rows(out / "records.csv")


@pytest.fixture(scope="module")
def batch(population: list[dict]) -> LinkResult:
    return link(build_columns(population), FSModel(), household=False)


def test_a_record_linked_alone_scores_its_pairs_as_the_batch_did(
    batch: LinkResult, population: list[dict]
) -> None:
    by_id = {r["id"]: r for r in population}
    compared = 0
    for row in np.random.default_rng(3).choice(len(batch.columns), 25, replace=False):
        pairs, same, scores, _ = linked_alone(batch, by_id, int(row))
        alone = log2_odds(scores.probability[same])
        assert alone == pytest.approx(log2_odds(batch.scores.probability[pairs]), abs=1e-4)
        compared += len(pairs)
    assert compared > 100


def test_the_fitted_model_carries_the_shares_of_the_common_name_groups(
    batch: LinkResult,
) -> None:
    shares = batch.model.common_shares
    assert set(shares) == {"family_name", "given_names"}
    assert shares["family_name"] and shares["given_names"]
    whole = name_shares(batch.columns, batch.model)["family_name"]
    assert max(shares["family_name"].values()) == pytest.approx(whole.max(), rel=1e-6)
    assert 0 < batch.model.written_shares["family_name"] <= 1
    assert FSModel.from_json(batch.model.to_json()).common_shares == shares


def test_among_few_candidates_of_a_large_population_names_keep_the_population_shares(
    batch: LinkResult, population: list[dict]
) -> None:
    """Three records drawn from a population of a hundred thousand: their family group
    weighs as common as the population found it, a name it never met as rare as one
    record in the population, not one in three."""
    columns = batch.columns
    group_of = [v.group for v in columns.vocab["family"].values]
    common = batch.model.common_shares["family_name"]
    group, share = max(common.items(), key=lambda kv: kv[1])
    ids = [str(columns.ids[i]) for i, code in enumerate(columns.family) if group_of[code] == group]
    by_id = {r["id"]: r for r in population}
    newcomer = {"id": "new", "full_name": "Awa Kwezimbara", "sex": "F"}
    few = build_columns([by_id[ids[0]], by_id[ids[1]], newcomer])
    shares = name_shares(few, batch.model, population=100_000)["family_name"]
    assert shares[:2] == pytest.approx([share] * 2)
    assert shares[2] < 1e-3 < name_shares(few, batch.model)["family_name"][2]
