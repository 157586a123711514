"""Type-ahead fuzzy customer search: an in-memory index answered per keystroke.

Searched: name, internal name (alias), customer number, VAT number, phone
numbers (customer and locations), e-mail, and the address of every location
(street, number, postal code, city). Each hit says which field matched.

Measured at 100,000 customers on a 2-core machine: about 3 s to build (two
SELECTs, then numpy; 160 MiB kept, 430 MiB at the peak of the build); a
keystroke p50 ~4 ms, p95 ~11 ms; refresh() of one customer ~5 ms
(benchmarks/search_latency.py).

How a query is answered:

* Text is folded once, when the index is built: lowercase, accents removed,
  "ß" -> "ss", punctuation -> spaces. Each searchable value is an *entry*
  (customer, field, folded text).
* Prefilter: a character-trigram inverted index over the entries (names also
  without spaces, so "vandenbroek" meets "Van den Broeck"). numpy counts, per
  entry, the trigrams it shares with the query's words (none spans two words,
  so word order does not matter); an entry matches when it lacks at most
  about 4 per typo. Up to 2,000 matches, those sharing the most, go on.
* Ranking: rapidfuzz scores them (substring match without spaces, word-order
  free match, whole-string closeness). Exact matches score 100, entries in
  which every query word starts a word 90-99.9, fuzzy ones below 90. The best
  entry of a customer is its hit.
* Digits-only queries (customer number, phone, VAT) are matched as
  substrings of digit keys instead; phones are compared on their digits with
  +32 / 0032 turned into the trunk 0 (and +31, +33, +49, +352 likewise).
* One- and two-character queries match the start of name and alias words.

`Searcher` narrows as fzf does: when the query extends the previous one, only
the previous survivors (every entry that may still match, not only the shown
top) are searched again. Survivors are chosen so that narrowing finds exactly
what a full scan finds (see MAX_SLACK). As the trigram count itself takes
under a millisecond at 100,000 customers, narrowing saves little time here:
the ranking of the candidates is the larger cost, and it is the same.

Updates: `refresh()` re-reads the given customers and swaps in a new snapshot
(the large base part is shared, a small delta part is rebuilt), so a search
running in another thread never sees a half-updated index.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlmodel import Session

from custtui.models import Customer, Location
from custtui.services.addresses import format_address

__all__ = ["SearchHit", "SearchIndex", "Searcher", "fold", "fold_many", "phone_key", "search_customers"]

# ---------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------

# Letters that Unicode decomposition does not split into a base letter + accent.
_SPECIAL_LETTERS = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"}
_SPECIAL_RE = re.compile("[" + "".join(_SPECIAL_LETTERS) + "]")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NON_WORD = re.compile(r"[^\w\n]+")  # keeps line breaks, which separate the values in fold_many
_LINE_EDGES = re.compile(r" ?\n ?")
# ASCII: letters and digits lowercased, line breaks kept, anything else a space.
_ASCII_TABLE = bytes(
    ord(chr(c).lower()) if c < 128 and chr(c).isalnum() else 10 if c == 10 else 32 for c in range(256)
)
_ASCII_SPACES = re.compile(rb"  +")
_ASCII_LINE_EDGES = re.compile(rb" ?\n ?")


def _fold_unicode(text: str) -> str:
    """Fold one string, or several joined with line breaks."""
    text = _SPECIAL_RE.sub(lambda m: _SPECIAL_LETTERS[m.group()], text.casefold())  # casefold: "ß" -> "ss"
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).replace("_", " ")
    return _LINE_EDGES.sub("\n", _NON_WORD.sub(" ", text)).strip(" ")


def _fold_ascii(text: str) -> str:
    folded = _ASCII_SPACES.sub(b" ", text.encode("ascii").translate(_ASCII_TABLE))
    return _ASCII_LINE_EDGES.sub(b"\n", folded).strip(b" ").decode("ascii")


def fold(text: str | None) -> str:
    """Lowercase, without accents ("Müller" -> "muller", "ß" -> "ss"), punctuation as single spaces."""
    if not text:
        return ""
    text = " ".join(text.split())  # line breaks too
    return _fold_ascii(text) if text.isascii() else _fold_unicode(text)


def fold_many(values: Sequence[str | None]) -> list[str]:
    """fold() of each value, on joined strings: many times faster than one by one."""
    texts = [value or "" for value in values]
    if any("\n" in text or "\r" in text for text in texts):
        return [fold(text) for text in texts]
    result = [""] * len(texts)
    plain = [i for i, text in enumerate(texts) if text.isascii()]
    other = [i for i, text in enumerate(texts) if not text.isascii()]
    for indexes, folder in ((plain, _fold_ascii), (other, _fold_unicode)):
        if indexes:
            for i, folded in zip(indexes, folder("\n".join(texts[i] for i in indexes)).split("\n"), strict=True):
                result[i] = folded
    return result


_NON_DIGITS = re.compile(r"\D+")
_NON_DIGITS_KEEP_LINES = re.compile(r"[^\d\n]+")
# Country code -> trunk prefix used inside the country.
_TRUNK = (("352", ""), ("32", "0"), ("31", "0"), ("33", "0"), ("49", "0"))


def _digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def _digits_many(values: Sequence[str]) -> list[str]:
    return _NON_DIGITS_KEEP_LINES.sub("", "\n".join(values)).split("\n") if values else []


def phone_key(phone: str, digits: str | None = None) -> str:
    """The digits of a phone number in national form: '+32 470/12.34.56' -> '0470123456'."""
    stripped = phone.strip()
    if digits is None:
        digits = _digits(stripped)
    if stripped.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return digits
    for code, trunk in _TRUNK:
        if international.startswith(code):
            return trunk + international[len(code):]
    return international


# ---------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------

FIELDS = ("name", "internal_name", "customer_number", "vat_number", "phone", "email", "address")
_NAME, _ALIAS, _NUMBER, _VAT, _PHONE, _EMAIL, _ADDRESS = range(len(FIELDS))
# Among equal scores, a hit on an earlier field comes first.
_FIELD_ORDER = {"name": 0, "internal_name": 1, "customer_number": 2, "vat_number": 3, "phone": 4,
                "email": 6, "street": 5, "city": 5, "address": 5}


@dataclass(frozen=True)
class SearchHit:
    customer_id: int
    score: float  # 0..100
    field: str  # name, internal_name, customer_number, street, city, address, vat_number, phone, email
    matched: str  # the original (unfolded) text that matched, for display


# ---------------------------------------------------------------------------
# Tuning
# ---------------------------------------------------------------------------

CANDIDATES = 2000  # entries ranked with rapidfuzz per query, at most
MIN_SCORE = 60.0  # weaker hits are not shown
NARROW_DIRECT = 3000  # up to this many entries, counting their trigrams beats the postings
# Customers refreshed since the base was built: past DELTA_LIMIT, `needs_rebuild` says
# to call rebuild() in a worker; past DELTA_HARD_LIMIT, refresh() rebuilds by itself.
DELTA_LIMIT = 2000
DELTA_HARD_LIMIT = 20_000
_DIGIT_MATCH_LIMIT = 20_000  # digit-key matches read per query, at most

# Trigram alphabet: a-z, 0-9, space, anything else, and the separator between entries.
_BASE = 39
_SPACE, _OTHER, _SEP = 36, 37, 38
_LUT = np.full(256, _OTHER, dtype=np.uint8)
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz0123456789"):
    _LUT[ord(_c)] = _i
_LUT[ord(" ")] = _SPACE
_LUT[ord("\n")] = _SEP
_N_TRIGRAMS = _BASE**3


def _char_code(char: str) -> int:
    return int(_LUT[ord(char)]) if ord(char) < 128 else _OTHER


def _trigram_codes(padded: str) -> set[int]:
    codes = [_char_code(c) for c in padded]
    return {(codes[i] * _BASE + codes[i + 1]) * _BASE + codes[i + 2] for i in range(len(codes) - 2)}


_BUILD_CHUNK = 100_000  # entries whose trigrams are sorted at once while building


def _trigram_table(parts: list[str], owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct trigrams of each part, each part padded with spaces; `owners` is ascending.

    Returns the count of entries per trigram, the owners grouped by trigram
    (ascending within each), and the same pairs grouped by owner: trigrams, owners.
    """
    if not parts:
        empty32 = np.zeros(0, dtype=np.int32)
        return np.zeros(_N_TRIGRAMS, dtype=np.int64), empty32, np.zeros(0, dtype=np.uint16), empty32
    part_lengths = np.array(list(map(len, parts)), dtype=np.int64) + 3  # " " text " " "\n"
    codes = _LUT[np.frombuffer((" " + " \n ".join(parts) + " ").encode("ascii", "replace"), dtype=np.uint8)]
    owner = np.repeat(owners, part_lengths)[: len(codes)]
    a, b, c = codes[:-2], codes[1:-1], codes[2:]
    valid = (a != _SEP) & (b != _SEP) & (c != _SEP)
    trigrams = ((a.astype(np.uint16) * _BASE + b) * _BASE + c)[valid]
    owner = owner[:-2][valid]
    del codes, a, b, c, valid
    # Owners are ascending here; a stable (radix) sort by trigram keeps them ascending
    # within each trigram, so repeats of a trigram in one entry are neighbours.
    order = np.argsort(trigrams, kind="stable")
    by_trigram, by_trigram_owner = trigrams[order], owner[order]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (by_trigram[1:] != by_trigram[:-1]) | (by_trigram_owner[1:] != by_trigram_owner[:-1])
    counts = np.bincount(by_trigram[keep], minlength=_N_TRIGRAMS).astype(np.int64)
    postings = by_trigram_owner[keep]
    del by_trigram, by_trigram_owner
    keep_by_owner = np.empty_like(keep)
    keep_by_owner[order] = keep
    return counts, postings, trigrams[keep_by_owner], owner[keep_by_owner]


