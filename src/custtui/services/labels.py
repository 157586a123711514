"""Labels: create, assign and unassign; rename, recolour and delete (admins)."""

from __future__ import annotations

from types import EllipsisType

from sqlalchemy import func
from sqlmodel import Session, col, select

from custtui.errors import NotFound, ValidationError
from custtui.i18n import _, pgettext
from custtui.models import LABEL_KIND_NAMES, Customer, CustomerLabel, Label, LabelKind, User
from custtui.services import audit, permissions, validation
from custtui.services.auth import Permission, require

# Names Textual and 16-colour terminals both understand.
LABEL_COLOURS = ("red", "green", "yellow", "blue", "magenta", "cyan", "white", "grey")
_KINDS = {kind.value for kind in LabelKind}


def _validate(session: Session, name: str, colour: str, kind: str, label_id: int | None = None) -> str:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Name is required.")
    elif len(name) > 60:
        errors["name"] = _("At most {max} characters.").format(max=60)
    elif validation.has_control_characters(name):
        errors["name"] = _("Control characters are not allowed.")
    elif validation.has_direction_controls(name):
        errors["name"] = _("Text-direction control characters and line separators are not allowed.")
    else:
        # Compared here, not with SQL lower(): SQLite's lowers ASCII only and PostgreSQL's
        # follows the collation, so "É" twice would reach the unique index. Labels are few.
        folded = name.casefold()
        clash = next(
            (other for other, other_name in session.exec(select(Label.id, Label.name)) if other_name.casefold() == folded),
            None,
        )
        if clash is not None and clash != label_id:
            errors["name"] = _("A label '{name}' already exists.").format(name=name)
    if colour not in LABEL_COLOURS:
        errors["colour"] = _("Colour must be one of: {colours}.").format(colours=", ".join(LABEL_COLOURS))
    if kind not in _KINDS:
        kinds = ", ".join(pgettext(name.context, name) for name in LABEL_KIND_NAMES.values())
        errors["kind"] = _("Kind must be one of: {kinds}.").format(kinds=kinds)
    if errors:
        raise ValidationError(errors)
    return name


def list_labels(session: Session) -> list[Label]:
    return list(session.exec(select(Label).order_by(Label.name)))


def get_label(session: Session, label_id: int) -> Label:
    label = session.get(Label, label_id)
    if label is None:
        raise NotFound(_("Label {id} does not exist.").format(id=label_id))
    return label


def create_label(
    session: Session,
    actor: User,
    name: str,
    colour: str = "blue",
    kind: str = LabelKind.TRAIT.value,
    assign_role: str | None = None,
) -> Label:
    """Technicians may create labels inline while labelling; only who manages labels says which roles may set one."""
    require(actor, Permission.LABEL)
    assign_role = permissions.check_assign_role(assign_role)
    if assign_role is not None:
        require(actor, Permission.MANAGE_LABELS)
    label = Label(name=_validate(session, name, colour, kind), colour=colour, kind=kind, assign_role=assign_role)
    session.add(label)
    session.flush()
    audit.record(session, actor.login, "label", label.id, "create", None, audit.snapshot(label))
    return label


def update_label(
    session: Session,
    actor: User,
    label_id: int,
    name: str,
    colour: str,
    kind: str | None = None,
    assign_role: str | None | EllipsisType = ...,
) -> Label:
    """Rename, recolour, re-kind a label; `assign_role` left out (...) keeps who may set it."""
    require(actor, Permission.MANAGE_LABELS)
    label = get_label(session, label_id)
    kind = kind or label.kind
    before = audit.snapshot(label)
    label.name = _validate(session, name, colour, kind, label_id=label_id)
    label.colour = colour
    label.kind = kind
    if not isinstance(assign_role, EllipsisType):
        label.assign_role = permissions.check_assign_role(assign_role)
    session.flush()
    audit.record(session, actor.login, "label", label.id, "update", before, audit.snapshot(label))
    return label


def usage_count(session: Session, label_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(CustomerLabel).where(CustomerLabel.label_id == label_id)
    ).one()


def delete_label(session: Session, actor: User, label_id: int) -> int:
    """Delete a label and take it off every customer; returns how many carried it."""
    require(actor, Permission.MANAGE_LABELS)
    label = get_label(session, label_id)
    before = audit.snapshot(label)
    links = list(session.exec(select(CustomerLabel).where(CustomerLabel.label_id == label_id)))
    for link in links:
        session.delete(link)
    session.flush()
    session.delete(label)
    session.flush()
    audit.record(session, actor.login, "label", label_id, "delete", {**before, "customers": len(links)}, None)
    return len(links)


def labels_of(session: Session, customer_id: int) -> list[Label]:
    statement = (
        select(Label)
        .join(CustomerLabel, col(CustomerLabel.label_id) == Label.id)
        .where(CustomerLabel.customer_id == customer_id)
        .order_by(Label.name)
    )
    return list(session.exec(statement))


def _customer_label_names(session: Session, customer_id: int) -> list[str]:
    return [label.name for label in labels_of(session, customer_id)]


def assign_label(session: Session, actor: User, customer_id: int, label_id: int) -> bool:
    """Put a label on a customer; False when it was there already."""
    require(actor, Permission.LABEL)
    if session.get(Customer, customer_id) is None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    permissions.require_may_assign(actor, get_label(session, label_id))
    if session.get(CustomerLabel, (customer_id, label_id)) is not None:
        return False
    before = _customer_label_names(session, customer_id)
    session.add(CustomerLabel(customer_id=customer_id, label_id=label_id))
    session.flush()
    after = _customer_label_names(session, customer_id)
    audit.record(session, actor.login, "customer", customer_id, "label", {"labels": before}, {"labels": after})
    return True


def unassign_label(session: Session, actor: User, customer_id: int, label_id: int) -> bool:
    """Take a label off a customer; False when it was not there."""
    require(actor, Permission.LABEL)
    link = session.get(CustomerLabel, (customer_id, label_id))
    if link is None:
        return False
    permissions.require_may_assign(actor, get_label(session, label_id))
    before = _customer_label_names(session, customer_id)
    session.delete(link)
    session.flush()
    after = _customer_label_names(session, customer_id)
    audit.record(session, actor.login, "customer", customer_id, "label", {"labels": before}, {"labels": after})
    return True


def label_customers(session: Session, actor: User, customer_ids: list[int], label_id: int, *, add: bool) -> int:
    """Put the label on these customers (`add`), or take it off; one audited change per customer that changes.

    Returns how many changed (those that had it already, or lacked it, are left alone).
    """
    require(actor, Permission.LABEL)
    permissions.require_may_assign(actor, get_label(session, label_id))
    changed = 0
    for customer_id in dict.fromkeys(customer_ids):
        if add:
            changed += assign_label(session, actor, customer_id, label_id)
        else:
            changed += unassign_label(session, actor, customer_id, label_id)
    return changed
