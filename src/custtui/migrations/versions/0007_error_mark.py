"""the ERROR mark as data: customer.marked_error instead of a word before the name

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

A record merged away or given up by hand used to be marked by the word
ERROR before its name, in the language of whoever marked it (FOUT, ERREUR,
FEHLER). The mark is now a flag; the name stays the customer's name and the
word is put before it when it is shown, in the viewer's language.

Upgrade: a name that starts with the word of any catalog, as a word (case
counts, as services.marks.is_marked_error had it: 'ERROR Bakkerij Peeters',
'FOUT - Bakkerij', not 'Error Solutions BV' nor 'FEHLERFREI GmbH'), gets the
flag and loses the word, with the blanks and dash or colon after it (a name
marked twice by hand loses both words). A name that is the word alone
becomes empty. Downgrade: a flagged record gets 'ERROR ' back before its
name and the column goes.

The words are written out here, not read from the catalogs: a migration
does what it did the day it was written.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The msgstr of "ERROR" in each catalog on the day of this migration (en, nl, fr, de).
ERROR_WORDS = ('ERROR', 'FOUT', 'ERREUR', 'FEHLER')
# What may stand between the word and the name: 'ERROR - Bakkerij', 'FOUT: Bakkerij'.
_SEPARATORS = ' \t:-\u2013\u2014'
NAME_LENGTH = 200

_customer = sa.table(
    'customer',
    sa.column('id', sa.Integer()),
    sa.column('name', sa.String()),
    sa.column('marked_error', sa.Boolean()),
)


def unmarked_name(name: str) -> str | None:
    """'FOUT Bakkerij Peeters' -> 'Bakkerij Peeters'; None when the name carries no mark."""
    rest = name.strip()
    found = False
    while True:
        word = next(
            (w for w in ERROR_WORDS if rest.startswith(w) and (len(rest) == len(w) or not rest[len(w)].isalnum())),
            None,
        )
        if word is None:
            return rest if found else None
        found = True
        rest = rest[len(word) :].lstrip(_SEPARATORS)


def upgrade() -> None:
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marked_error', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_customer_marked_error', ['marked_error'], unique=False)
    bind = op.get_bind()
    # LIKE narrows the rows (case-insensitive on SQLite); unmarked_name decides, case counting.
    candidates = bind.execute(
        sa.select(_customer.c.id, _customer.c.name).where(
            sa.or_(*(_customer.c.name.like(f'%{word}%') for word in ERROR_WORDS))
        )
    ).all()
    for customer_id, name in candidates:
        clean = unmarked_name(name or '')
        if clean is not None:
            bind.execute(
                _customer.update()
                .where(_customer.c.id == customer_id)
                .values(name=clean, marked_error=sa.true())
            )


def downgrade() -> None:
    bind = op.get_bind()
    flagged = bind.execute(sa.select(_customer.c.id, _customer.c.name).where(_customer.c.marked_error)).all()
    for customer_id, name in flagged:
        if unmarked_name(name or '') is None:  # never marked twice
            bind.execute(
                _customer.update()
                .where(_customer.c.id == customer_id)
                .values(name=f'ERROR {name or ""}'.rstrip()[:NAME_LENGTH])
            )
    sqlite = bind.dialect.name == 'sqlite'
    # SQLite drops the column by rebuilding the table: keep AUTOINCREMENT and its counter
    # (ids never reused, migration 0004), which the rebuild would set back to max(id).
    seq = None
    if sqlite:
        seq = bind.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'customer'")).scalar()
    with op.batch_alter_table(
        'customer', schema=None, table_kwargs={'sqlite_autoincrement': True} if sqlite else {}
    ) as batch_op:
        batch_op.drop_index('ix_customer_marked_error')
        batch_op.drop_column('marked_error')
    if sqlite and seq is not None:
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'customer'"))
        bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('customer', :seq)"), {'seq': seq})
