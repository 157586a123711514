"""change feed: audit_event looked up per record; PostgreSQL announces new events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Every change writes an audit_event row, so the audit trail is the change
feed other users' screens follow (custtui.watch). On PostgreSQL a trigger
sends NOTIFY custtui_changes on each insert: whoever writes (the app, the
CLI, an import) wakes the listeners when the transaction commits. SQLite
has no notifications; its readers poll PRAGMA data_version instead.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_entity', ['entity', 'entity_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            """
            CREATE FUNCTION custtui_announce_change() RETURNS trigger AS $$
            BEGIN
                PERFORM pg_notify('custtui_changes', '');
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        # Per statement: a merge writing many events sends one notification.
        op.execute(
            """
            CREATE TRIGGER custtui_audit_event_announce
            AFTER INSERT ON audit_event
            FOR EACH STATEMENT EXECUTE FUNCTION custtui_announce_change()
            """
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS custtui_audit_event_announce ON audit_event')
        op.execute('DROP FUNCTION IF EXISTS custtui_announce_change()')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_entity')
