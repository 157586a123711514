"""normalised values: phones E.164, VAT numbers compact, e-mail addresses, postal codes and countries

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Values stored before custtui normalised them (issue 14) are brought to the
form the app now stores, through services.normalise and services.validation,
the functions the forms and the import use:

* customer.phone, location.phone: E.164 ("+3234567890", ";ext=12"), a
  national number read in the customer's country (its region) or the site's;
* customer.vat_number: compact with its prefix ("BE0403170701");
* customer.email: email-validator's form (domain in lower case);
* location.country: its ISO 3166 code ("België" -> "BE"; empty -> "BE");
* location.postal_code: "1234 AB" in the Netherlands, "1234" for "L-1234".

A value those checks refuse is kept as it was: a warning names each one
(the record, the field, the value and why) and one more gives their count,
through alembic's logger, which custtui prints when it upgrades a database.

Each value changed is kept as it was typed in the table value_as_typed,
with what it became. The downgrade writes the typed value back wherever the
value is still what the upgrade made of it (a value edited since stays), and
drops the table.

Set-based: the rows are read with one SELECT per table, the new values
written to value_as_typed in batches, and each column updated from there in
one UPDATE; no ORM object per row. A later change of how values are stored
is a migration of its own: this one stores what the normaliser of its day
stores.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from custtui.i18n import _, ngettext
from custtui.safetext import terminal_safe
from custtui.services import normalise, validation

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger('alembic.runtime.migration')
BATCH = 5000

_value_as_typed = sa.table(
    'value_as_typed',
    sa.column('table_name', sa.String()),
    sa.column('column_name', sa.String()),
    sa.column('row_id', sa.Integer()),
    sa.column('original', sa.String()),
    sa.column('normalised', sa.String()),
)
_customer = sa.table(
    'customer',
    sa.column('id', sa.Integer()),
    sa.column('region_code', sa.String()),
    sa.column('phone', sa.String()),
    sa.column('vat_number', sa.String()),
    sa.column('email', sa.String()),
)
_location = sa.table(
    'location',
    sa.column('id', sa.Integer()),
    sa.column('country', sa.String()),
    sa.column('postal_code', sa.String()),
    sa.column('phone', sa.String()),
)
_TABLES = {'customer': _customer, 'location': _location}
_COLUMNS = (
    ('customer', 'phone'), ('customer', 'vat_number'), ('customer', 'email'),
    ('location', 'country'), ('location', 'postal_code'), ('location', 'phone'),
)

# A check: (value, country) -> (normalised, None) or (None, why it is refused).
Check = Callable[[str, str], tuple[str | None, str | None]]


def _with_errors(check: Callable[[str, dict[str, str], str], str | None]) -> Check:
    def run(value: str, country: str) -> tuple[str | None, str | None]:
        errors: dict[str, str] = {}
        normalised = check(value, errors, country)
        return (None, next(iter(errors.values()))) if errors else (normalised, None)

    return run


def _phone(value: str, errors: dict[str, str], country: str) -> str | None:
    return validation.check_phone(value, errors, country=country)


def _vat(value: str, errors: dict[str, str], country: str) -> str | None:
    compact = normalise.compact_vat(value, country)
    validation.check_vat(compact, errors)
    return compact


def _email(value: str, errors: dict[str, str], _country: str) -> str | None:
    return validation.check_email(value, errors)


def _country(value: str, errors: dict[str, str], _country: str) -> str | None:
    return validation.check_country(value, errors)


def _postal_code(value: str, errors: dict[str, str], country: str) -> str | None:
    return validation.check_postal_code(value, country, errors)


_CHECKS: dict[str, Check] = {
    'phone': _with_errors(_phone),
    'vat_number': _with_errors(_vat),
    'email': _with_errors(_email),
    'country': _with_errors(_country),
    'postal_code': _with_errors(_postal_code),
}


def _field_title(column: str) -> str:
    return {
        'phone': _('Phone'), 'vat_number': _('VAT'), 'email': _('E-mail'), 'country': _('Country'),
        'postal_code': _('Postal code'),
    }[column]


def _warn(table: str, row_id: int, column: str, value: str, reason: str) -> None:
    values = {'id': row_id, 'field': _field_title(column), 'value': terminal_safe(value), 'reason': reason}
    if table == 'customer':
        log.warning(_('custtui: customer {id}, {field} "{value}" kept as it was: {reason}').format(**values))
    else:
        log.warning(_('custtui: location {id}, {field} "{value}" kept as it was: {reason}').format(**values))


class _Changes:
    """The values to change, written to value_as_typed in batches, and the values refused."""

    def __init__(self, bind: sa.Connection) -> None:
        self.bind = bind
        self.pending: list[dict[str, Any]] = []
        self.changed = 0
        self.refused = 0

    def normalise(self, table: str, row_id: int, column: str, value: str | None, country: str) -> str | None:
        """The value as it is now stored (as it was when refused); None stays None."""
        if value is None:
            return None
        if not value.strip() and column != 'country':
            return value
        normalised, reason = _CHECKS[column](value if value.strip() else 'BE', country)
        if normalised is None:
            self.refused += 1
            _warn(table, row_id, column, value, reason or '')
            return value
        if normalised != value:
            self.pending.append(
                {'table_name': table, 'column_name': column, 'row_id': row_id, 'original': value, 'normalised': normalised}
            )
            if len(self.pending) >= BATCH:
                self.flush()
        return normalised

    def flush(self) -> None:
        if self.pending:
            self.bind.execute(_value_as_typed.insert(), self.pending)
            self.changed += len(self.pending)
            self.pending = []


def _copy(table: str, column: str, source: str) -> None:
    """Set `column` of `table` from value_as_typed's `source` (normalised or original), in one UPDATE."""
    target = _TABLES[table]
    saved = _value_as_typed.c
    same = sa.and_(saved.table_name == table, saved.column_name == column, saved.row_id == target.c.id)
    where: Any = sa.exists(sa.select(saved.row_id).where(same))
    if source == 'original':  # only where the value is still what the upgrade made of it
        where = sa.exists(sa.select(saved.row_id).where(same, saved.normalised == target.c[column]))
    value = sa.select(saved[source]).where(same).scalar_subquery()
    op.get_bind().execute(target.update().where(where).values({column: value}))


