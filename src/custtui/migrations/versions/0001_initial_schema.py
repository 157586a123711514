"""initial schema: every table, and the regions with their regulation notes

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Reference data as it stood when this migration was written (migrations are frozen).
REGIONS = [
    {
        "code": "BE-VLG",
        "name": "Flanders",
        "country": "BE",
        "regulation_note": "Flemish heating decree: periodic maintenance by a certified technician "
        "(gas every 2 years, oil every year); EPB rules for new installations.",
    },
    {
        "code": "BE-BRU",
        "name": "Brussels-Capital",
        "country": "BE",
        "regulation_note": "Brussels PEB heating rules: periodic check by an approved boiler technician "
        "(gas every 3 years, oil every year); diagnosis for boilers older than 15 years.",
    },
    {
        "code": "BE-WAL",
        "name": "Wallonia",
        "country": "BE",
        "regulation_note": "Walloon decree on heating systems: periodic check by an approved technician "
        "(gas every 3 years, oil every year), certificate left with the customer.",
    },
    {
        "code": "NL",
        "name": "Netherlands",
        "country": "NL",
        "regulation_note": "CO certification for work on gas appliances; F-gas certified technicians "
        "for heat pumps and air conditioning.",
    },
    {
        "code": "LU",
        "name": "Luxembourg",
        "country": "LU",
        "regulation_note": "Yearly maintenance and emission measurement of boilers; "
        "heat pumps under the F-gas regulation.",
    },
    {
        "code": "FR",
        "name": "France",
        "country": "FR",
        "regulation_note": "Yearly boiler maintenance with a maintenance certificate; heat pumps "
        "4-70 kW every 2 years; F-gas capacity certificate for refrigerants.",
    },
    {
        "code": "DE",
        "name": "Germany",
        "country": "DE",
        "regulation_note": "Emission checks by the district chimney sweep (1. BImSchV); "
        "GEG rules for new heating systems.",
    },
]


def upgrade() -> None:

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('login')
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_login', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_login'), ['user_login'], unique=False)

    op.create_table('label',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('colour', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('region',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('regulation_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )

    region = sa.table(
        "region",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("country", sa.String),
        sa.column("regulation_note", sa.String),
    )
    op.bulk_insert(region, REGIONS)
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('internal_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('customer_number', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('vat_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_customer_number'), ['customer_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_vat_number'), ['vat_number'], unique=False)

    op.create_table('customer_label',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('label_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['label_id'], ['label.id'], ),
    sa.PrimaryKeyConstraint('customer_id', 'label_id')
    )
    with op.batch_alter_table('customer_label', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_label_label_id'), ['label_id'], unique=False)

    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('contact_person', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_location_postal_code'), ['postal_code'], unique=False)

    op.create_table('building',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_building_location_id'), ['location_id'], unique=False)

    op.create_table('mission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=True),
    sa.Column('technician', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('report_language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mission_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mission_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mission_planned_on'), ['planned_on'], unique=False)

    op.create_table('installation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('brand', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('model', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('serial_number', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('fuel', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('power_kw', sa.Float(), nullable=True),
    sa.Column('installed_on', sa.Date(), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], ),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('installation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_installation_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_installation_location_id'), ['location_id'], unique=False)

    op.create_table('mission_installation',
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('installation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installation.id'], ),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], ),
    sa.PrimaryKeyConstraint('mission_id', 'installation_id')
    )
    with op.batch_alter_table('mission_installation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mission_installation_installation_id'), ['installation_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('mission_installation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mission_installation_installation_id'))

    op.drop_table('mission_installation')
    with op.batch_alter_table('installation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_installation_location_id'))
        batch_op.drop_index(batch_op.f('ix_installation_building_id'))

    op.drop_table('installation')
    with op.batch_alter_table('mission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mission_planned_on'))
        batch_op.drop_index(batch_op.f('ix_mission_location_id'))
        batch_op.drop_index(batch_op.f('ix_mission_customer_id'))

    op.drop_table('mission')
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_building_location_id'))

    op.drop_table('building')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_postal_code'))
        batch_op.drop_index(batch_op.f('ix_location_customer_id'))

    op.drop_table('location')
    with op.batch_alter_table('customer_label', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_label_label_id'))

    op.drop_table('customer_label')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_vat_number'))
        batch_op.drop_index(batch_op.f('ix_customer_region_code'))
        batch_op.drop_index(batch_op.f('ix_customer_name'))
        batch_op.drop_index(batch_op.f('ix_customer_customer_number'))

    op.drop_table('customer')
    op.drop_table('region')
    op.drop_table('label')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_login'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    op.drop_table('app_user')

