"""who created each customer, site and installation; which roles may set a label

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

customer.created_by, location.created_by and installation.created_by hold
the login that created the record: a database set so that technicians edit
only what they created (database_setting 'technician_edits' = 'own', see
services.permissions) reads it. Upgrade fills them from the audit trail,
whose 'create' event names the login of every record made by custtui (the
form, an import, the demo); the latest such event of an id is the record's
own. A record without one (written by hand in SQL) keeps NULL: nobody's,
so a technician may not edit it under that setting.

label.assign_role: the least role that may put the label on a customer or
take it off ('office': office and admins; 'admin': admins only); NULL, as
every label gets here: every role that labels.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORDS = ('customer', 'location', 'installation')  # each table is its audit entity's name


def upgrade() -> None:
    for table in RECORDS:
        op.add_column(table, sa.Column('created_by', sa.String(length=64), nullable=True))
        op.execute(
            sa.text(
                f"UPDATE {table} SET created_by = (SELECT a.user_login FROM audit_event a "
                f"WHERE a.entity = :entity AND a.entity_id = {table}.id AND a.action = 'create' "
                "ORDER BY a.id DESC LIMIT 1)"
            ).bindparams(entity=table)
        )
    op.add_column('label', sa.Column('assign_role', sa.String(length=20), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE on both databases (SQLite 3.35 and later): no table rebuilt.
    op.execute("ALTER TABLE label DROP COLUMN assign_role")
    for table in reversed(RECORDS):
        op.execute(f"ALTER TABLE {table} DROP COLUMN created_by")
    op.execute("DELETE FROM database_setting WHERE name = 'technician_edits'")
