"""The command line: subcommands, help, and errors as messages (never tracebacks)."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from custtui import __version__
from custtui.cli import EXIT_DATABASE, EXIT_UNKNOWN_USER, main
from custtui.db import head_revision, make_engine, migrate
from custtui.models import User
from custtui.services.auth import list_users

LOGIN = pwd.getpwuid(os.geteuid()).pw_name


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CUSTTUI_LANG": "en", **(env or {})}
    if "CUSTTUI_DATABASE_URL" not in (env or {}):
        environment.pop("CUSTTUI_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "custtui", *args], capture_output=True, text=True, env=environment, cwd=cwd, timeout=120
    )


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"custtui {__version__}"


@pytest.mark.parametrize(
    "command", [[], ["run"], ["demo"], ["migrate"], ["users"], ["users", "add"], ["users", "list"], ["users", "remove"]]
)
def test_help_for_each_subcommand(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([*command, "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: custtui")
    assert "--db URL" in out


def test_migrate_creates_the_schema(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--db", db_url]) == 0
    assert f"Database schema at revision {head_revision()}." in capsys.readouterr().out


def test_database_url_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CUSTTUI_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert main(["migrate"]) == 0
    assert (tmp_path / "env.db").exists()


def test_first_user_is_admin_then_manages_users(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "list", "--db", db_url]) == 0
    assert LOGIN in capsys.readouterr().out
    assert main(["users", "add", "jpeeters", "--role", "office", "--name", "Jan Peeters", "--db", db_url]) == 0
    assert capsys.readouterr().out.strip() == "Added jpeeters as office."
    assert main(["--db", db_url, "users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "jpeeters" in listing and "Jan Peeters" in listing
    assert main(["users", "remove", "jpeeters", "--db", db_url]) == 0
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert [u.login for u in list_users(session)] == [LOGIN]
    engine.dispose()


def test_refusal_is_a_message_with_exit_1(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "bad login!", "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("custtui: login: A login is letters")


def test_unknown_user_exits_3(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)
    with Session(engine) as session:
        session.add(User(login="someone-else", role="admin"))
        session.commit()
    engine.dispose()
    result = run_cli("users", "list", "--db", db_url)
    assert result.returncode == EXIT_UNKNOWN_USER
    assert f"User '{LOGIN}' is not allowed to use this database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "Not a database URL: not a url"),
        ("nosuchdb://x/y", "Cannot use database URL nosuchdb://x/y"),
        ("postgresql://postgres@127.0.0.1:1/test", "Cannot use the database postgresql://postgres@127.0.0.1:1/test"),
        ("postgresql://u:secret@127.0.0.1:1/test", "postgresql://u:***@127.0.0.1:1/test"),
    ],
)
def test_bad_or_unreachable_database(url: str, message: str) -> None:
    result = run_cli("migrate", "--db", url)
    assert result.returncode == EXIT_DATABASE
    assert message in result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr


def test_read_only_database_file(db_url: str, tmp_path: Path) -> None:
    assert main(["migrate", "--db", db_url]) == 0
    # A read-only open (root ignores file modes, so ask SQLite for read-only).
    read_only = f"sqlite:///file:{tmp_path / 'cli.db'}?mode=ro&uri=true"
    result = run_cli("users", "add", "newbie", "--db", read_only)
    assert result.returncode == EXIT_DATABASE
    assert "is read-only: custtui needs to write to it." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("empty_database_url", ["postgres"], indirect=True)
def test_postgres_url_through_psycopg(empty_database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A database of its own: on one with users (the shared test database), migrate needs an admin.
    plain = empty_database_url.replace("postgresql+psycopg://", "postgresql://")
    assert main(["migrate", "--db", plain]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out


def test_help_speaks_the_chosen_language(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CUSTTUI_LANG", "fr")
    with pytest.raises(SystemExit):
        main(["users", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation\u00a0: custtui users")
    assert "ajouter un utilisateur" in out
    # argparse's headings get their colon from the catalog ("options :" in French), not from argparse.
    from custtui.i18n import _

    for heading in ("positional arguments", "options"):
        assert f"\n{_('{heading}:').format(heading=_(heading))}\n" in out


def test_argparse_errors_speak_the_language_without_pythons_quotes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CUSTTUI_LANG", "fr")
    with pytest.raises(SystemExit) as caught:
        main(["users", "add", "someone", "--role", "boss"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("utilisation\u00a0: custtui users add")
    assert "boss (" in err and "'boss'" not in err and "'admin'" not in err
    with pytest.raises(SystemExit):
        main(["demo", "--customers", "many"])
    err = capsys.readouterr().err
    assert "parse" not in err and "'many'" not in err
    from custtui.i18n import _

    assert _("must be a whole number") in err


def test_every_message_argparse_can_show_is_in_the_catalogs() -> None:
    """argparse's own words, looked up through our catalogs, are marked in cli.ARGPARSE_MESSAGES."""
    import argparse
    import ast

    from custtui.cli import ARGPARSE_MESSAGES

    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    used = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    }  # fmt: skip
    # Mistakes of the program that wrote the parser, not of the user typing a command; and words our
    # _Parser says itself (invalid choices) or never shows (types of its own, no subcommand titles).
    not_for_users = {
        ".__call__() not defined", "conflicting subparser: %s", "conflicting subparser alias: %s",
        "cannot merge actions - two groups are named %r", "'required' is an invalid argument for positionals",
        "dest= is required for options like %r", "invalid conflict_resolution value: %r",
        "mutually exclusive arguments must be optional", "cannot have multiple subparser arguments", "subcommands",
        "%r is not callable", "invalid %(type)s value: %(value)r", "invalid choice: %(value)r (choose from %(choices)s)",
        "unknown parser %(parser_name)r (choices: %(choices)s)", 'argument "-" with mode %r',
        "can't open '%(filename)s': %(error)s", "unexpected option string: %s", "one of the arguments %s is required",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    }  # fmt: skip
    assert "usage: " in used
    missing = used - set(ARGPARSE_MESSAGES) - not_for_users
    assert not missing


def test_demo_data_language_defaults_to_the_interface_language(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from types import SimpleNamespace

    import custtui.demo

    asked: list[str | None] = []

    def generate_demo(engine: object, **options: object) -> SimpleNamespace:
        asked.append(options.get("language"))  # type: ignore[arg-type]
        return SimpleNamespace(customers=1, locations=2, installations=3, missions=4, duplicates={}, seconds=0.25)

    monkeypatch.setattr(custtui.demo, "generate_demo", generate_demo)
    assert main(["demo", "--db", db_url, "--quiet", "--language", "de"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Added 1 customer, 2 locations, 3 installations, 4 missions and 0 deliberate duplicates in 0.2 s."
    )
    monkeypatch.setenv("CUSTTUI_LANG", "fr")
    assert main(["demo", "--db", f"{db_url}-2", "--quiet"]) == 0
    assert asked == ["de", "fr"]
    assert "0,2" in capsys.readouterr().out  # the seconds in French


def test_postgres_without_its_driver_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """psycopg is the postgres extra: without it, a PostgreSQL URL says what to install, not a traceback."""
    import sys

    from custtui.errors import DatabaseUnusable

    for name in [module for module in sys.modules if module == "psycopg" or module.startswith("psycopg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ModuleNotFoundError
    with pytest.raises(DatabaseUnusable, match=r"custtui\[postgres\]"):
        make_engine("postgresql://custtui@dbserver/custtui")
