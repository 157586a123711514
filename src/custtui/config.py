"""Where the database is and which language to speak: CLI flag > environment > default."""

from __future__ import annotations

import os
import re
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


# --- secrets in database URLs ------------------------------------------------

# scheme://user:PASSWORD@host... also when the rest of the URL does not parse
# (a typo in the port), so found with a pattern rather than make_url.
_URL_PASSWORD = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@?#]*:)(?P<password>[^@]*)(?P<tail>@.*)$", re.DOTALL)
MASK = "***"


def url_password(url: str) -> str | None:
    match = _URL_PASSWORD.match(url)
    return match.group("password") if match and match.group("password") else None


def masked_url(url: str) -> str:
    """The URL as shown in messages and logs: as typed, with its password as ***."""
    match = _URL_PASSWORD.match(url)
    if not match or not match.group("password"):
        return url
    return f"{match.group('head')}{MASK}{match.group('tail')}"


def mask_secrets(text: str, url: str) -> str:
    """`text` with the URL's password masked wherever it appears (driver errors may quote it)."""
    password = url_password(url)
    text = text.replace(url, masked_url(url))
    if password and len(password) >= 3:
        text = text.replace(password, MASK)
    return text


# --- private files -------------------------------------------------------------

PRIVATE_UMASK = 0o077


def ensure_default_folder(url: str) -> None:
    """Create the default data folder (0700) when `url` is the default database; any other folder must exist."""
    if url != default_database_url():
        return
    folder = default_database_path().parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077 and folder.stat().st_uid == os.geteuid():
        folder.chmod(0o700)  # made by an older custtui, as 0755


def readable_by_others(path: Path) -> list[Path]:
    """The database file and its -wal/-shm/-journal companions that every local user can read.

    Group access is left alone: a team sharing one SQLite file over SSH gives
    it to its group on purpose (deploy/README.md).
    """
    exposed = []
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        try:
            if candidate.stat().st_mode & 0o004:
                exposed.append(candidate)
        except OSError:
            continue
    return exposed
