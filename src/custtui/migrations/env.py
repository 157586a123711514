"""Alembic environment: runs on the connection custtui.db hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import custtui.models  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from custtui.config import load_settings  # noqa: PLC0415 - Alembic runs this file; the app is imported only when it does
        from custtui.db import make_engine  # noqa: PLC0415 - Alembic runs this file; the app is imported only when it does

        url = config.get_main_option("sqlalchemy.url") or load_settings().database_url
        with make_engine(url).begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("custtui migrations run online only")
run_migrations()
