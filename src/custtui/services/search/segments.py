"""The index's data: customers' values as entries with their trigrams, read from the database in chunks."""

from __future__ import annotations

import pickle
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple, SupportsIndex

import numpy as np
from sqlalchemy import select
from sqlmodel import Session

from custtui.models import Contact, Customer, Location, table_of
from custtui.services.building import BuildStopped, Stop, customer_pages, gc_paused, never_stop
from custtui.services.search.hits import ADDRESS, ALIAS, EMAIL, NAME, NUMBER, PHONE, VAT
from custtui.services.search.query import BASE, BUILD_CHUNK, DIGIT_MATCH_LIMIT, N_TRIGRAMS, SPACE, char_code, trigram_table
from custtui.services.search.text import digits_of_many, fold_many, phone_key

# ---------------------------------------------------------------------------
# Records and segments
# ---------------------------------------------------------------------------


class Rows(NamedTuple):
    """Plain rows as read from the database.

    customers: (id, name, internal_name, customer_number, vat_number, email, phone, marked_error)
    locations: (customer_id, street, number, postal_code, city, phone), and for each contact person
        (customer_id, "", "", "", "", phone, e-mail): the people's phones and e-mails find their customer
    """

    customers: Sequence[Any]
    locations: Sequence[Any]


_TEXT_FIELDS = frozenset({NAME, ALIAS, NUMBER, EMAIL, ADDRESS})  # in the trigram index
_COMPACT_FIELDS = frozenset({NAME, ALIAS})  # indexed with and without spaces
_SHORT_FIELDS = frozenset({NAME, ALIAS})  # 1-2 character queries
_FIELD_ORDER = (NAME, ALIAS, NUMBER, EMAIL, VAT, ADDRESS, PHONE)  # how entries are laid out
_WORD_HOLDERS_KEPT = 16
ADDRESS_PARTS = "\x1f"  # between street, number, postal code and city in an address entry's shown text


