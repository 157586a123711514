"""Users and roles. The current user is the OS account running the process."""

from __future__ import annotations

import os
import pwd
import re
from enum import StrEnum

from sqlalchemy import func, inspect, text
from sqlmodel import Session, select

from custtui.errors import NotFound, PermissionDenied, UnknownUser, ValidationError
from custtui.i18n import LANGUAGES, N_, _
from custtui.models import ROLE_NAMES, DatabaseSetting, Role, User
from custtui.services import audit, validation


class Permission(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # add and edit customers, locations, installations
    LABEL = "label"
    DELETE = "delete"
    MERGE = "merge"
    IMPORT = "import"
    MANAGE_USERS = "manage_users"
    MANAGE_LABELS = "manage_labels"
    MANAGE_REGIONS = "manage_regions"
    AUDIT = "audit"  # read everyone's changes in the audit log
    PERSONAL_DATA = "personal_data"  # export all held on a customer, anonymise one (GDPR)


_TECHNICIAN = frozenset({Permission.VIEW, Permission.EDIT, Permission.LABEL})
_OFFICE = _TECHNICIAN | {Permission.DELETE, Permission.MERGE, Permission.IMPORT, Permission.PERSONAL_DATA}
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.TECHNICIAN: _TECHNICIAN,
    Role.OFFICE: frozenset(_OFFICE),
    Role.ADMIN: frozenset(Permission),
}

# What a refusal says, one whole sentence per permission ({role}: the user's role).
_REFUSALS = {
    Permission.VIEW: N_("Your role ({role}) may not view customers."),
    Permission.EDIT: N_("Your role ({role}) may not add or edit records."),
    Permission.LABEL: N_("Your role ({role}) may not label customers."),
    Permission.DELETE: N_("Your role ({role}) may not delete records."),
    Permission.MERGE: N_("Your role ({role}) may not merge customers."),
    Permission.IMPORT: N_("Your role ({role}) may not import customers."),
    Permission.MANAGE_USERS: N_("Your role ({role}) may not manage users."),
    Permission.MANAGE_LABELS: N_("Your role ({role}) may not manage labels."),
    Permission.MANAGE_REGIONS: N_("Your role ({role}) may not manage regions."),
    Permission.AUDIT: N_("Your role ({role}) may not read the audit log."),
    Permission.PERSONAL_DATA: N_("Your role ({role}) may not export or anonymise personal data."),
}

_LOGIN_PATTERN = re.compile(r"[a-z_][a-z0-9_.-]{0,63}", re.IGNORECASE)  # whole string: fullmatch


def can(user: User, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user: User, permission: Permission) -> None:
    """Refuse with PermissionDenied unless the user's role grants `permission`."""
    if not can(user, permission):
        raise PermissionDenied(_(_REFUSALS[permission]).format(role=_(ROLE_NAMES.get(Role(user.role), user.role))))


def os_login() -> str:
    """The login of the OS account running this process (over SSH: the SSH login).

    From the effective uid, never from USER or LOGNAME, which anyone can set.
    """
    return pwd.getpwuid(os.geteuid()).pw_name


# The setting rows behind the first admin: who created the database, and who
# became its first admin (written once; its primary key refuses a second).
CREATED_BY = "created_by"
FIRST_ADMIN = "first_admin"


def resolve_user(session: Session, login: str) -> User:
    """The User for `login`.

    On a database without users, only the OS account that created it claims
    the first admin (so `custtui demo --open` on your own file just works);
    any other login is refused, never made admin for coming first.
    """
    user = _user_by_login(session, login)
    if user is not None:
        return user
    if _database_setting(session, CREATED_BY) == login:
        claim_first_admin(session, login, login)
        # Made now, or by another process of this login that claimed first.
        user = _user_by_login(session, login)
        if user is not None:
            return user
    if _user_count(session) == 0:
        raise UnknownUser(login, no_admin_yet=True)
    raise UnknownUser(login)


def claim_first_admin(session: Session, login: str, actor_login: str, display_name: str = "") -> User | None:
    """Make `login` the first admin of a database without users; None if it has users already.

    Claims running at once queue on a lock taken before anything is read, so
    the second sees the first's admin and makes none.
    """
    _validate_user(login, Role.ADMIN.value, None, display_name)
    _lock_first_admin_claims(session)
    if _user_count(session) > 0:
        return None
    session.add(DatabaseSetting(name=FIRST_ADMIN, value=login))
    user = User(login=login, display_name=display_name or login, role=Role.ADMIN.value)
    session.add(user)
    session.flush()
    audit.record(session, actor_login, "user", user.id, "create", None, audit.snapshot(user))
    return user


