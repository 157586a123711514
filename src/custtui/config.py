"""Where the database is and which language to speak: CLI flag > environment > default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

DATABASE_URL_VARIABLE = "CUSTTUI_DATABASE_URL"


def default_database_path() -> Path:
    return Path(user_data_dir("custtui", appauthor=False)) / "custtui.db"


def default_database_url() -> str:
    return f"sqlite:///{default_database_path()}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    language: str | None = None  # None: the user's own, else the environment's


def load_settings(database_url: str | None = None, language: str | None = None) -> Settings:
    url = database_url or os.environ.get(DATABASE_URL_VARIABLE) or default_database_url()
    return Settings(database_url=url, language=language)
