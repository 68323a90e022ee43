"""How common a value is in the population being linked, and what that takes from an
agreement on it: term frequencies (a name shared by a tenth of the population proves
less than one of a handful)."""

from __future__ import annotations

import numpy as np

from matching.columns import Columns
from matching.comparisons import COMPARISON, COMPARISON_NAMES, COMPARISONS
from matching.model import FSModel

TF_CLIP = (-6.0, 6.0)
TF_PSEUDO_RECORDS = 500
TF_LEVELS_SPLIT_THE_SHARE = frozenset({"family_name"})
"""Comparisons whose term-frequency levels divide one share between them.

Two family names agree as one spelling, as two spellings of one name or as two names of
one clan: three ways of falling in the same group, whose share of the population is what
the adjustment divides by. Two unrelated records of a group agree at a level as often as
its u is of the group's agreement (random pairs: same spelling 0.016, other spelling
0.006, same clan 0.002), so each level's u among them is the share times that part, and
its weight is its own log2(m/u) plus log2(u of any agreement / share): the name's
commonness, once. Dividing each level's m by the whole share counted agreement by
another spelling at most a third as strong as it is (default profile at 23k records:
pairs of one family name in two spellings, one village and consistent births were
scored 0.20 and were the same person 92 times in 100; the predicted probability of
every band up to 0.8 was half the observed one). Given names are left as they were:
treated the same way, their share (the first given name's group) and their levels (all
given names) are not of one event, and the scores overshot (precision 0.97 -> 0.88).
A joint share of given name and family name (pairs agreeing on both weighed by how many
records carry the two together, not each apart) was tried on 2026-12-06 and not kept:
precision up, recall down, and no better ranking of the pairs (recall of pair scores at
precision 0.95 at 23k records: default 0.830 -> 0.836, namesakes 0.432 -> 0.433, mixed
0.206 -> 0.158).
"""


NEAR_SPELLINGS_CAPPED = {
    "family_name": ("exact", "same_key"),
    "given_names": ("exact", "same_group"),
}
"""Comparisons whose `fuzzy` level (a near spelling) weighs no more than the commoner of
the two names written alike, or in another spelling the tables know, would: "Trare"
beside "Traoré" proves no more than "Traoré" twice, nor "Diarqa" than "Diara" beside
"Diarra" (the weakest of these levels, each with its term-frequency adjustment). The
near-spelling level has no term frequency of its own; once two names the tables know
were no longer near spellings of each other ("Koné" / "Konaté", "Moussa" / "Moustapha":
`compare.names.other_clans`, `other_given_names`), EM fitted it as strong as an exact
agreement (given names at 23k records, namesakes profile: 5.1 bits against 5.4), which
a common name's exact agreement is far from."""


def value_shares(
    codes: np.ndarray,
    group_of: list[str] | None,
    u: float,
    pseudo: int = TF_PSEUDO_RECORDS,
    total: int | None = None,
) -> np.ndarray:
    """For each record, the share of records whose value falls in the same group
    (`group_of` a value code's group; None: each value is its own group).

    Smoothed towards `u` with `pseudo` pseudo-records, so that a
    handful of records says little about how common a name is. `total`: the number of
    records counted over (by default those with a value here).
    """
    if group_of is None:
        record_groups = codes
    else:
        names: dict[str, int] = {}
        group_codes = np.asarray([names.setdefault(g, len(names)) for g in group_of] or [0])
        record_groups = np.where(codes >= 0, group_codes[np.maximum(codes, 0)], -1)
    known = record_groups >= 0
    counts = np.bincount(record_groups[known]).astype(float)
    total = total if total is not None else max(int(known.sum()), 1)
    share = np.full(len(codes), u, dtype=float)
    share[known] = (counts[record_groups[known]] + pseudo * u) / (total + pseudo)
    return share


def agreement_u(model: FSModel, name: str) -> float:
    """The u a share of the population stands for: that of agreeing at any of the
    comparison's term-frequency levels where they divide one share
    (`TF_LEVELS_SPLIT_THE_SHARE`), else that of its exact level."""
    comparison = COMPARISON[name]
    u = model.u[name]
    if name in TF_LEVELS_SPLIT_THE_SHARE:
        return max(float(sum(u[comparison.index(level)] for level in comparison.tf_levels)), 1e-9)
    return max(float(u[comparison.index(comparison.tf_levels[0])]), 1e-9)