def _lock_first_admin_claims(session: Session) -> None:
    """Hold the claim lock until this transaction ends.

    PostgreSQL: a table lock that conflicts with itself. SQLite: any write
    statement takes the database's write lock, and Python's sqlite3 opens
    the transaction right before it, so what is read next is read under it.
    (A SAVEPOINT would not do: on SQLite the outermost one opens the
    transaction and its RELEASE commits it.)
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE database_setting IN SHARE ROW EXCLUSIVE MODE"))
    else:
        session.execute(text("UPDATE database_setting SET value = value WHERE 1 = 0"))


def init_admin(session: Session, login: str, actor_login: str, display_name: str = "") -> User:
    """`custtui init --admin LOGIN`: name the first admin of a new database on purpose."""
    user = claim_first_admin(session, login, actor_login, display_name)
    if user is None:
        raise ValidationError(
            {"login": _("This database already has an admin; admins add other users with: custtui users add LOGIN")}
        )
    return user


def check_may_change_schema(session: Session, login: str) -> None:
    """Once a database has users, only an admin may migrate its schema.

    Reads with plain SQL: the schema may be older than the models.
    """
    if "app_user" not in inspect(session.connection()).get_table_names():
        return
    if session.execute(text("SELECT count(*) FROM app_user")).scalar_one() == 0:
        return
    role = session.execute(text("SELECT role FROM app_user WHERE login = :login"), {"login": login}).scalar()
    if role is None:
        raise UnknownUser(login)
    if role != Role.ADMIN.value:
        raise PermissionDenied(
            _("Only an admin may upgrade the database schema. Ask an administrator to run: custtui migrate")
        )


def _user_by_login(session: Session, login: str) -> User | None:
    return session.exec(select(User).where(User.login == login)).first()


def _user_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def _database_setting(session: Session, name: str) -> str | None:
    setting = session.get(DatabaseSetting, name)
    return setting.value if setting is not None else None


def current_user(session: Session) -> User:
    return resolve_user(session, os_login())


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.login)))


def _validate_user(login: str, role: str, language: str | None, display_name: str = "") -> None:

    errors: dict[str, str] = {}
    if not _LOGIN_PATTERN.fullmatch(login):
        errors["login"] = _("A login is letters, digits, '.', '_' or '-', at most 64 characters.")
    if role not in ROLE_PERMISSIONS:
        errors["role"] = _("Role must be one of: technician, office, admin.")
    if language and language not in LANGUAGES:
        errors["language"] = _("Language must be one of: nl, fr, de, en, or empty.")
    # The name is shown in every header: no escape sequences, and it must fit its column.
    validation.check_text_fields({"display_name": display_name}, errors)
    validation.check_max_length({"display_name": display_name}, {"display_name": 200}, errors)
    if errors:
        raise ValidationError(errors)


def add_user(
    session: Session,
    actor: User,
    login: str,
    role: str = Role.TECHNICIAN.value,
    display_name: str = "",
    language: str | None = None,
) -> User:
    require(actor, Permission.MANAGE_USERS)
    _validate_user(login, role, language, display_name)
    if session.exec(select(User).where(User.login == login)).first() is not None:
        raise ValidationError({"login": _("User '{login}' already exists.").format(login=login)})
    user = User(login=login, display_name=display_name or login, role=role, language=language or None)
    session.add(user)
    session.flush()
    audit.record(session, actor.login, "user", user.id, "create", None, audit.snapshot(user))
    return user


def get_user(session: Session, login: str) -> User:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("No user '{login}'.").format(login=login))
    return user


def remove_user(session: Session, actor: User, login: str) -> None:
    require(actor, Permission.MANAGE_USERS)
    user = get_user(session, login)
    if user.role == Role.ADMIN.value:
        admins = session.exec(select(func.count()).select_from(User).where(User.role == Role.ADMIN.value)).one()
        if admins <= 1:
            raise ValidationError({"login": _("The last admin cannot be removed.")})
    before = audit.snapshot(user)
    session.delete(user)
    session.flush()
    audit.record(session, actor.login, "user", before["id"], "delete", before, None)


def set_user_language(session: Session, user: User, language: str | None) -> User:
    """A user may always choose their own UI language."""
    _validate_user(user.login, user.role, language)
    user.language = language or None
    session.add(user)
    session.flush()
    return user


_THEME_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def set_user_theme(session: Session, user: User, theme: str | None) -> User:
    """A user may always choose how the app looks (a theme name of the user interface)."""
    if theme is not None and not _THEME_NAME.fullmatch(theme):
        raise ValidationError({"theme": _("Not a theme name: {theme}").format(theme=theme)})
    stored = session.get(User, user.id)
    if stored is None:
        raise NotFound(_("No user '{login}'.").format(login=user.login))
    stored.theme = theme
    session.add(stored)
    session.flush()
    return stored
