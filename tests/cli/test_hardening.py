"""Hardening: private files, terminal-safe output, ids never reused, masked passwords, restore, no accidental databases."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import make_customer, make_location
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import Session

from custtui.cli import EXIT_DATABASE, EXIT_REFUSED, main
from custtui.db import make_engine
from custtui.errors import ValidationError
from custtui.models import Location, Role, User
from custtui.safetext import json_for_terminal, terminal_safe
from custtui.services import customers, history, labels
from custtui.services.customers import CustomerInput

# What a terminal would obey: C0 (but line feed), DEL, C1, bidi embeddings,
# overrides and isolates, the Arabic letter mark, line/paragraph separators.
OBEYED = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u061c\u2028\u2029]")
HOSTILE = [
    "\x1b]0;owned\x07",  # window title
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 link
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52 clipboard
    "\x1b[2J\x1b[31m",  # CSI
    "\x9b31m",  # C1 CSI
    "Peeters \u202egnitaeH\u202c",  # right-to-left override
    "\u2066isolate\u2069 and \u2067rtl\u2069",
    "two\u2028lines\u2029",
    "bell\x07 back\x08space\rcarriage",
]


def _environment(**extra: str) -> dict[str, str]:
    environment = {**os.environ, "CUSTTUI_LANG": "en", **extra}
    environment.pop("CUSTTUI_DATABASE_URL", None)
    return environment


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- 5. private files ------------------------------------------------------------


@pytest.mark.slow
def test_default_data_folder_and_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    # A shell umask of 022 (the usual one) would make 0755 folders and 0644 files.
    script = textwrap.dedent(
        """
        import os, stat, sys
        os.umask(0o022)
        from custtui.cli import main
        from custtui.config import default_database_path
        assert main(["demo", "--customers", "20"]) == 0
        path = default_database_path()
        from custtui.db import make_engine
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as connection:  # open: the -wal and -shm files exist now
            connection.exec_driver_sql("UPDATE customer SET name = name WHERE id = 1")
            modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in [path.parent, *path.parent.iterdir()]}
        assert main(["backup", str(path.parent / "copy.db")]) == 0
        modes["copy.db"] = oct(stat.S_IMODE((path.parent / "copy.db").stat().st_mode))
        print(modes)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
        env=_environment(XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    modes = eval(result.stdout.strip().splitlines()[-1])
    assert modes == {
        "custtui": "0o700", "custtui.db": "0o600", "custtui.db-wal": "0o600", "custtui.db-shm": "0o600",
        "copy.db": "0o600",
    }


def test_an_existing_default_folder_is_made_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CUSTTUI_DATABASE_URL", raising=False)
    folder = tmp_path / "data" / "custtui"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)
    assert main(["migrate"]) == 0
    assert _mode(folder) == 0o700


def test_a_database_others_can_read_gives_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "shared.db"
    assert main(["migrate", "--db", f"sqlite:///{path}"]) == 0
    capsys.readouterr()
    path.chmod(0o644)
    assert main(["migrate", "--db", f"sqlite:///{path}"]) == 0
    err = capsys.readouterr().err
    assert f"warning: every user of this machine can read {path}" in err
    assert f"chmod o-rwx {path}" in err
    path.chmod(0o660)  # a team's group may share it (deploy/README.md)
    assert main(["migrate", "--db", f"sqlite:///{path}"]) == 0
    assert "warning" not in capsys.readouterr().err


# --- 6. terminal-safe output ------------------------------------------------------


def test_terminal_safe_makes_every_control_visible() -> None:
    for hostile in HOSTILE:
        shown = terminal_safe(hostile)
        assert not OBEYED.search(shown), repr(shown)
        # Character for character: each one a terminal would obey is now U+FFFD (a line separator a
        # blank), and nothing else changed.
        changed = [(was, now) for was, now in zip(hostile, shown, strict=True) if was != now]
        assert changed and all(OBEYED.match(was) and now in ("\N{REPLACEMENT CHARACTER}", " ") for was, now in changed), changed
    assert terminal_safe("Anaïs Dubois – Liège ✓ مرحبا") == "Anaïs Dubois – Liège ✓ مرحبا"
    assert json_for_terminal({"name": "a\u202eb\x9b"}) == '{\n "name": "a\\u202eb\\u009b"\n}'


@pytest.mark.parametrize("hostile", ["Peeters \u202egnitaeH", "x\u2066y", "two\u2028lines", "a\u2029b"])
def test_names_with_direction_controls_are_refused(session: Session, admin: User, hostile: str) -> None:
    with pytest.raises(ValidationError) as caught:
        customers.create_customer(session, admin, CustomerInput(name=hostile, region_code="BE-VLG"))
    assert caught.value.errors["name"] == "Text-direction control characters and line separators are not allowed."
    with pytest.raises(ValidationError):
        labels.create_label(session, admin, hostile, "red", "attention")
    # Names in right-to-left scripts need none of them.
    assert customers.create_customer(session, admin, CustomerInput(name="مطعم الزيتون", region_code="BE-BRU")).id


