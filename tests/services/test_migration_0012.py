"""Migration 0012: each customer, site and installation gets its creator from the audit trail; labels get assign_role."""

from __future__ import annotations

from sqlalchemy import inspect, text

from custtui.db import downgrade, make_engine, migrate

NOW = "2026-01-01 00:00:00"


def test_creators_come_from_the_audit_trail_and_go_on_downgrade(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate(engine, "0011")
        with engine.begin() as connection:
            for cid in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO customer (id, name, region_code, created_at, updated_at, version, marked_error) "
                        "VALUES (:id, :name, 'BE-VLG', :now, :now, 1, :false)"
                    ),
                    {"id": cid, "name": f"Klant {cid}", "now": NOW, "false": False},
                )
            connection.execute(
                text(
                    "INSERT INTO location (id, customer_id, name, street, number, postal_code, city, country, "
                    "region_code, created_at, updated_at) "
                    "VALUES (7, 1, '', 'Kerkstraat', '1', '9000', 'Gent', 'BE', 'BE-VLG', :now, :now)"
                ),
                {"now": NOW},
            )
            events = [
                ("olivier", "customer", 1, "create"),
                ("tom", "customer", 1, "update"),  # a change: not who created it
                ("tom", "location", 7, "create"),
                ("alice", "location", 1, "create"),  # another entity's id 1
                # Customer 2: no create event (written in SQL): nobody's.
            ]
            for login, entity, entity_id, action in events:
                connection.execute(
                    text(
                        "INSERT INTO audit_event (at, user_login, entity, entity_id, action) "
                        "VALUES (:now, :login, :entity, :id, :action)"
                    ),
                    {"now": NOW, "login": login, "entity": entity, "id": entity_id, "action": action},
                )
        migrate(engine)
        with engine.connect() as connection:
            customers = connection.execute(text("SELECT id, created_by FROM customer ORDER BY id")).all()
            sites = connection.execute(text("SELECT id, created_by FROM location ORDER BY id")).all()
            roles = connection.execute(text("SELECT assign_role FROM label")).all()
        assert [tuple(row) for row in customers] == [(1, "olivier"), (2, None)]
        assert [tuple(row) for row in sites] == [(7, "tom")]
        assert roles == []
        downgrade(engine, "0011")
        columns = {table: {c["name"] for c in inspect(engine).get_columns(table)} for table in ("customer", "label")}
        assert "created_by" not in columns["customer"] and "assign_role" not in columns["label"]
    finally:
        engine.dispose()
