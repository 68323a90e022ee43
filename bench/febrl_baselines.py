"""Splink and recordlinkage on FEBRL3 and FEBRL4, set up as their own FEBRL examples are.

Splink: the docs' DuckDB examples "febrl3" (deduplication) and "febrl4" (the
detailed link-only model): their blocking rules and comparisons, the prior
from their deterministic rules and guessed recall, u by random sampling, m by
EM blocked on date of birth then on postcode. The febrl4 example clusters at
a 0.99 match probability; febrl3's stops at its predictions, so both are
clustered at 0.99 here.

recordlinkage: the toolkit's FEBRL example pipeline (`examples/dedup_deterministic.py`
for FEBRL3; the same index and features across the two files for FEBRL4):
blocks on given name, surname and social security id; exact given name,
date of birth, suburb and state, Jaro-Winkler ≥ 0.85 on surname and both
address lines; then either the unsupervised ECM classifier of the docs'
classification guide or the docs' own rule, more than 3 agreeing features.

Each returns `{rec_id: cluster_label}` as a `Clustering` with wall seconds
(from the data frames to clusters; the tool's import excluded).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Literal

import pandas as pd

from bench.baselines import Clustering, components

SPLINK_THRESHOLD = 0.99
SEED = 2


def _splink_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """rec_id as a column and every field a trimmed string, as the examples prepare them."""
    out = frame.reset_index()
    for column in out.columns:
        out[column] = out[column].astype("string").str.strip()
    return out


def _splink_settings(link: bool) -> tuple[Any, list[Any], float]:
    """(settings, deterministic rules, their recall) of the docs' febrl3 or febrl4 example."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    dob = cl.DateOfBirthComparison(
        "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
    )
    if not link:
        blocking = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            dob,
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        rules = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        recall = 0.9
    else:
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            dob,
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        rules = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
        recall = 0.8
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if link else "dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
    )
    return settings, rules, recall


def run_splink(frames: list[pd.DataFrame]) -> Clustering:
    """Splink (DuckDB): one frame is deduplicated, two are linked."""
    from splink import DuckDBAPI, Linker, block_on

    started = time.perf_counter()
    link = len(frames) > 1
    settings, rules, recall = _splink_settings(link)
    db_api = DuckDBAPI()
    tables = [db_api.register(_splink_frame(frame)) for frame in frames]
    linker = Linker(tables if link else tables[0], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(rules, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
    for column in ("date_of_birth", "postcode"):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(column), estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_THRESHOLD
    ).as_pandas_dataframe()
    labels = dict(zip(clusters["rec_id"], clusters["cluster_id"].astype(str), strict=True))
    return Clustering(labels, time.perf_counter() - started)


def run_recordlinkage(
    frames: list[pd.DataFrame], classifier: Literal["ecm", "rule"] = "ecm"
) -> Clustering:
    """recordlinkage: Block index → Compare → ECM (or the docs' rule) → connected components."""
    import recordlinkage
    from recordlinkage.compare import Exact, String
    from recordlinkage.index import Block

    started = time.perf_counter()
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "soc_sec_id"):
        indexer.add(Block(column))
    candidates = indexer.index(*frames)
    compare = recordlinkage.Compare()
    for column in ("given_name", "date_of_birth", "suburb", "state"):
        compare.add(Exact(column, column, label=column))
    for column in ("surname", "address_1", "address_2"):
        compare.add(String(column, column, method="jarowinkler", threshold=0.85, label=column))
    features = compare.compute(candidates, *frames)
    if classifier == "ecm":
        matches = recordlinkage.ECMClassifier().fit_predict(features)
    else:
        matches = features.index[features.sum(axis=1) > 3]
    labels = components(matches, *(frame.index for frame in frames))
    return Clustering(labels, time.perf_counter() - started)
