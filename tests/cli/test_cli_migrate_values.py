"""Upgrading a database prints what migration 0008 could not normalise (alembic's logger swallows it otherwise)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from custtui.db import head_revision, make_engine, migrate


def _database_at_0007(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine, "0007", creator=None)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO customer (id, name, region_code, phone, email, created_at, updated_at, version, marked_error) "
            "VALUES (1, 'Klant', 'BE-VLG', '12 34', 'Jan@Example.BE', '2026-01-01', '2026-01-01', 1, 0)"))  # fmt: skip
    engine.dispose()
    return url


def test_the_upgrade_says_which_values_it_kept_as_they_were(tmp_path: Path) -> None:
    url = _database_at_0007(tmp_path / "old.db")
    environment = {**os.environ, "CUSTTUI_LANG": "en"}
    environment.pop("CUSTTUI_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "custtui", "--db", url, "migrate"], capture_output=True, text=True, env=environment,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Database schema at revision {head_revision()}." in done.stdout
    lines = done.stderr.splitlines()
    refused = 'custtui: customer 1, Phone "12 34" kept as it was: Not a phone number (digits, spaces and + . / ( ) -, '
    assert refused + "6 to 15 digits)." in lines
    assert "custtui: 1 stored value could not be normalised and was kept as it was (see above)." in lines
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT phone, email FROM customer")).one() == ("12 34", "Jan@example.be")
    engine.dispose()
