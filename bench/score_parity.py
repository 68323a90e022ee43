"""Does a record linked alone score its pairs as the batch did?

`python -m bench.score_parity --households 6000`: the generated set linked in one batch
(`nrm link`'s pipeline, without household support, which depends on the pairs among
the stored records that an incremental link does not form), then records drawn at
random linked one at a time against the batch's pairs of them (their candidates) with
the batch's model, as `nrm import` links a new record against a stored population. For
each pair, the incremental log2-odds minus the batch's; a band that differs is a pair
merged, sent to review or dropped otherwise than in the batch.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import generated_set, save
from fixtures.profiles import PROFILES
from matching.columns import build_columns
from matching.comparisons import COMPARISONS
from matching.model import default_model
from matching.pipeline import LinkResult, link, match_new
from matching.scoring import Scores
from service.linkfile import validated_chunks


def stored_rows(path: Path) -> list[dict[str, Any]]:
    """The validated rows of a file, as the store gives them to linking."""
    rows: list[dict[str, Any]] = []
    for chunk in validated_chunks(path):
        names = list(chunk.columns)
        for values in zip(*chunk.columns.values(), strict=True):
            row = dict(zip(names, values, strict=True))
            rows.append({**row, "id": row["record_id"]})
    return rows


def log2_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log2(p / (1 - p))


def linked_alone(
    batch: LinkResult, by_id: dict[str, dict[str, Any]], row: int
) -> tuple[np.ndarray, np.ndarray, Scores, np.ndarray]:
    """Record `row` of a batch linked alone against its partners there, with the batch's
    model and the batch's population size, as `nrm import` links a new record: the
    batch's pairs of it, the index of each among the pairs linked alone, their scores and
    bands."""
    ids = [str(i) for i in batch.columns.ids]
    pairs = np.flatnonzero((batch.a == row) | (batch.b == row))
    partners = np.where(batch.a[pairs] == row, batch.b[pairs], batch.a[pairs])
    columns, a, b, scores, bands = match_new(
        [by_id[ids[row]]],
        [by_id[ids[p]] for p in partners],
        batch.model,
        household=False,
        population_size=len(ids),
    )
    alone_ids = [str(i) for i in columns.ids]
    at = {alone_ids[y if x == 0 else x]: k for k, (x, y) in enumerate(zip(a, b, strict=True))}
    same = np.asarray([at[ids[p]] for p in partners.tolist()], dtype=np.int64)
    return pairs, same, scores, bands


def measure(records: Path, drawn: int, seed: int) -> dict[str, Any]:
    rows = stored_rows(records)
    batch = link(build_columns(rows), default_model(), household=False)
    by_id = {r["id"]: r for r in rows}
    batch_odds = log2_odds(batch.scores.probability)
    contributions = batch.scores.contributions
    gaps: list[np.ndarray] = []
    parts: list[np.ndarray] = []
    flips = 0
    for row in np.random.default_rng(seed).choice(len(rows), drawn, replace=False).tolist():
        pairs, same, scores, bands = linked_alone(batch, by_id, row)
        gaps.append(log2_odds(scores.probability[same]) - batch_odds[pairs])
        parts.append(scores.contributions[same] - contributions[pairs])
        flips += int((bands[same] != batch.bands[pairs]).sum())
    gap = np.concatenate(gaps)
    by_field = np.concatenate(parts)

    def spread(values: np.ndarray) -> dict[str, float]:
        return {
            "mean": round(float(values.mean()), 3),
            "median": round(float(np.median(values)), 3),
            "p5": round(float(np.percentile(values, 5)), 3),
            "p95": round(float(np.percentile(values, 95)), 3),
        }

    return {
        "records": len(rows),
        "linked_alone": drawn,
        "pairs": len(gap),
        "log2_odds_alone_minus_batch": spread(gap),
        "bands_differing": int(flips),
        "by_comparison": {
            c.name: {"pairs_differing": int((np.abs(by_field[:, k]) > 1e-3).sum())}
            for k, c in enumerate(COMPARISONS)
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", default="default", choices=sorted(PROFILES))
    parser.add_argument("--records", type=int, default=60, help="records linked alone")
    args = parser.parse_args()
    folder = generated_set(args.households, args.seed, args.profile)
    result = {
        "households": args.households,
        "seed": args.seed,
        "profile": args.profile,
        **measure(folder / "records.csv", args.records, seed=1),
    }
    suffix = "" if args.profile == "default" else f"-{args.profile}"
    save(f"score_parity-h{args.households}{suffix}", result)
    print(result)


if __name__ == "__main__":
    main()
