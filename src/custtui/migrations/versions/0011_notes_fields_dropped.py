"""the customer's and the site's notes fields dropped: the notes journal holds them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

0010 made each notes field the journal's first entry. What was written in
a field since (an import, the demo, an older custtui on the same database)
becomes an entry too, unless the journal holds that very text already; then
the fields go. Downgrade adds them back, each holding the record's oldest
entry written by this migration or by 0010 (signed 'custtui').
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATION_LOGIN = 'custtui'


def upgrade() -> None:
    op.execute(
        sa.text(
            "INSERT INTO journal_note (customer_id, location_id, at, user_login, text) "
            "SELECT c.id, NULL, c.updated_at, :login, c.notes FROM customer c "
            "WHERE c.notes IS NOT NULL AND TRIM(c.notes) <> '' AND NOT EXISTS ("
            "SELECT 1 FROM journal_note j WHERE j.customer_id = c.id AND j.location_id IS NULL AND j.text = c.notes) "
            "ORDER BY c.id"
        ).bindparams(login=MIGRATION_LOGIN)
    )
    op.execute(
        sa.text(
            "INSERT INTO journal_note (customer_id, location_id, at, user_login, text) "
            "SELECT l.customer_id, l.id, l.updated_at, :login, l.notes FROM location l "
            "WHERE l.notes IS NOT NULL AND TRIM(l.notes) <> '' AND NOT EXISTS ("
            "SELECT 1 FROM journal_note j WHERE j.location_id = l.id AND j.text = l.notes) "
            "ORDER BY l.id"
        ).bindparams(login=MIGRATION_LOGIN)
    )
    # A plain ALTER TABLE on both databases (SQLite 3.35 and later): no table rebuilt.
    op.execute("ALTER TABLE customer DROP COLUMN notes")
    op.execute("ALTER TABLE location DROP COLUMN notes")


def downgrade() -> None:
    op.add_column('customer', sa.Column('notes', sa.String(length=4000), nullable=True))
    op.add_column('location', sa.Column('notes', sa.String(length=4000), nullable=True))
    op.execute(
        sa.text(
            "UPDATE customer SET notes = (SELECT j.text FROM journal_note j WHERE j.customer_id = customer.id "
            "AND j.location_id IS NULL AND j.user_login = :login ORDER BY j.id LIMIT 1)"
        ).bindparams(login=MIGRATION_LOGIN)
    )
    op.execute(
        sa.text(
            "UPDATE location SET notes = (SELECT j.text FROM journal_note j WHERE j.location_id = location.id "
            "AND j.user_login = :login ORDER BY j.id LIMIT 1)"
        ).bindparams(login=MIGRATION_LOGIN)
    )
