"""The config file: where it is, what it may hold, each fault with its line; it sets what no flag or variable says."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import add_me
from sqlalchemy import Engine
from sqlmodel import Session
from tui_support import fill, running_app, wait_idle

from custtui.cli import EXIT_CONFIG, main
from custtui.config import CONFIG_VARIABLE, ConfigError, FileConfig, config_path, load_settings, read_config
from custtui.db import make_engine, migrate
from custtui.services.customers import LIST_COLUMNS
from custtui.tui.app import CusttuiApp
from custtui.tui.keymap import binding_ids
from custtui.tui.screens.notes import NotesScreen
from custtui.tui.widgets.customer_table import CustomerTable

GOOD = """\
# shared by the office
database_url = "sqlite:////srv/custtui/customers.db"
language = "nl"
theme = "nord"
list_columns = ["city", "phone", "labels"]

[keymap]
"list.search" = "ctrl+f,slash"
"customer.notes" = "N"
"""


def _write(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(CONFIG_VARIABLE, str(path))
    return path


def test_the_path_is_the_variable_or_the_platform_config_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CONFIG_VARIABLE, str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"
    monkeypatch.delenv(CONFIG_VARIABLE)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == tmp_path / "xdg" / "custtui" / "config.toml"


def test_no_file_is_the_defaults(tmp_path: Path) -> None:
    assert read_config(tmp_path / "absent.toml") == FileConfig()


def test_a_good_file_is_read_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, GOOD, monkeypatch)
    config = read_config(path, themes={"nord", "textual-dark"}, columns=LIST_COLUMNS, binding_ids=binding_ids())
    assert config == FileConfig(
        "sqlite:////srv/custtui/customers.db", "nl", "nord", ("city", "phone", "labels"),
        {"list.search": "ctrl+f,slash", "customer.notes": "N"},
    )  # fmt: skip


def test_each_fault_names_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        'langauge = "fr"\ntheme = 3\n\nlist_columns = ["city", "fax"]\nlanguage = "es"\n'
        '[keymap]\n"list.serch" = "ctrl+f"\n"list.new" = 5\n'
    )
    path = _write(tmp_path, text, monkeypatch)
    with pytest.raises(ConfigError) as caught:
        read_config(path, themes={"nord"}, columns=LIST_COLUMNS, binding_ids=binding_ids())
    problems = caught.value.problems
    assert f"{path}, line 1: unknown setting langauge" in problems
    assert f"{path}, line 2: theme must be a text in quotes" in problems
    assert f"{path}, line 5: unknown language es (one of: nl, fr, de, en)" in problems
    assert f"{path}, line 4: unknown column fax" in problems
    assert f"{path}, line 7: unknown binding id list.serch" in problems
    lines = sorted(problem.split(": ", 1)[0] for problem in caught.value.problems)
    assert lines == sorted(f"{path}, line {n}" for n in (1, 2, 4, 5, 7, 8))


def test_text_that_is_not_toml_names_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, 'theme = "nord"\nlanguage = "fr\n', monkeypatch)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert caught.value.problems[0].startswith(f"{path}, line 2: not valid TOML")


def test_the_database_url_flag_beats_the_variable_beats_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, 'database_url = "sqlite:////from/the/file.db"\n', monkeypatch)
    monkeypatch.delenv("CUSTTUI_DATABASE_URL", raising=False)
    assert load_settings().database_url == "sqlite:////from/the/file.db"
    monkeypatch.setenv("CUSTTUI_DATABASE_URL", "sqlite:////from/the/variable.db")
    assert load_settings().database_url == "sqlite:////from/the/variable.db"
    assert load_settings("sqlite:////from/the/flag.db").database_url == "sqlite:////from/the/flag.db"


def test_config_path_and_check_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, GOOD.replace('language = "nl"\n', ""), monkeypatch)  # messages in English
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert main(["config", "check"]) == 0
    assert capsys.readouterr().out.strip() == f"{path}: no faults found."
    path.write_text('theme = "no such theme"\n[keymap]\n"list.serch" = "x"\n', encoding="utf-8")
    assert main(["config", "check"]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert f"{path}, line 1: unknown theme no such theme" in err and f"{path}, line 3: unknown binding id list.serch" in err


def test_config_keys_lists_every_binding_id_with_its_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "keys"]) == 0
    lines = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    assert lines["customer.notes"] == ["w", "Notes"] and lines["list.export"] == ["x", "Export", "shown"]
    assert set(lines) == set(binding_ids())


def test_a_faulty_file_stops_every_command_with_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, 'list_columns = "city"\n', monkeypatch)
    assert main(["users", "list", "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert f"custtui: {path}, line 1: list_columns must be a list of texts in quotes" in err
    assert "custtui config check" in err
    assert not (tmp_path / "x.db").exists()  # nothing was opened


def test_the_database_and_language_of_the_file_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'office.db'}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        add_me(session)
    engine.dispose()
    monkeypatch.delenv("CUSTTUI_DATABASE_URL", raising=False)
    _write(tmp_path, f'database_url = "{url}"\nlanguage = "nl"\n', monkeypatch)
    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "beheerder" in out  # the admin role, in Dutch: the file's language, the file's database


async def test_the_app_takes_the_keymap_theme_and_columns_of_the_file(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    keymap = {"customer.notes": "N", "list.search": "ctrl+f,slash"}
    config = FileConfig(theme="nord", list_columns=("city", "phone"), keymap=keymap)
    app = CusttuiApp(engine=sqlite_engine, user=known.admin, watch_changes=False, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_idle(pilot, app)
        assert app.theme == "nord"
        assert str(app.screen.query_one("#search").placeholder).startswith("^f search")  # type: ignore[attr-defined]
        table = app.screen.query_one(CustomerTable)
        assert table.column_keys == ("city", "phone")
        table.cursor = table.ids.index(known.busy_id)
        await pilot.press("w")  # no longer the notes key
        await wait_idle(pilot, app)
        assert not isinstance(app.screen, NotesScreen)
        await pilot.press("N")
        await wait_idle(pilot, app)
        assert isinstance(app.screen, NotesScreen)


async def test_the_users_own_choices_win_over_the_file(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    known.admin.theme = "dracula"
    known.admin.list_columns = "labels"
    config = FileConfig(theme="nord", list_columns=("city", "phone"))
    async with running_app(sqlite_engine, known.admin, setup=lambda app: setattr(app, "config", config)) as (app, _pilot):
        assert app.theme == "dracula"
        assert app.screen.query_one(CustomerTable).column_keys == ("labels",)
