"""owner and ids never reused: database_setting (who created the database); AUTOINCREMENT on SQLite

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

SQLite hands out the highest id plus one, so after deleting the newest
customer the next one got its id back, and with it the deleted record's
history and audit trail. AUTOINCREMENT tables never reuse an id: every
table whose rows the audit log names is rebuilt with it (data kept), and
its counter starts above every id the audit log has ever seen, so ids
deleted before this upgrade are not handed out again either. PostgreSQL's
sequences never go back; nothing changes there.

database_setting holds one row per setting; 'created_by' is the login that
created the database, the only one that may claim its first admin.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> the entity name its rows have in audit_event (None: not audited by id)
AUDITED_TABLES = {
    'label': 'label',
    'customer': 'customer',
    'location': 'location',
    'building': 'building',
    'installation': 'installation',
    'mission': 'mission',
    'app_user': 'user',
    'merge_record': 'merge',
    'audit_event': None,
}


def upgrade() -> None:
    op.create_table(
        'database_setting',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    for table, entity in AUDITED_TABLES.items():
        with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': True}):
            pass
        highest = bind.exec_driver_sql(f'SELECT max(id) FROM "{table}"').scalar() or 0
        if entity is not None:
            seen = bind.execute(
                sa.text('SELECT max(entity_id) FROM audit_event WHERE entity = :entity'), {'entity': entity}
            ).scalar()
            highest = max(highest, seen or 0)
        bind.execute(sa.text('DELETE FROM sqlite_sequence WHERE name = :table'), {'table': table})
        if highest:
            bind.execute(
                sa.text('INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)'),
                {'table': table, 'seq': highest},
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table in AUDITED_TABLES:
            with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': False}):
                pass
    op.drop_table('database_setting')
