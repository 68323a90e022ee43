"""A new record's pairs weigh its names as the whole population does, not as its few
candidates do: the same pair scores the same in a batch and linked record by record."""

import numpy as np
import pytest

from fixtures.dataset import generate, write_dataset
from matching.columns import build_columns
from matching.frequencies import name_shares
from matching.model import FSModel
from matching.pipeline import LinkResult, link, match_new
from models.columnwise import validated_rows


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("population")
    write_dataset(generate(400, seed=11), out)
    rows = [values for _, _, values, errors in validated_rows(out / "records.csv") if not errors]
    return [{**row, "id": row["record_id"]} for row in rows]


@pytest.fixture(scope="module")
def batch(population: list[dict]) -> LinkResult:
    return link(build_columns(population), FSModel(), household=False)


def _log2_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log2(p / (1 - p))


def _linked_alone(batch: LinkResult, population: list[dict], row: int) -> tuple[dict, dict]:
    """The batch's and the incremental log2-odds of each pair of record `row`, by partner."""
    ids = [str(i) for i in batch.columns.ids]
    by_id = {r["id"]: r for r in population}
    mine = (batch.a == row) | (batch.b == row)
    partners = np.where(batch.a[mine] == row, batch.b[mine], batch.a[mine])
    weights = _log2_odds(batch.scores.probability[mine])
    in_batch = dict(zip((ids[p] for p in partners), weights, strict=True))
    columns, a, b, scores, _ = match_new(
        [by_id[ids[row]]],
        [by_id[ids[p]] for p in partners],
        batch.model,
        household=False,
        population_size=len(ids),
    )
    alone_ids = [str(i) for i in columns.ids]
    alone = {
        alone_ids[y if x == 0 else x]: w
        for x, y, w in zip(a.tolist(), b.tolist(), _log2_odds(scores.probability), strict=True)
    }
    return in_batch, alone


def test_a_record_linked_alone_scores_its_pairs_as_the_batch_did(
    batch: LinkResult, population: list[dict]
) -> None:
    compared = 0
    for row in np.random.default_rng(3).choice(len(batch.columns), 25, replace=False):
        in_batch, alone = _linked_alone(batch, population, int(row))
        for partner, weight in in_batch.items():
            assert alone[partner] == pytest.approx(weight, abs=1e-4), partner
            compared += 1
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