# ---------------------------------------------------------------------------
# Records and segments
# ---------------------------------------------------------------------------


class _Rows(NamedTuple):
    """Plain rows as read from the database.

    customers: (id, name, internal_name, customer_number, vat_number, email, phone)
    locations: (customer_id, street, number, postal_code, city, phone)
    """

    customers: Sequence[Any]
    locations: Sequence[Any]


_TEXT_FIELDS = frozenset({_NAME, _ALIAS, _NUMBER, _EMAIL, _ADDRESS})  # in the trigram index
_COMPACT_FIELDS = frozenset({_NAME, _ALIAS})  # indexed with and without spaces
_SHORT_FIELDS = frozenset({_NAME, _ALIAS})  # 1-2 character queries


class _Segment:
    """Immutable search structures over some customers' entries (one entry per searchable value).

    Entries are laid out field by field: all names, then aliases, numbers,
    e-mails, VAT numbers, addresses and phones.
    """

    def __init__(self, rows: _Rows) -> None:
        customer: list[Any] = []
        field: list[int] = []
        shown: list[str] = []
        texts: list[str] = []
        ranges: dict[int, tuple[int, int]] = {}

        def add(code: int, ids: Sequence[int], values: Sequence[str], folded: Sequence[str]) -> None:
            ranges[code] = (len(texts), len(texts) + len(values))
            customer.extend(ids)
            field.extend([code] * len(values))
            shown.extend(values)
            texts.extend(folded)

        columns = list(zip(*rows.customers, strict=True)) or [()] * 7
        ids, names, aliases, numbers, vats, emails, phones = columns
        names = [name or "" for name in names]
        add(_NAME, ids, names, fold_many(names))
        for code, values in ((_ALIAS, aliases), (_NUMBER, numbers), (_EMAIL, emails), (_VAT, vats)):
            present = [i for i, value in enumerate(values) if value]
            kept = [values[i] for i in present]
            add(code, [ids[i] for i in present], kept, fold_many(kept) if code != _VAT else [""] * len(kept))

        # Addresses: one entry per location, its text "street number postal city".
        # (customer_id, street, number, postal_code, city), with each distinct text stored once.
        unique: dict[str, str] = {}
        kept_locations = [
            (row[0], *(unique.setdefault(value, value) if value else "" for value in row[1:5]))
            for row in rows.locations
            if row[1] or row[2] or row[3] or row[4]
        ]
        self.address_rows = kept_locations
        address_texts = fold_many([f"{row[1] or ''} {row[2] or ''} {row[3] or ''} {row[4] or ''}" for row in kept_locations])
        # Shown text made when shown (see _describe): most addresses never are.
        add(_ADDRESS, [row[0] for row in kept_locations], [""] * len(kept_locations), address_texts)

        # Phones: the customer's and its locations' (each number once per customer).
        phone_owners: dict[tuple[int, str], None] = dict.fromkeys(
            (customer_id, phone) for customer_id, phone in zip(ids, phones, strict=True) if phone
        )
        phone_owners.update(dict.fromkeys((row[0], row[5]) for row in rows.locations if row[5]))
        add(_PHONE, [key[0] for key in phone_owners], [key[1] for key in phone_owners], [""] * len(phone_owners))

        self.ranges = ranges
        self.customer = np.array(customer, dtype=np.int64)  # int64: indexes masks without a cast
        self.field = np.array(field, dtype=np.int8)
        self.shown = shown
        self.texts = texts
        self.size = len(texts)
        # Entries by customer, to find a customer's entries without a scan.
        self.by_customer = np.argsort(self.customer, kind="stable")
        self.sorted_customers = self.customer[self.by_customer]
        self.customer_ids = np.unique(self.sorted_customers)
        self.lengths = np.array(list(map(len, texts)), dtype=np.int32)
        self.compact_lengths = self.lengths - np.array([t.count(" ") for t in texts], dtype=np.int32)
        self._build_trigrams()
        self._build_digits()
        self._build_short()

    def entries_of_customers(self, ids: np.ndarray) -> np.ndarray:
        """The entries of these customers (sorted ids)."""
        low = np.searchsorted(self.sorted_customers, ids, side="left")
        high = np.searchsorted(self.sorted_customers, ids, side="right")
        if not len(ids):
            return np.zeros(0, dtype=np.int64)
        return self.by_customer[np.concatenate([np.arange(lo, hi) for lo, hi in zip(low.tolist(), high.tolist(), strict=True)])]

    def has_customers(self, ids: np.ndarray) -> np.ndarray:
        """Bool per id (sorted ids): whether this segment has entries of it."""
        at = np.searchsorted(self.customer_ids, ids)
        return (at < len(self.customer_ids)) & (self.customer_ids[np.minimum(at, len(self.customer_ids) - 1)] == ids)

    def entries_of(self, code: int) -> range:
        return range(*self.ranges.get(code, (0, 0)))

    # -- trigram postings ---------------------------------------------------

    def _build_trigrams(self) -> None:
        texts = self.texts
        parts: list[str] = []
        owners: list[range] = []
        for code in sorted(self.ranges, key=self.ranges.__getitem__):  # entry order
            if code not in _TEXT_FIELDS:
                continue
            entries = self.entries_of(code)
            chunk = texts[entries.start : entries.stop]
            if code in _COMPACT_FIELDS:
                # Names also without spaces, in the same part: " van den broeck \n vandenbroeck ".
                chunk = [f"{t} \n {t.replace(' ', '')}" if " " in t else t for t in chunk]
            parts.extend(chunk)
            owners.append(entries)
        owner_ids = (
            np.concatenate([np.arange(r.start, r.stop, dtype=np.int32) for r in owners])
            if owners else np.zeros(0, dtype=np.int32)
        )
        # In chunks of entries, to bound the memory the sorts need; then merged.
        counts: list[np.ndarray] = []
        postings: list[np.ndarray] = []
        by_entry: list[tuple[np.ndarray, np.ndarray]] = []
        for start in range(0, len(parts), _BUILD_CHUNK):
            stop = min(start + _BUILD_CHUNK, len(parts))
            chunk_counts, chunk_postings, entry_trigrams, entry_owner = _trigram_table(
                parts[start:stop], owner_ids[start:stop]
            )
            counts.append(chunk_counts)
            postings.append(chunk_postings)
            by_entry.append((entry_trigrams, entry_owner))
        del parts
        total = np.sum(counts, axis=0, dtype=np.int64) if counts else np.zeros(_N_TRIGRAMS, dtype=np.int64)
        # Postings: for each trigram, the entries that have it (ascending).
        self.offsets = np.zeros(_N_TRIGRAMS + 1, dtype=np.int64)
        np.cumsum(total, out=self.offsets[1:])
        self.postings = np.empty(int(self.offsets[-1]), dtype=np.int32)
        before = np.zeros(_N_TRIGRAMS, dtype=np.int64)  # postings of earlier chunks, per trigram
        for chunk_counts, chunk_postings in zip(counts, postings, strict=True):
            local_starts = np.cumsum(chunk_counts) - chunk_counts
            shift = self.offsets[:-1] + before - local_starts
            self.postings[np.repeat(shift, chunk_counts) + np.arange(len(chunk_postings))] = chunk_postings
            before += chunk_counts
        # And the other way round, for narrowing: for each entry, its trigrams.
        self.entry_trigrams = (
            np.concatenate([t for t, _o in by_entry]) if by_entry else np.zeros(0, dtype=np.uint16)
        )
        entry_owner = np.concatenate([o for _t, o in by_entry]) if by_entry else np.zeros(0, dtype=np.int32)
        self.entry_offsets = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(entry_owner, minlength=self.size), out=self.entry_offsets[1:])

    def trigram_counts(self, codes: Iterable[int]) -> np.ndarray:
        slices = [self.postings[self.offsets[code] : self.offsets[code + 1]] for code in codes]
        slices = [s for s in slices if len(s)]
        if not slices:
            return np.zeros(self.size, dtype=np.int64)
        return np.bincount(np.concatenate(slices), minlength=self.size)

    def entry_trigram_counts(self, entries: np.ndarray, codes: Sequence[int]) -> np.ndarray:
        """How many of `codes` each of these entries has (for a few thousand entries at most)."""
        starts = self.entry_offsets[entries]
        lengths = self.entry_offsets[entries + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.zeros(len(entries), dtype=np.int64)
        ends = np.cumsum(lengths)
        positions = np.arange(total) + np.repeat(starts - (ends - lengths), lengths)
        wanted = np.zeros(_N_TRIGRAMS, dtype=bool)
        wanted[list(codes)] = True
        running = np.concatenate(([0], np.cumsum(wanted[self.entry_trigrams[positions]])))
        return running[ends] - running[ends - lengths]

    # -- digit keys ---------------------------------------------------------

    def _build_digits(self) -> None:
        keys: list[str] = []
        owners: list[int] = []

        def add(entries: range, values: list[str]) -> None:
            for entry, value in zip(entries, values, strict=True):
                if value:
                    keys.append(value)
                    owners.append(entry)

        numbers = self.entries_of(_NUMBER)
        add(numbers, [t.replace(" ", "") for t in self.texts[numbers.start : numbers.stop]])
        # VAT: "be0727560871" and "0727560871"; phones: national "0470123456" and as written "32470123456".
        vats = self.entries_of(_VAT)
        shown = self.shown[vats.start : vats.stop]
        add(vats, [t.replace(" ", "") for t in fold_many(shown)])
        add(vats, _digits_many(shown))
        phones = self.entries_of(_PHONE)
        first_phone_key = len(keys)  # phone keys come last
        shown = self.shown[phones.start : phones.stop]
        digits = _digits_many(shown)
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
        positions = [m.start() for m in islice(matches, _DIGIT_MATCH_LIMIT)]
        complete = len(positions) < _DIGIT_MATCH_LIMIT
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
        names, aliases = self.entries_of(_NAME), self.entries_of(_ALIAS)
        self.short_entries = np.concatenate([
            np.arange(names.start, names.stop, dtype=np.int64), np.arange(aliases.start, aliases.stop, dtype=np.int64)
        ])
        # The first two characters of each name/alias, as one code: (first * _BASE + second).
        self.short_starts = np.array(
            [_char_code(t[0]) * _BASE + (_char_code(t[1]) if len(t) > 1 else _SPACE) if t else -1
             for t in (self.texts[i] for i in self.short_entries.tolist())],
            dtype=np.int32,
        )
        # Alphabetical rank of each name/alias entry, to list short-query hits by name.
        order = sorted(self.short_entries.tolist(), key=self.texts.__getitem__)
        rank = np.zeros(self.size, dtype=np.int32)
        rank[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        self.alpha_rank = rank


# ---------------------------------------------------------------------------
# Snapshot: what one search reads
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    base: _Segment
    base_alive: np.ndarray | None  # bool per base entry; None: all (nothing refreshed yet)
    base_removed: frozenset[int]  # base customers whose entries are masked out
    delta: _Segment | None  # customers refreshed since the base was built
    delta_rows: dict[int, tuple[Any, list[Any]]]  # customer id -> (customer row, location rows)
    customers: int
    id_limit: int  # one more than the largest customer id seen

    def segments(self) -> list[tuple[_Segment, np.ndarray | None]]:
        result: list[tuple[_Segment, np.ndarray | None]] = [(self.base, self.base_alive)]
        if self.delta is not None and self.delta.size:
            result.append((self.delta, None))
        return result


# ---------------------------------------------------------------------------
# Query analysis
# ---------------------------------------------------------------------------

_VAT_LIKE = re.compile(r"^[a-z]{2}\d{2,}$")


class _Query(NamedTuple):
    kind: str  # "text", "short", "digits"
    text: str  # folded
    compact: str  # folded, without spaces
    digits: str  # key for the digit path
    narrowable: bool  # whether a longer query matches a subset (False for "+3" -> "+32")
    phones_only: bool = False  # "+32 4...", "0032 4...": an international phone number


def _analyse(query: str) -> _Query | None:
    text = fold(query)
    if not text:
        return None
    compact = text.replace(" ", "")
    stripped = query.strip()
    if compact.isdigit() or _VAT_LIKE.match(compact):
        if stripped.startswith("+") or compact.startswith("00"):
            return _Query("digits", text, compact, phone_key(stripped), False, phones_only=True)
        return _Query("digits", text, compact, compact, True)
    if len(compact) <= 2:
        return _Query("short", text, compact, "", True)
    return _Query("text", text, compact, "", True)


def _query_trigrams(query: _Query, complete: bool) -> set[int]:
    """The trigrams of each query word, padded with spaces (the last word at its end only if complete).

    None spans two words, so the prefilter ignores word order ("broeck van den");
    entries are indexed with their no-space forms too, so "vandenbroek" finds
    "Van den Broeck", and "van den broek" still shares most trigrams with "Vandenbroeck".
    """
    words = query.text.split()
    codes: set[int] = set()
    for position, word in enumerate(words):
        end = " " if complete or position < len(words) - 1 else ""
        codes |= _trigram_codes(f" {word}{end}")
    return codes


# Trigram matching. One typo destroys up to 4 of the query's trigrams (a swap
# of two letters), so an entry matches when it has all but `_slack(T)` of the
# query's T trigrams (one typo; two from 12 trigrams, three from 24). Survivors, kept for narrowing,
# have all but MAX_SLACK: a longer query only adds trigrams, so whatever it
# matches had all but MAX_SLACK of the shorter query's trigrams, and narrowing
# finds exactly what a full scan finds. Below MAX_SLACK + 1 trigrams everything
# survives (no narrowing yet).
MAX_SLACK = 12


def _slack(count: int) -> int:
    return 4 if count < 12 else 8 if count < 24 else MAX_SLACK


def _needed(count: int) -> int:
    return max(1, count - _slack(count))


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def _fuzzy_scores(query: _Query, texts: list[str], lengths: np.ndarray, compact_lengths: np.ndarray) -> np.ndarray:
    """0..90 per text: the best of a compact substring match and a word-order-free match, plus closeness."""
    compacts = [t.replace(" ", "") for t in texts]
    qc, q = query.compact, query.text
    substring = process.cdist([qc], compacts, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
    whole_compact = process.cdist([qc], compacts, scorer=fuzz.ratio, dtype=np.float32)[0]
    substring = np.where(compact_lengths >= len(qc), substring, whole_compact)
    if " " in q:
        words = process.cdist([q], texts, scorer=fuzz.partial_token_sort_ratio, dtype=np.float32)[0]
        words_whole = process.cdist([q], texts, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
        words = np.where(lengths >= len(q), words, words_whole)
        primary = np.maximum(substring, words)
    else:
        primary = substring
    closeness = process.cdist([q], texts, scorer=fuzz.ratio, dtype=np.float32)[0]
    return 0.8 * primary + 0.1 * closeness


def _refined(query: _Query, text: str, fuzzy: float) -> float:
    """The final score of one entry: exact 100, every query word starting a word 90-99.9, else fuzzy."""
    if text == query.text or text.replace(" ", "") == query.compact:
        return 100.0
    words = text.split()
    query_words = query.text.split()
    if all(any(w.startswith(qw) for w in words) for qw in query_words):
        coverage = len(query.compact) / max(1, len(text) - text.count(" "))
        return max(fuzzy, 90.0 + 9.9 * min(1.0, coverage))
    return fuzzy


def _fuzzy_one(query: _Query, text: str) -> float:
    """The final score of one text, as _fuzzy_scores + _refined give it."""
    if not text:
        return 0.0
    q, qc, tc = query.text, query.compact, text.replace(" ", "")
    primary = fuzz.partial_ratio(qc, tc) if len(tc) >= len(qc) else fuzz.ratio(qc, tc)
    if " " in q:
        words = fuzz.partial_token_sort_ratio(q, text) if len(text) >= len(q) else fuzz.token_sort_ratio(q, text)
        primary = max(primary, words)
    return _refined(query, text, 0.8 * primary + 0.1 * fuzz.ratio(q, text))


# ---------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------


class _Result(NamedTuple):
    hits: list[SearchHit]
    # Per segment, the entries that may still match a longer query (sorted), or None: cannot narrow.
    survivors: tuple[np.ndarray, ...] | None


class SearchIndex:
    """All customers' searchable values, in memory. Build once, refresh as customers change."""

    def __init__(self, rows: _Rows) -> None:
        self._write_lock = threading.Lock()
        self._snapshot = _fresh_snapshot(rows)
        self._changed_during_rebuild: set[int] | None = None

    # -- loading ------------------------------------------------------------

    @classmethod
    def build(cls, session: Session) -> SearchIndex:
        """Read every customer and location (two plain SELECTs) and index them."""
        return cls(_load(session, None))

    def refresh(self, session: Session, customer_ids: Iterable[int]) -> None:
        """Re-read these customers (created, edited, deleted, or their locations changed).

        The large base part is kept (its entries for these customers masked
        out); the customers refreshed since it was built form a small delta
        part, rebuilt here: ~10 ms for one customer at 100,000, growing with
        the delta (~40 ms at 1,000). When `needs_rebuild`, call rebuild() in a
        worker; refresh() itself rebuilds everything only past DELTA_HARD_LIMIT.
        """
        ids = sorted({int(i) for i in customer_ids})
        if not ids:
            return
        rows = _load(session, ids)
        with self._write_lock:
            if self._changed_during_rebuild is not None:
                self._changed_during_rebuild.update(ids)
            old = self._snapshot
            found: dict[int, tuple[Any, list[Any]]] = {row[0]: (row, []) for row in rows.customers}
            for location in rows.locations:
                found[location[0]][1].append(location)
            delta_rows = {k: v for k, v in old.delta_rows.items() if k not in found and k not in ids}
            delta_rows.update(found)
            if len(delta_rows) > DELTA_HARD_LIMIT and self._changed_during_rebuild is None:
                self._snapshot = _fresh_snapshot(_load(session, None))  # seconds at 100k
                return
            gone = np.array(ids, dtype=np.int64)
            in_base = gone[old.base.has_customers(gone)]
            newly_removed = [i for i in in_base.tolist() if i not in old.base_removed]
            base_alive = old.base_alive.copy() if old.base_alive is not None else np.ones(old.base.size, dtype=bool)
            base_alive[old.base.entries_of_customers(np.array(newly_removed, dtype=np.int64))] = False
            existed = set(newly_removed) | {i for i in ids if i in old.delta_rows}
            self._snapshot = _Snapshot(
                base=old.base,
                base_alive=base_alive,
                base_removed=old.base_removed | frozenset(newly_removed),
                delta=_delta_segment(delta_rows),
                delta_rows=delta_rows,
                customers=old.customers - len(existed) + len(found),
                id_limit=max(old.id_limit, ids[-1] + 1),
            )

    @property
    def needs_rebuild(self) -> bool:
        """Whether enough customers were refreshed that a rebuild() would make refresh() cheap again."""
        return len(self._snapshot.delta_rows) > DELTA_LIMIT and self._changed_during_rebuild is None

    def rebuild(self, session: Session) -> None:
        """Re-read and re-index everything, for a worker thread (seconds at 100,000 customers).

        Searches and refresh() go on meanwhile; customers refreshed while this
        reads are kept from their refresh, not from this read.
        """
        with self._write_lock:
            if self._changed_during_rebuild is not None:
                return  # another rebuild is running
            self._changed_during_rebuild = set()
        try:
            rows = _load(session, None)
            base = _Segment(rows)
        except BaseException:
            with self._write_lock:
                self._changed_during_rebuild = None
            raise
        with self._write_lock:
            changed = self._changed_during_rebuild
            self._changed_during_rebuild = None
            current = self._snapshot
            delta_rows = {k: v for k, v in current.delta_rows.items() if k in changed}
            changed_ids = np.array(sorted(changed), dtype=np.int64)
            in_base = changed_ids[base.has_customers(changed_ids)]
            base_alive = None
            if len(in_base):
                base_alive = np.ones(base.size, dtype=bool)
                base_alive[base.entries_of_customers(in_base)] = False
            self._snapshot = _Snapshot(
                base=base,
                base_alive=base_alive,
                base_removed=frozenset(in_base.tolist()),
                delta=_delta_segment(delta_rows),
                delta_rows=delta_rows,
                customers=len(rows.customers) - len(in_base) + len(delta_rows),
                id_limit=max(current.id_limit, max((row[0] for row in rows.customers), default=0) + 1),
            )

    def __len__(self) -> int:
        return self._snapshot.customers

    # -- searching ----------------------------------------------------------

    def search(self, query: str, limit: int = 50, within: Collection[int] | None = None) -> list[SearchHit]:
        """The best `limit` customers for `query`, best first; only those in `within` if given."""
        snapshot = self._snapshot
        mask = _mask(within, snapshot.id_limit) if within is not None else None
        analysed = _analyse(query)
        if analysed is None or limit <= 0:
            return []
        return _search(snapshot, analysed, query, limit, mask).hits


def _delta_segment(delta_rows: dict[int, tuple[Any, list[Any]]]) -> _Segment | None:
    if not delta_rows:
        return None
    ordered = [delta_rows[k] for k in sorted(delta_rows)]
    return _Segment(_Rows([c for c, _l in ordered], [loc for _c, locs in ordered for loc in locs]))


def _fresh_snapshot(rows: _Rows) -> _Snapshot:
    base = _Segment(rows)
    return _Snapshot(
        base=base,
        base_alive=None,
        base_removed=frozenset(),
        delta=None,
        delta_rows={},
        customers=len(rows.customers),
        id_limit=max((row[0] for row in rows.customers), default=0) + 1,
    )


def _mask(ids: Collection[int], id_limit: int) -> np.ndarray:
    mask = np.zeros(id_limit, dtype=bool)
    array = np.fromiter((int(i) for i in ids), dtype=np.int64, count=len(ids))
    array = array[(array >= 0) & (array < id_limit)]
    mask[array] = True
    return mask


def _allowed(segment: _Segment, alive: np.ndarray | None, restrict: np.ndarray | None) -> np.ndarray | None:
    """Bool per entry of the segment that may be a hit, or None when all may."""
    if restrict is None:
        return alive
    inside = np.zeros(segment.size, dtype=bool)
    in_range = segment.customer < len(restrict)
    inside[in_range] = restrict[segment.customer[in_range]]
    return inside if alive is None else inside & alive


def _search(
    snapshot: _Snapshot,
    query: _Query,
    raw: str,
    limit: int,
    restrict: np.ndarray | None,
    narrow: tuple[np.ndarray, ...] | None = None,
) -> _Result:
    """Search every segment; `restrict`: customer mask (within=); `narrow`: the previous survivors."""
    scored: list[tuple[_Segment, np.ndarray, np.ndarray]] = []  # (segment, entries, scores)
    survivors: list[np.ndarray] | None = [] if query.narrowable else None
    for number, (segment, alive) in enumerate(snapshot.segments()):
        allowed = _allowed(segment, alive, restrict)
        only = narrow[number] if narrow is not None else None  # already alive and within
        kept: np.ndarray | None  # entries that survive, None: cannot narrow
        if query.kind == "digits":
            prefix_only = len(query.digits) <= 2
            entries, scores, complete = segment.digit_matches(query.digits, prefix_only, query.phones_only)
            keep = allowed[entries] if allowed is not None else None
            if only is not None:
                keep = np.isin(entries, only, assume_unique=True)
            if query.phones_only:
                phones = segment.field[entries] == _PHONE
                keep = phones if keep is None else keep & phones
            if keep is not None:
                entries, scores = entries[keep], scores[keep]
            # "10" lists key starts only, while "104" matches anywhere in a key.
            kept = entries if complete and not prefix_only else None
        elif query.kind == "short":
            entries, scores = _short_matches(segment, query, allowed)
            kept = None  # names only: a longer query also searches addresses, e-mails...
        else:
            entries, scores, kept = _text_matches(segment, query, raw, allowed, only)
        scored.append((segment, entries, scores))
        if survivors is not None:
            if kept is None:
                survivors = None
            else:
                survivors.append(kept)
    return _Result(_best_hits(scored, query, limit), tuple(survivors) if survivors is not None else None)


def _text_matches(
    segment: _Segment, query: _Query, raw: str, allowed: np.ndarray | None, only: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Text path: trigram prefilter, then rapidfuzz over at most CANDIDATES entries.

    `only`: search these entries only (narrowing). Returns the scored entries,
    their scores, and the surviving entries (None: all survive).
    """
    codes = sorted(_query_trigrams(query, complete=raw.endswith(" ")))
    need, survive = _needed(len(codes)), len(codes) - MAX_SLACK  # survive <= 0: all survive, no narrowing
    if only is not None and len(only) > NARROW_DIRECT:
        only = None  # many survivors: a plain scan is as cheap, and finds the same
    if only is None and allowed is not None and np.count_nonzero(allowed) <= NARROW_DIRECT:
        only = np.flatnonzero(allowed)
    if only is not None:
        # Few entries to search: count their trigrams directly, no postings needed.
        counts = segment.entry_trigram_counts(only, codes)
        kept = only[counts >= survive] if survive > 0 else None
        matched = counts >= need
        candidates, counts = only[matched], counts[matched]
    else:
        all_counts = segment.trigram_counts(codes)
        if allowed is not None:
            all_counts[~allowed] = 0
        kept = np.flatnonzero(all_counts >= survive) if survive > 0 else None
        candidates = np.flatnonzero(all_counts >= need)
        counts = all_counts[candidates]
    if len(candidates) > CANDIDATES:
        # The most shared trigrams first; among equals, shorter entries.
        key = counts * 1024 - np.minimum(segment.lengths[candidates], 1023)
        candidates = candidates[np.argpartition(key, -CANDIDATES)[-CANDIDATES:]]
    if not len(candidates):
        return candidates, np.zeros(0, dtype=np.float32), kept
    texts = segment.texts
    chosen = [texts[i] for i in candidates.tolist()]
    scores = _fuzzy_scores(query, chosen, segment.lengths[candidates], segment.compact_lengths[candidates])
    return candidates, scores, kept


def _short_matches(segment: _Segment, query: _Query, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """One or two characters: name and alias entries with a word starting with them.

    Scores: the whole name 100, the name starting with them 95, another word 90.
    """
    prefix = query.compact
    first = _char_code(prefix[0])
    if len(prefix) == 1:
        codes = [(_SPACE * _BASE + first) * _BASE + second for second in range(_BASE)]
        starts = segment.short_starts // _BASE == first
    else:
        codes = [(_SPACE * _BASE + first) * _BASE + _char_code(prefix[1])]
        starts = segment.short_starts == first * _BASE + _char_code(prefix[1])
    entries = segment.short_entries
    some_word = segment.trigram_counts(codes)[entries] > 0
    if allowed is not None:
        some_word &= allowed[entries]
    exact = starts & (segment.lengths[entries] == len(prefix))
    scores = np.where(exact, 100.0, np.where(starts, 95.0, 90.0)).astype(np.float32)
    return entries[some_word], scores[some_word]


def _best_hits(scored: list[tuple[_Segment, np.ndarray, np.ndarray]], query: _Query, limit: int) -> list[SearchHit]:
    """Refine the best entries, keep the best entry per customer, and describe it."""
    pool: list[tuple[float, int, str, int, _Segment, int]] = []
    refine = limit + 30
    for segment, entries, scores in scored:
        if not len(entries):
            continue
        if len(entries) > refine:
            if query.kind == "short":
                # Best score, then alphabetical by name.
                order = np.lexsort((segment.alpha_rank[entries], -scores))[:refine]
            else:
                order = np.argpartition(-scores, refine)[:refine]
            entries, scores = entries[order], scores[order]
        for entry, score in zip(entries.tolist(), scores.tolist(), strict=True):
            field = int(segment.field[entry])
            text = segment.texts[entry]
            if query.kind == "text":
                score = _refined(query, text, score)
            if score < MIN_SCORE:
                continue
            pool.append((-score, _FIELD_ORDER[FIELDS[field]], text, int(segment.customer[entry]), segment, entry))
    pool.sort(key=lambda item: item[:4])
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for negative_score, _order, _text, customer_id, segment, entry in pool:
        if customer_id in seen:
            continue
        seen.add(customer_id)
        field_name, matched = _describe(segment, entry, query)
        hits.append(SearchHit(customer_id, round(-negative_score, 1), field_name, matched))
        if len(hits) >= limit:
            break
    return hits


def _describe(segment: _Segment, entry: int, query: _Query) -> tuple[str, str]:
    """The field name and shown text of a hit; an address hit says street or city when only that matched."""
    field = FIELDS[int(segment.field[entry])]
    shown = segment.shown[entry]
    if field != "address":
        return field, shown
    row = segment.address_rows[entry - segment.entries_of(_ADDRESS).start]
    street = " ".join(part for part in (row[1], row[2]) if part)
    if query.kind != "text":
        return "address", format_address(row[1], row[2], row[3], row[4])
    whole = _fuzzy_one(query, segment.texts[entry])
    if street and _fuzzy_one(query, fold(street)) >= whole - 0.5:
        return "street", street
    city = " ".join(part for part in (row[3], row[4]) if part)
    if city and _fuzzy_one(query, fold(city)) >= whole - 0.5:
        return "city", row[4] or city
    return "address", format_address(row[1], row[2], row[3], row[4])


# ---------------------------------------------------------------------------
# Narrowing
# ---------------------------------------------------------------------------


class Searcher:
    """One per search box: narrows over the previous survivors while the query grows, as fzf does."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._lock = threading.Lock()
        self._previous: tuple[_Snapshot, str, str, int, _Result] | None = None  # snapshot, key, kind, limit
        self.narrowed = False  # whether the last search narrowed (for tests and benchmarks)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        with self._lock:
            snapshot = self.index._snapshot
            analysed = _analyse(query)
            if analysed is None or limit <= 0:
                self._previous = None
                self.narrowed = False
                return []
            # A trailing space says the last word is complete: part of the key.
            key = " ".join(query.casefold().split()) + (" " if query[-1:].isspace() else "")
            narrow = None
            previous = self._previous
            if previous is not None and previous[0] is snapshot:
                _snapshot, previous_key, previous_kind, previous_limit, result = previous
                if key == previous_key and limit <= previous_limit:
                    self.narrowed = True
                    return result.hits[:limit]
                # Survivors of "104" (digits) say nothing about "104 kerk" (text): same kind only.
                if key.startswith(previous_key) and previous_kind == analysed.kind and result.survivors is not None:
                    narrow = result.survivors
            result = _search(snapshot, analysed, query, limit, None, narrow)
            self.narrowed = narrow is not None
            self._previous = (snapshot, key, analysed.kind, limit, result)
            return result.hits


def search_customers(session: Session, query: str, limit: int = 50) -> list[SearchHit]:
    """Build an index and search it once (scripts and tests; the UI keeps a SearchIndex)."""
    return SearchIndex.build(session).search(query, limit)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

_CHUNK = 500


def _load(session: Session, ids: list[int] | None) -> _Rows:
    """Customers (all, or these ids) and their locations, as plain rows."""
    customer = Customer.__table__.c  # type: ignore[attr-defined]
    location = Location.__table__.c  # type: ignore[attr-defined]
    customer_query = select(
        customer.id, customer.name, customer.internal_name, customer.customer_number,
        customer.vat_number, customer.email, customer.phone,
    ).order_by(customer.id)
    location_query = select(
        location.customer_id, location.street, location.number, location.postal_code, location.city, location.phone
    ).order_by(location.customer_id, location.id)
    session.flush()  # plain SELECTs do not autoflush: let them see this session's own changes
    connection = session.connection()
    if ids is None:
        return _Rows(connection.execute(customer_query).all(), connection.execute(location_query).all())
    customers: list[Any] = []
    locations: list[Any] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        customers.extend(connection.execute(customer_query.where(customer.id.in_(chunk))))
        locations.extend(connection.execute(location_query.where(location.customer_id.in_(chunk))))
    return _Rows(customers, locations)
