"""The first admin is set on purpose: by the account that created the database, or `custtui init --admin`.

Never by logging in first, and never twice when first logins race.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, text
from sqlmodel import Session

from custtui.cli import EXIT_REFUSED, EXIT_UNKNOWN_USER, main
from custtui.db import head_revision, make_engine, migrate, run_unit
from custtui.errors import PermissionDenied, UnknownUser, ValidationError
from custtui.models import DatabaseSetting, Role, User
from custtui.services import auth

LOGIN = pwd.getpwuid(os.geteuid()).pw_name
RACE_ROUNDS = 20


def _created_by(engine: Engine, login: str) -> None:
    """As if `login` had created this (migrated, empty) database."""
    with Session(engine) as session:
        session.execute(delete(User))
        session.execute(delete(DatabaseSetting))
        session.add(DatabaseSetting(name=auth.CREATED_BY, value=login))
        session.commit()


def _admins(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(User.login).where(User.role == Role.ADMIN.value)))


def test_the_creator_claims_the_first_admin(engine: Engine) -> None:
    _created_by(engine, "root-ish")
    user = run_unit(engine, lambda session: auth.resolve_user(session, "root-ish"))
    assert user.role == Role.ADMIN
    again = run_unit(engine, lambda session: auth.resolve_user(session, "root-ish"))
    assert again.id == user.id
    assert _admins(engine) == ["root-ish"]


def test_another_first_login_does_not_become_admin(engine: Engine) -> None:
    _created_by(engine, "root-ish")
    with pytest.raises(UnknownUser) as caught:
        run_unit(engine, lambda session: auth.resolve_user(session, "tech"))
    assert "it has no admin yet" in caught.value.message
    assert "custtui init --admin LOGIN" in caught.value.message
    assert _admins(engine) == []
    # The creator still can, afterwards.
    assert run_unit(engine, lambda session: auth.resolve_user(session, "root-ish")).role == Role.ADMIN


def test_a_database_without_a_recorded_creator_needs_init(engine: Engine) -> None:
    # Databases made by an older custtui record no creator: nobody claims by logging in.
    _created_by(engine, "someone")
    with Session(engine) as session:
        session.execute(delete(DatabaseSetting))
        session.commit()
    with pytest.raises(UnknownUser):
        run_unit(engine, lambda session: auth.resolve_user(session, "someone"))
    admin = run_unit(engine, lambda session: auth.init_admin(session, "anna", "someone"))
    assert admin.role == Role.ADMIN
    with pytest.raises(ValidationError) as caught:
        run_unit(engine, lambda session: auth.init_admin(session, "mallory", "mallory"))
    assert "already has an admin" in caught.value.message
    assert _admins(engine) == ["anna"]


def _race(engine: Engine, claims: list[tuple[str, str]]) -> list[object]:
    """Run every (kind, login) claim at once, each in its own thread and unit of work."""
    barrier = threading.Barrier(len(claims))
    outcomes: list[object] = [None] * len(claims)

    def claim(index: int, kind: str, login: str) -> None:
        def work(session: Session) -> User:
            if kind == "init":
                return auth.init_admin(session, login, login)
            return auth.resolve_user(session, login)

        barrier.wait()
        try:
            outcomes[index] = run_unit(engine, work).login
        except (UnknownUser, ValidationError) as refused:
            outcomes[index] = type(refused).__name__

    threads = [threading.Thread(target=claim, args=(i, kind, login)) for i, (kind, login) in enumerate(claims)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_first_logins_at_once_make_one_admin(engine: Engine) -> None:
    for _round in range(RACE_ROUNDS):
        _created_by(engine, "owner")
        outcomes = _race(
            engine,
            [("login", "owner"), ("login", "owner"), ("login", "tech"), ("init", "bob"), ("init", "carol")],
        )
        admins = _admins(engine)
        assert len(admins) == 1, (admins, outcomes)
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(User)) == 1
        (admin,) = admins
        assert outcomes[2] == "UnknownUser"  # never the technician who came first
        if admin == "owner":
            assert outcomes[:2] == ["owner", "owner"]  # the second waited, then found the admin
            assert outcomes[3:] == ["ValidationError", "ValidationError"]
        else:
            assert admin in ("bob", "carol")
            assert outcomes.count(admin) == 1


def test_migrate_needs_an_admin_once_users_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    migrate(engine, "0003")
    with engine.begin() as connection:  # as revision 0003 has them
        connection.execute(
            text("INSERT INTO app_user (login, display_name, role, created_at) VALUES (:login, '', :role, '2026-11-30')"),
            [{"login": LOGIN, "role": Role.TECHNICIAN.value}, {"login": "anna", "role": Role.ADMIN.value}],
        )
    # Neither `custtui migrate` nor the start that would upgrade lets a technician change the schema.
    assert main(["migrate", "--db", url]) == EXIT_REFUSED
    assert "Only an admin may upgrade the database schema" in capsys.readouterr().err
    assert main(["users", "list", "--db", url]) == EXIT_REFUSED
    with Session(engine) as session:
        with pytest.raises(PermissionDenied):
            auth.check_may_change_schema(session, LOGIN)
        with pytest.raises(UnknownUser):
            auth.check_may_change_schema(session, "stranger")
        auth.check_may_change_schema(session, "anna")
        session.execute(text("UPDATE app_user SET role = 'admin' WHERE login = :login"), {"login": LOGIN})
        session.commit()
    assert main(["migrate", "--db", url]) == 0
    assert f"Database schema at revision {head_revision()}." in capsys.readouterr().out
    engine.dispose()


def test_deploy_steps_root_migrates_then_adds_technicians(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # deploy/README.md: the administrator's account creates the database and becomes its admin.
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert main(["migrate", "--db", url]) == 0
    assert main(["users", "add", "tech", "--role", "technician", "--db", url]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--db", url]) == 0
    listed = capsys.readouterr().out
    assert f"{LOGIN:<20} admin" in listed and "tech" in listed


def test_init_names_the_first_admin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["init", "--admin", "anna", "--db", url]) == 0
    assert "anna is its first admin" in capsys.readouterr().out
    # The account that ran init created the database, but anna is the admin: it is not a user.
    assert main(["users", "list", "--db", url]) == EXIT_UNKNOWN_USER
    assert main(["init", "--admin", "bob", "--db", url]) == EXIT_REFUSED
    assert "already has an admin" in capsys.readouterr().err


def _cli(*args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "CUSTTUI_LANG": "en"}
    environment.pop("CUSTTUI_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "custtui", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environment,
    )


@pytest.mark.slow
def test_first_logins_in_processes_at_once_make_one_admin(tmp_path: Path) -> None:
    for round_ in range(5):
        url = f"sqlite:///{tmp_path / f'race{round_}.db'}"
        assert main(["migrate", "--db", url]) == 0  # created by this account
        processes = [
            _cli("users", "list", "--db", url), _cli("users", "list", "--db", url), _cli("init", "--admin", "bob", "--db", url)
        ]
        results = [(process.wait(120), process.stdout.read(), process.stderr.read()) for process in processes]  # type: ignore[union-attr]
        for _code, _out, err in results:  # a login that is no user may be refused: only no crash
            assert "Traceback" not in err
            assert "database is locked" not in err
        engine = make_engine(url)
        admins = _admins(engine)
        engine.dispose()
        assert len(admins) == 1, results
        if admins == [LOGIN]:
            assert [code for code, _o, _e in results] == [0, 0, EXIT_REFUSED], results
        else:
            assert admins == ["bob"]
            assert [code for code, _o, _e in results] == [EXIT_UNKNOWN_USER, EXIT_UNKNOWN_USER, 0], results
