"""The scripting side of duplicates: detect, merge, list, undo, import, export."""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
from pathlib import Path

import pytest
from helpers import make_customer
from sqlmodel import Session, select
from tui_support import fill_duplicates

from custtui.cli import main
from custtui.db import make_engine, migrate
from custtui.models import Customer, Installation, Location, User

LOGIN = pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, list[int]]:
    url = f"sqlite:///{tmp_path / 'dup.db'}"
    engine = make_engine(url)
    migrate(engine)
    _office, ids = fill_duplicates(engine)
    with Session(engine) as session:
        session.add(User(login=LOGIN, display_name="Me", role="admin"))
        session.commit()
    engine.dispose()
    return url, ids


def test_duplicates_json_shape(db: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]) -> None:
    url, ids = db
    assert main(["duplicates", "--format", "json", "--db", url]) == 0
    payload = json.loads(capsys.readouterr().out)
    (cluster,) = payload["clusters"]
    assert cluster["confidence"] == "certain"
    assert 0 <= cluster["score"] <= 1
    assert sorted(c["id"] for c in cluster["customers"]) == sorted(ids)
    assert {"id", "name", "customer_number"} == set(cluster["customers"][0])
    pair = cluster["pairs"][0]
    assert {"a", "b", "score", "reasons", "evidence"} == set(pair) and pair["reasons"]
    # Each reason's field, value and weight in the learned log-odds, beside its text.
    assert len(pair["evidence"]) == len(pair["reasons"])
    assert all({"code", "value", "weight"} == set(e) and e["weight"] > 0 for e in pair["evidence"])


def test_duplicates_lists_the_possible_ones_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'possible.db'}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        me = User(login=LOGIN, display_name="Me", role="admin")
        session.add(me)
        session.commit()
        for name in ("Garage Janssens", "Garage Jansens"):  # a typo and nothing else known: to check
            make_customer(session, me, name)
    engine.dispose()
    assert main(["duplicates", "--format", "json", "--db", url]) == 0
    (cluster,) = json.loads(capsys.readouterr().out)["clusters"]
    assert cluster["confidence"] == "possible" and 0.5 <= cluster["score"] < 0.9
    assert main(["duplicates", "--db", url]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Possible duplicates — check:\n")
    assert "0 clusters of duplicates." in err and "1 possible duplicate to check." in err
    assert main(["duplicates", "--format", "json", "--min-score", "0.9", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out) == {"clusters": []}


def test_duplicates_csv_and_min_score(db: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]) -> None:
    url, _ids = db
    assert main(["duplicates", "--format", "csv", "--db", url]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3 and {r["cluster"] for r in rows} == {"1"}
    assert main(["duplicates", "--format", "json", "--min-score", "1", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out) == {"clusters": []}


def test_merge_merges_and_unmerge_round_trip(db: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]) -> None:
    url, (keep, typo, alias) = db
    assert main(["merge", str(keep), str(typo), str(alias), "--db", url]) == 1  # no --yes, no terminal: refused
    assert "add --yes" in capsys.readouterr().err
    assert main(["merge", str(keep), str(typo), str(alias), "--yes", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "custtui unmerge 1" in out
    # Each count its own plural: "1 location matched", not "1 matched" after "locations added".
    assert f"Keep #{keep} " in out and "2 installations move, 1 mission moves, 1 location added, 1 location matched" in out
    engine = make_engine(url)
    with Session(engine) as session:
        kept_sites = set(session.exec(select(Location.id).where(Location.customer_id == keep)))
        moved = session.exec(select(Installation)).all()
        assert len(moved) == 5 and all(i.location_id in kept_sites for i in moved)  # fill_duplicates has 5
    assert main(["merges", "--db", url]) == 0
    assert "Bakkerij Peeters bv" in capsys.readouterr().out
    assert main(["unmerge", "1", "--db", url]) == 0
    capsys.readouterr()
    assert main(["merges", "--db", url]) == 0
    assert capsys.readouterr().out.rstrip().endswith("(undone)")
    with Session(engine) as session:
        assert session.get(Customer, typo).name == "Bakkerij Peters"  # type: ignore[union-attr]
    assert main(["unmerge", "1", "--db", url]) == 1  # twice: refused with a message
    assert capsys.readouterr().err.startswith("custtui: ")
    engine.dispose()


def test_export_then_import_into_an_empty_database(
    db: tuple[str, list[int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ids = db
    export = tmp_path / "customers.csv"
    assert main(["export", "--output", str(export), "--db", url]) == 0
    assert main(["export", "--format", "xlsx", "--output", str(tmp_path / "c.xlsx"), "--db", url]) == 0
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    report = tmp_path / "report.csv"
    assert main(["import", str(export), "--report", str(report), "--db", empty]) == 0
    assert "3 customers created (2 likely duplicates)" in capsys.readouterr().out
    statuses = [row["status"] for row in csv.DictReader(report.open(encoding="utf-8"))]
    assert len(statuses) == 3 and set(statuses) <= {"created", "duplicate"}


def test_import_missing_file(db: tuple[str, list[int]], capsys: pytest.CaptureFixture[str]) -> None:
    url, _ids = db
    assert main(["import", "/nonexistent/x.csv", "--db", url]) == 1
    assert "No such file" in capsys.readouterr().err


def test_import_prints_the_first_rows_to_check_and_counts_the_rest(
    db: tuple[str, list[int]], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ids = db
    monkeypatch.setattr("custtui.cli.IMPORT_ROWS_SHOWN", 2)
    path = tmp_path / "refused.csv"
    path.write_text("name,vat\n" + "".join(f"Bad {n},BE0403170702\n" for n in range(5)), encoding="utf-8")
    assert main(["import", str(path), "--quiet", "--db", url]) == 1
    err = capsys.readouterr().err
    assert [line.split()[0] for line in err.splitlines() if "Not imported" in line] == ["2", "3"]
    assert "3 more rows to check: write every row's outcome with --report FILE." in err
