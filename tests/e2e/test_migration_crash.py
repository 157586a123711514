"""A SQLite upgrade killed at any moment leaves the old or the new revision, whole, and the database opens.

Python's sqlite3 commits DDL statement by statement; custtui runs the whole
upgrade in one transaction (db._schema_transaction). These tests kill
`custtui migrate`, and the start that upgrades, at random points: before
each of its SQL statements (tests/e2e/migrate_worker.py counts them), and after
random delays with SIGKILL and SIGHUP (a dropped SSH link).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import pytest

from custtui.cli import main
from custtui.db import _schema_objects_at, current_revision, downgrade, head_revision, make_engine, migrate

WORKER = Path(__file__).with_name("migrate_worker.py")
OLD_REVISION = "0001"
CUSTOMERS = 300
STATEMENT_TRIALS = 40
TIMED_TRIALS = 10


def _environment() -> dict[str, str]:
    environment = {**os.environ, "CUSTTUI_LANG": "en"}
    environment.pop("CUSTTUI_DATABASE_URL", None)
    return environment


@pytest.fixture(scope="module")
def old_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database with data, taken back to the first revision (as an older custtui left it)."""
    path = tmp_path_factory.mktemp("old") / "old.db"
    url = f"sqlite:///{path}"
    assert main(["demo", "--customers", str(CUSTOMERS), "--db", url]) == 0
    engine = make_engine(url)
    downgrade(engine, OLD_REVISION)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@cache
def _objects_at(revision: str) -> frozenset[tuple[str, str]]:
    return frozenset(_schema_objects_at(revision))


def _check_whole(path: Path) -> str:
    """The revision the file is at; its schema is exactly that revision's, and no data was lost."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        objects = set(connection.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
        customers = connection.execute("SELECT count(*) FROM customer").fetchone()[0]
    finally:
        connection.close()
    assert revision in (OLD_REVISION, head_revision())
    assert objects == _objects_at(revision), objects ^ _objects_at(revision)
    assert customers == CUSTOMERS
    return str(revision)


def _opens(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A later start upgrades it and works."""
    url = f"sqlite:///{path}"
    assert main(["users", "list", "--db", url]) == 0, capsys.readouterr().err
    capsys.readouterr()
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


@pytest.mark.slow
def test_killed_before_any_statement_of_the_upgrade(
    old_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    probe = tmp_path / "probe.db"
    shutil.copy(old_database, probe)
    finished = subprocess.run(
        [sys.executable, str(WORKER), f"sqlite:///{probe}", "0"], capture_output=True, text=True,
        env=_environment(), timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    total = int(finished.stdout.rsplit("statements=", 1)[1])
    assert total > 50  # the upgrade rebuilds every table

    rng = random.Random(20261201)
    points = sorted(rng.sample(range(1, total + 1), min(STATEMENT_TRIALS, total)))
    seen: dict[str, int] = {}
    for point in points:
        path = tmp_path / f"kill{point}.db"
        shutil.copy(old_database, path)
        killed = subprocess.run(
            [sys.executable, str(WORKER), f"sqlite:///{path}", str(point)], capture_output=True, text=True,
            env=_environment(), timeout=120,
        )
        assert killed.returncode in (-signal.SIGKILL, 0), killed.stderr
        revision = _check_whole(path)
        seen[revision] = seen.get(revision, 0) + 1
        _opens(path, capsys)
    assert seen.get(OLD_REVISION, 0) > 0  # the kills did land inside the upgrade


@pytest.mark.slow
def test_killed_or_hung_up_after_a_random_delay(
    old_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(7)
    for trial in range(TIMED_TRIALS):
        path = tmp_path / f"timed{trial}.db"
        shutil.copy(old_database, path)
        # `migrate`, or the first start after an upgrade (here `users list`).
        command = ["migrate"] if trial % 2 else ["users", "list"]
        process = subprocess.Popen(
            [sys.executable, "-m", "custtui", *command, "--db", f"sqlite:///{path}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_environment(),
        )
        time.sleep(rng.uniform(0.25, 0.9))  # start-up takes ~0.4 s, the upgrade ~0.1 s
        process.send_signal(signal.SIGHUP if trial % 3 == 0 else signal.SIGKILL)
        process.wait(60)
        _check_whole(path)
        _opens(path, capsys)


def test_an_upgrade_that_fails_changes_nothing(old_database: Path, tmp_path: Path) -> None:
    path = tmp_path / "fails.db"
    shutil.copy(old_database, path)
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:  # a clash the upgrade to 0002 meets halfway, with data in it
        connection.exec_driver_sql("CREATE TABLE duplicate_dismissal (a_id INTEGER)")
        connection.exec_driver_sql("INSERT INTO duplicate_dismissal VALUES (1)")
    with pytest.raises(Exception, match="half-upgraded"):
        migrate(engine)
    engine.dispose()
    connection = sqlite3.connect(path)
    try:
        names = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        assert "merge_record" not in names  # created before the clash, rolled back with it
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == OLD_REVISION
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 0  # a plain connection's default
    finally:
        connection.close()


def test_leftovers_of_an_older_interrupted_upgrade_are_repaired(
    old_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What an older custtui left when killed during 0002: its first table, committed, without the revision.
    path = tmp_path / "half.db"
    shutil.copy(old_database, path)
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE merge_record (id INTEGER NOT NULL, at DATETIME NOT NULL, user_login VARCHAR(64) NOT NULL, "
        "keep_id INTEGER NOT NULL, other_ids JSON NOT NULL, plan JSON NOT NULL, undo JSON NOT NULL, "
        "undone_at DATETIME, PRIMARY KEY (id))"
    )
    connection.execute("CREATE INDEX ix_merge_record_at ON merge_record (at)")
    connection.commit()
    connection.close()
    assert main(["users", "list", "--db", f"sqlite:///{path}"]) == 0
    err = capsys.readouterr().err
    assert "an earlier upgrade had been interrupted" in err and "merge_record" in err
    assert _check_whole(path) == head_revision()


def test_half_upgraded_with_data_is_explained_not_touched(
    old_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.db"
    shutil.copy(old_database, path)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE merge_record (id INTEGER PRIMARY KEY, at DATETIME)")
    connection.execute("INSERT INTO merge_record VALUES (1, '2026-11-30')")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    assert main(["users", "list", "--db", f"sqlite:///{path}"]) == 2
    err = capsys.readouterr().err
    assert "left half-upgraded by an interrupted upgrade" in err
    assert "restore the backup made before the upgrade" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before
