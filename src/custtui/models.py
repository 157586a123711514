"""SQLModel tables: the shape of the data and the rules the database enforces.

Foreign keys never cascade: deleting a customer that still has locations,
installations or missions is refused by the database itself, not only by the
services.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from sqlalchemy import JSON, CheckConstraint, Column, DateTime, Index, Integer, Table, UniqueConstraint, false, inspect
from sqlmodel import Field, SQLModel

from custtui.i18n import N_


def utcnow() -> datetime:
    return datetime.now(UTC)


class _WithId(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(record: _WithId) -> int:
    """The id of a record that is in the database: `id` is None only until its INSERT (a flush)."""
    if record.id is None:
        raise ValueError(f"{type(record).__name__} has no id yet: it was never flushed")
    return record.id


def table_of(model: type[SQLModel]) -> Table:
    """The Table a table model is mapped to: its `__table__`, which SQLModel does not declare to type checkers."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def _timestamp(**kwargs: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False, **kwargs)


def _created_by() -> Any:
    """The login that created the record (services.permissions: a technician may be limited to their own)."""
    return Field(default=None, max_length=64)


class Role(StrEnum):
    TECHNICIAN = "technician"
    OFFICE = "office"
    ADMIN = "admin"


class LabelKind(StrEnum):
    STATUS = "status"
    TRAIT = "trait"
    ATTENTION = "attention"


class InstallationKind(StrEnum):
    BOILER = "boiler"
    HEAT_PUMP = "heat_pump"
    AIR_CONDITIONING = "air_conditioning"
    VENTILATION = "ventilation"
    WATER_HEATER = "water_heater"
    SOLAR_THERMAL = "solar_thermal"
    OTHER = "other"


class MissionKind(StrEnum):
    MAINTENANCE = "maintenance"
    REPAIR = "repair"
    INSTALLATION = "installation"
    INSPECTION = "inspection"


