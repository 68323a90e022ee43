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
from matching.pipeline import link, match_new
from service.linkfile import validated_chunks


def _rows(path: Path) -> list[dict[str, Any]]:
    """The validated rows of a file, as the store gives them to linking."""
    rows: list[dict[str, Any]] = []
    for chunk in validated_chunks(path):
        names = list(chunk.columns)
        for values in zip(*chunk.columns.values(), strict=True):
            row = dict(zip(names, values, strict=True))
            rows.append({**row, "id": row["record_id"]})
    return rows


def _log2_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log2(p / (1 - p))


def measure(records: Path, drawn: int, seed: int) -> dict[str, Any]:
    rows = _rows(records)
    batch = link(build_columns(rows), default_model(), household=False)
    ids = [str(i) for i in batch.columns.ids]
    by_id = {r["id"]: r for r in rows}
    batch_bands = batch.bands
    contributions = batch.scores.contributions
    gaps: list[float] = []
    parts: list[np.ndarray] = []
    flips = 0
    for row in np.random.default_rng(seed).choice(len(ids), drawn, replace=False).tolist():
        mine = np.flatnonzero((batch.a == row) | (batch.b == row))
        partners = np.where(batch.a[mine] == row, batch.b[mine], batch.a[mine])
        if not len(mine):
            continue
        columns, a, b, scores, bands = match_new(
            [by_id[ids[row]]],
            [by_id[ids[p]] for p in partners],
            batch.model,
            household=False,
            population_size=len(ids),
        )
        alone_ids = [str(i) for i in columns.ids]
        at = {alone_ids[y if x == 0 else x]: k for k, (x, y) in enumerate(zip(a, b, strict=True))}
        alone = _log2_odds(scores.probability)
        for pair, partner in zip(mine.tolist(), partners.tolist(), strict=True):
            k = at[ids[partner]]
            gaps.append(float(alone[k] - _log2_odds(batch.scores.probability[pair : pair + 1])[0]))
            parts.append(scores.contributions[k] - contributions[pair])
            flips += bands[k] != batch_bands[pair]
    gap = np.asarray(gaps)
    by_field = np.asarray(parts)

    def spread(values: np.ndarray) -> dict[str, float]:
        return {
            "mean": round(float(values.mean()), 3),
            "median": round(float(np.median(values)), 3),
            "p5": round(float(np.percentile(values, 5)), 3),
            "p95": round(float(np.percentile(values, 95)), 3),
        }

    return {
        "records": len(ids),
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
