"""imports that can be resumed: tables import_run and import_row

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

An import commits its rows batch by batch, each batch together with its
import_run's progress and its rows' outcomes (import_row), so that a stopped
or killed import can go on where it stopped (custtui import --resume).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'import_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('user_login', sa.String(length=64), nullable=False),
        sa.Column('file_name', sa.String(length=400), nullable=False),
        sa.Column('file_digest', sa.String(length=64), nullable=False),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('last_line', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('duplicates', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('errors', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_import_run_file_digest', 'import_run', ['file_digest'])
    op.create_table(
        'import_row',
        sa.Column('import_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('duplicate_of', sa.Integer(), nullable=True),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('warning', sa.Boolean(), nullable=False),
        sa.Column('message', sa.String(length=4000), nullable=False),
        sa.ForeignKeyConstraint(['import_id'], ['import_run.id']),
        sa.PrimaryKeyConstraint('import_id', 'line'),
    )


def downgrade() -> None:
    op.drop_table('import_row')
    op.drop_index('ix_import_run_file_digest', table_name='import_run')
    op.drop_table('import_run')
