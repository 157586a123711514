"""merges: merge_record (applied merges and their undo data), duplicate_dismissal ("not a duplicate")

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No foreign keys to customer on purpose: merged customers are deleted
    # afterwards, and the merge history and dismissals must not block that.
    op.create_table('merge_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_login', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('keep_id', sa.Integer(), nullable=False),
    sa.Column('other_ids', sa.JSON(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('undo', sa.JSON(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('merge_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merge_record_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_merge_record_keep_id'), ['keep_id'], unique=False)

    op.create_table('duplicate_dismissal',
    sa.Column('a_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('b_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('user_login', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('a_id < b_id', name='ck_duplicate_dismissal_order'),
    sa.PrimaryKeyConstraint('a_id', 'b_id')
    )


def downgrade() -> None:
    op.drop_table('duplicate_dismissal')
    with op.batch_alter_table('merge_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merge_record_keep_id'))
        batch_op.drop_index(batch_op.f('ix_merge_record_at'))

    op.drop_table('merge_record')
