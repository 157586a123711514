"""Database faults at startup: one line on stderr, exit code 2, no traceback.

A full disk, a read-only or damaged file, a server that is down; the same
faults in the running app are in tests/tui/test_faults.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fault_support import damage, tmpfs
from sqlalchemy import Engine, event

from custtui.cli import EXIT_DATABASE, main


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CUSTTUI_LANG": "en"}
    environment.pop("CUSTTUI_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "custtui", *args], capture_output=True, text=True, env=environment, timeout=60, check=False
    )


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- a full disk ---------------------------------------------------------------


def test_disk_full_at_startup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The migrations cannot write a new database: one line, exit code 2."""
    import custtui.db

    make = custtui.db.make_engine

    def tiny_disk_engine(url: str, **kwargs: Any) -> Engine:
        engine = make(url, **kwargs)
        event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA max_page_count = 3"))
        return engine

    monkeypatch.setattr(custtui.db, "make_engine", tiny_disk_engine)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["users", "list", "--db", url]) == EXIT_DATABASE
    line = one_error_line(capsys.readouterr().err)
    assert line == f"custtui: The disk of the database {url} is full: free some space, then try again."


def test_full_tmpfs_at_startup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "disk", "96k") as disk:
        url = f"sqlite:///{disk / 'custtui.db'}"
        assert main(["migrate", "--db", url]) == EXIT_DATABASE
        assert one_error_line(capsys.readouterr().err).endswith("is full: free some space, then try again.")


# --- a read-only database ----------------------------------------------------------


def test_read_only_database_at_startup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A database that still needs its schema, opened read-only: the migrations cannot run."""
    (tmp_path / "empty.db").touch()
    url = f"sqlite:///file:{tmp_path / 'empty.db'}?mode=ro&uri=true"
    assert main(["--db", url, "users", "list"]) == EXIT_DATABASE
    assert one_error_line(capsys.readouterr().err) == f"custtui: The database {url} is read-only: custtui needs to write to it."


def test_read_only_file_system_at_startup(tmp_path: Path, sqlite_template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Really read-only (a read-only mount stops root too): the file, then a new file in the folder."""
    with tmpfs(tmp_path / "disk", "4m") as disk:
        shutil.copy(sqlite_template, disk / "custtui.db")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        url = f"sqlite:///{disk / 'custtui.db'}"
        assert main(["users", "list", "--db", url]) == EXIT_DATABASE
        assert (
            one_error_line(capsys.readouterr().err) == f"custtui: The database {url} is read-only: custtui needs to write to it."
        )
        url = f"sqlite:///{disk / 'new.db'}"
        assert main(["users", "list", "--db", url]) == EXIT_DATABASE
        assert one_error_line(capsys.readouterr().err).startswith(f"custtui: The folder of the database {url} is read-only")


# --- a damaged database ---------------------------------------------------------


@pytest.mark.parametrize("how", ["garbage", "header", "truncated"])
def test_damaged_database_at_startup(how: str, tmp_path: Path, sqlite_template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "custtui.db"
    shutil.copy(sqlite_template, path)
    damage(path, how)
    url = f"sqlite:///{path}"
    assert main(["--db", url, "users", "list"]) == EXIT_DATABASE
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"custtui: The database file {url} is damaged or is not a custtui database (")
    assert line.endswith("Restore the last backup: copy the backup file over it (custtui backup --help tells how).")


def test_damaged_database_at_startup_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "custtui.db"
    path.write_bytes(b"This is a spreadsheet, not a database.\n" * 200)
    result = run_cli("--db", f"sqlite:///{path}")
    assert result.returncode == EXIT_DATABASE
    assert "is damaged or is not a custtui database (file is not a database)" in one_error_line(result.stderr)


# --- a database server that is down ---------------------------------------


def test_server_down_at_startup(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql://custtui@127.0.0.1:{port}/custtui"
    assert main(["--db", url, "users", "list"]) == EXIT_DATABASE
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(
        f"custtui: Cannot use the database {url}: cannot reach the database server at 127.0.0.1:{port} ("
    )
    assert "Connection refused" in line


def test_server_down_at_startup_in_a_real_process() -> None:
    port = free_port()
    result = run_cli("--db", f"postgresql://custtui:secret@127.0.0.1:{port}/custtui")
    assert result.returncode == EXIT_DATABASE
    line = one_error_line(result.stderr)
    assert f"cannot reach the database server at 127.0.0.1:{port}" in line
    assert "secret" not in line

