"""The wheel: built, installed in a fresh virtual environment, run from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_installs_and_runs_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("custtui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "custtui/styles/app.tcss" in names
    assert "custtui/locales/custtui.pot" in names
    assert "custtui/locales/fr/LC_MESSAGES/custtui.po" in names
    assert "custtui/migrations/versions/0001_initial_schema.py" in names
    for language in ("nl", "fr", "de", "en"):  # compiled at build time, never committed
        assert f"custtui/locales/{language}/LC_MESSAGES/custtui.mo" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], check=True, capture_output=True, timeout=600
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {
        key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "CUSTTUI_DATABASE_URL", "VIRTUAL_ENV")
    }
    environment["CUSTTUI_LANG"] = "en"
    custtui = str(venv / "bin" / "custtui")

    version = subprocess.run([custtui, "--version"], capture_output=True, text=True, cwd=elsewhere, env=environment, timeout=60)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("custtui ")

    demo = subprocess.run(
        [custtui, "demo", "--customers", "50", "--db", f"sqlite:///{elsewhere / 'demo.db'}"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=environment,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    assert "Added 50 customers" in demo.stdout

    # Installed without the postgres extra: SQLite works (above); a PostgreSQL URL says what to install.
    postgres = subprocess.run(
        [custtui, "--db", "postgresql://custtui@127.0.0.1/test", "users", "list"],
        capture_output=True, text=True, cwd=elsewhere, env=environment, timeout=60,
    )
    assert postgres.returncode != 0
    assert "custtui[postgres]" in postgres.stderr and "Traceback" not in postgres.stderr, postgres.stderr

    # The compiled French catalog speaks from the installed package.
    french = subprocess.run(
        [custtui, "--help"], capture_output=True, text=True, cwd=elsewhere, env={**environment, "CUSTTUI_LANG": "fr"}, timeout=60
    )
    assert "Gestion des clients pour les entreprises de chauffage" in " ".join(french.stdout.split()), french.stdout

    # Styles and catalogs come from inside the installed package, not the checkout.
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "from custtui.resources import resource_dir; print(resource_dir('styles'))"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=environment,
        timeout=60,
    )
    styles = Path(where.stdout.strip())
    assert styles.is_relative_to(venv)
    assert (styles / "app.tcss").is_file()
