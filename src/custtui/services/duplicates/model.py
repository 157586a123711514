"""The learned side of duplicate detection: m and u probabilities per comparison level, kept in the database.

A `MatchParameters` holds, for each field of FIELDS and each of its levels,
m = P(level | the two are one customer) and u = P(level | they are not),
among the candidate pairs that blocking gives, plus `random_u` (the same
among random pairs, for the term frequency adjustment) and the prior share
of candidate pairs that are duplicates. services.duplicates.estimate learns
them from the customers being scanned; this module stores and loads them.

Until a database has enough customers to learn from (MIN_CUSTOMERS), the
DEFAULT_PARAMETERS are used: plain priors, written by hand as round figures
(what an agreement on each field says about two records of an office's
customer file), not fitted to any data set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# The levels of each part of a record, most alike first; "none": a side has no value.
NAME_LEVELS = ("exact", "alias", "95", "88", "80", "70", "different", "none")
ADDRESS_LEVELS = ("street_number", "postal_number", "street", "city", "different", "none")

# The fields the model weighs, each with its levels. The name and the address
# are one field of every combination of their levels: blocking picks pairs
# for sharing a name word or an address, so among the candidates that are not
# one customer, "same name" and "same address" seldom come together, far less
# often than their separate shares multiplied say. Weighed apart, an exact
# name at the same address scored 0.67 where 99 % of such pairs were one
# customer (measured on the second generator's data).
FIELDS: dict[str, tuple[str, ...]] = {
    "name_address": tuple(f"{n}+{a}" for n in NAME_LEVELS for a in ADDRESS_LEVELS)[:-1],  # not none+none
    "phone": ("same", "different"),
    # Two e-mails of one company domain (info@ and sales@) are no level of their own: measured on the demo
    # data, EM then learned that a shared domain makes branches of a chain one customer.
    "email": ("same", "different"),
    "vat": ("same", "different"),
    "number": ("same", "different"),
}
FIELD_NAMES = tuple(FIELDS)
IDENTIFIERS = ("phone", "email", "vat", "number")
_NO_ADDRESS = len(ADDRESS_LEVELS) - 1
_NO_NAME = len(NAME_LEVELS) - 1


def joint_level(name: int | None, address: int | None) -> int | None:
    """The name_address level of a name level and an address level (None: neither side has either)."""
    if name is None and address is None:
        return None
    return (_NO_NAME if name is None else name) * len(ADDRESS_LEVELS) + (_NO_ADDRESS if address is None else address)


def split_level(level: int) -> tuple[int, int]:
    """(name level, address level) of a name_address level."""
    return divmod(level, len(ADDRESS_LEVELS))


def joint_table(name: list[float], address: list[float]) -> list[float]:
    """The name_address probabilities of independent name and address probabilities (each with "none")."""
    table = [n * a for n in name for a in address][:-1]
    total = sum(table)
    return [x / total for x in table]


MIN_CUSTOMERS = 1000  # fewer: too few duplicates to learn from, the defaults serve
REESTIMATE_GROWTH = 1.2  # re-estimate once the customers have grown (or shrunk) by a fifth
_WEIGHT_LIMIT = 12.0  # no single field decides alone beyond this (log-odds)
_VERSION = 4


def field_weights(field: str, m: Sequence[float], u: Sequence[float]) -> list[float]:
    """log(m / u) of each level of `field`.

    For name_address, a side without an address (or without a name) weighs
    what the name (or the address) says alone: log of the sums of m and u
    over the other part's levels. Learned cell by cell instead, those levels
    took whatever the defaults said where a database has no such pair (every
    demo customer has an address): a draft without an address then looked
    like a duplicate of anyone with a name 70 % alike.
    """
    weights = [math.log(a / b) for a, b in zip(m, u, strict=True)]
    if field != "name_address":
        return weights
    width, height = len(ADDRESS_LEVELS), len(NAME_LEVELS)
    for name in range(height - 1):
        cells = range(name * width, name * width + width - 1)
        weights[name * width + width - 1] = math.log(sum(m[i] for i in cells) / sum(u[i] for i in cells))
    for address in range(width - 1):
        cells = range(address, (height - 1) * width, width)
        weights[(height - 1) * width + address] = math.log(sum(m[i] for i in cells) / sum(u[i] for i in cells))
    return weights


def _bounded(weight: float) -> float:
    return max(-_WEIGHT_LIMIT, min(_WEIGHT_LIMIT, weight))


@dataclass
class MatchParameters:
    prior: float  # share of candidate pairs that are duplicates
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    random_u: dict[str, list[float]]
    # Per part (name, address and the identifiers): the share of customers with a value, and how often two
    # random customers that both have one agree on it (exactly): for the term frequency adjustment.
    known_share: dict[str, float] = field(default_factory=dict)
    random_agreement: dict[str, float] = field(default_factory=dict)
    customers: int = 0  # how many customers they were estimated on (0: the defaults)
    candidate_pairs: int = 0
    iterations: int = 0

    def weights(self) -> dict[str, list[float]]:
        """log(m / u) of each level, bounded (name_address: see field_weights)."""
        return {name: [_bounded(w) for w in field_weights(name, self.m[name], self.u[name])] for name in FIELD_NAMES}

    def to_json(self) -> dict[str, Any]:
        return {"version": _VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MatchParameters | None:
        """None when `data` was written by another version or does not fit FIELDS."""
        if data.get("version") != _VERSION:
            return None
        try:
            parameters = cls(
                prior=float(data["prior"]),
                m={k: [float(x) for x in v] for k, v in data["m"].items()},
                u={k: [float(x) for x in v] for k, v in data["u"].items()},
                random_u={k: [float(x) for x in v] for k, v in data["random_u"].items()},
                known_share={k: float(v) for k, v in data.get("known_share", {}).items()},
                random_agreement={k: float(v) for k, v in data.get("random_agreement", {}).items()},
                customers=int(data.get("customers", 0)),
                candidate_pairs=int(data.get("candidate_pairs", 0)),
                iterations=int(data.get("iterations", 0)),
            )
        except (KeyError, TypeError, ValueError):
            return None
        for name, levels in FIELDS.items():
            for table in (parameters.m, parameters.u, parameters.random_u):
                if len(table.get(name, ())) != len(levels) or min(table[name]) <= 0:
                    return None
        return parameters

    def describe(self) -> list[tuple[str, str, float, float, float]]:
        """(field, level, m, u, weight) rows, for `custtui duplicates --explain` and the README."""
        weights = self.weights()
        return [
            (name, level, self.m[name][i], self.u[name][i], weights[name][i])
            for name, levels in FIELDS.items()
            for i, level in enumerate(levels)
        ]


_DEFAULT_NAME_M = [0.55, 0.05, 0.15, 0.10, 0.06, 0.04, 0.05, 0.001]
_DEFAULT_NAME_U = [0.005, 0.002, 0.005, 0.02, 0.05, 0.10, 0.818, 0.001]
_DEFAULT_NAME_RANDOM_U = [0.0005, 0.0002, 0.0005, 0.002, 0.008, 0.03, 0.9588, 0.001]
_DEFAULT_ADDRESS_M = [0.70, 0.06, 0.06, 0.10, 0.08, 0.10]
_DEFAULT_ADDRESS_U = [0.02, 0.02, 0.02, 0.30, 0.64, 0.10]
_DEFAULT_ADDRESS_RANDOM_U = [0.0002, 0.0005, 0.002, 0.05, 0.9473, 0.10]

DEFAULT_PARAMETERS = MatchParameters(
    prior=0.05,
    m={
        "name_address": joint_table(_DEFAULT_NAME_M, _DEFAULT_ADDRESS_M),
        "phone": [0.80, 0.20],
        "email": [0.75, 0.25],
        "vat": [0.95, 0.05],
        "number": [0.50, 0.50],
    },
    u={
        "name_address": joint_table(_DEFAULT_NAME_U, _DEFAULT_ADDRESS_U),
        "phone": [0.005, 0.995],
        "email": [0.003, 0.997],
        "vat": [0.0003, 0.9997],
        "number": [0.03, 0.97],
    },
    random_u={
        "name_address": joint_table(_DEFAULT_NAME_RANDOM_U, _DEFAULT_ADDRESS_RANDOM_U),
        "phone": [0.0005, 0.9995],
        "email": [0.0002, 0.9998],
        "vat": [0.0002, 0.9998],
        "number": [0.001, 0.999],
    },
    known_share={"name": 1.0, "address": 0.95, "phone": 0.7, "email": 0.5, "vat": 0.2, "number": 0.5},
    random_agreement={"name": 0.0005, "address": 0.0002, "phone": 0.0005, "email": 0.0002, "vat": 0.0002, "number": 0.001},
)


def needs_estimate(parameters: MatchParameters | None, customers: int) -> bool:
    """Whether parameters should be (re-)estimated for a database of `customers` customers."""
    if customers < MIN_CUSTOMERS:
        return False
    if parameters is None or parameters.customers == 0:
        return True
    grown = customers / parameters.customers
    return grown >= REESTIMATE_GROWTH or grown <= 1 / REESTIMATE_GROWTH