@pytest.fixture
def legacy_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, Engine]:
    """A database whose names hold what validation refuses today (legacy data, other tools)."""
    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    assert main(["demo", "--customers", "200", "--db", url]) == 0
    assert main(["merge", "1", "2", "--yes", "--db", url]) == 0
    capsys.readouterr()
    engine = make_engine(url)
    with Session(engine) as session:
        session.add(User(login="evil", display_name="x", role=Role.TECHNICIAN.value))
        session.commit()
    yield url, engine
    engine.dispose()


def _legacy(engine: Engine, hostile: str) -> None:
    """Put `hostile` into names of duplicate pairs, a merged record, a user, as other tools could have."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE customer SET name = :name || name WHERE id IN (SELECT id FROM customer)"),
                           {"name": hostile})
        connection.execute(text("UPDATE app_user SET display_name = :name WHERE login = 'evil'"), {"name": hostile})
        for merge_id, plan in connection.execute(text("SELECT id, plan FROM merge_record")).all():
            plan = json.loads(plan) if isinstance(plan, str) else plan
            plan["names"] = {key: hostile + name for key, name in plan["names"].items()}
            connection.execute(text("UPDATE merge_record SET plan = :plan WHERE id = :id"),
                               {"plan": json.dumps(plan), "id": merge_id})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile=st.sampled_from(HOSTILE) | st.text(
    alphabet=st.sampled_from(["\x1b", "]", "[", "\x07", "\x9b", "\u202e", "\u2066", "\u2028", "\r", "\x00", "a", ";"]),
    min_size=1, max_size=20,
))
def test_cli_outputs_never_pass_controls(
    legacy_database: tuple[str, Engine], hostile: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url, engine = legacy_database
    _legacy(engine, hostile)
    outputs = []
    for args in (
        ["duplicates", "--db", url],
        ["duplicates", "--format", "json", "--db", url],
        ["duplicates", "--format", "csv", "--db", url],
        ["users", "list", "--db", url],
        ["merges", "--db", url],
    ):
        assert main(args) == 0
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    # An import file with a hostile header cell and a hostile row.
    hostile_file = tmp_path / "hostile.csv"
    with hostile_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "region", hostile.replace("\x00", "") or "x"])
        writer.writerow([hostile.replace("\x00", ""), "BE-VLG", "1"])
    main(["import", str(hostile_file), "--db", url])
    captured = capsys.readouterr()
    outputs.append(captured.out + captured.err)
    for output in outputs:
        # CSV ends its records with CRLF (RFC 4180): that one carriage return is the format's own.
        assert not OBEYED.search(output.replace("\r\n", "\n")), repr(output[:300])


def test_merge_list_and_its_names_are_safe(legacy_database: tuple[str, Engine], capsys: pytest.CaptureFixture[str]) -> None:
    url, engine = legacy_database
    _legacy(engine, "\x1b]0;owned\x07\u202e")
    assert main(["merges", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "owned" in out and not OBEYED.search(out)


# --- 7. ids never reused ----------------------------------------------------------


def test_a_new_record_never_gets_a_deleted_ones_id_or_history(session: Session, admin: User) -> None:
    first = make_customer(session, admin, "Deleted Customer bv", vat_number="BE0417497106", email="old@example.be")
    labels.assign_label(session, admin, first.id, labels.create_label(session, admin, "Dog", "red", "attention").id)
    session.commit()
    location = make_location(session, admin, first)
    first_id, location_id = first.id, location.id
    customers.delete_customer(session, admin, first_id)
    session.commit()
    second = make_customer(session, admin, "New Customer nv")
    assert second.id != first_id
    assert [entry.action for entry in history.customer_history(session, second.id)] == ["create"]
    again = make_location(session, admin, second)
    assert again.id != location_id
    assert session.get(Location, again.id) is not None


def test_the_upgrade_keeps_ids_above_every_deleted_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Deleted before the upgrade: the audit log still names id 9, so 9 is never handed out again.
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    from custtui.db import migrate

    migrate(engine, "0003")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO customer (id, name, region_code, created_at, updated_at, version) "
            "VALUES (3, 'Kept', 'NL', '2026-01-01', '2026-01-01', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO audit_event (at, user_login, entity, entity_id, action) "
            "VALUES ('2026-01-01', 'u', 'customer', 9, 'delete')"
        )
    migrate(engine)
    with Session(engine) as session:
        admin = User(login="upgrade-admin", role=Role.ADMIN.value)
        session.add(admin)
        session.commit()
        created = make_customer(session, admin, "After the upgrade")
        assert created.id == 10
        assert customers.get_customer(session, 3).name == "Kept"
    engine.dispose()


# --- 8. masked secrets -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:S3cret@127.0.0.1:54x/db",  # does not parse: the port
        "postgresql://u:S3cret@127.0.0.1:1/db",  # nothing listens
        "nosuchdb://u:S3cret@host/db",
        "postgresql://u:S3cret@[bad/db",
    ],
)
def test_a_password_in_the_url_is_never_shown(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", url, "migrate"])
    assert code in (EXIT_DATABASE, EXIT_REFUSED)
    err = capsys.readouterr().err
    assert "S3cret" not in err
    assert "***" in err


def test_masked_url_keeps_the_rest() -> None:
    from custtui.config import mask_secrets, masked_url

    assert masked_url("postgresql://anna:p%40ss:w@db:5432/custtui") == "postgresql://anna:***@db:5432/custtui"
    assert masked_url("postgresql://anna@db/custtui") == "postgresql://anna@db/custtui"
    assert masked_url("sqlite:////srv/c.db") == "sqlite:////srv/c.db"
    assert mask_secrets("password=hunter22 failed", "postgresql://a:hunter22@h/d") == "password=*** failed"


# --- 9. restore -----------------------------------------------------------------------

_HOLD_AND_DIE = """
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA wal_autocheckpoint=0")
for round in range(50):
    connection.execute("UPDATE customer SET name = name || '.' WHERE id <= 20")
