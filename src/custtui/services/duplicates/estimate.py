"""Learning the m and u probabilities from the customers themselves (Fellegi-Sunter, expectation-maximisation).

1. `random_u`: the levels of random pairs of customers (almost all of them
   different customers). Agreement on a value (the same name, address,
   phone ...) is counted exactly from how many customers hold each value,
   since random sampling would rarely meet one.
2. m, u and the prior by expectation-maximisation over a sample of the
   candidate pairs that blocking gives, starting from m = the defaults and
   u = random_u. The u that the scan needs is that of the candidates, not of
   random pairs: candidates were chosen for sharing something, so two
   neighbours or two members of a family share an address or a phone far
   more often than two random customers. Fixing u to random pairs (as splink
   does, with one training session per blocking rule) scored such pairs as
   near certain duplicates; measured in benchmarks/duplicates_quality.py.
3. A few pseudo-pairs of the defaults keep a level that no pair reached
   from a zero probability.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from custtui.services.duplicates.model import (
    _DEFAULT_ADDRESS_RANDOM_U,
    _DEFAULT_NAME_RANDOM_U,
    ADDRESS_LEVELS,
    DEFAULT_PARAMETERS,
    FIELD_NAMES,
    FIELDS,
    IDENTIFIERS,
    NAME_LEVELS,
    MatchParameters,
    field_weights,
    joint_table,
)
from custtui.services.duplicates.records import Record
from custtui.services.duplicates.score import compare

SAMPLE_PAIRS = 100_000  # candidate pairs EM runs over, and random pairs for random_u
_PSEUDO_PAIRS = 200.0  # weight of the defaults in each estimate, in candidate pairs (chosen on the demo set)
_ITERATIONS = 60
_TOLERANCE = 1e-5
_FLOOR = 1e-6


def _comparisons(records: Sequence[Record], pairs: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(pairs, fields) level matrix, -1 where a field says nothing; and the (pairs, 2) name and address levels."""
    matrix = np.full((len(pairs), len(FIELD_NAMES)), -1, dtype=np.int8)
    parts = np.full((len(pairs), 2), -1, dtype=np.int8)
    for row, (i, j) in enumerate(pairs):
        comparison = compare(records[i], records[j])
        for column, level in enumerate(comparison.levels):
            if level is not None:
                matrix[row, column] = level
        parts[row] = (
            -1 if comparison.name is None else comparison.name, -1 if comparison.address is None else comparison.address
        )
    return matrix, parts


def _share_of_agreements(counts: Counter[str], known: int) -> float:
    """P(two random customers that both have a value have the same one), from value counts."""
    if known < 2:
        return 0.0
    same = sum(c * (c - 1) for c in counts.values())
    return same / (known * (known - 1))


def _distribution(observed: np.ndarray, levels: int, prior: list[float], exact: float) -> list[float]:
    """Level shares of `observed` (-1: none), held by pseudo-pairs of `prior`; level 0 set to `exact` when known."""
    frequency = np.bincount(observed[observed >= 0], minlength=levels).astype(float) + _PSEUDO_PAIRS * np.array(prior)
    frequency /= frequency.sum()
    if exact > 0:  # agreement counted exactly; the other levels share the rest as sampled
        rest = frequency[1:].sum()
        frequency[1:] *= (1 - exact) / rest if rest else 0
        frequency[0] = exact
    return [max(float(x), _FLOOR) for x in frequency]


def _random_pairs(n: int, rng: random.Random) -> list[tuple[int, int]]:
    if n * (n - 1) // 2 <= SAMPLE_PAIRS:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    pairs: list[tuple[int, int]] = []
    while len(pairs) < SAMPLE_PAIRS:
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            pairs.append((i, j))
    return pairs


def _random_u(
    records: Sequence[Record], rng: random.Random
) -> tuple[dict[str, list[float]], dict[str, float], dict[str, float]]:
    """u of random pairs per field; the share of customers with each part; exact agreement of random pairs per part."""
    n = len(records)
    matrix, parts = _comparisons(records, _random_pairs(n, rng))
    counts: dict[str, Counter[str]] = {name: Counter() for name in ("name", "address", *IDENTIFIERS)}
    for record in records:
        if record.name:
            counts["name"][record.sorted_name] += 1
        for address in {(a.postal, a.street, a.number) for a in record.addresses if a.street and a.number}:
            counts["address"]["|".join(address)] += 1
        for name in IDENTIFIERS:
            value = getattr(record, name)
            if value:
                counts[name][value] += 1
    known_share = {
        "name": sum(1 for r in records if r.name) / max(n, 1),
        "address": sum(1 for r in records if r.addresses) / max(n, 1),
        **{name: sum(counts[name].values()) / max(n, 1) for name in IDENTIFIERS},
    }
    agreement = {name: _share_of_agreements(counts[name], round(known_share[name] * n)) for name in counts}
    random_u: dict[str, list[float]] = {}
    # Name and address: independent between random customers, so their joint u is the product of the parts'.
    none_name = float(np.mean(parts[:, 0] < 0)) if len(parts) else 0.0
    none_address = float(np.mean(parts[:, 1] < 0)) if len(parts) else 0.0
    names = _distribution(parts[:, 0], len(NAME_LEVELS) - 1, _DEFAULT_NAME_RANDOM_U[:-1], agreement["name"])
    addresses = _distribution(parts[:, 1], len(ADDRESS_LEVELS) - 1, _DEFAULT_ADDRESS_RANDOM_U[:-1], agreement["address"])
    random_u["name_address"] = joint_table(
        [x * (1 - none_name) for x in names] + [max(none_name, _FLOOR)],
        [x * (1 - none_address) for x in addresses] + [max(none_address, _FLOOR)],
    )
    for column, field in enumerate(FIELD_NAMES):
        if field in IDENTIFIERS:
            random_u[field] = _distribution(
                matrix[:, column], len(FIELDS[field]), DEFAULT_PARAMETERS.random_u[field], agreement[field]
            )
    return random_u, known_share, agreement


