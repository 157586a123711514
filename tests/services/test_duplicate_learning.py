"""The learned side of duplicate detection: parameters estimated on the database, stored, used, re-estimated.

Quality is measured on data custtui did not make: FEBRL data set 1
(tests/data/febrl, people with typos, swapped and missing values) and the
independent second generator (benchmarks/second_generator.py). The full
figures, on more and larger sets, are benchmarks/duplicates_quality.py's.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from helpers import make_customer
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from custtui.demo import generate_demo
from custtui.models import MatchModel, User, table_of
from custtui.services.duplicates import CERTAIN, DuplicateIndex, find_duplicates
from custtui.services.duplicates.database import stored_parameters
from custtui.services.duplicates.model import DEFAULT_PARAMETERS, FIELDS, MIN_CUSTOMERS, MatchParameters

ROOT = Path(__file__).resolve().parents[2]


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("duplicates_quality", ROOT / "benchmarks" / "duplicates_quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # before running it: its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _stored_rows(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(table_of(MatchModel))).scalar_one())


def test_a_small_database_scores_with_the_defaults_and_stores_nothing(session: Session, admin: User) -> None:
    make_customer(session, admin, "Garage Janssens")
    make_customer(session, admin, "Garage Janssens")
    find_duplicates(session)
    assert _stored_rows(session) == 0
    assert stored_parameters(session) is None


def test_parameters_are_learned_stored_and_kept_until_the_customers_grow_by_a_fifth(engine: Engine) -> None:
    generate_demo(engine, customers=MIN_CUSTOMERS + 200, seed=3)
    with Session(engine) as session:
        find_duplicates(session)
        session.commit()
        learned = stored_parameters(session)
        assert learned is not None and learned.customers >= MIN_CUSTOMERS
        assert learned != DEFAULT_PARAMETERS and learned.iterations > 0
        weights = learned.weights()
        joint = dict(zip(FIELDS["name_address"], weights["name_address"], strict=True))
        # What the data says, in the order anyone would expect: an equal phone or e-mail says more than
        # a different one, an exact name more than a name 70 % alike, the same address more than another one.
        assert weights["phone"][0] > 0 > weights["phone"][1]
        assert weights["email"][0] > 0 > weights["email"][1]
        assert joint["exact+none"] > joint["70+none"]
        assert joint["exact+street_number"] > joint["exact+different"] and joint["exact+street_number"] > 0
        assert joint["different+different"] < 0
        # Every demo customer has an address: a draft without one (the form before its address is typed)
        # weighs what its name says alone, and a different name says "someone else".
        assert joint["different+none"] < 0 and joint["70+none"] < joint["exact+none"]
        stamp = session.execute(select(table_of(MatchModel).c.estimated_at)).scalar_one()

        find_duplicates(session)  # nothing changed: the stored ones serve
        session.commit()
        assert session.execute(select(table_of(MatchModel).c.estimated_at)).scalar_one() == stamp
        find_duplicates(session, retrain=True)  # asked for: estimated again
        session.commit()
        assert session.execute(select(table_of(MatchModel).c.estimated_at)).scalar_one() != stamp
        assert _stored_rows(session) == 1
        stamp = session.execute(select(table_of(MatchModel).c.estimated_at)).scalar_one()

    generate_demo(engine, customers=(learned.customers // 5) + 10, seed=4)  # grown by more than a fifth
    with Session(engine) as session:
        find_duplicates(session)
        session.commit()
        again = stored_parameters(session)
        assert again is not None and again.customers > learned.customers
        assert session.execute(select(table_of(MatchModel).c.estimated_at)).scalar_one() != stamp
        # The live check in the form reads them too.
        assert DuplicateIndex.build(session).parameters == again


def test_parameters_of_another_version_are_not_used() -> None:
    data = DEFAULT_PARAMETERS.to_json()
    assert MatchParameters.from_json(data) == DEFAULT_PARAMETERS
    assert MatchParameters.from_json({**data, "version": 99}) is None
    assert MatchParameters.from_json({**data, "m": {**data["m"], "name_address": [1.0]}}) is None


def _quality(engine: Engine, rows: list) -> tuple[float, float]:  # type: ignore[type-arg]
    benchmark = _benchmark()
    truth = benchmark.load_rows(engine, rows)
    with Session(engine) as session:
        clusters = find_duplicates(session, min_score=CERTAIN)
        session.commit()
    measured = benchmark.quality([c.customer_ids for c in clusters], truth, benchmark.true_pairs(truth))
    return measured.precision, measured.recall


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_quality_on_febrl_people_custtui_did_not_make(engine: Engine) -> None:
    rows = _benchmark().febrl_rows(1, path=ROOT / "tests" / "data" / "febrl" / "dataset1.csv")
    precision, recall = _quality(engine, rows)
    assert precision >= 0.97 and recall >= 0.95, (precision, recall)
