"""The start: a database at the head revision is opened with one SELECT, and nothing loads what the list does not need.

Alembic decides whenever the revision is not the head one (a new database, an
older revision): those paths are tested with the migrations and the CLI.
"""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import event, text

from custtui.cli import main
from custtui.db import (
    MIGRATIONS_FOLDER,
    current_revision,
    head_revision,
    head_revision_of_files,
    make_engine,
    migrate,
    schema_is_current,
)
from custtui.models import Role

LOGIN = pwd.getpwuid(os.geteuid()).pw_name
OLDER = "0007"


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert head_revision_of_files() == head_revision()
    assert head_revision_of_files() is not None
    # Every migration file counts: the parser and Alembic see the same chain.
    assert len(list(MIGRATIONS_FOLDER.glob("[0-9]*.py"))) >= 8


def _migration(folder: Path, name: str, revision: str, down: str) -> None:
    (folder / name).write_text(
        textwrap.dedent(
            f'''\
            """A migration."""
            from collections.abc import Sequence

            revision: str = {revision}
            down_revision: str | Sequence[str] | None = {down}  # the one before
            branch_labels = None


            def upgrade() -> None:
                revision = "not this one"  # indented: not the module's
            '''
        ),
        encoding="utf-8",
    )


def test_the_head_of_a_chain_of_files(tmp_path: Path) -> None:
    _migration(tmp_path, "a.py", "'a1'", "None")
    _migration(tmp_path, "b.py", '"b2"', "'a1'")
    _migration(tmp_path, "c.py", "'c3'", "'b2'")
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "notes.txt").write_text("revision = 'zzz'\n")
    assert head_revision_of_files(tmp_path) == "c3"


def test_the_head_after_branches_merge(tmp_path: Path) -> None:
    _migration(tmp_path, "a.py", "'a'", "None")
    _migration(tmp_path, "b.py", "'b'", "'a'")
    _migration(tmp_path, "c.py", "'c'", "'a'")
    _migration(tmp_path, "m.py", "'m'", "('b', 'c')")
    assert head_revision_of_files(tmp_path) == "m"


@pytest.mark.parametrize(
    "files",
    [
        [],  # no migrations
        [("a.py", "'a'", "None"), ("b.py", "'b'", "'a'"), ("c.py", "'c'", "'a'")],  # two heads
        [("a.py", "'a'", "None"), ("b.py", "'b'", "'x'")],  # a parent no file has
        [("a.py", "'a'", "None"), ("b.py", "'a'", "'a'")],  # a revision twice
        [("a.py", "'a'", "None"), ("b.py", "REVISION", "'a'")],  # not a literal
        [("a.py", "'a'", "None"), ("b.py", "f'{x}'", "'a'")],
        [("a.py", "'a'", "None"), ("b.py", "'b'", "1")],
    ],
)
def test_no_head_when_the_files_do_not_tell_for_sure(tmp_path: Path, files: list[tuple[str, str, str]]) -> None:
    for name, revision, down in files:
        _migration(tmp_path, name, revision, down)
    assert head_revision_of_files(tmp_path) is None


def test_no_head_from_a_file_without_its_revision_line(tmp_path: Path) -> None:
    _migration(tmp_path, "a.py", "'a'", "None")
    (tmp_path / "b.py").write_text("from alembic import op\n\nREVISION = 'b'\n")
    assert head_revision_of_files(tmp_path) is None


def test_schema_is_current_only_at_the_head(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        assert not schema_is_current(engine)  # new, empty
        migrate(engine, OLDER)
        assert not schema_is_current(engine)
        migrate(engine)
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        assert schema_is_current(engine)
        assert statements == ["SELECT version_num FROM alembic_version"]
        with engine.begin() as connection:  # a revision of a newer custtui
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        assert not schema_is_current(engine)
    finally:
        engine.dispose()


def test_schema_is_current_fails_on_what_alembic_would_fail_on(tmp_path: Path) -> None:
    # Not a database at all: the error of opening it, as current_revision meets it, not a False.
    path = tmp_path / "text.db"
    path.write_text("these are not the pages of a SQLite database " * 200)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(Exception, match="not a database") as caught:
            schema_is_current(engine)
        with pytest.raises(type(caught.value)):
            current_revision(engine)
    finally:
        engine.dispose()


_OPEN_AND_REPORT = """
import json, sys
from custtui.cli import _open_database, _build_parser
from custtui.db import run_unit
from custtui.services.auth import current_user
engine = _open_database(_build_parser().parse_args(["--db", sys.argv[1]]))
user = run_unit(engine, current_user)
engine.dispose()
print(json.dumps({"user": user.login, "modules": sorted(sys.modules)}))
"""


def _open_in_a_new_process(url: str) -> dict[str, object]:
    environment = {**os.environ, "CUSTTUI_LANG": "en"}
    environment.pop("CUSTTUI_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_REPORT, url], capture_output=True, text=True, env=environment, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_start_at_the_head_revision_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.db'}"
    assert main(["users", "list", "--db", url]) == 0  # created, migrated, the creator its admin
    opened = _open_in_a_new_process(url)
    assert opened["user"] == LOGIN
    modules = opened["modules"]
    assert isinstance(modules, list)
    assert "alembic" not in modules and "custtui.db" in modules
    # Nor libraries the list does not need before it is shown (numpy: the indexes, built afterwards). Babel's
    # dates are not on this list: its catalog compiler, which a source checkout runs (no .mo files), needs them.
    assert not {"numpy", "rapidfuzz", "openpyxl", "babel.support", "mako"} & set(modules)


def test_a_start_at_an_older_revision_still_upgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'older.db'}"
    engine = make_engine(url)
    try:
        migrate(engine, OLDER, creator=LOGIN)
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO app_user (login, display_name, role, created_at) VALUES (:login, '', :role, '2026-11-30')"),
                {"login": LOGIN, "role": Role.ADMIN.value},
            )
        opened = _open_in_a_new_process(url)
        assert opened["user"] == LOGIN
        assert "alembic" in opened["modules"]  # type: ignore[operator]
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_a_new_database_is_created_at_the_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert _open_in_a_new_process(url)["user"] == LOGIN  # its creator, the first admin
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
        assert schema_is_current(engine)
    finally:
        engine.dispose()
