"""What a user may change beyond what their role grants: the records they created, the labels their role may set.

Two rules an office chooses, as Climapulse has them:

- `technician_edits`, a setting of the database: ALL (the default) lets a
  technician edit every customer, site and installation; OWN only those
  they created (the record's `created_by`). Everything else is read-only to
  them, and the refusal names who created it. Adding is not editing: a
  technician may add a site or an installation anywhere, and it is theirs.
  A customer's contacts and its ERROR mark are the customer's: editing them
  is editing it. Office and admins edit everything.
- A label's `assign_role`: the least role that may put it on a customer or
  take it off (a "Bad payer" label that only the office sets); None: every
  role that labels.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from sqlmodel import Session, select

from custtui.errors import NotFound, PermissionDenied, ValidationError
from custtui.i18n import N_, _
from custtui.models import Customer, DatabaseSetting, Installation, Label, Location, Role, User
from custtui.services import audit
from custtui.services.auth import Permission, require

SETTING = "technician_edits"
SETTING_ENTITY = "setting"  # the audit trail's name for a database setting


class TechnicianEdits(StrEnum):
    ALL = "all"
    OWN = "own"


TECHNICIAN_EDITS_NAMES = {
    TechnicianEdits.ALL: N_("Technicians edit every customer, site and installation"),
    TechnicianEdits.OWN: N_("Technicians edit only the customers, sites and installations they created"),
}

# Roles from least to most; a label's assign_role lets that role and every one after it.
ROLE_ORDER = (Role.TECHNICIAN, Role.OFFICE, Role.ADMIN)
ASSIGN_ROLE_NAMES: dict[str | None, str] = {
    None: N_("Every role that labels"),
    Role.OFFICE.value: N_("Office and admins"),
    Role.ADMIN.value: N_("Admins only"),
}

Record = Customer | Location | Installation
RecordKind = Literal["customer", "location", "installation"]
_MODELS: dict[RecordKind, type[Record]] = {"customer": Customer, "location": Location, "installation": Installation}

# One whole sentence per kind of record, with and without a known creator.
_CREATED_BY = {
    "customer": N_("{who} created this customer: only they, the office and admins may change it."),
    "location": N_("{who} created this site: only they, the office and admins may change it."),
    "installation": N_("{who} created this installation: only they, the office and admins may change it."),
}
_CREATOR_UNKNOWN = {
    "customer": N_("It is not known who created this customer: only the office and admins may change it."),
    "location": N_("It is not known who created this site: only the office and admins may change it."),
    "installation": N_("It is not known who created this installation: only the office and admins may change it."),
}


def technician_edits(session: Session) -> TechnicianEdits:
    setting = session.get(DatabaseSetting, SETTING)
    try:
        return TechnicianEdits(setting.value) if setting is not None else TechnicianEdits.ALL
    except ValueError:  # written by a newer custtui, or by hand: the open default
        return TechnicianEdits.ALL


def set_technician_edits(session: Session, actor: User, value: str) -> TechnicianEdits:
    """Admins: choose whether technicians edit every record or only their own; audited."""
    require(actor, Permission.MANAGE_USERS)
    try:
        chosen = TechnicianEdits(value)
    except ValueError:
        choices = ", ".join(member.value for member in TechnicianEdits)
        raise ValidationError({SETTING: _("Choose one of: {choices}.").format(choices=choices)}) from None
    before = technician_edits(session)
    if chosen == before:
        return chosen
    setting = session.get(DatabaseSetting, SETTING)
    if setting is None:
        session.add(DatabaseSetting(name=SETTING, value=chosen.value))
    else:
        setting.value = chosen.value
        session.add(setting)
    session.flush()
    audit.record(session, actor.login, SETTING_ENTITY, None, "update", {SETTING: before.value}, {SETTING: chosen.value})
    return chosen


def _kind_of(record: Record) -> RecordKind:
    return "customer" if isinstance(record, Customer) else "location" if isinstance(record, Location) else "installation"


def edit_refusal(session: Session, user: User, record: Record) -> str | None:
    """Why `user` may not change `record` (a sentence naming who may), or None if they may."""
    if user.role != Role.TECHNICIAN or record.created_by == user.login:
        return None
    if technician_edits(session) == TechnicianEdits.ALL:
        return None
    kind = _kind_of(record)
    if record.created_by is None:
        return _(_CREATOR_UNKNOWN[kind])
    creator = session.exec(select(User).where(User.login == record.created_by)).first()
    who = creator.display_name if creator is not None and creator.display_name else record.created_by
    return _(_CREATED_BY[kind]).format(who=who)


def require_may_edit(session: Session, user: User, record: Record) -> None:
    refusal = edit_refusal(session, user, record)
    if refusal is not None:
        raise PermissionDenied(refusal)


def refusal_for(session: Session, user: User, kind: RecordKind, record_id: int) -> str | None:
    """edit_refusal for a record given by id: what a screen asks before it opens a form."""
    record: Record | None = session.get(_MODELS[kind], record_id)  # type: ignore[assignment]
    if record is None:
        raise NotFound(_("This record does not exist any more."))
    return edit_refusal(session, user, record)


def may_assign(user: User, label: Label) -> bool:
    """Whether `user`'s role may put `label` on a customer or take it off (the LABEL permission aside)."""
    if label.assign_role is None or label.assign_role not in ROLE_ORDER:
        return True
    if user.role not in ROLE_ORDER:
        return False
    return ROLE_ORDER.index(Role(user.role)) >= ROLE_ORDER.index(Role(label.assign_role))


def require_may_assign(user: User, label: Label) -> None:
    if not may_assign(user, label):
        if label.assign_role == Role.ADMIN:
            message = _("Only admins may put the label “{name}” on a customer or take it off.")
        else:
            message = _("Only the office and admins may put the label “{name}” on a customer or take it off.")
        raise PermissionDenied(message.format(name=label.name))


def check_assign_role(value: str | None) -> str | None:
    """A label's assign_role as stored: None, 'office' or 'admin'; anything else is refused."""
    if value in (None, ""):
        return None
    if value not in ASSIGN_ROLE_NAMES:
        choices = ", ".join(role for role in ASSIGN_ROLE_NAMES if role)
        raise ValidationError({"assign_role": _("Choose one of: {choices}.").format(choices=choices)})
    return value