class ContactRole(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    PROPERTY_MANAGER = "property_manager"
    ACCOUNTING = "accounting"
    OTHER = "other"


class MissionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class InContext(str):
    """A message marked with its pgettext context ("mission kind" + "installation").

    It reads as the English message wherever it is shown untranslated; the
    screens translate it with its context (custtui.tui.text.translated), so
    that one English word with two meanings gets two translations.
    """

    context: str

    def __new__(cls, context: str, message: str) -> InContext:
        marked = super().__new__(cls, message)
        marked.context = context
        return marked


def NP_(context: str, message: str) -> InContext:
    """Mark `message` for extraction with its context (pybabel keyword NP_:1c,2), translated when shown."""
    return InContext(context, message)


# Display names, marked for translation; ROLE_NAMES translate with _(), the
# others (marked with their context) with custtui.tui.text.translated().
ROLE_NAMES = {Role.TECHNICIAN: N_("technician"), Role.OFFICE: N_("office"), Role.ADMIN: N_("admin")}
# An installation's kind: the record's kind (a boiler), never a mission's ("installation").
INSTALLATION_KIND_NAMES = {
    InstallationKind.BOILER: NP_("installation kind", "boiler"),
    InstallationKind.HEAT_PUMP: NP_("installation kind", "heat pump"),
    InstallationKind.AIR_CONDITIONING: NP_("installation kind", "air conditioning"),
    InstallationKind.VENTILATION: NP_("installation kind", "ventilation"),
    InstallationKind.WATER_HEATER: NP_("installation kind", "water heater"),
    InstallationKind.SOLAR_THERMAL: NP_("installation kind", "solar thermal"),
    InstallationKind.OTHER: NP_("installation kind", "other"),
}
# The same kinds in a narrow column (the installations list): at most 16 cells in every language.
INSTALLATION_KIND_SHORT_NAMES = {
    InstallationKind.BOILER: NP_("installation kind, short", "boiler"),
    InstallationKind.HEAT_PUMP: NP_("installation kind, short", "heat pump"),
    InstallationKind.AIR_CONDITIONING: NP_("installation kind, short", "air conditioning"),
    InstallationKind.VENTILATION: NP_("installation kind, short", "ventilation"),
    InstallationKind.WATER_HEATER: NP_("installation kind, short", "water heater"),
    InstallationKind.SOLAR_THERMAL: NP_("installation kind, short", "solar thermal"),
    InstallationKind.OTHER: NP_("installation kind, short", "other"),
}
# A mission's kind: "installation" is the work of installing (de "Montage"), not the record (de "Anlage").
MISSION_KIND_NAMES = {
    MissionKind.MAINTENANCE: NP_("mission kind", "maintenance"),
    MissionKind.REPAIR: NP_("mission kind", "repair"),
    MissionKind.INSTALLATION: NP_("mission kind", "installation"),
    MissionKind.INSPECTION: NP_("mission kind", "inspection"),
}
# A mission's status: the words agree with "mission" (fr "planifiée", "annulée").
MISSION_STATUS_NAMES = {
    MissionStatus.PLANNED: NP_("mission status", "planned"),
    MissionStatus.IN_PROGRESS: NP_("mission status", "in progress"),
    MissionStatus.DONE: NP_("mission status", "done"),
    MissionStatus.CANCELLED: NP_("mission status", "cancelled"),
}
CONTACT_ROLE_NAMES = {
    ContactRole.OWNER: NP_("contact role", "owner"),
    ContactRole.TENANT: NP_("contact role", "tenant"),
    ContactRole.PROPERTY_MANAGER: NP_("contact role", "property manager"),
    ContactRole.ACCOUNTING: NP_("contact role", "accounting"),
    ContactRole.OTHER: NP_("contact role", "other"),
}
LABEL_KIND_NAMES = {
    LabelKind.STATUS: NP_("label kind", "status"),
    LabelKind.TRAIT: NP_("label kind", "trait"),
    LabelKind.ATTENTION: NP_("label kind", "attention"),
}


# History and audit events name records by id: an id must never be handed out
# again after a delete. SQLite reuses the highest id unless the table is
# AUTOINCREMENT (migration 0004); PostgreSQL's sequences never go back.
NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


class DatabaseSetting(SQLModel, table=True):
    """One setting of this database; 'created_by' is the login that created it (services.auth)."""

    __tablename__: ClassVar[str] = "database_setting"

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


class MatchModel(SQLModel, table=True):
    """Duplicate detection's learned parameters (services.duplicates.model): one row, replaced on re-estimation.

    `parameters` holds the m and u probability of each comparison level and
    the prior; `customer_count` is how many customers they were estimated on,
    so a scan knows when the data has grown enough to estimate them again.
    """

    __tablename__: ClassVar[str] = "match_model"

    id: int | None = Field(default=None, primary_key=True)
    estimated_at: datetime = _timestamp()
    customer_count: int = Field(default=0)
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Region(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=10)
    name: str = Field(max_length=100)
    country: str = Field(max_length=2)
    regulation_note: str = Field(default="", max_length=1000)


class Label(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    colour: str = Field(default="blue", max_length=20)
    kind: str = Field(default=LabelKind.TRAIT.value, max_length=20)
    # The least role that may put it on a customer or take it off (services.permissions); None: every role that labels.
    assign_role: str | None = Field(default=None, max_length=20)


class CustomerLabel(SQLModel, table=True):
    __tablename__: ClassVar[str] = "customer_label"

    customer_id: int = Field(foreign_key="customer.id", primary_key=True)
    label_id: int = Field(foreign_key="label.id", primary_key=True, index=True)


# Module level, as SQLAlchemy's version counter needs the Column object itself.
customer_version_column = Column("version", Integer, nullable=False)


class Customer(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    internal_name: str | None = Field(default=None, max_length=200)
    customer_number: str | None = Field(default=None, max_length=50, index=True)
    region_code: str = Field(foreign_key="region.code", max_length=10, index=True)
    language: str | None = Field(default=None, max_length=2)
    vat_number: str | None = Field(default=None, max_length=20, index=True)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    # Notes are the journal's (JournalNote): migration 0011 dropped the field.
    # Merged away or given up by hand (services.marks): no one's duplicate, shown with
    # the ERROR word before its name in the viewer's language; the name stays clean.
    marked_error: bool = Field(default=False, index=True, sa_column_kwargs={"server_default": false()})
    created_at: datetime = _timestamp()
    created_by: str | None = _created_by()
    updated_at: datetime = _timestamp()
    version: int = Field(default=1, sa_column=customer_version_column)

    __mapper_args__ = {"version_id_col": customer_version_column}


class Location(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str = Field(default="", max_length=200)
    street: str = Field(default="", max_length=200)
    number: str = Field(default="", max_length=20)
    postal_code: str = Field(default="", max_length=12, index=True)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="BE", max_length=2)
    region_code: str = Field(foreign_key="region.code", max_length=10)
    contact_person: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    created_at: datetime = _timestamp()
    created_by: str | None = _created_by()
    updated_at: datetime = _timestamp()


class Contact(SQLModel, table=True):
    """A person to reach at a customer (owner, tenant, property manager, accounts), optionally at one of its sites.

    The customer's own phone and e-mail stay its main ones; these are the
    people behind them. `mobile` beside `phone`, as a technician calls the one
    and the office the other.
    """

    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    name: str = Field(max_length=200)
    role: str = Field(default=ContactRole.OTHER.value, max_length=20)
    phone: str | None = Field(default=None, max_length=40)
    mobile: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    language: str | None = Field(default=None, max_length=2)
    notes: str | None = Field(default=None, max_length=1000)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class JournalNote(SQLModel, table=True):
    """One dated entry of a customer's notes journal (a call, a remark), by one user, optionally about one site.

    Migrations 0010 and 0011 made each customer's and site's former notes
    field its first entry, dated with the record's last change.
    """

    __tablename__: ClassVar[str] = "journal_note"
    __table_args__ = (Index("ix_journal_note_customer_at", "customer_id", "at"), NEVER_REUSE_IDS)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    at: datetime = _timestamp()
    user_login: str = Field(max_length=64)
    text: str = Field(max_length=4000)
    edited_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), nullable=True)


class SavedFilter(SQLModel, table=True):
    """A user's named filter of the customer list; `spec` is services.filters' CustomerFilter as plain data."""

    __tablename__: ClassVar[str] = "saved_filter"
    __table_args__ = (UniqueConstraint("user_login", "name", name="uq_saved_filter_user_name"), NEVER_REUSE_IDS)

    id: int | None = Field(default=None, primary_key=True)
    user_login: str = Field(max_length=64, index=True)
    name: str = Field(max_length=60)
    spec: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = _timestamp()


class RecentCustomer(SQLModel, table=True):
    """A customer a user opened, and when: the list's "recent customers". Plain ids, as deleting must not depend on it."""

    __tablename__: ClassVar[str] = "recent_customer"

    user_login: str = Field(primary_key=True, max_length=64)
    customer_id: int = Field(primary_key=True)
    at: datetime = _timestamp(index=True)


class Building(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    name: str = Field(max_length=200)
    notes: str | None = Field(default=None, max_length=4000)


class Installation(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    kind: str = Field(max_length=30)
    brand: str = Field(default="", max_length=100)
    model: str = Field(default="", max_length=100)
    serial_number: str = Field(default="", max_length=100)
    fuel: str | None = Field(default=None, max_length=50)  # fuel, or refrigerant (R32...)
    power_kw: float | None = Field(default=None)
    installed_on: date | None = Field(default=None)
    notes: str | None = Field(default=None, max_length=4000)
    created_by: str | None = _created_by()


class Mission(SQLModel, table=True):
    __table_args__ = NEVER_REUSE_IDS
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    kind: str = Field(max_length=30)
    status: str = Field(default=MissionStatus.PLANNED.value, max_length=30)
    planned_on: date | None = Field(default=None, index=True)
    technician: str | None = Field(default=None, max_length=200)
    report_language: str | None = Field(default=None, max_length=2)
    notes: str | None = Field(default=None, max_length=4000)
    created_at: datetime = _timestamp()


class MissionInstallation(SQLModel, table=True):
    __tablename__: ClassVar[str] = "mission_installation"

    mission_id: int = Field(foreign_key="mission.id", primary_key=True)
    installation_id: int = Field(foreign_key="installation.id", primary_key=True, index=True)


class User(SQLModel, table=True):
    __tablename__: ClassVar[str] = "app_user"  # "user" is reserved in PostgreSQL
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=200)
    language: str | None = Field(default=None, max_length=2)
    role: str = Field(default=Role.TECHNICIAN.value, max_length=20)
    created_at: datetime = _timestamp()
    # The customer list's columns, comma-separated keys (services.customers.LIST_COLUMNS); None: the default.
    list_columns: str | None = Field(default=None, max_length=300)
    theme: str | None = Field(default=None, max_length=40)  # a Textual theme name; None: the default


class AuditEvent(SQLModel, table=True):
    __tablename__: ClassVar[str] = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"), NEVER_REUSE_IDS)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp(index=True)
    user_login: str = Field(max_length=64, index=True)
    entity: str = Field(max_length=40)
    entity_id: int | None = Field(default=None)
    action: str = Field(max_length=20)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class MergeRecord(SQLModel, table=True):
    """One applied merge of duplicate customers, with what it takes to undo it.

    `plan` is the MergePlan as applied (services.merge), `undo` the rows it
    changed with their values before and after (and, once delete_merged ran,
    the deleted records in full). Customer ids are plain integers, not
    foreign keys: the merged records are deleted afterwards and the history
    stays.
    """

    __table_args__ = NEVER_REUSE_IDS

    __tablename__: ClassVar[str] = "merge_record"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp(index=True)
    user_login: str = Field(max_length=64)
    keep_id: int = Field(index=True)
    other_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    plan: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    undo: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    undone_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), nullable=True)


