"""The import rules of pyproject.toml's [tool.importlinter], checked with the suite.

The layers (cli, tui, services, models, i18n) import only downwards; screens
never import each other (they post Navigate; tui.router opens the screen);
the tui package has no import cycle; nothing below the user interface
imports Textual, rich or custtui.tui; screens and widgets import no
SQLAlchemy, SQLModel or custtui.db themselves (they call services).
Also ruff ([tool.ruff]) and mypy ([tool.mypy]) on the sources.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports is not None, "import-linter is part of the test extra"
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_undefined_or_unused_names() -> None:
    """ruff's pyflakes rules ([tool.ruff.lint]): a name used but never defined fails at run time only."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff is not None, "ruff is part of the test extra"
    result = subprocess.run(
        [ruff, "check", "src", "tests", "benchmarks", "scripts"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_types_check() -> None:
    """mypy ([tool.mypy]): strict on services, models, db and errors, the basic checks everywhere else."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_the_import_check_process_loads_no_database() -> None:
    """duplicates.drafts, the import's second process (transfer.matching), holds the index only: without
    SQLAlchemy, SQLModel and the models it starts some 40 MB smaller (import of 200,000 rows: ≤ 300 MB in all)."""
    code = "import json, sys; import custtui.services.duplicates.drafts; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    loaded = set(json.loads(result.stdout))
    assert not {"sqlalchemy", "sqlmodel", "pydantic", "custtui.models", "custtui.db"} & loaded
