"""Off-the-shelf baselines for the entity-resolution benchmark: Splink and recordlinkage.

Both tools read the same records.csv as our engine and get the same generic preprocessing
(`prepare`): what a competent data engineer would do with no knowledge of Malian naming —
lower-case, strip accents, split a full name into given name and surname, derive a birth
year. Each `run_*` returns `{record_id: cluster_label}` (a `Clustering`, which also carries
the wall seconds from reading the CSV to the final clusters, the tool's import excluded).

`python -m bench.baselines RECORDS_CSV TRUTH_CSV` runs Splink, recordlinkage with its ECM
classifier and recordlinkage with its docs' simple rule, then prints a JSON summary:
pairwise and B-cubed accuracy overall and per naming group, and wall seconds per run.
Splink is not a declared dependency of the project: `pip install splink` to run it.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from bench.metrics import bcubed, pairwise

DEFAULT_THRESHOLD = 0.9
SEED = 42

# The columns every baseline compares, after `prepare`.
COLUMNS = [
    "given",
    "surname",
    "birth_year",
    "sex",
    "origin_village",
    "father_name",
    "mother_name",
]

# EM passes for the m probabilities, each on a block that fixes two columns (the docs
# use first_name+surname, then dob). Their literal analogue here, ("given", "surname")
# then ("birth_year",), lets EM settle on a class that is not the matches — birth-year
# agreement gets m ≈ u and sex m = 1.0 in the match-weights chart — so the blocks are
# those whose estimates look like a match class: every m above its u.
EM_RULES: list[tuple[str, ...]] = [
    ("given", "origin_village"),
    ("surname", "birth_year"),
]

Classifier = Literal["ecm", "rules"]

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


class Clustering(dict[str, str]):
    """`{record_id: cluster_label}` that also carries how long the baseline took."""

    def __init__(self, labels: Mapping[str, str], seconds: float) -> None:
        super().__init__(labels)
        self.seconds = seconds


# --- preprocessing shared by both tools ---------------------------------------------------


def normalise(text: str | None) -> str | None:
    """Lower-case, accents stripped, punctuation to single spaces; None when nothing is left."""
    if not text:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = _NOT_ALNUM.sub(" ", ascii_only.lower()).strip()
    return cleaned or None


def _is_capitals(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def split_full_name(full_name: str) -> tuple[str | None, str | None]:
    """(given, surname) from a free-text name.

    The generic rule: a token written in capitals is the surname (when only some tokens
    are); otherwise the last token is. The given name is the first other token.
    """
    tokens = [t for t in re.split(r"[\s,;/]+", full_name.strip()) if normalise(t)]
    if not tokens:
        return None, None
    if len(tokens) == 1:
        return normalise(tokens[0]), None
    capitals = [i for i, t in enumerate(tokens) if _is_capitals(t)]
    surname_at = capitals[0] if capitals and len(capitals) < len(tokens) else len(tokens) - 1
    given = next(t for i, t in enumerate(tokens) if i != surname_at)
    return normalise(given), normalise(tokens[surname_at])


def birth_year(birth_date: str, age: str, registered_on: str) -> int | None:
    """The 4-digit year in birth_date, else the registration year minus the age."""
    found = _YEAR.search(birth_date or "")
    if found:
        return int(found.group(1))
    registered = _YEAR.search(registered_on or "")
    if registered and age.strip().isdigit():
        return int(registered.group(1)) - int(age)
    return None


def prepare(records_csv: Path) -> pd.DataFrame:
    """records.csv → one row per record: record_id and the `COLUMNS` (None where unknown)."""
    raw = pd.read_csv(records_csv, dtype=str, keep_default_na=False)
    rows: list[dict[str, Any]] = []
    for r in raw.itertuples(index=False):
        if r.family_name or r.given_names:
            first = normalise(r.given_names)
            given = first.split()[0] if first else None
            surname = normalise(r.family_name)
        else:
            given, surname = split_full_name(r.full_name)
        rows.append(
            {
                "record_id": r.record_id,
                "given": given,
                "surname": surname,
                "birth_year": birth_year(r.birth_date, r.age, r.registered_on),
                "sex": r.sex if r.sex in ("M", "F") else None,
                "origin_village": normalise(r.origin_village),
                "father_name": normalise(r.father_name),
                "mother_name": normalise(r.mother_name),
            }
        )
    frame = pd.DataFrame(rows, columns=["record_id", *COLUMNS])
    frame["birth_year"] = frame["birth_year"].astype("Int64")
    return frame


# --- Splink -------------------------------------------------------------------------------


def run_splink(
    records_csv: Path,
    threshold: float = DEFAULT_THRESHOLD,
    em_rules: list[tuple[str, ...]] = EM_RULES,
) -> Clustering:
    """Splink 5 (DuckDB), set up as its person-deduplication examples do.

    Follows the docs' tutorial "Specifying and estimating a linkage model" and the
    duckdb examples "deduplicate_50k_synthetic" and "febrl3": NameComparison per name
    column (term-frequency adjusted exact level), prior from deterministic rules with a
    guessed recall, u by random sampling, m by EM over two blocking rules, then
    connected components of the pairs at `threshold` match probability.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    frame = prepare(records_csv)

    birth_year_comparison = cl.CustomComparison(
        output_column_name="birth_year",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_year"),
            cll.AbsoluteDifferenceLevel("birth_year", 1),
            cll.AbsoluteDifferenceLevel("birth_year", 3),
            cll.ElseLevel(),
        ],
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("given"),
            cl.NameComparison("surname"),
            birth_year_comparison,
            cl.ExactMatch("sex"),
            cl.JaroWinklerAtThresholds("origin_village", [0.9, 0.7]).configure(
                term_frequency_adjustments=True
            ),
            cl.JaroWinklerAtThresholds("father_name", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("mother_name", [0.9, 0.7]),
        ],
        # The shape of the rules in the docs' deduplicate_50k_synthetic example (name
        # prefixes; name, birth date and place two at a time) plus febrl3's swapped names.
        blocking_rules_to_generate_predictions=[
            block_on("substr(given,1,3)", "substr(surname,1,4)"),
            block_on("surname", "birth_year"),
            block_on("given", "birth_year"),
            block_on("given", "origin_village"),
            block_on("surname", "origin_village"),
            block_on("birth_year", "origin_village"),
            block_on("substr(given,1,2)", "substr(surname,1,2)", "birth_year"),
            block_on("surname", "father_name"),
            "l.given = r.surname and l.surname = r.given",
        ],
        retain_intermediate_calculation_columns=False,
    )

    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("given", "surname", "birth_year"),
            block_on("given", "surname", "father_name"),
            block_on("given", "surname", "mother_name"),
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=SEED)
    for training_rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*training_rule), estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()
    labels = dict(zip(clusters["record_id"], clusters["cluster_id"].astype(str), strict=True))
    return Clustering(labels, time.perf_counter() - started)