class DuplicateDismissal(SQLModel, table=True):
    """A pair of customers marked "not a duplicate" (a_id < b_id).

    Plain integer ids, no foreign keys: deleting a customer (customers.
    delete_customer) must not depend on this table. A mark for a deleted
    customer is inert; it applies again if an undone merge recreates the id.
    """

    __tablename__: ClassVar[str] = "duplicate_dismissal"
    __table_args__ = (CheckConstraint("a_id < b_id", name="ck_duplicate_dismissal_order"),)

    a_id: int = Field(primary_key=True)
    b_id: int = Field(primary_key=True)
    user_login: str = Field(max_length=64)
    at: datetime = _timestamp()


class ValueAsTyped(SQLModel, table=True):
    """A stored value as it was typed, before migration 0008 normalised it (services.normalise).

    One row per value the upgrade changed (a phone to E.164, a VAT number
    compacted, a country name to its code...): `original` as it was, and
    `normalised` as the upgrade wrote it. The downgrade puts `original` back
    where the value is still `normalised`, then drops the table. Nothing else
    reads or writes it.
    """

    __tablename__: ClassVar[str] = "value_as_typed"

    table_name: str = Field(primary_key=True, max_length=40)
    column_name: str = Field(primary_key=True, max_length=40)
    row_id: int = Field(primary_key=True)
    original: str = Field(max_length=4000)
    normalised: str = Field(max_length=4000)


