"""Alembic migrations: empty to head and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import custtui.models  # noqa: F401
from custtui.db import current_revision, downgrade, head_revision, make_engine, migrate


def test_empty_to_head_matches_the_models(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
            assert diff == []
            assert connection.execute(text("SELECT count(*) FROM region")).scalar_one() == 7
        migrate(engine)  # running again is a no-op
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate(engine)
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate(engine)
        assert "customer" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_sqlite_pragmas_on_every_pooled_connection(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        connections = [engine.connect() for _ in range(3)]  # three distinct pooled connections
        for connection in connections:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
        for connection in connections:
            connection.close()
    finally:
        engine.dispose()
