"""The ERROR mark: a record that must no longer be used (merged into another, or given up by hand).

The mark is a flag, `Customer.marked_error` (migration 0007); the stored name
stays the customer's name. Wherever a name is shown, the word ERROR is put
before it in the viewer's language (`marked_name`: "FOUT Bakkerij Peeters"
for a Dutch user, "ERREUR Bakkerij Peeters" for a French one), and searching
the word of any catalog finds the marked records (services.search).

A merge marks the records it empties (merge/apply.py) and its undo clears
the mark. An office gives a record up by typing the word before its name in
the form, as it always did, and takes the mark away by deleting the word:
the form shows the marked name, and `save_customer` turns a leading word of
any catalog into the flag (`split_marked_name`). An import does the same,
and reads the export's `marked_error` column.

Marked records are no one's duplicate and no candidate for anything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from functools import cache

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from custtui.errors import ConflictError
from custtui.i18n import LANGUAGES, _, _load
from custtui.models import Customer, User, utcnow
from custtui.services import audit, customers, permissions
from custtui.services.auth import Permission, require
from custtui.services.customers import CustomerInput, CustomerRow
from custtui.services.locations import LocationInput

ENTITY = "customer"
# What may stand between the word and the name as people type it: "ERROR - Bakkerij", "FOUT: Bakkerij".
_SEPARATORS = " \t:-\u2013\u2014"


@cache
def error_words() -> frozenset[str]:
    """The ERROR word of every catalog (ERROR, FOUT, ERREUR, FEHLER), as the user writes it."""
    words = {"ERROR"} | {_load(code).gettext("ERROR") for code in LANGUAGES}
    return frozenset(word.strip() for word in words if word.strip())


def mark_word() -> str:
    """The ERROR word in the viewer's language: FOUT, ERREUR, FEHLER."""
    return _("ERROR")


def marked_name(name: str | None, marked: bool) -> str:
    """The name as shown: 'FOUT Bakkerij Peeters' (the word in the viewer's language) when marked."""
    name = name or ""
    if not marked:
        return name
    return f"{mark_word()} {name}".rstrip()


def shown_name(customer: Customer) -> str:
    """A customer's name as shown, with its mark."""
    return marked_name(customer.name, customer.marked_error)


def _leading_word(text: str) -> str | None:
    for word in error_words():
        if text.startswith(word) and (len(text) == len(word) or not text[len(word)].isalnum()):
            return word
    return None


def split_marked_name(name: str | None) -> tuple[str, bool]:
    """A name as typed -> (the name, whether it carries the mark).

    'FOUT Bakkerij Peeters' (the word of any catalog, as a word: case counts)
    -> ('Bakkerij Peeters', True); 'Error Solutions BV' and 'FEHLERFREI GmbH'
    are names -> (name, False). A word typed twice goes twice.
    """
    rest = (name or "").strip()
    marked = False
    while (word := _leading_word(rest)) is not None:
        marked = True
        rest = rest[len(word) :].lstrip(_SEPARATORS)
    return (rest, True) if marked else (name or "", False)


def marked_among(session: Session, customer_ids: Collection[int]) -> frozenset[int]:
    """Which of these customers carry the mark (one query per 500 ids)."""
    ids = list(customer_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        statement = select(col(Customer.id)).where(col(Customer.id).in_(chunk), col(Customer.marked_error))
        found.update(cid for cid in session.exec(statement) if cid is not None)
    return frozenset(found)


def set_marked(
    session: Session, actor: User, customer_id: int, marked: bool, expected_version: int | None = None
) -> Customer:
    """Mark a customer (or take the mark away) by hand, audited as a change of the customer."""
    require(actor, Permission.EDIT)
    customer = customers.get_customer(session, customer_id)
    permissions.require_may_edit(session, actor, customer)
    if expected_version is not None and customer.version != expected_version:
        raise ConflictError(ENTITY, customer_id, {"marked_error": marked, "version": expected_version}, audit.snapshot(customer))
    if customer.marked_error == marked:
        return customer
    before = audit.snapshot(customer)
    customer.marked_error = marked
    customer.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError as error:
        session.rollback()
        raise ConflictError(ENTITY, customer_id, {"marked_error": marked}, None) from error
    audit.record(session, actor.login, ENTITY, customer_id, "update", before, audit.snapshot(customer))
    return customer


def save_customer(
    session: Session,
    actor: User,
    customer_id: int | None,
    data: CustomerInput,
    expected_version: int | None = None,
    *,
    main_address: LocationInput | None = None,
    main_location_id: int | None = None,
    address_changed: bool = True,
) -> Customer:
    """What the customer form saves (customers.save_customer), its name as typed: with the word, marked.

    'FOUT Bakkerij Peeters' saves 'Bakkerij Peeters' marked; a marked
    record's name saved without the word loses the mark.
    """
    name, marked = split_marked_name(data.name)
    saved = customers.save_customer(
        session, actor, customer_id, replace(data, name=name), expected_version,
        main_address=main_address, main_location_id=main_location_id, address_changed=address_changed,
    )  # fmt: skip
    if saved.id is not None and saved.marked_error != marked:
        saved = set_marked(session, actor, saved.id, marked)
    return saved


# --- the customer list ---------------------------------------------------------


@dataclass(frozen=True)
class MarkedRow(CustomerRow):
    """A line of the customer list with its mark.

    (The mark belongs in customers.CustomerRow, read by customer_rows; until
    it is there, marked_rows adds it.)
    """

    marked_error: bool = False

    @property
    def shown_name(self) -> str:
        return marked_name(self.name, self.marked_error)


def marked_rows(session: Session, customer_ids: list[int]) -> dict[int, MarkedRow]:
    """customers.customer_rows, each with its mark."""
    rows = customers.customer_rows(session, customer_ids)
    marked = marked_among(session, list(rows))
    return {
        cid: MarkedRow(**{f.name: getattr(row, f.name) for f in fields(row)}, marked_error=cid in marked)
        for cid, row in rows.items()
    }