class ImportRun(SQLModel, table=True):
    """One import of a customer file (services.transfer), so that a stopped one can be resumed.

    Each batch of rows is committed together with this record's progress
    (`last_line`, the counts) and the outcome of its rows (ImportRowOutcome),
    in one transaction: after a kill -9 the record says exactly which rows
    are in, and `--resume` goes on after `last_line`. `file_digest` (SHA-256
    of the file) tells a resumed import it reads the same file.
    """

    __tablename__: ClassVar[str] = "import_run"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = _timestamp()
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), nullable=True)
    user_login: str = Field(max_length=64)
    file_name: str = Field(max_length=400)
    file_digest: str = Field(default="", max_length=64, index=True)
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # skip_duplicates, mapping
    status: str = Field(default="running", max_length=20)  # running | stopped | done
    last_line: int = Field(default=0)  # the file's line of the last data row committed (0: none yet)
    rows_done: int = Field(default=0)
    created: int = Field(default=0)
    duplicates: int = Field(default=0)
    skipped: int = Field(default=0)
    errors: int = Field(default=0)
    warnings: int = Field(default=0)


class ImportRowOutcome(SQLModel, table=True):
    """What became of one data row of an import (its report line), kept for a resumed import's report."""

    __tablename__: ClassVar[str] = "import_row"

    import_id: int = Field(foreign_key="import_run.id", primary_key=True)
    line: int = Field(primary_key=True)
    status: str = Field(max_length=20)
    customer_id: int | None = Field(default=None)  # plain ids: a customer may be merged or deleted later
    duplicate_of: int | None = Field(default=None)
    score: float | None = Field(default=None)
    warning: bool = Field(default=False)
    message: str = Field(default="", max_length=4000)