def upgrade() -> None:
    op.create_table(
        'value_as_typed',
        sa.Column('table_name', sa.String(length=40), nullable=False),
        sa.Column('column_name', sa.String(length=40), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=False),
        sa.Column('original', sa.String(length=4000), nullable=False),
        sa.Column('normalised', sa.String(length=4000), nullable=False),
        sa.PrimaryKeyConstraint('table_name', 'column_name', 'row_id'),
    )
    bind = op.get_bind()
    changes = _Changes(bind)
    customers = bind.execute(
        sa.select(_customer.c.id, _customer.c.region_code, _customer.c.phone, _customer.c.vat_number, _customer.c.email)
        .order_by(_customer.c.id)
    ).all()
    for row_id, region_code, phone, vat_number, email in customers:
        country = normalise.customer_country(region_code)
        changes.normalise('customer', row_id, 'phone', phone, country)
        changes.normalise('customer', row_id, 'vat_number', vat_number, country)
        changes.normalise('customer', row_id, 'email', email, country)
    del customers
    sites = bind.execute(
        sa.select(_location.c.id, _location.c.country, _location.c.postal_code, _location.c.phone).order_by(_location.c.id)
    ).all()
    for row_id, country, postal_code, phone in sites:
        code = changes.normalise('location', row_id, 'country', country, '') or 'BE'
        known = normalise.country_code(code) is not None
        if known:
            changes.normalise('location', row_id, 'postal_code', postal_code, code)
        changes.normalise('location', row_id, 'phone', phone, code if known else 'BE')
    del sites
    changes.flush()
    for table, column in _COLUMNS:
        _copy(table, column, 'normalised')
    log.info('custtui: %d stored values normalised (kept as typed in value_as_typed)', changes.changed)
    if changes.refused:
        log.warning(
            ngettext(
                'custtui: {n} stored value could not be normalised and was kept as it was (see above).',
                'custtui: {n} stored values could not be normalised and were kept as they were (see above).',
                changes.refused,
            ).format(n=changes.refused)
        )


def downgrade() -> None:
    for table, column in _COLUMNS:
        _copy(table, column, 'original')
    op.drop_table('value_as_typed')
