"""The search that answers while the index is still being built: in the database, words as typed.

The in-memory index takes seconds to build on a large database (about 4 s at
100,000 customers), and a technician types as soon as the list is painted.
Until it is ready, this answers instead: the customers holding every word of
the query somewhere (in any order and any field), each word as typed apart
from its case: no typos forgiven and no accents folded, so "liege" does not
find Liège until the index does. One SELECT per query, at most `limit`
customers; it costs a scan of the customers and their sites, tens of
milliseconds at 100,000.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_
from sqlmodel import Session, col, select

from custtui.models import Customer, Location, stored_id
from custtui.services.filters import CustomerFilter, like_escaped, where_clauses
from custtui.services.search.hits import FIELD_ORDER, SearchHit

MAX_WORDS = 6  # a longer query is no more precise, only slower

# Searched on the customer, then on each of its sites; the first field a word is found in is the hit's.
_CUSTOMER_FIELDS = ("name", "internal_name", "customer_number", "vat_number", "email", "phone")
_SITE_FIELDS = ("street", "postal_code", "city")


def _like(word: str) -> str:
    return f"%{like_escaped(word)}%"


def _holds(column: object, pattern: str, sqlite: bool) -> ColumnElement[bool]:
    # SQLite's LIKE ignores case already (ASCII letters); ILIKE would wrap both sides in lower(), a call a row.
    if sqlite:
        return col(column).like(pattern, escape="\\")
    return col(column).ilike(pattern, escape="\\")


def exact_search(
    session: Session, query: str, *, limit: int = 200, customer_filter: CustomerFilter | None = None
) -> list[SearchHit]:
    """The customers holding every word of `query`, best first: the name starting with it, then holding it all."""
    words = query.split()[:MAX_WORDS]
    if not words:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    conditions: list[ColumnElement[bool]] = []
    for word in words:
        pattern = _like(word)
        on_customer = [_holds(getattr(Customer, field), pattern, sqlite) for field in _CUSTOMER_FIELDS]
        if len(word) > 1 and word.startswith("0") and word.isdigit():
            # Phones are stored as +32471...: "0471" typed nationally is found without its trunk 0.
            on_customer.append(_holds(Customer.phone, _like(word[1:]), sqlite))
        at_a_site = select(col(Location.customer_id)).where(
            or_(*(_holds(getattr(Location, field), pattern, sqlite) for field in _SITE_FIELDS))
        )
        conditions.append(or_(*on_customer, col(Customer.id).in_(at_a_site)))
    if customer_filter is not None and not customer_filter.is_empty:
        conditions.extend(where_clauses(session, customer_filter))
    statement = select(Customer).where(and_(*conditions) if conditions else false()).order_by(col(Customer.name)).limit(limit)
    found = list(session.exec(statement))
    sites: dict[int, list[Location]] = {}
    if found:
        ids = [customer.id for customer in found]
        for site in session.exec(select(Location).where(col(Location.customer_id).in_(ids)).order_by(col(Location.id))):
            sites.setdefault(site.customer_id, []).append(site)
    hits = [_hit(customer, sites.get(customer.id or 0, []), words) for customer in found]
    return sorted(hits, key=lambda hit: (-hit.score, FIELD_ORDER.get(hit.field, 9)))  # sorted() keeps the name order


def _hit(customer: Customer, sites: list[Location], words: list[str]) -> SearchHit:
    """The hit: the name when it holds every word, else the first other field that holds one the name lacks.

    Scored by the share of the words the name holds (a name starting with the first word a little
    more), so "peeters gent" puts a Peeters in Gent before a customer whose e-mail says peeters.
    """
    lowered = [word.casefold() for word in words]
    name = (customer.name or "").casefold()
    in_name = sum(word in name for word in lowered)
    score = 60.0 + 35.0 * in_name / len(lowered) + (5.0 if name.startswith(lowered[0]) else 0.0)
    if in_name == len(lowered):
        return SearchHit(stored_id(customer), score, "name", customer.name)
    missing = next(word for word in lowered if word not in name)
    national = missing[1:] if missing.startswith("0") and missing.isdigit() else missing
    for field in _CUSTOMER_FIELDS[1:]:
        value = getattr(customer, field) or ""
        if missing in value.casefold() or (field == "phone" and national in value):
            return SearchHit(stored_id(customer), score, field, value)
    for site in sites:
        address = " ".join(part for part in (site.street, site.number, site.postal_code, site.city) if part)
        if missing in address.casefold():
            return SearchHit(stored_id(customer), score, "address", address)
    return SearchHit(stored_id(customer), score, "name", customer.name)
