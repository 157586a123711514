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
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from custtui.models import Customer, MatchModel, table_of

# The comparison levels of each field, most alike first. A field whose value
# is missing on either side has no level and weighs nothing.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("exact", "alias", "95", "88", "80", "70", "different"),
    "address": ("street_number", "street", "postal_number", "city", "different"),
    "phone": ("same", "different"),
    "email": ("same", "domain", "different"),
    "vat": ("same", "different"),
    "number": ("same", "different"),
}
FIELD_NAMES = tuple(FIELDS)

MIN_CUSTOMERS = 1000  # fewer: too few duplicates to learn from, the defaults serve
REESTIMATE_GROWTH = 1.2  # re-estimate once the customers have grown (or shrunk) by a fifth
_WEIGHT_LIMIT = 12.0  # no single field decides alone beyond this (log-odds)
_VERSION = 1


def _bounded(weight: float) -> float:
    return max(-_WEIGHT_LIMIT, min(_WEIGHT_LIMIT, weight))


@dataclass
class MatchParameters:
    prior: float  # share of candidate pairs that are duplicates
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    random_u: dict[str, list[float]]
    known_share: dict[str, float] = field(default_factory=dict)  # share of customers with a value, per field
    customers: int = 0  # how many customers they were estimated on (0: the defaults)
    candidate_pairs: int = 0
    iterations: int = 0

    def weights(self) -> dict[str, list[float]]:
        """log(m / u) of each level, bounded."""
        return {
            name: [_bounded(math.log(m / u)) for m, u in zip(self.m[name], self.u[name], strict=True)]
            for name in FIELD_NAMES
        }

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


DEFAULT_PARAMETERS = MatchParameters(
    prior=0.05,
    m={
        "name": [0.55, 0.05, 0.15, 0.10, 0.06, 0.04, 0.05],
        "address": [0.70, 0.06, 0.06, 0.10, 0.08],
        "phone": [0.80, 0.20],
        "email": [0.75, 0.05, 0.20],
        "vat": [0.95, 0.05],
        "number": [0.50, 0.50],
    },
    u={
        "name": [0.005, 0.002, 0.005, 0.02, 0.05, 0.10, 0.818],
        "address": [0.02, 0.02, 0.02, 0.30, 0.64],
        "phone": [0.005, 0.995],
        "email": [0.003, 0.03, 0.967],
        "vat": [0.0003, 0.9997],
        "number": [0.03, 0.97],
    },
    random_u={
        "name": [0.0005, 0.0002, 0.0005, 0.002, 0.008, 0.03, 0.9588],
        "address": [0.0002, 0.002, 0.0005, 0.05, 0.9473],
        "phone": [0.0005, 0.9995],
        "email": [0.0002, 0.002, 0.9978],
        "vat": [0.0002, 0.9998],
        "number": [0.001, 0.999],
    },
    known_share={"name": 1.0, "address": 0.95, "phone": 0.7, "email": 0.5, "vat": 0.2, "number": 0.5},
)


def stored_parameters(session: Session) -> MatchParameters | None:
    """The parameters last estimated on this database, if any (and readable by this version)."""
    table = table_of(MatchModel)
    row = session.execute(select(table.c.parameters).order_by(table.c.id.desc()).limit(1)).first()
    return MatchParameters.from_json(row[0]) if row is not None and isinstance(row[0], dict) else None


def store_parameters(session: Session, parameters: MatchParameters) -> None:
    """Keep `parameters` as this database's (the older rows go: only the last one is read)."""
    table = table_of(MatchModel)
    session.execute(table.delete())
    session.add(MatchModel(customer_count=parameters.customers, parameters=parameters.to_json()))
    session.flush()


def needs_estimate(parameters: MatchParameters | None, customers: int) -> bool:
    """Whether parameters should be (re-)estimated for a database of `customers` customers."""
    if customers < MIN_CUSTOMERS:
        return False
    if parameters is None or parameters.customers == 0:
        return True
    grown = customers / parameters.customers
    return grown >= REESTIMATE_GROWTH or grown <= 1 / REESTIMATE_GROWTH


def customer_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(table_of(Customer))).scalar_one())
