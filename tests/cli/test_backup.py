"""`custtui backup`: consistent SQLite copies while the app writes, restore by copying back, PostgreSQL advice."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import make_customer, make_location
from sqlalchemy import Engine
from sqlmodel import Session

from custtui.cli import EXIT_DATABASE, EXIT_REFUSED, main
from custtui.db import make_engine, migrate
from custtui.demo import generate_demo
from custtui.models import Role, User
from custtui.services import backup, labels
from custtui.services.backup import BackupRefused, backup_database, pg_dump_command
from custtui.services.customers import CustomerInput, create_customer, update_customer

TABLES = ("customer", "location", "label", "customer_label")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _database_path(engine: Engine) -> Path:
    return Path(engine.url.database or "")


def _admin(session: Session) -> User:
    user = User(login="alice", display_name="Alice", role=Role.ADMIN.value)
    session.add(user)
    session.commit()
    return user


def _integrity(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def _count(path: Path, table: str = "customer") -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def _contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in TABLES
        }


class _Writer(threading.Thread):
    """Adds customers through the services, on its own engine, until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.written = 0
        self.failure: BaseException | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        engine = make_engine(self.url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                actor = session.get(User, 1)
                assert actor is not None
                while not self.stop.is_set():
                    create_customer(session, actor, CustomerInput(name=f"Nieuw {self.written}", region_code="BE-VLG"))
                    session.commit()
                    self.written += 1
                    time.sleep(0.001)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.failure = error
        finally:
            engine.dispose()


def _wait_for_writes(writer: _Writer, at_least: int) -> None:
    deadline = time.monotonic() + 20
    while writer.written < at_least:
        assert writer.failure is None, writer.failure
        assert time.monotonic() < deadline, "the writer does not write"
        time.sleep(0.005)


def test_backup_while_another_connection_writes(sqlite_engine: Engine, tmp_path: Path) -> None:
    with Session(sqlite_engine) as session:
        _admin(session)
    generate_demo(sqlite_engine, customers=400, seed=3)
    demo = _count(_database_path(sqlite_engine))
    target = tmp_path / "backup.db"
    writer = _Writer(_url(sqlite_engine))
    writer.start()
    try:
        _wait_for_writes(writer, 3)
        written_before = writer.written
        # Small steps with pauses: many steps, the writer commits between them.
        result = backup_database(_url(sqlite_engine), target, pages=8, pause=0.005)
        written_during = writer.written
        _wait_for_writes(writer, written_during + 3)
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.failure is None
    assert result.journal_mode == "wal"
    assert result.restarts == 0  # one snapshot: the writes never restart the copy
    assert _integrity(target) == ["ok"]
    copied = _count(target)
    assert result.customers == copied
    assert demo + written_before <= copied <= demo + written_during
    assert _count(_database_path(sqlite_engine)) > copied  # the app went on writing
    assert not Path(f"{target}-wal").exists()
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file


def test_backup_without_wal_starts_again_then_copies_in_one_step(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(sqlite_engine) as session:
        _admin(session)
    generate_demo(sqlite_engine, customers=300, seed=4)
    url = _url(sqlite_engine)
    path = _database_path(sqlite_engine)
    sqlite_engine.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    # Another connection writes in every pause between two steps (plain
    # sqlite3: a custtui engine would switch the file back to WAL).
    other = sqlite3.connect(path, isolation_level=None)
    notes: list[str] = []

    def write_in_the_pause(_seconds: float) -> None:
        notes.append(f"note {len(notes)}")
        other.execute("UPDATE customer SET internal_name = ? WHERE id = 1", (notes[-1],))

    monkeypatch.setattr(backup.time, "sleep", write_in_the_pause)
    try:
        result = backup_database(url, tmp_path / "backup.db", pages=4, pause=0.001)
    finally:
        other.close()
    assert result.journal_mode == "delete"
    assert result.restarts == backup.MAX_RESTARTS + 1  # then the one-step copy
    assert _integrity(tmp_path / "backup.db") == ["ok"]
    assert result.customers == _count(tmp_path / "backup.db") == _count(path)
    with sqlite3.connect(tmp_path / "backup.db") as copy:
        assert copy.execute("SELECT internal_name FROM customer WHERE id = 1").fetchone()[0] == notes[-1]


def test_restore_by_copying_the_backup_back(sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(sqlite_engine)
    database = _database_path(sqlite_engine)
    with Session(sqlite_engine, expire_on_commit=False) as session:
        admin = _admin(session)
        vip = labels.create_label(session, admin, "VIP", "red")
        friendly = labels.create_label(session, admin, "Friendly", "green")
        session.commit()
        bakery = make_customer(session, admin, "Bakkerij Peeters", email="info@peeters.be", vat_number="BE0123456749")
        make_location(session, admin, bakery)
        make_location(session, admin, bakery, street="Marktplein", number="3", postal_code="9000", city="Gent")
        garage = make_customer(session, admin, "Garage Janssens", phone="+32 3 223 45 67")
        make_location(session, admin, garage, postal_code="1000", city="Brussel")
        for label in (vip, friendly):
            labels.assign_label(session, admin, bakery.id, label.id)
        labels.assign_label(session, admin, garage.id, vip.id)
        session.commit()
    original = _contents(sqlite_engine)
    assert main(["backup", str(tmp_path / "backup.db"), "--db", url]) == 0
    assert "Backed up 2 customers to" in capsys.readouterr().out

    with Session(sqlite_engine, expire_on_commit=False) as session:
        admin = session.get(User, admin.id)
        assert admin is not None
        changed = CustomerInput.from_customer(bakery)
        changed.name = "Bakkerij Peeters-Claes"
        update_customer(session, admin, bakery.id, changed, expected_version=bakery.version)
        labels.unassign_label(session, admin, bakery.id, friendly.id)
        make_customer(session, admin, "Nieuwe Klant")
        session.commit()
    assert _contents(sqlite_engine) != original

    # The documented restore: stop the apps, drop a left -wal / -shm, copy back.
    sqlite_engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "backup.db", database)
    restored = make_engine(url)
    migrate(restored)  # what the app does when it opens the database
    try:
        assert _contents(restored) == original
    finally:
        restored.dispose()


def test_refuses_to_overwrite_without_force(sqlite_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(sqlite_engine)
    target = tmp_path / "backup.db"
    target.write_bytes(b"last week's backup")
    assert main(["backup", str(target), "--db", url]) == EXIT_REFUSED
    assert capsys.readouterr().err.strip() == f"custtui: {target} already exists: add --force to overwrite it."
    assert target.read_bytes() == b"last week's backup"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left

    assert main(["backup", str(target), "--force", "--db", url]) == 0
    assert _integrity(target) == ["ok"]
    assert _count(target) == 0


@pytest.mark.parametrize("companion", ["", "-wal", "-shm"])
def test_refuses_to_write_over_the_database_itself(
    sqlite_engine: Engine, companion: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = f"{_database_path(sqlite_engine)}{companion}"
    assert main(["backup", target, "--force", "--db", _url(sqlite_engine)]) == EXIT_REFUSED
    assert "is the database itself" in capsys.readouterr().err


def test_refuses_a_target_that_is_open(sqlite_engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "other.db"
    target.write_bytes(b"")
    Path(f"{target}-wal").write_bytes(b"frames of someone else")
    with pytest.raises(BackupRefused, match="other.db-wal exists"):
        backup_database(_url(sqlite_engine), target, force=True)


def test_missing_database_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nothing.db"
    assert main(["backup", str(tmp_path / "b.db"), "--db", f"sqlite:///{missing}"]) == EXIT_DATABASE
    assert capsys.readouterr().err.strip() == f"custtui: There is no database file at {missing}."
    assert not missing.exists()  # not created by the attempt


def test_postgresql_gets_pg_dump_advice_without_connecting(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Port 1: nothing listens there, so this passes only if no connection is tried.
    url = "postgresql+psycopg://custtui:secret@127.0.0.1:1/customers?sslmode=require"
    assert main(["backup", str(tmp_path / "customers.dump"), "--db", url]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("custtui: custtui backup copies SQLite databases only. Back up PostgreSQL with pg_dump")
    assert (
        f"pg_dump --format=custom --file={tmp_path / 'customers.dump'} "
        "'postgresql://custtui@127.0.0.1:1/customers?sslmode=require'"
    ) in err
    assert "secret" not in err
    assert not (tmp_path / "customers.dump").exists()


def test_pg_dump_command_quotes_for_the_shell() -> None:
    assert (
        pg_dump_command("postgresql://db.example/klanten", "my backups/klanten.dump")
        == "pg_dump --format=custom '--file=my backups/klanten.dump' postgresql://db.example/klanten"
    )


def test_committed_rows_still_in_the_wal_are_in_the_backup(sqlite_engine: Engine, tmp_path: Path) -> None:
    database = _database_path(sqlite_engine)
    with Session(sqlite_engine) as session:
        admin = _admin(session)
        for number in range(5):
            make_customer(session, admin, f"Klant {number}")
    # The engine's connection stays open: the rows are committed but still
    # in the -wal file, not yet checkpointed into the database file.
    assert Path(f"{database}-wal").stat().st_size > 0
    shutil.copyfile(database, tmp_path / "naive.db")  # what a plain `cp` of the file gets
    assert _count(tmp_path / "naive.db") == 0

    result = backup_database(_url(sqlite_engine), tmp_path / "backup.db")
    assert result.customers == _count(tmp_path / "backup.db") == 5
    assert _integrity(tmp_path / "backup.db") == ["ok"]
    assert not Path(f"{tmp_path / 'backup.db'}-wal").exists()
