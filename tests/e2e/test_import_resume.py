"""`custtui import` killed with SIGKILL at random moments, then `--resume`d: every row exists exactly once.

An import commits batch by batch, each batch with its import record's
progress (services.transfer.importing). Whatever the moment of the kill
(opening the database, building the duplicate index, writing a batch,
committing it), the database holds whole batches, the import record says
which, and `custtui import FILE --resume` creates the rest and nothing
twice: each customer number of the file once, each with its site and
building, two audit events per row, one report row per line.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import POSTGRES_ADMIN_URL, _postgres_unavailable
from sqlalchemy import create_engine, text

ROWS = 1600  # four batches of 500 (services.transfer.BATCH_ROWS) and a last one of 100
SQLITE_TRIALS = 20
POSTGRES_TRIALS = 5


def _file(folder: Path) -> Path:
    """A semicolon CSV with Dutch headers, as a Flemish ERP writes it; each row a different customer."""
    path = folder / "klanten.csv"
    streets = ("Kerkstraat", "Molenstraat", "Stationsstraat", "Dorpsstraat", "Nieuwstraat")
    cities = (("2000", "Antwerpen"), ("9000", "Gent"), ("3000", "Leuven"), ("8000", "Brugge"))
    lines = ["Naam;Klantnummer;Straat;Huisnummer;Postcode;Gemeente"]
    for n in range(ROWS):
        postal, city = cities[n % len(cities)]
        lines.append(f"Klant {n:05d} Verwarming;K{n:05d};{streets[n % 5]};{n + 1};{postal};{city}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _custtui(url: str, *args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "CUSTTUI_DATABASE_URL": url, "CUSTTUI_LANG": "en"}
    return subprocess.Popen(
        [sys.executable, "-m", "custtui", *args], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _run(url: str, *args: str) -> tuple[int, str]:
    process = _custtui(url, *args)
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def _check_each_row_once(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            numbers = connection.execute(
                text("SELECT customer_number, count(*) FROM customer GROUP BY customer_number")
            ).all()
            assert len(numbers) == ROWS and all(count == 1 for _number, count in numbers)
            per_customer = connection.execute(
                text("SELECT count(*) FROM customer c WHERE (SELECT count(*) FROM location l WHERE l.customer_id = c.id) <> 1")
            ).scalar_one()
            assert per_customer == 0, "a customer without its site, or with two"
            buildings = connection.execute(
                text("SELECT count(*) FROM location l WHERE (SELECT count(*) FROM building b WHERE b.location_id = l.id) <> 1")
            ).scalar_one()
            assert buildings == 0, "a site without its building, or with two"
            events = connection.execute(
                text("SELECT count(*) FROM audit_event WHERE action = 'create' AND entity IN ('customer', 'location')")
            ).scalar_one()
            assert events == 2 * ROWS
            runs = connection.execute(text("SELECT id, status, rows_done, created FROM import_run")).all()
            assert len(runs) == 1, runs
            (_id, status, rows_done, created) = runs[0]
            assert (status, rows_done, created) == ("done", ROWS, ROWS)
            outcomes = connection.execute(text("SELECT count(DISTINCT line), count(*) FROM import_row")).one()
            assert tuple(outcomes) == (ROWS, ROWS)
    finally:
        engine.dispose()


def _customers(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM customer")).scalar_one())
    finally:
        engine.dispose()


def _wait_for_a_batch(url: str, process: subprocess.Popen[str]) -> None:
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            with engine.connect() as connection:
                if connection.execute(text("SELECT count(*) FROM import_row")).scalar_one():
                    return
            time.sleep(0.01)
    finally:
        engine.dispose()


def _children(pid: int) -> list[int]:
    """The processes `pid` started (the duplicate check's second process, services.transfer.matching)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
            return [int(child) for child in children.read().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except OSError:
        return False


def _wait_until_ended(pids: list[int], seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


SECOND_PROCESSES_SEEN = [0]  # trials in which the import had started its second process when killed


def _kill_and_resume(url: str, path: Path, rng: random.Random, whole_import: float) -> int:
    """Start the import, SIGKILL it after a random delay, then finish it; the customers in at the kill."""
    code, output = _run(url, "migrate")
    assert code == 0, output
    process = _custtui(url, "import", str(path), "--quiet")
    if rng.random() < 0.5:  # anywhere: opening the database, building the index, writing
        time.sleep(rng.uniform(0.0, whole_import))
    else:  # once rows are being written, whatever this machine's speed
        _wait_for_a_batch(url, process)
        time.sleep(rng.uniform(0.0, 0.3))
    children = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    # Its second process sees its pipe close and ends: nothing is left running after a kill -9.
    SECOND_PROCESSES_SEEN[0] += bool(children)
    assert _wait_until_ended(children) == []
    in_at_kill = _customers(url)
    code, output = _run(url, "import", str(path), "--resume", "--quiet")
    if code != 0 and "No stopped import of this file" in output:
        engine = create_engine(url)
        with engine.connect() as connection:
            runs = connection.execute(text("SELECT status FROM import_run")).scalars().all()
            customers = connection.execute(text("SELECT count(*) FROM customer")).scalar_one()
        engine.dispose()
        if runs == ["done"]:  # it had finished before the kill came
            code = 0
        else:  # killed before its record was written: nothing of it is in
            assert (runs, customers) == ([], 0)
            code, output = _run(url, "import", str(path), "--quiet")
    assert code == 0, output
    _check_each_row_once(url)
    return in_at_kill


def _time_whole_import(url: str, path: Path) -> float:
    code, output = _run(url, "migrate")
    assert code == 0, output
    started = time.perf_counter()
    code, output = _run(url, "import", str(path), "--quiet")
    assert code == 0, output
    return time.perf_counter() - started


def test_sqlite_import_killed_at_random_points_resumes_with_every_row_once(tmp_path: Path) -> None:
    path = _file(tmp_path)
    whole = _time_whole_import(f"sqlite:///{tmp_path / 'timing.db'}", path)
    rng = random.Random(15)
    midway = 0
    SECOND_PROCESSES_SEEN[0] = 0
    for trial in range(SQLITE_TRIALS):
        url = f"sqlite:///{tmp_path / f'trial{trial}.db'}"
        try:
            midway += 0 < _kill_and_resume(url, path, rng, whole) < ROWS
        except AssertionError as error:
            raise AssertionError(f"trial {trial}: {error}") from error
    assert midway >= SQLITE_TRIALS // 4, f"only {midway} kills came while rows were being written"
    if (os.cpu_count() or 1) > 1:  # where the duplicate check has its own process
        assert SECOND_PROCESSES_SEEN[0] >= SQLITE_TRIALS // 4, "the kills missed the duplicate check's process"


@pytest.fixture
def postgres_databases() -> Iterator[list[str]]:
    """Empty databases on the server, one per trial, dropped at the end."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    names = [f"custtui_resume_{uuid.uuid4().hex[:8]}" for _ in range(POSTGRES_TRIALS + 1)]
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server
        admin.dispose()
        _postgres_unavailable(str(error).splitlines()[0])
    yield [admin.url.set(database=name).render_as_string(hide_password=False) for name in names]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
def test_postgres_import_killed_at_random_points_resumes_with_every_row_once(
    tmp_path: Path, postgres_databases: list[str]
) -> None:
    path = _file(tmp_path)
    timing, *trials = postgres_databases
    whole = _time_whole_import(timing, path)
    rng = random.Random(16)
    for trial, url in enumerate(trials):
        try:
            _kill_and_resume(url, path, rng, whole)
        except AssertionError as error:
            raise AssertionError(f"trial {trial}: {error}") from error


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_at_a_batch_and_says_how_to_go_on(tmp_path: Path, signal_number: int) -> None:
    path = _file(tmp_path)
    url = f"sqlite:///{tmp_path / 'stopped.db'}"
    code, output = _run(url, "migrate")
    assert code == 0, output
    process = _custtui(url, "import", str(path), "--report", str(tmp_path / "report.csv"))
    _wait_for_a_batch(url, process)  # the import is under way
    process.send_signal(signal_number)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Stopping after the current batch of rows" in err
    assert "--resume 1" in err and "Stopped after" in err
    stopped = _customers(url)
    assert 0 < stopped < ROWS and stopped % 500 == 0  # whole batches
    with (tmp_path / "report.csv").open(encoding="utf-8") as handle:
        assert sum(1 for _line in handle) == stopped + 1  # the report so far: a line per row done, and the header
    code, output = _run(url, "import", str(path))
    assert code == 1 and "Add --resume" in output  # not the whole file again by mistake
    code, output = _run(url, "import", str(path), "--resume", "--quiet")
    assert code == 0, output
    _check_each_row_once(url)