connection.execute("INSERT INTO customer (name, region_code, created_at, updated_at, version) "
                   "SELECT name || ' (new)', region_code, created_at, updated_at, 1 FROM customer")
os.kill(os.getpid(), 9)
"""


@pytest.fixture
def stale_wal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """A database with a backup copied over it while the -wal of later work was left beside it."""
    path, backup = tmp_path / "c.db", tmp_path / "backup.db"
    url = f"sqlite:///{path}"
    assert main(["demo", "--customers", "40", "--db", url]) == 0
    assert main(["backup", str(backup), "--db", url]) == 0
    capsys.readouterr()
    subprocess.run([sys.executable, "-c", _HOLD_AND_DIE, str(path)], timeout=60)  # killed: its -wal stays
    assert Path(f"{path}-wal").stat().st_size > 0
    shutil.copy(backup, path)
    return path, backup


def test_a_wal_that_does_not_belong_is_refused_before_anything_writes(
    stale_wal: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _backup = stale_wal
    files = {p.name: p.read_bytes() for p in path.parent.glob("c.db*")}
    assert main(["users", "list", "--db", f"sqlite:///{path}"]) == EXIT_DATABASE
    err = capsys.readouterr().err
    assert "beside the database does not belong to it" in err and "custtui restore BACKUP" in err
    assert {p.name: p.read_bytes() for p in path.parent.glob("c.db*")} == files  # nothing written


def test_restore_puts_the_backup_back_whole(stale_wal: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    path, backup = stale_wal
    url = f"sqlite:///{path}"
    assert main(["restore", str(backup), "--db", url]) == 0
    assert "Restored 40 customers from" in capsys.readouterr().out
    assert not Path(f"{path}-wal").exists()
    assert _mode(path) == 0o600
    assert main(["users", "list", "--db", url]) == 0
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT count(*) FROM customer").fetchone()[0] == 40
    finally:
        connection.close()


def test_restore_is_refused_while_the_database_is_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, backup = tmp_path / "busy.db", tmp_path / "b.db"
    url = f"sqlite:///{path}"
    assert main(["demo", "--customers", "10", "--db", url]) == 0
    assert main(["backup", str(backup), "--db", url]) == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
                "c.execute('SELECT count(*) FROM customer').fetchone(); print('open', flush=True); time.sleep(60)"
            ),
            str(path),
        ],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        capsys.readouterr()
        assert main(["restore", str(backup), "--db", url]) == EXIT_REFUSED
        assert "is in use: stop every custtui that uses it" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert main(["restore", str(backup), "--db", url]) == 0


def test_restore_refuses_a_damaged_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, backup = tmp_path / "d.db", tmp_path / "broken.db"
    url = f"sqlite:///{path}"
    assert main(["migrate", "--db", url]) == 0
    backup.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    before = path.read_bytes()
    assert main(["restore", str(backup), "--db", url]) in (EXIT_DATABASE, EXIT_REFUSED)
    assert "nothing was restored" in capsys.readouterr().err
    assert path.read_bytes() == before


# --- 10. nothing created by mistake -----------------------------------------------------


def test_a_database_in_a_missing_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nonexistent" / "x.db"
    assert main(["--db", f"sqlite:///{missing}", "migrate"]) == EXIT_DATABASE
    assert f"The folder {missing.parent} of the database does not exist" in capsys.readouterr().err
    assert not missing.parent.exists()


def test_the_default_data_folder_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "fresh"))
    monkeypatch.delenv("CUSTTUI_DATABASE_URL", raising=False)
    assert main(["migrate"]) == 0
    assert (tmp_path / "fresh" / "custtui" / "custtui.db").is_file()
    assert _mode(tmp_path / "fresh" / "custtui") == 0o700