def _pooled(weights: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """`weights` made non-increasing by pooling adjacent violators, each weighted by its count."""
    merged: list[list[float]] = []  # [mean, weight, levels]
    for weight, count in zip(weights, counts, strict=True):
        merged.append([float(weight), float(count) + 1e-9, 1])
        while len(merged) > 1 and merged[-2][0] < merged[-1][0]:
            right, left = merged.pop(), merged.pop()
            total = left[1] + right[1]
            merged.append([(left[0] * left[1] + right[0] * right[1]) / total, total, left[2] + right[2]])
    return np.array([block[0] for block in merged for _ in range(int(block[2]))], dtype=float)


def _monotone(field: str, m: np.ndarray, u: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """m adjusted so that agreeing more never weighs less: the weights log(m / u) do not rise along the levels.

    For name_address, along each name level's address levels and each address
    level's name levels ("none" aside). Without this, EM can settle on two
    classes that are not "one customer" and "two customers" but two kinds of
    blocking (namesakes against neighbours: measured on 100,000 demo
    customers), which Winkler's constrained EM guards against.
    """
    weights = np.log(m / u)
    if field == "name_address":
        width = len(ADDRESS_LEVELS)
        grid = np.append(weights, 0.0).reshape(len(NAME_LEVELS), width)
        grid_counts = np.append(counts, 0.0).reshape(len(NAME_LEVELS), width)
        for row in range(len(NAME_LEVELS) - 1):
            grid[row, : width - 1] = _pooled(grid[row, : width - 1], grid_counts[row, : width - 1])
        for column in range(width - 1):  # the "none" row and column weigh as their margins (model.field_weights)
            grid[: len(NAME_LEVELS) - 1, column] = _pooled(grid[:-1, column], grid_counts[:-1, column])
        weights = grid.reshape(-1)[:-1]
    else:
        weights = _pooled(weights, counts)
    adjusted = u * np.exp(weights)
    result: np.ndarray = np.maximum(adjusted / adjusted.sum(), _FLOOR)
    return result


def estimate_parameters(
    records: Sequence[Record],
    candidates: Sequence[tuple[int, int]],
    *,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    candidate_count: int | None = None,
) -> MatchParameters:
    """m, u and prior estimated on `records` and their candidate pairs (positions in `records`, or a sample of them).

    `candidate_count`: how many candidate pairs there were, when `candidates` is a sample.
    """
    rng = random.Random(seed)
    random_u, known_share, agreement = _random_u(records, rng)
    sample = list(candidates) if len(candidates) <= SAMPLE_PAIRS else rng.sample(list(candidates), SAMPLE_PAIRS)
    matrix, _parts = _comparisons(records, sample)
    m = {name: np.array(DEFAULT_PARAMETERS.m[name]) for name in FIELD_NAMES}
    u = {name: np.array(random_u[name]) for name in FIELD_NAMES}
    prior = DEFAULT_PARAMETERS.prior
    masks = [
        [(matrix[:, column] == level) for level in range(len(FIELDS[name]))] for column, name in enumerate(FIELD_NAMES)
    ]
    iterations = 0
    for iterations in range(1, _ITERATIONS + 1):
        log_ratio = np.full(len(sample), np.log(prior / (1 - prior)))
        for column, name in enumerate(FIELD_NAMES):
            weights = np.array(field_weights(name, m[name].tolist(), u[name].tolist()))
            observed = matrix[:, column]
            known = observed >= 0
            log_ratio[known] += weights[observed[known]]
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -50, 50)))
        new_prior = float(posterior.mean()) if len(sample) else prior
        change = abs(new_prior - prior)
        for column, name in enumerate(FIELD_NAMES):
            matched = np.array([posterior[mask].sum() for mask in masks[column]])
            unmatched = np.array([(1 - posterior[mask]).sum() for mask in masks[column]])
            matched += _PSEUDO_PAIRS * np.array(DEFAULT_PARAMETERS.m[name])
            unmatched += _PSEUDO_PAIRS * np.array(random_u[name])
            new_m = np.maximum(matched / matched.sum(), _FLOOR)
            new_u = np.maximum(unmatched / unmatched.sum(), _FLOOR)
            new_m = _monotone(name, new_m, new_u, matched + unmatched)
            change = max(change, float(np.abs(new_m - m[name]).max()), float(np.abs(new_u - u[name]).max()))
            m[name], u[name] = new_m, new_u
        prior = min(max(new_prior, 1e-4), 0.9)
        if progress is not None:
            progress(iterations, _ITERATIONS)
        if change < _TOLERANCE:
            break
    return MatchParameters(
        prior=prior,
        m={name: [float(x) for x in m[name]] for name in FIELD_NAMES},
        u={name: [float(x) for x in u[name]] for name in FIELD_NAMES},
        random_u=random_u,
        known_share=known_share,
        random_agreement=agreement,
        customers=len(records),
        candidate_pairs=len(candidates) if candidate_count is None else candidate_count,
        iterations=iterations,
    )
