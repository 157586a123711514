"""Where the database is and which language to speak: CLI flag > environment > config file > default."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from custtui.i18n import LANGUAGES, _

DATABASE_URL_VARIABLE = "CUSTTUI_DATABASE_URL"


def default_database_path() -> Path:
    return Path(user_data_dir("custtui", appauthor=False)) / "custtui.db"


def default_database_url() -> str:
    return f"sqlite:///{default_database_path()}"


CONFIG_VARIABLE = "CUSTTUI_CONFIG"


def config_path() -> Path:
    """The config file: $CUSTTUI_CONFIG, else config.toml in the platform config folder (may not exist)."""
    override = os.environ.get(CONFIG_VARIABLE)
    return Path(override) if override else Path(user_config_dir("custtui", appauthor=False)) / "config.toml"


@dataclass(frozen=True)
class FileConfig:
    """What the config file says; None where it says nothing."""

    database_url: str | None = None
    language: str | None = None
    theme: str | None = None
    list_columns: tuple[str, ...] | None = None
    keymap: dict[str, str] = field(default_factory=dict)


class ConfigError(Exception):
    """The config file is unusable: one message per fault, each naming the file and line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _line_of(text: str, key: str, table: str | None = None) -> int:
    """The line (1-based) where `key` is set, optionally inside [table]; 1 when not found."""
    current: str | None = None
    pattern = re.compile(r'^\s*(?:"' + re.escape(key) + r'"|\'' + re.escape(key) + r"\'|" + re.escape(key) + r")\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1)
            continue
        if current == table and pattern.match(line):
            return number
    return 1


_TOP_KEYS = ("database_url", "language", "theme", "list_columns", "keymap")


def read_config(
    path: Path | None = None,
    *,
    themes: Collection[str] | None = None,
    columns: Collection[str] | None = None,
    binding_ids: Collection[str] | None = None,
) -> FileConfig:
    """The config file read and checked; FileConfig() when there is none; ConfigError when it is wrong.

    Themes, columns and binding ids are checked when given (they belong to upper layers).
    """
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return FileConfig()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([_("{file}: cannot be read: {error}").format(file=path, error=error)]) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # Python 3.14 gives lineno; before, the message says "(at line 2, column 15)".
        found = re.search(r"at line (\d+)", str(error))
        line = getattr(error, "lineno", None) or (int(found.group(1)) if found else 1)
        raise ConfigError(
            [_("{file}, line {line}: not valid TOML: {error}").format(file=path, line=line, error=error)]
        ) from error
    problems: list[str] = []

    def fault(message: str, key: str, table: str | None = None, **values: object) -> None:
        problems.append(
            _("{file}, line {line}: {problem}").format(
                file=path, line=_line_of(text, key, table), problem=message.format(key=key, **values)
            )
        )

    for key in data:
        if key not in _TOP_KEYS:
            fault(_("unknown setting {key}"), key)

    def string(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            fault(_("{key} must be a text in quotes"), key)
            return None
        return value

    database_url = string("database_url")
    language = string("language")
    if language is not None and language not in LANGUAGES:
        fault(_("unknown language {value} (one of: {choices})"), "language", value=language, choices=", ".join(LANGUAGES))
        language = None
    theme = string("theme")
    if theme is not None and themes is not None and theme not in themes:
        fault(_("unknown theme {value}"), "theme", value=theme)
        theme = None
    list_columns: tuple[str, ...] | None = None
    raw_columns = data.get("list_columns")
    if raw_columns is not None:
        if not isinstance(raw_columns, list) or not all(isinstance(item, str) for item in raw_columns):
            fault(_("{key} must be a list of texts in quotes"), "list_columns")
        else:
            unknown = [item for item in raw_columns if columns is not None and item not in columns and item != "name"]
            for item in unknown:
                fault(_("unknown column {value}"), "list_columns", value=item)
            if not unknown:
                list_columns = tuple(item for item in raw_columns if item != "name")
    keymap: dict[str, str] = {}
    raw_keymap = data.get("keymap")
    if raw_keymap is not None:
        if not isinstance(raw_keymap, Mapping):
            fault(_("{key} must be a table: [keymap]"), "keymap")
        else:
            for binding_id, keys in raw_keymap.items():
                if not isinstance(keys, str):
                    fault(_("the keys for {key} must be a text in quotes"), binding_id, "keymap")
                elif binding_ids is not None and binding_id not in binding_ids:
                    fault(_("unknown binding id {key}"), binding_id, "keymap")
                else:
                    keymap[binding_id] = keys
    if problems:
        raise ConfigError(problems)
    return FileConfig(database_url, language, theme, list_columns, keymap)


_file_config: FileConfig | None = None  # read once per process (see file_config)


def use_file_config(config: FileConfig) -> None:
    """The config file as read and checked at start (cli.main): what every later call sees."""
    global _file_config
    _file_config = config


def file_config() -> FileConfig:
    """The config file: as read at start, else read now (unchecked names, none on a fault)."""
    global _file_config
    if _file_config is None:
        try:
            _file_config = read_config()
        except ConfigError:
            _file_config = FileConfig()  # cli.main refuses to start on it; Alembic's env.py goes on without
    return _file_config


@dataclass(frozen=True)
class Settings:
    database_url: str
    language: str | None = None  # None: the user's own, else the environment's


def load_settings(database_url: str | None = None, language: str | None = None) -> Settings:
    """The database: CLI flag > $CUSTTUI_DATABASE_URL > the config file's database_url > the default file."""
    url = database_url or os.environ.get(DATABASE_URL_VARIABLE) or file_config().database_url or default_database_url()
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
