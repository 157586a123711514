"""Roles are enforced in the services; users come from the OS login."""

from __future__ import annotations

import pytest
from helpers import make_customer, make_location
from sqlmodel import Session

from custtui.errors import PermissionDenied, UnknownUser, ValidationError
from custtui.models import Role, User
from custtui.services import auth, customers, labels


def test_first_login_on_empty_database_is_not_made_admin(session: Session) -> None:
    # Only the database's creator claims the first admin (tests/cli/test_first_admin.py).
    with pytest.raises(UnknownUser) as caught:
        auth.resolve_user(session, "first")
    assert "it has no admin yet" in caught.value.message


def test_unknown_login_is_refused_once_users_exist(session: Session, admin: User) -> None:
    with pytest.raises(UnknownUser) as caught:
        auth.resolve_user(session, "mallory")
    assert "custtui users add mallory" in caught.value.message


def test_os_login_comes_from_the_uid_not_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import pwd

    real = pwd.getpwuid(os.geteuid()).pw_name
    monkeypatch.setenv("USER", "admin-by-env")
    monkeypatch.setenv("LOGNAME", "admin-by-env")
    assert auth.os_login() == real


def test_technician_may_not_delete(session: Session, technician: User) -> None:
    customer = make_customer(session, technician)
    with pytest.raises(PermissionDenied) as caught:
        customers.delete_customer(session, technician, customer.id)
    assert caught.value.message == "Your role (technician) may not delete records."


def test_technician_may_not_manage_users(session: Session, technician: User) -> None:
    with pytest.raises(PermissionDenied) as caught:
        auth.add_user(session, technician, "newbie")
    assert caught.value.message == "Your role (technician) may not manage users."


def test_office_may_not_manage_users(session: Session, office: User) -> None:
    with pytest.raises(PermissionDenied) as caught:
        auth.remove_user(session, office, "olivier")
    assert caught.value.message == "Your role (office) may not manage users."


def test_technician_may_not_manage_labels(session: Session, technician: User, admin: User) -> None:
    label = labels.create_label(session, technician, "Dog on site", "red", "attention")  # inline create is allowed
    with pytest.raises(PermissionDenied):
        labels.update_label(session, technician, label.id, "Big dog", "red")  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        labels.delete_label(session, technician, label.id)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.TECHNICIAN, auth.Permission.VIEW, True),
        (Role.TECHNICIAN, auth.Permission.EDIT, True),
        (Role.TECHNICIAN, auth.Permission.LABEL, True),
        (Role.TECHNICIAN, auth.Permission.DELETE, False),
        (Role.TECHNICIAN, auth.Permission.MERGE, False),
        (Role.TECHNICIAN, auth.Permission.IMPORT, False),
        (Role.OFFICE, auth.Permission.DELETE, True),
        (Role.OFFICE, auth.Permission.MERGE, True),
        (Role.OFFICE, auth.Permission.IMPORT, True),
        (Role.OFFICE, auth.Permission.MANAGE_USERS, False),
        (Role.OFFICE, auth.Permission.MANAGE_LABELS, False),
        (Role.ADMIN, auth.Permission.MANAGE_USERS, True),
        (Role.ADMIN, auth.Permission.MANAGE_LABELS, True),
        (Role.ADMIN, auth.Permission.MANAGE_REGIONS, True),
    ],
)
def test_role_matrix(role: Role, permission: auth.Permission, allowed: bool) -> None:
    assert auth.can(User(login="x", role=role.value), permission) is allowed


def test_unknown_role_can_do_nothing() -> None:
    assert not auth.can(User(login="x", role="guest"), auth.Permission.VIEW)


def test_admin_adds_lists_and_removes_users(session: Session, admin: User) -> None:
    auth.add_user(session, admin, "jpeeters", "technician", "Jan Peeters", "nl")
    auth.add_user(session, admin, "mdubois", "office")
    session.commit()
    assert [u.login for u in auth.list_users(session)] == ["alice", "jpeeters", "mdubois"]
    auth.remove_user(session, admin, "mdubois")
    session.commit()
    assert [u.login for u in auth.list_users(session)] == ["alice", "jpeeters"]


@pytest.mark.parametrize(
    ("login", "role", "language", "field"),
    [
        ("bad login", "technician", None, "login"),
        ("ok", "boss", None, "role"),
        ("ok", "technician", "it", "language"),
        ("alice", "technician", None, "login"),
        ("bob\n", "technician", None, "login"),  # a trailing newline is not part of a login
    ],
)
def test_add_user_validation(
    session: Session, admin: User, login: str, role: str, language: str | None, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        auth.add_user(session, admin, login, role, language=language)
    assert field in caught.value.errors


@pytest.mark.parametrize("name", ["\x1b]0;pwned\x07Bob", "Bob\x00", "x" * 201])
def test_a_display_name_with_escapes_or_too_long_is_refused(session: Session, admin: User, name: str) -> None:
    # It is shown in every header: an escape sequence there would reach the terminal.
    with pytest.raises(ValidationError) as caught:
        auth.add_user(session, admin, "bob", "technician", display_name=name)
    assert "display_name" in caught.value.errors


def test_last_admin_cannot_be_removed(session: Session, admin: User) -> None:
    with pytest.raises(ValidationError) as caught:
        auth.remove_user(session, admin, "alice")
    assert caught.value.errors["login"] == "The last admin cannot be removed."


def test_technician_edits_but_office_deletes(session: Session, technician: User, office: User) -> None:
    customer = make_customer(session, technician, "Shared")
    make_location(session, technician, customer)
    customers.delete_customer(session, office, customer.id)
    session.commit()
    assert session.get(type(customer), customer.id) is None


@pytest.mark.parametrize(
    ("role", "permission", "message"),
    [
        (Role.TECHNICIAN, auth.Permission.MERGE, "Your role (technician) may not merge customers."),
        (Role.TECHNICIAN, auth.Permission.IMPORT, "Your role (technician) may not import customers."),
        (Role.OFFICE, auth.Permission.MANAGE_LABELS, "Your role (office) may not manage labels."),
        (Role.OFFICE, auth.Permission.MANAGE_REGIONS, "Your role (office) may not manage regions."),
    ],
)
def test_refusal_messages(role: Role, permission: auth.Permission, message: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        auth.require(User(login="x", role=role.value), permission)
    assert caught.value.message == message
