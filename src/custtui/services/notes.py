"""The notes journal: dated entries per user on a customer, optionally about one of its sites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from custtui.errors import NotFound, PermissionDenied, ValidationError
from custtui.i18n import _
from custtui.models import JournalNote, Role, User, utcnow
from custtui.services import audit, customers, locations, normalise, validation
from custtui.services.auth import Permission, require

TEXT_MAX = 4000


@dataclass(frozen=True)
class NoteEntry:
    """One journal entry as a screen shows it."""

    id: int
    customer_id: int
    location_id: int | None
    location_name: str
    at: datetime
    edited_at: datetime | None
    user_login: str
    author: str
    text: str


def clean_text(text: str, field: str = "text") -> str:
    """The note's text stripped, or ValidationError (under `field`): empty, control characters, too long."""
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        errors[field] = _("A note cannot be empty.")
    else:
        validation.check_text_fields({field: text}, errors, multiline={field})
        validation.check_max_length({field: text}, {field: TEXT_MAX}, errors)
    if errors:
        raise ValidationError(errors)
    return text


def get_note(session: Session, note_id: int) -> JournalNote:
    note = session.get(JournalNote, note_id)
    if note is None:
        raise NotFound(_("Note {id} does not exist.").format(id=note_id))
    return note


def add_note(session: Session, actor: User, customer_id: int, text: str, location_id: int | None = None) -> JournalNote:
    require(actor, Permission.EDIT)
    customers.get_customer(session, customer_id)
    cleaned = clean_text(text)
    errors: dict[str, str] = {}
    locations.check_customer_site(session, customer_id, location_id, errors)
    if errors:
        raise ValidationError(errors)
    note = JournalNote(customer_id=customer_id, location_id=location_id, user_login=actor.login, text=cleaned)
    session.add(note)
    session.flush()
    audit.record(session, actor.login, "note", note.id, "create", None, audit.snapshot(note))
    return note


def _require_author(actor: User, note: JournalNote) -> None:
    if note.user_login != actor.login and actor.role != Role.ADMIN.value:
        raise PermissionDenied(_("Only its author or an admin may change or delete a note."))


def edit_note(session: Session, actor: User, note_id: int, text: str) -> JournalNote:
    require(actor, Permission.EDIT)
    note = get_note(session, note_id)
    _require_author(actor, note)
    cleaned = clean_text(text)
    before = audit.snapshot(note)
    note.text = cleaned
    note.edited_at = utcnow()
    session.add(note)
    session.flush()
    audit.record(session, actor.login, "note", note.id, "update", before, audit.snapshot(note))
    return note


def delete_note(session: Session, actor: User, note_id: int) -> None:
    note = get_note(session, note_id)
    _require_author(actor, note)
    before = audit.snapshot(note)
    session.delete(note)
    session.flush()
    audit.record(session, actor.login, "note", note_id, "delete", before, None)


def list_notes(session: Session, customer_id: int, query: str = "", location_id: int | None = None) -> list[NoteEntry]:
    """A customer's journal, newest first; `query`: a case- and accent-insensitive part of the text.

    Filtered here rather than in SQL: one customer's notes are few, and
    SQLite and PostgreSQL fold case and accents differently.
    """
    statement = select(JournalNote).where(JournalNote.customer_id == customer_id)
    if location_id is not None:
        statement = statement.where(JournalNote.location_id == location_id)
    notes = list(session.exec(statement.order_by(col(JournalNote.at).desc(), col(JournalNote.id).desc())))
    wanted = normalise.fold(query.strip())
    if wanted:
        notes = [note for note in notes if wanted in normalise.fold(note.text)]
    logins = {note.user_login for note in notes}
    names = (
        {user.login: user.display_name or user.login for user in session.exec(select(User).where(col(User.login).in_(logins)))}
        if logins
        else {}
    )
    sites = locations.site_names(session, {note.location_id for note in notes})
    entries = []
    for note in notes:
        entries.append(
            NoteEntry(
                id=note.id or 0,
                customer_id=note.customer_id,
                location_id=note.location_id,
                location_name=sites.get(note.location_id, "") if note.location_id is not None else "",
                at=note.at,
                edited_at=note.edited_at,
                user_login=note.user_login,
                author=names.get(note.user_login, note.user_login),
                text=note.text,
            )
        )
    return entries


def journal_digest(session: Session, customer_ids: list[int]) -> dict[int, str]:
    """Each customer's journal as one export cell: its newest notes that fit in TEXT_MAX, oldest first, dated.

    "2026-03-05: Called about the boiler" entries, a blank line between them;
    so an export imported again gives one note of at most TEXT_MAX.
    """
    entries: dict[int, list[str]] = {}
    statement = (
        select(JournalNote.customer_id, JournalNote.at, JournalNote.text)
        .where(col(JournalNote.customer_id).in_(customer_ids))
        .order_by(col(JournalNote.customer_id), col(JournalNote.at).desc(), col(JournalNote.id).desc())
    )
    for customer_id, at, text in session.exec(statement):
        entries.setdefault(customer_id, []).append(f"{at.date().isoformat()}: {text}")
    digests = {}
    for customer_id, texts in entries.items():
        kept: list[str] = []
        length = 0
        for entry in texts:  # newest first
            length += len(entry) + (2 if kept else 0)
            if length > TEXT_MAX:
                break
            kept.append(entry)
        digests[customer_id] = "\n\n".join(reversed(kept)) if kept else texts[0][: TEXT_MAX - 1] + "…"
    return digests
