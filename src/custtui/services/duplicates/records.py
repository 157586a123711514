"""One customer normalised, ready to compare, and the blocking keys it shares with look-alikes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from custtui.services.addresses import Address, normalise_address
from custtui.services.duplicates.results import DraftCustomer
from custtui.services.normalise import (
    name_tokens,
    normalise_customer_number,
    normalise_email,
    normalise_phone,
    normalise_vat,
    phonetic_key,
)

# Blocking, per kind of key (its first letter): (all pairs up to, skipped above, window).
# A block of up to the first number of customers gives all its pairs; a
# larger one, up to the second number, pairs each customer with the next
# `window` in name order (sorted neighbourhood inside the block).
MAX_BLOCK_SIZE = 200
BLOCKS = {
    "n": (10, 10, 0),  # a rare name word (phonetic), anywhere
    "h": (10, MAX_BLOCK_SIZE, 3),  # postal code + house number: the same building, street typos forgiven
    "y": (10, MAX_BLOCK_SIZE, 3),  # city + house number: the same building, postal code typos forgiven
    # A name word (phonetic) + postal code: common surnames in one place. Its big blocks gave many pairs and
    # few duplicates (545,000 pairs, none a duplicate only found there, at 100,000 demo customers): a small window.
    "p": (5, 100, 1),
    "a": (10, MAX_BLOCK_SIZE, 3),  # postal code + street + number
    "v": (10, MAX_BLOCK_SIZE, 3),  # VAT
    "e": (10, MAX_BLOCK_SIZE, 3),  # e-mail
    "f": (10, MAX_BLOCK_SIZE, 3),  # phone
    "c": (10, MAX_BLOCK_SIZE, 3),  # customer number
}
SORTED_WINDOW = 3  # global sorted neighbourhood: each name with the next 2
IDENTIFIER_KEYS = frozenset("vefc")  # the kinds of key whose sharing counts in the score (term frequency)



# --------------------------------------------------------------------------
# Records: one customer, normalised, ready to compare.
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    id: int
    name: str  # normalised
    alias: str  # normalised internal name, "" when none
    name_words: tuple[str, ...]
    alias_words: tuple[str, ...]
    sorted_name: str  # words sorted: ratio() on these is token_sort_ratio()
    sorted_alias: str
    number: str
    vat: str
    email: str
    phone: str
    addresses: tuple[Address, ...]
    # The contact persons' (services.contacts), normalised, besides the customer's own: they count as its.
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


def make_address(street: str | None, number: str | None, postal: str | None, city: str | None) -> Address | None:
    address = normalise_address(street, number, postal, city)
    return None if address.is_empty else address


def make_record(
    customer_id: int,
    name: str | None,
    internal_name: str | None,
    customer_number: str | None,
    vat: str | None,
    email: str | None,
    phone: str | None,
    addresses: Iterable[Address],
    contact_phones: Iterable[str | None] = (),
    contact_emails: Iterable[str | None] = (),
) -> Record:
    name_words = name_tokens(name)
    alias_words = name_tokens(internal_name)
    mail = normalise_email(email)
    own_phone = normalise_phone(phone)
    phones = tuple(dict.fromkeys(p for p in map(normalise_phone, contact_phones) if p and p != own_phone))
    emails = tuple(dict.fromkeys(e for e in map(normalise_email, contact_emails) if e and e != mail))
    return Record(
        id=customer_id,
        name=" ".join(name_words),
        alias=" ".join(alias_words),
        name_words=name_words,
        alias_words=alias_words,
        sorted_name=" ".join(sorted(name_words)),
        sorted_alias=" ".join(sorted(alias_words)),
        number=normalise_customer_number(customer_number),
        vat=normalise_vat(vat),
        email=mail,
        phone=own_phone,
        addresses=tuple(dict.fromkeys(addresses)),
        phones=phones,
        emails=emails,
    )


def draft_record(draft: DraftCustomer) -> Record:
    address = make_address(draft.street, draft.number, draft.postal_code, draft.city)
    return make_record(
        0, draft.name, draft.internal_name, draft.customer_number, draft.vat_number, draft.email, draft.phone,
        [address] if address else [],
    )


def records_from_rows(
    customer_rows: Sequence[Any], location_rows: Sequence[Any], contact_rows: Sequence[Any] = ()
) -> list[Record]:
    """Records of these customer rows (id, name, internal name, number, VAT, e-mail, phone) with their locations
    and their contacts' (customer id, phone, mobile, e-mail)."""
    contact_phones: dict[int, list[str | None]] = defaultdict(list)
    contact_emails: dict[int, list[str | None]] = defaultdict(list)
    for customer_id, phone, mobile, email in contact_rows:
        contact_phones[customer_id] += (phone, mobile)
        contact_emails[customer_id].append(email)
    addresses: dict[int, list[Address]] = defaultdict(list)
    address_cache: dict[tuple[str, str, str, str], Address | None] = {}
    for customer_id, street, number, postal, city in location_rows:
        key = (street or "", number or "", postal or "", city or "")
        if key in address_cache:
            address = address_cache[key]
        else:
            address = address_cache[key] = make_address(*key)
        if address is not None:
            addresses[customer_id].append(address)
    records = [
        make_record(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], addresses.get(row[0], ()),
            contact_phones.get(row[0], ()), contact_emails.get(row[0], ()),
        )  # fmt: skip
        for row in customer_rows
    ]
    return records


# --------------------------------------------------------------------------
# Blocking keys.
# --------------------------------------------------------------------------

def record_keys(record: Record) -> set[str]:
    """The blocking keys of a record; the first letter tells the kind (see BLOCKS)."""
    keys: set[str] = set()
    sounds = {phonetic_key(word) for word in record.name_words + record.alias_words if len(word) >= 2}
    for sound in sounds:
        keys.add("n" + sound)
    for address in record.addresses:
        if address.postal:
            keys.update("p" + address.postal + ":" + sound for sound in sounds if len(sound) >= 3)
        if address.city and address.house:
            keys.add("y" + address.city + ":" + address.house)
        if address.postal and address.house:
            keys.add("h" + address.postal + ":" + address.house)
        if address.street and address.number:
            keys.add("a" + address.postal + ":" + address.street.replace(" ", "") + ":" + address.number)
    if record.vat:
        keys.add("v" + record.vat)
    for email in (record.email, *record.emails):
        if email:
            keys.add("e" + email)
    for phone in (record.phone, *record.phones):
        if phone:
            keys.add("f" + phone)
    if record.number:
        keys.add("c" + record.number)
    return keys