class TextColumn:
    """Many strings in one UTF-8 buffer with numpy offsets: no Python object per value.

    A value is decoded when it is read; a search reads a few thousand at
    most. Python strings cost ~50 bytes each on top of their text, and each
    is one more object for the collector to walk.
    """

    __slots__ = ("_buffer", "_offsets")

    def __init__(self, buffer: bytes | bytearray | memoryview, offsets: np.ndarray) -> None:
        self._buffer = buffer
        self._offsets = offsets

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        # Its text as a PickleBuffer: with a buffer_callback (services.index_process) it travels out of band
        # and comes back as a read-only view of the receiver's memory, uncopied; without one, in band as
        # bytes, as before.
        if int(protocol) >= 5:
            return TextColumn, (pickle.PickleBuffer(self._buffer), self._offsets)
        return TextColumn, (self._buffer, self._offsets)

    @classmethod
    def of(cls, values: Sequence[str]) -> TextColumn:
        encoded = [value.encode("utf-8", "surrogatepass") for value in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    @classmethod
    def concatenate(cls, columns: Sequence[TextColumn]) -> TextColumn:
        offsets = [np.zeros(1, dtype=np.int64)]
        shift = 0
        for column in columns:
            offsets.append(column._offsets[1:] + shift)
            shift += len(column._buffer)
        return cls(b"".join(column._buffer for column in columns), np.concatenate(offsets))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:
        # str(..., encoding): also for a memoryview (a text that came out of band, __reduce_ex__), which has no decode
        return str(self._buffer[self._offsets[index] : self._offsets[index + 1]], "utf-8", "surrogatepass")

    def take(self, indexes: np.ndarray | Sequence[int]) -> list[str]:
        positions = np.asarray(indexes, dtype=np.int64)
        buffer = self._buffer
        return [
            str(buffer[start:stop], "utf-8", "surrogatepass")
            for start, stop in zip(self._offsets[positions].tolist(), self._offsets[positions + 1].tolist(), strict=True)
        ]

    def span(self, start: int, stop: int) -> list[str]:
        return self.take(np.arange(start, stop, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return len(self._buffer) + self._offsets.nbytes


class _FieldPart(NamedTuple):
    """One field's entries from one chunk of customers."""

    customer: np.ndarray  # int32
    shown: TextColumn
    texts: TextColumn
    lengths: np.ndarray  # int32, characters of each text
    compact_lengths: np.ndarray  # int32, the same without spaces


def _field_part(ids: Sequence[int], shown: Sequence[str], texts: Sequence[str]) -> _FieldPart:
    lengths = np.fromiter(map(len, texts), dtype=np.int32, count=len(texts))
    spaces = np.fromiter((t.count(" ") for t in texts), dtype=np.int32, count=len(texts))
    return _FieldPart(
        np.array(ids, dtype=np.int32), TextColumn.of(shown), TextColumn.of(texts), lengths, lengths - spaces
    )


def _joined(parts: Sequence[_FieldPart], attribute: str, dtype: Any) -> np.ndarray:
    arrays = [getattr(part, attribute) for part in parts]
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _chunk_parts(rows: Rows) -> tuple[dict[int, _FieldPart], list[int]]:
    """The entries of some customers, by field, and which of them carry the ERROR mark."""
    parts: dict[int, _FieldPart] = {}
    columns = list(zip(*rows.customers, strict=True)) or [()] * 8
    ids, stored_names, aliases, numbers, vats, emails, phones, marks = columns
    marked = [cid for cid, mark in zip(ids, marks, strict=True) if mark]
    names = [name or "" for name in stored_names]
    parts[NAME] = _field_part(ids, names, fold_many(names))
    for code, values in ((ALIAS, aliases), (NUMBER, numbers), (VAT, vats)):
        present = [i for i, value in enumerate(values) if value]
        kept = [values[i] for i in present]
        parts[code] = _field_part([ids[i] for i in present], kept, fold_many(kept) if code != VAT else [""] * len(kept))
    # E-mails: the customer's, then its contacts' (each address once per customer).
    email_owners: dict[tuple[int, str], None] = dict.fromkeys(
        (customer_id, email) for customer_id, email in zip(ids, emails, strict=True) if email
    )
    email_owners.update(dict.fromkeys((row[0], row[6]) for row in rows.locations if len(row) > 6 and row[6]))
    owners, addresses = [key[0] for key in email_owners], [key[1] for key in email_owners]
    parts[EMAIL] = _field_part(owners, addresses, fold_many(addresses))
    # Addresses: one entry per location, its text "street number postal city"; shown: the
    # four parts (see _describe in index.py), made into an address only when shown.
    located = [row for row in rows.locations if row[1] or row[2] or row[3] or row[4]]
    address_parts = [[value or "" for value in row[1:5]] for row in located]
    parts[ADDRESS] = _field_part(
        [row[0] for row in located],
        [ADDRESS_PARTS.join(part) for part in address_parts],
        fold_many([" ".join(part) for part in address_parts]),
    )
    # Phones: the customer's, its locations' and its contacts' (each number once per customer).
    phone_owners: dict[tuple[int, str], None] = dict.fromkeys(
        (customer_id, phone) for customer_id, phone in zip(ids, phones, strict=True) if phone
    )
    phone_owners.update(dict.fromkeys((row[0], row[5]) for row in rows.locations if row[5]))
    parts[PHONE] = _field_part([key[0] for key in phone_owners], [key[1] for key in phone_owners], [""] * len(phone_owners))
    return parts, marked


class Segment:
    """Immutable search structures over some customers' entries (one entry per searchable value).

    Entries are laid out field by field: all names, then aliases, numbers,
    e-mails, VAT numbers, addresses and phones. Built from chunks of rows
    (each chunk whole customers with their locations), so that the rows of
    all customers are never in memory at once.
    """

    def __init__(self, chunks: Iterable[Rows], stop: Stop = never_stop) -> None:
        """Index these rows; `stop` is asked between steps of ~0.1 s, and BuildStopped raised when it says so."""
        by_field: dict[int, list[_FieldPart]] = {code: [] for code in _FIELD_ORDER}
        marked: list[int] = []
        with gc_paused():  # many short-lived tuples and strings, no cycles
            for rows in chunks:
                if stop():
                    raise BuildStopped
                parts, chunk_marked = _chunk_parts(rows)
                marked += chunk_marked
                for code, part in parts.items():
                    by_field[code].append(part)
        # The customers with the ERROR mark (services.marks), sorted: the mark words of a query find them.
        self.marked = np.array(sorted(marked), dtype=np.int64)
        ranges: dict[int, tuple[int, int]] = {}
        size = 0
        for code in _FIELD_ORDER:
            count = sum(len(part.customer) for part in by_field[code])
            ranges[code] = (size, size + count)
            size += count

        in_order = [part for code in _FIELD_ORDER for part in by_field[code]]
        del by_field
        self.ranges = ranges
        self.size = size
        self.customer = _joined(in_order, "customer", np.int32)
        self.field = np.repeat(
            np.array(_FIELD_ORDER, dtype=np.int8), [ranges[code][1] - ranges[code][0] for code in _FIELD_ORDER]
        )
        self.lengths = _joined(in_order, "lengths", np.int32)
        self.compact_lengths = _joined(in_order, "compact_lengths", np.int32)
        self.shown = TextColumn.concatenate([part.shown for part in in_order])
        self.texts = TextColumn.concatenate([part.texts for part in in_order])
        del in_order
        # Entries by customer, to find a customer's entries without a scan.
        self.by_customer = np.argsort(self.customer, kind="stable").astype(np.int32)
        self.sorted_customers = self.customer[self.by_customer]
        self.customer_ids = np.unique(self.sorted_customers)
        self._build_trigrams(stop)
        self._word_holders: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # see word_holders
        self._word_holders_lock = threading.Lock()
        for step in (self._build_digits, self._build_short):
            if stop():
                raise BuildStopped
            step()

    # Pickled with the index (built in another process): its arrays; the word-holder cache starts empty.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_word_holders_lock"]
        state["_word_holders"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._word_holders_lock = threading.Lock()

    def entries_of_customers(self, ids: np.ndarray) -> np.ndarray:
        """The entries of these customers (sorted ids)."""
        low = np.searchsorted(self.sorted_customers, ids, side="left")
        high = np.searchsorted(self.sorted_customers, ids, side="right")
        if not len(ids):
            return np.zeros(0, dtype=np.int64)
        spans = [np.arange(lo, hi) for lo, hi in zip(low.tolist(), high.tolist(), strict=True)]
        entries: np.ndarray = self.by_customer[np.concatenate(spans)]
        return entries

    def has_customers(self, ids: np.ndarray) -> np.ndarray:
        """Bool per id (sorted ids): whether this segment has entries of it."""
        at = np.searchsorted(self.customer_ids, ids)
        found: np.ndarray = (at < len(self.customer_ids)) & (
            self.customer_ids[np.minimum(at, len(self.customer_ids) - 1)] == ids
        )
        return found

    def entries_of(self, code: int) -> range:
        return range(*self.ranges.get(code, (0, 0)))

    # -- trigram postings ---------------------------------------------------

    def _build_trigrams(self, stop: Stop) -> None:
        # In chunks of entries, to bound the memory the sorts need; then merged.
        counts: list[np.ndarray] = []
        postings: list[np.ndarray] = []
        for code in _FIELD_ORDER:  # entry order: owners ascend across chunks
            if code not in _TEXT_FIELDS:
                continue
            entries = self.entries_of(code)
            for start in range(entries.start, entries.stop, BUILD_CHUNK):
                if stop():
                    raise BuildStopped
                end = min(start + BUILD_CHUNK, entries.stop)
                parts = self.texts.span(start, end)
                if code in _COMPACT_FIELDS:
                    # Names also without spaces, in the same part: " van den broeck \n vandenbroeck ".
                    parts = [f"{t} \n {t.replace(' ', '')}" if " " in t else t for t in parts]
                chunk_counts, chunk_postings = trigram_table(parts, np.arange(start, end, dtype=np.int32))
                counts.append(chunk_counts)
                postings.append(chunk_postings)
        total = np.sum(counts, axis=0, dtype=np.int64) if counts else np.zeros(N_TRIGRAMS, dtype=np.int64)
        # Postings: for each trigram, the entries that have it (ascending).
        self.offsets = np.zeros(N_TRIGRAMS + 1, dtype=np.int64)
        np.cumsum(total, out=self.offsets[1:])
        self.postings = np.empty(int(self.offsets[-1]), dtype=np.int32)
        before = np.zeros(N_TRIGRAMS, dtype=np.int64)  # postings of earlier chunks, per trigram
        for chunk_counts, chunk_postings in zip(counts, postings, strict=True):
            local_starts = np.cumsum(chunk_counts) - chunk_counts
            shift = self.offsets[:-1] + before - local_starts
            self.postings[np.repeat(shift, chunk_counts) + np.arange(len(chunk_postings))] = chunk_postings
            before += chunk_counts

    def trigram_counts(self, codes: Iterable[int]) -> np.ndarray:
        slices = [self.postings[self.offsets[code] : self.offsets[code + 1]] for code in codes]
        slices = [s for s in slices if len(s)]
        if not slices:
            return np.zeros(self.size, dtype=np.int64)
        return np.bincount(np.concatenate(slices), minlength=self.size)

    def word_holders(self, key: str, codes: Sequence[int], need: int) -> tuple[np.ndarray, np.ndarray]:
        """The entries with at least `need` of one word's trigrams `codes`, and the share they have, by share.

        Remembered for the last few words (`key`: the word as padded): while
        a query is typed, its earlier words are looked up again at each key.
        """
        found = self._word_holders.get(key)
        if found is None:
            counts = self.trigram_counts(codes)
            entries = np.flatnonzero(counts >= need)
            share = counts[entries].astype(np.float32) / len(codes)
            order = np.argsort(share, kind="stable")
            found = entries[order], share[order]
            with self._word_holders_lock:
                if len(self._word_holders) >= _WORD_HOLDERS_KEPT:
                    self._word_holders.pop(next(iter(self._word_holders)), None)
                self._word_holders[key] = found
        return found

    def entry_trigram_counts(self, entries: np.ndarray, codes: Sequence[int]) -> np.ndarray:
        """How many of `codes` each of these entries has (for a few thousand entries at most).

        A binary search of each code's postings (ascending) for the entries:
        no per-entry list of trigrams is kept (it would cost half as much
        memory again as the postings).
        """
        counts = np.zeros(len(entries), dtype=np.int64)
        for code in codes:
            postings = self.postings[self.offsets[code] : self.offsets[code + 1]]
            if not len(postings):
                continue
            at = np.minimum(np.searchsorted(postings, entries), len(postings) - 1)
            counts += postings[at] == entries
        return counts

    # -- digit keys ---------------------------------------------------------

    def _build_digits(self) -> None:
        keys: list[str] = []
        owners: list[int] = []

        def add(entries: range, values: list[str]) -> None:
            for entry, value in zip(entries, values, strict=True):
                if value:
                    keys.append(value)
                    owners.append(entry)

        numbers = self.entries_of(NUMBER)
        add(numbers, [t.replace(" ", "") for t in self.texts.span(numbers.start, numbers.stop)])
        # VAT: "be0727560871" and "0727560871"; phones: national "0470123456" and as written "32470123456".
        vats = self.entries_of(VAT)
        shown = self.shown.span(vats.start, vats.stop)
        add(vats, [t.replace(" ", "") for t in fold_many(shown)])
        add(vats, digits_of_many(shown))
        phones = self.entries_of(PHONE)
        first_phone_key = len(keys)  # phone keys come last
        shown = self.shown.span(phones.start, phones.stop)
        digits = digits_of_many(shown)
        national = [phone_key(phone, d) for phone, d in zip(shown, digits, strict=True)]
        add(phones, national)
        add(phones, [d if d != n else "" for d, n in zip(digits, national, strict=True)])
        # "\0key\0key\0": a match's position finds its key with a binary search.
        self.digit_text = "\0" + "\0".join(keys) + "\0"
        lengths = np.array(list(map(len, keys)), dtype=np.int64)
        starts = np.zeros(len(keys), dtype=np.int64)
        if keys:
            np.cumsum(lengths[:-1] + 1, out=starts[1:])
        self.digit_starts = starts + 1
        # Where the phone keys start in digit_text (its end when there are none).
        self.phone_text_start = int(starts[first_phone_key]) if first_phone_key < len(keys) else len(self.digit_text)
        self.digit_count = len(keys)
        self.digit_lengths = np.maximum(lengths, 1).astype(np.float32)
        self.digit_owner = np.array(owners, dtype=np.int32)

    def digit_matches(self, key: str, prefix_only: bool, phones_only: bool = False) -> tuple[np.ndarray, np.ndarray, bool]:
        """Entries with a digit key containing `key` (starting with it), their scores, whether all were read.

        Scores: the whole key 100, its start 90-99, elsewhere in it 80-89.
        """
        empty = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        if not self.digit_count or not key:
            return (*empty, True)
        needle = "\0" + key if prefix_only else key
        start = self.phone_text_start if phones_only else 0
        matches = re.compile(re.escape(needle)).finditer(self.digit_text, start)
        positions = [m.start() for m in islice(matches, DIGIT_MATCH_LIMIT)]
        complete = len(positions) < DIGIT_MATCH_LIMIT
        if not positions:
            return (*empty, complete)
        pos = np.array(positions, dtype=np.int64) + (1 if prefix_only else 0)
        which = np.searchsorted(self.digit_starts, pos, side="right") - 1
        key_lengths = self.digit_lengths[which]
        share = len(key) / key_lengths
        at_start = pos == self.digit_starts[which]
        scores = np.where(at_start, 90.0 + 9.0 * share, 80.0 + 9.0 * share)
        scores = np.where(at_start & (key_lengths == len(key)), 100.0, scores).astype(np.float32)
        owners = self.digit_owner[which]
        # The best key of each entry (a phone has a national and an international key).
        order = np.lexsort((-scores, owners))
        owners, scores = owners[order], scores[order]
        first = np.ones(len(owners), dtype=bool)
        first[1:] = owners[1:] != owners[:-1]
        return owners[first], scores[first], complete

    # -- short queries ------------------------------------------------------

    def _build_short(self) -> None:
        names, aliases = self.entries_of(NAME), self.entries_of(ALIAS)  # neighbours: names, then aliases
        self.short_entries = np.arange(names.start, aliases.stop, dtype=np.int64)
        texts = self.texts.span(names.start, aliases.stop)
        # The first two characters of each name/alias, as one code: (first * BASE + second).
        self.short_starts = np.array(
            [char_code(t[0]) * BASE + (char_code(t[1]) if len(t) > 1 else SPACE) if t else -1 for t in texts],
            dtype=np.int32,
        )
        # Alphabetical rank of each name/alias entry, to list short-query hits by name.
        order = sorted(range(len(texts)), key=texts.__getitem__)
        rank = np.zeros(self.size, dtype=np.int32)
        rank[self.short_entries[np.array(order, dtype=np.int64)]] = np.arange(len(order), dtype=np.int32)
        self.alpha_rank = rank


# ---------------------------------------------------------------------------
# Snapshot: what one search reads
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    base: Segment
    base_alive: np.ndarray | None  # bool per base entry; None: all (nothing refreshed yet)
    base_removed: frozenset[int]  # base customers whose entries are masked out
    delta: Segment | None  # customers refreshed since the base was built
    delta_rows: dict[int, tuple[Any, list[Any]]]  # customer id -> (customer row, location rows)
    customers: int
    id_limit: int  # one more than the largest customer id seen

    def marked_ids(self) -> np.ndarray:
        """The customers with the ERROR mark, as of this snapshot (sorted)."""
        base = self.base.marked
        if self.base_removed:
            base = base[~np.isin(base, np.fromiter(self.base_removed, dtype=np.int64, count=len(self.base_removed)))]
        if self.delta is None or not len(self.delta.marked):
            return base
        return np.union1d(base, self.delta.marked)

    def segments(self) -> list[tuple[Segment, np.ndarray | None]]:
        result: list[tuple[Segment, np.ndarray | None]] = [(self.base, self.base_alive)]
        if self.delta is not None and self.delta.size:
            result.append((self.delta, None))
        return result


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

_CHUNK = 500  # ids per IN (...) when reading given customers
FULL_READ_CHUNK = 5000  # customers per read when reading them all (a stop is asked between reads)


def _queries() -> tuple[Any, Any, Any, Any]:
    customer = table_of(Customer).c
    location = table_of(Location).c
    customer_query = select(
        customer.id, customer.name, customer.internal_name, customer.customer_number,
        customer.vat_number, customer.email, customer.phone, customer.marked_error,
    ).order_by(customer.id)
    location_query = select(
        location.customer_id, location.street, location.number, location.postal_code, location.city, location.phone
    ).order_by(location.customer_id, location.id)
    return customer, location, customer_query, location_query


def _contact_rows(connection: Any, where: Any) -> list[tuple[Any, ...]]:
    """Each contact's phone, mobile and e-mail as location-shaped rows (see Rows), by customer."""
    contact = table_of(Contact).c
    query = select(contact.customer_id, contact.phone, contact.mobile, contact.email).where(where(contact.customer_id))
    rows: list[tuple[Any, ...]] = []
    for customer_id, phone, mobile, email in connection.execute(query.order_by(contact.customer_id, contact.id)):
        rows.append((customer_id, "", "", "", "", phone, email))
        if mobile:
            rows.append((customer_id, "", "", "", "", mobile, None))
    return rows


def load_rows(session: Session, ids: list[int]) -> Rows:
    """These customers with their locations and contacts, as plain rows."""
    customer, location, customer_query, location_query = _queries()
    session.flush()  # plain SELECTs do not autoflush: let them see this session's own changes
    connection = session.connection()
    customers: list[Any] = []
    locations: list[Any] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        customers.extend(connection.execute(customer_query.where(customer.id.in_(chunk))))
        locations.extend(connection.execute(location_query.where(location.customer_id.in_(chunk))))
        locations.extend(_contact_rows(connection, lambda column, chunk=chunk: column.in_(chunk)))
    return Rows(customers, locations)


def read_all_rows(session: Session) -> Iterator[Rows]:
    """Every customer with its locations, FULL_READ_CHUNK customers at a time, by id (see customer_pages)."""
    customer, location, customer_query, location_query = _queries()
    session.flush()  # plain SELECTs do not autoflush: let them see this session's own changes
    for customers, locations in customer_pages(
        session, customer_query, location_query, customer.id, location.customer_id, FULL_READ_CHUNK
    ):
        first, last = customers[0][0], customers[-1][0]
        people = _contact_rows(session.connection(), lambda column, first=first, last=last: column.between(first, last))
        yield Rows(customers, [*locations, *people])