# --- recordlinkage ------------------------------------------------------------------------


def run_recordlinkage(records_csv: Path, classifier: Classifier = "ecm") -> Clustering:
    """recordlinkage's standard pipeline: Index → Compare → classify → connected components.

    Candidates come from the same blocking keys as the Splink run (the name prefixes
    through derived columns, the swapped-name rule through left_on/right_on) plus
    recordlinkage's sorted-neighbourhood index over surnames within a birth year.
    Features are binary, as in the docs' data-deduplication guide: Jaro-Winkler ≥ 0.85
    on strings, exact on sex and birth year. `classifier="ecm"` is the unsupervised
    `ECMClassifier().fit_predict` of the docs' classifiers guide; `"rules"` is that
    deduplication guide's own last step, more than 3 agreeing features.
    """
    import recordlinkage

    started = time.perf_counter()
    frame = prepare(records_csv).set_index("record_id")
    # recordlinkage drops rows with a null key from a block; make the nulls real Nones.
    keyed = frame.astype(object).where(frame.notna(), None)
    for column, length in (("given", 2), ("given", 3), ("surname", 2), ("surname", 4)):
        keyed[f"{column}{length}"] = keyed[column].str[:length]

    indexer = recordlinkage.Index()
    indexer.block(["given3", "surname4"])
    indexer.block(["surname", "birth_year"])
    indexer.block(["given", "birth_year"])
    indexer.block(["given", "origin_village"])
    indexer.block(["surname", "origin_village"])
    indexer.block(["birth_year", "origin_village"])
    indexer.block(["given2", "surname2", "birth_year"])
    indexer.block(["surname", "father_name"])
    indexer.block(left_on=["given", "surname"], right_on=["surname", "given"])
    indexer.sortedneighbourhood("surname", window=5, block_on=["birth_year"])
    candidates = indexer.index(keyed)

    compare = recordlinkage.Compare()
    for column in ("given", "surname", "origin_village", "father_name", "mother_name"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    compare.exact("sex", "sex", label="sex")
    compare.exact("birth_year", "birth_year", label="birth_year")
    features = compare.compute(candidates, keyed)

    if classifier == "ecm":
        matches = recordlinkage.ECMClassifier().fit_predict(features)
    else:
        matches = features.index[features.sum(axis=1) > 3]

    return Clustering(components(matches, frame.index), time.perf_counter() - started)


def components(matches: Any, *indexes: Any) -> dict[Any, str]:
    """recordlinkage's matched pairs as clusters (connected components) of every record."""
    import networkx as nx

    graph = nx.Graph()
    for index in indexes:
        graph.add_nodes_from(index)
    graph.add_edges_from(matches)
    return {
        record: str(number)
        for number, component in enumerate(nx.connected_components(graph))
        for record in component
    }


# --- evaluation ---------------------------------------------------------------------------


def evaluate(
    predicted: Mapping[str, str], truth: pd.DataFrame
) -> dict[str, dict[str, dict[str, float]]]:
    """Pairwise and B-cubed accuracy overall and per naming group of the true person."""
    persons = dict(zip(truth["record_id"], truth["person_id"], strict=True))
    groups: dict[str, set[str]] = {
        str(name): set(members["record_id"])
        for name, members in truth.groupby("naming_group", sort=True)
    }
    result = {
        "overall": {"pairwise": pairwise(predicted, persons), "bcubed": bcubed(predicted, persons)}
    }
    for name, records in groups.items():
        result[name] = {
            "pairwise": pairwise(predicted, persons, records),
            "bcubed": bcubed(predicted, persons, records),
        }
    return result


BASELINES: dict[str, Callable[[Path, float], Clustering]] = {
    "splink": lambda records, threshold: run_splink(records, threshold),
    "recordlinkage": lambda records, _: run_recordlinkage(records, "ecm"),
    "recordlinkage_rules": lambda records, _: run_recordlinkage(records, "rules"),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.baselines", description=__doc__)
    parser.add_argument("records_csv", type=Path)
    parser.add_argument("truth_csv", type=Path)
    parser.add_argument("--only", choices=sorted(BASELINES), action="append")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help="Splink's match probability for linking a pair (default %(default)s)",
    )
    args = parser.parse_args(argv)

    truth = pd.read_csv(args.truth_csv, dtype=str, keep_default_na=False)
    summary: dict[str, Any] = {"records": len(truth)}
    for name in args.only or list(BASELINES):
        clustering = BASELINES[name](args.records_csv, args.threshold)
        summary[name] = {
            "wall_seconds": round(clustering.seconds, 2),
            "clusters": len(set(clustering.values())),
            **evaluate(clustering, truth),
        }
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
