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

from custtui.services.duplicates.model import DEFAULT_PARAMETERS, FIELD_NAMES, FIELDS, MatchParameters
from custtui.services.duplicates.records import Record
from custtui.services.duplicates.score import compare

SAMPLE_PAIRS = 150_000  # candidate pairs EM runs over, and random pairs for random_u
_PSEUDO_PAIRS = 200.0  # weight of the defaults in each estimate, in candidate pairs (chosen on the demo set)
_ITERATIONS = 60
_TOLERANCE = 1e-5
_FLOOR = 1e-6


def _levels(records: Sequence[Record], pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """(pairs, fields) level matrix, -1 where a field says nothing."""
    matrix = np.full((len(pairs), len(FIELD_NAMES)), -1, dtype=np.int8)
    for row, (i, j) in enumerate(pairs):
        for column, level in enumerate(compare(records[i], records[j]).levels):
            if level is not None:
                matrix[row, column] = level
    return matrix


def _share_of_agreements(counts: Counter[str], known: int) -> float:
    """P(two random customers that both have a value have the same one), from value counts."""
    if known < 2:
        return 0.0
    same = sum(c * (c - 1) for c in counts.values())
    return same / (known * (known - 1))


def _random_u(records: Sequence[Record], rng: random.Random) -> tuple[dict[str, list[float]], dict[str, float]]:
    n = len(records)
    if n * (n - 1) // 2 <= SAMPLE_PAIRS:
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    else:
        pairs = []
        while len(pairs) < SAMPLE_PAIRS:
            i, j = rng.randrange(n), rng.randrange(n)
            if i != j:
                pairs.append((i, j))
    matrix = _levels(records, pairs)
    counts: dict[str, Counter[str]] = {name: Counter() for name in FIELD_NAMES}
    for record in records:
        if record.name:
            counts["name"][record.sorted_name] += 1
        for address in {(a.postal, a.street, a.number) for a in record.addresses if a.street and a.number}:
            counts["address"]["|".join(address)] += 1
        for name in ("phone", "email", "vat", "number"):
            value = getattr(record, name)
            if value:
                counts[name][value] += 1
    known_share = {
        "name": sum(1 for r in records if r.name) / max(n, 1),
        "address": sum(1 for r in records if r.addresses) / max(n, 1),
        **{name: sum(counts[name].values()) / max(n, 1) for name in ("phone", "email", "vat", "number")},
    }
    random_u: dict[str, list[float]] = {}
    for column, name in enumerate(FIELD_NAMES):
        levels = len(FIELDS[name])
        observed = matrix[:, column]
        observed = observed[observed >= 0]
        frequency = np.bincount(observed, minlength=levels).astype(float) + _PSEUDO_PAIRS * np.array(
            DEFAULT_PARAMETERS.random_u[name]
        )
        frequency /= frequency.sum()
        known = round(known_share[name] * n)
        exact = _share_of_agreements(counts[name], known)
        if exact > 0:  # agreement counted exactly; the other levels share the rest as sampled
            rest = frequency[1:].sum()
            frequency[1:] *= (1 - exact) / rest if rest else 0
            frequency[0] = exact
        random_u[name] = [max(float(x), _FLOOR) for x in frequency]
    return random_u, known_share


def estimate_parameters(
    records: Sequence[Record],
    candidates: Sequence[tuple[int, int]],
    *,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> MatchParameters:
    """m, u and prior estimated on `records` and their candidate pairs (positions in `records`)."""
    rng = random.Random(seed)
    random_u, known_share = _random_u(records, rng)
    sample = list(candidates) if len(candidates) <= SAMPLE_PAIRS else rng.sample(list(candidates), SAMPLE_PAIRS)
    matrix = _levels(records, sample)
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
            weights = np.log(m[name] / u[name])
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
        customers=len(records),
        candidate_pairs=len(candidates),
        iterations=iterations,
    )
