"""What the pairs blocking never forms would have been worth: does the recall lost as the
population grows come from blocking or from scoring?

Run: `python -m bench.blocking_misses [--households 62500] [--seed 2026] [--profile P]`.
Links the generated set as `nrm link` does, then scores the true pairs no blocking key
formed with the fitted model (their household support left out): how many of them would
have been matches, how many would have gone to review, and which key kinds they share in
blocks of any size (a block over its cap is dropped). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import numpy as np

from bench.accuracy import GROUPS, _same_person_pairs, run_engine
from bench.common import generated_set
from bench.contingency import read_truth
from matching.block_arrays import kind_keys
from matching.blocking import candidate_pairs
from matching.columns import Columns
from matching.compare.pairs import compare_pairs
from matching.scoring import score_levels


def _sharing(columns: Columns, a: np.ndarray, b: np.ndarray) -> Counter[str]:
    """Per key kind, how many of the pairs (a, b) share a key of that kind."""
    shared: Counter[str] = Counter()
    n = len(columns)
    for group in kind_keys(columns):
        order = np.argsort(group.rows, kind="stable")
        rows, keys = group.rows[order], group.keys[order]
        starts = np.searchsorted(rows, np.arange(n + 1))
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            mine = set(keys[starts[x] : starts[x + 1]].tolist())
            if mine.intersection(keys[starts[y] : starts[y + 1]].tolist()):
                shared[group.kind] += 1
    return shared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=62_500)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", default="default")
    options = parser.parse_args()
    data = generated_set(options.households, options.seed, options.profile)
    run = run_engine(data / "records.csv", household=True)
    columns, model = run.columns, run.model
    truth = read_truth(data / "truth.csv", run.ids, GROUPS)
    ta, tb = _same_person_pairs(columns, truth)
    a, b, stats = candidate_pairs(columns)
    n = len(columns)
    formed = np.isin(ta.astype(np.int64) * n + tb, a.astype(np.int64) * n + b)
    ma, mb = ta[~formed], tb[~formed]
    scores = score_levels(columns, ma, mb, compare_pairs(columns, ma, mb), model, household=False)
    matched = scores.probability >= model.match_threshold
    reviewed = scores.probability >= model.review_threshold
    print(
        json.dumps(
            {
                "records": n,
                "true_pairs": len(ta),
                "never_formed": len(ma),
                "dropped_blocks": stats.dropped_blocks,
                "would_match": int(matched.sum()),
                "would_be_reviewed": int((reviewed & ~matched).sum()),
                "share_a_key_of_kind": dict(_sharing(columns, ma, mb)),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
