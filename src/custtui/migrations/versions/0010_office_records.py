"""an office's records: contacts, the notes journal, saved filters, recent customers

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

contact: the people to reach at a customer, optionally at one of its sites.
journal_note: dated notes per user on a customer and a site; each
customer's and site's notes field becomes its first entry, dated with the
record's last change and signed 'custtui' (the field itself is dropped by
a later revision, once nothing reads it). saved_filter and recent_customer
belong to one user each.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATION_LOGIN = 'custtui'


def upgrade() -> None:
    op.create_table(
        'contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('mobile', sa.String(length=40), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('language', sa.String(length=2), nullable=True),
        sa.Column('notes', sa.String(length=1000), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id']),
        sa.ForeignKeyConstraint(['location_id'], ['location.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_contact_customer_id', 'contact', ['customer_id'])
    op.create_index('ix_contact_location_id', 'contact', ['location_id'])
    op.create_table(
        'journal_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_login', sa.String(length=64), nullable=False),
        sa.Column('text', sa.String(length=4000), nullable=False),
        sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id']),
        sa.ForeignKeyConstraint(['location_id'], ['location.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_journal_note_customer_at', 'journal_note', ['customer_id', 'at'])
    op.create_index('ix_journal_note_location_id', 'journal_note', ['location_id'])
    op.create_table(
        'saved_filter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_login', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('spec', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_login', 'name', name='uq_saved_filter_user_name'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_saved_filter_user_login', 'saved_filter', ['user_login'])
    op.create_table(
        'recent_customer',
        sa.Column('user_login', sa.String(length=64), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_login', 'customer_id'),
    )
    op.create_index('ix_recent_customer_at', 'recent_customer', ['at'])

    # The notes fields become the journal's first entries (one INSERT ... SELECT each).
    op.execute(
        sa.text(
            "INSERT INTO journal_note (customer_id, location_id, at, user_login, text) "
            "SELECT id, NULL, updated_at, :login, notes FROM customer "
            "WHERE notes IS NOT NULL AND TRIM(notes) <> '' ORDER BY id"
        ).bindparams(login=MIGRATION_LOGIN)
    )
    op.execute(
        sa.text(
            "INSERT INTO journal_note (customer_id, location_id, at, user_login, text) "
            "SELECT customer_id, id, updated_at, :login, notes FROM location "
            "WHERE notes IS NOT NULL AND TRIM(notes) <> '' ORDER BY id"
        ).bindparams(login=MIGRATION_LOGIN)
    )


def downgrade() -> None:
    op.drop_index('ix_recent_customer_at', table_name='recent_customer')
    op.drop_table('recent_customer')
    op.drop_index('ix_saved_filter_user_login', table_name='saved_filter')
    op.drop_table('saved_filter')
    op.drop_index('ix_journal_note_location_id', table_name='journal_note')
    op.drop_index('ix_journal_note_customer_at', table_name='journal_note')
    op.drop_table('journal_note')
    op.drop_index('ix_contact_location_id', table_name='contact')
    op.drop_index('ix_contact_customer_id', table_name='contact')
    op.drop_table('contact')
