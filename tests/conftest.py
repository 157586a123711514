"""Fixtures: the same service tests run on SQLite and on PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (CUSTTUI_TEST_POSTGRES_URL to
change it). Where it cannot be reached the PostgreSQL tests skip, except
under CI=true, where a skip would hide a failure, so they fail instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ci_policy import IN_CI
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel

from custtui.db import make_engine, migrate
from custtui.i18n import set_language
from custtui.models import Role, User

POSTGRES_ADMIN_URL = os.environ.get("CUSTTUI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Reference data kept between tests; everything else is emptied.
_KEEP_TABLES = {"region", "alembic_version"}


def _postgres_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable: {reason}")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh, empty database on the server for this test run, dropped at the end."""
    name = f"custtui_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server
        admin.dispose()
        _postgres_unavailable(str(error).splitlines()[0])
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_server_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_server_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _empty_postgres(engine: Engine) -> None:
    tables = [t.name for t in SQLModel.metadata.sorted_tables if t.name not in _KEEP_TABLES]
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database (regions only) on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "custtui.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
    else:
        engine = request.getfixturevalue("postgres_engine")
        _empty_postgres(engine)
        yield engine


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    path = tmp_path / "custtui.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def fresh_sqlite(tmp_path: Path, sqlite_template: Path) -> Iterator[Callable[[str], Engine]]:
    """Make as many fresh migrated SQLite databases as a test needs."""
    engines: list[Engine] = []

    def make(name: str) -> Engine:
        path = tmp_path / f"{name}.db"
        shutil.copy(sqlite_template, path)
        engine = make_engine(f"sqlite:///{path}")
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(autouse=True)
def no_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads the developer's own config file: $CUSTTUI_CONFIG names one that does not exist."""
    import custtui.config

    monkeypatch.setenv("CUSTTUI_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setattr(custtui.config, "_file_config", None)
    yield


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests assert English messages and en_GB formats, whatever LANG says."""
    for variable in ("LC_ALL", "LC_TIME", "LC_MESSAGES", "LANG", "CUSTTUI_LANG"):
        monkeypatch.delenv(variable, raising=False)
    set_language("en")
    yield
    set_language("en")


def _user(session: Session, login: str, role: Role) -> User:
    user = User(login=login, display_name=login.title(), role=role.value)
    session.add(user)
    session.commit()
    return user


@pytest.fixture
def admin(session: Session) -> User:
    return _user(session, "alice", Role.ADMIN)


@pytest.fixture
def office(session: Session) -> User:
    return _user(session, "olivier", Role.OFFICE)


@pytest.fixture
def technician(session: Session) -> User:
    return _user(session, "tom", Role.TECHNICIAN)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables at all, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"custtui_empty_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001
        admin.dispose()
        _postgres_unavailable(str(error).splitlines()[0])
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
