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

The merges keep customer rows to undo them (merge_record.undo: the rows
before the merge, and the deleted records): those rows get the flag the same
way, so undoing a merge made before this upgrade restores the flag, not a
word. Their plans keep the names at planning time: those lose the word too,
and the plan lists the records that carried it ('marked'). The audit trail is
left as it was written.

The words are written out here, not read from the catalogs: a migration
does what it did the day it was written.
"""

import copy
from collections.abc import Sequence
from typing import Any

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
_merge_record = sa.table(
    'merge_record',
    sa.column('id', sa.Integer()),
    sa.column('plan', sa.JSON()),
    sa.column('undo', sa.JSON()),
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


def _stored_rows(undo: dict[str, Any]) -> list[dict[str, Any]]:
    """The customer rows a merge's undo data holds (see services.merge)."""
    rows = [undo.get('keep', {}).get('before')]
    rows += [other.get('before') for other in (undo.get('others') or {}).values()]
    rows += [deleted.get('customer') for deleted in (undo.get('deleted') or {}).values()]
    return [row for row in rows if isinstance(row, dict) and 'name' in row]


def _flag_merge_records(bind: sa.Connection) -> None:
    for merge_id, plan, undo in bind.execute(sa.select(_merge_record.c.id, _merge_record.c.plan, _merge_record.c.undo)).all():
        plan, undo = copy.deepcopy(plan or {}), copy.deepcopy(undo or {})
        for row in _stored_rows(undo):
            clean = unmarked_name(row['name'] or '')
            row['marked_error'] = clean is not None
            if clean is not None:
                row['name'] = clean
        names = plan.get('names') or {}
        marked = []
        for key, name in names.items():
            clean = unmarked_name(name or '')
            if clean is not None:
                names[key] = clean
                marked.append(int(key))
        plan['marked'] = sorted(marked)
        bind.execute(_merge_record.update().where(_merge_record.c.id == merge_id).values(plan=plan, undo=undo))


def _unflag_merge_records(bind: sa.Connection) -> None:
    for merge_id, plan, undo in bind.execute(sa.select(_merge_record.c.id, _merge_record.c.plan, _merge_record.c.undo)).all():
        plan, undo = copy.deepcopy(plan or {}), copy.deepcopy(undo or {})
        for row in _stored_rows(undo):
            if row.pop('marked_error', False) and unmarked_name(row['name'] or '') is None:
                row['name'] = f"ERROR {row['name'] or ''}".rstrip()[:NAME_LENGTH]
        names = plan.get('names') or {}
        for cid in plan.pop('marked', []):
            name = names.get(str(cid))
            if name is not None and unmarked_name(name) is None:
                names[str(cid)] = f'ERROR {name}'.rstrip()[:NAME_LENGTH]
        bind.execute(_merge_record.update().where(_merge_record.c.id == merge_id).values(plan=plan, undo=undo))


def upgrade() -> None:
    # A literal default: with an expression (sa.false()) Alembic would rebuild SQLite's table, and lose
    # its AUTOINCREMENT (migration 0004); SQLite's ALTER TABLE ADD COLUMN takes '0' as it is.
    default = '0' if op.get_bind().dialect.name == 'sqlite' else sa.false()
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marked_error', sa.Boolean(), server_default=default, nullable=False))
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
    _flag_merge_records(bind)


def downgrade() -> None:
    bind = op.get_bind()
    _unflag_merge_records(bind)
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