def _name_groups(columns: Columns) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Per name whose share is that of its group (a family name's, the first given
    name's): each record's value code (-1 unknown) and each value's group."""
    return {
        "family_name": (columns.family, [v.group for v in columns.vocab["family"].values]),
        "given_names": (
            columns.given,
            [v.groups[0] if v.groups else "" for v in columns.vocab["given"].values],
        ),
    }


def name_shares(
    columns: Columns, model: FSModel, population: int | None = None
) -> dict[str, np.ndarray]:
    """Per record, the smoothed share of records in the same family group, in the same
    first given-name group and with the same phone number (what a term-frequency
    adjustment divides by), each smoothed towards the u it stands for.

    `population`: the number of records `columns` were drawn from, when they are a few
    of them (a new record and its candidates). Shares are then those of the population:
    of a common group as the fitted model counted it (`FSModel.common_shares`), of any
    other value its records here over the population. Counted among a few hundred
    candidates, which share a key with the new record, a name looked far commoner than
    it is: a new record's pairs scored 2 bits below the same pairs in a batch at the
    median, 4 bits at the 5th percentile (23k generated records, 60 records linked
    alone, the batch's model)."""
    subset = population is not None and population > len(columns) and model.common_shares

    def written(name: str) -> int | None:
        return round(population * model.written_shares.get(name, 1.0)) if subset else None

    shares = {
        "phone": value_shares(
            columns.phone, None, agreement_u(model, "phone"), total=written("phone")
        )
    }
    for name, (codes, groups) in _name_groups(columns).items():
        share = value_shares(codes, groups, agreement_u(model, name), total=written(name))
        if subset:
            stored = model.common_shares.get(name, {})
            known = np.flatnonzero(codes >= 0)
            from_model = np.asarray([stored.get(g, -1.0) for g in groups] or [-1.0])
            found = from_model[codes[known]]
            share[known] = np.where(found >= 0, found, share[known])
        shares[name] = share
    return shares


def written_shares(columns: Columns) -> dict[str, float]:
    """The share of this population's records in which each term-frequency field is
    written: what a share counted over a population of a known size divides by."""
    n = max(len(columns), 1)
    return {
        "phone": round(float((columns.phone >= 0).sum()) / n, 6),
        **{
            name: round(float((codes >= 0).sum()) / n, 6)
            for name, (codes, _) in _name_groups(columns).items()
        },
    }


def common_shares(columns: Columns, model: FSModel) -> dict[str, dict[str, float]]:
    """The shares of this population's name groups that an adjustment can tell from a
    rarer one: above what the clip (`TF_CLIP`) and the floor make every rarer share
    weigh alike, with a margin of two for pairs whose two shares are averaged. Smoothing
    keeps every group of a small population above it (23k generated records: all 634
    family groups); at a million, groups of a few dozen records and more."""
    kept: dict[str, dict[str, float]] = {}
    for name, (codes, groups) in _name_groups(columns).items():
        comparison = COMPARISON[name]
        standing = _standing_u(model, name)
        lowest = min(standing[comparison.index(level)] for level in comparison.tf_levels)
        cut = max(lowest / 2 ** TF_CLIP[1], model.tf_floor) / 2
        share = value_shares(codes, groups, agreement_u(model, name))
        of_value = np.full(len(groups), -1.0)
        of_value[codes[codes >= 0]] = share[codes >= 0]
        kept[name] = {
            groups[v]: round(float(of_value[v]), 9)
            for v in sorted(np.flatnonzero(of_value >= cut), key=groups.__getitem__)
        }
    return kept


def term_frequency_adjustment(
    columns: Columns,
    a: np.ndarray,
    b: np.ndarray,
    levels: np.ndarray,
    model: FSModel,
    shares: dict[str, np.ndarray] | None = None,
) -> dict[int, np.ndarray]:
    """log2(u_level / tf(value)) for names that agree: common names prove less (for a
    family name, log2(u of any agreement / tf(value)): `TF_LEVELS_SPLIT_THE_SHARE`).

    By comparison index, for the comparisons with term-frequency levels only (the
    others have no adjustment); one value per pair, 0 where the level is not adjusted.
    `shares` are `name_shares(columns, model)`, worked out here when not given.
    """
    shares = shares if shares is not None else name_shares(columns, model)
    adjust: dict[int, np.ndarray] = {}
    for k, comparison in enumerate(COMPARISONS):
        if not comparison.tf_levels:
            continue
        column = np.zeros(len(a), dtype=float)
        hit = np.flatnonzero(comparison.among(levels[:, k], *comparison.tf_levels))
        share = shares[comparison.name]
        share = np.maximum((share[a[hit]] + share[b[hit]]) / 2, model.tf_floor)
        u = _standing_u(model, comparison.name)[levels[hit, k]]
        column[hit] = _commonness(u, share)
        adjust[k] = column
    for name in NEAR_SPELLINGS_CAPPED:
        k = COMPARISON_NAMES.index(name)
        hit = np.flatnonzero(COMPARISON[name].among(levels[:, k], "fuzzy"))
        if len(hit):
            adjust[k][hit] = _near_spelling_cap(name, model, shares[name], a[hit], b[hit])
    return adjust


def _near_spelling_cap(
    name: str, model: FSModel, share: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """What takes a near spelling's weight down to that of the commoner name written
    alike or in another known spelling, the weaker (`NEAR_SPELLINGS_CAPPED`); 0 where it
    is already below."""
    comparison = COMPARISON[name]
    weights = model.weight_table()[name]
    standing = _standing_u(model, name)
    commoner = np.maximum(np.maximum(share[a], share[b]), model.tf_floor)
    cap = np.full(len(a), np.inf)
    for level in NEAR_SPELLINGS_CAPPED[name]:
        k = comparison.index(level)
        cap = np.minimum(cap, weights[k] + _commonness(standing[k], commoner))
    return np.minimum(cap - weights[comparison.index("fuzzy")], 0.0)


def _standing_u(model: FSModel, name: str) -> np.ndarray:
    """Per level, the u an agreement at it stands for beside a value's share: that of any
    agreement where the levels divide one share (`TF_LEVELS_SPLIT_THE_SHARE`), else the
    level's own."""
    u = np.maximum(np.asarray(model.u[name], dtype=float), 1e-9)
    if name in TF_LEVELS_SPLIT_THE_SHARE:
        return np.full(len(u), agreement_u(model, name))
    return u


def _commonness(u: np.ndarray | float, share: np.ndarray) -> np.ndarray:
    """log2(u / share), clipped: what a value's share adds to, or takes from, an agreement."""
    return np.clip(np.log2(u / share), *TF_CLIP)
