"""The DuplicateIndex's base: every customer's record, blocking keys, name words and names, in a few flat arrays.

A `Base` is immutable. It holds no Record per customer: each record is one
UTF-8 text (its normalised fields joined by a separator) in a few bytes
chunks, turned back into a Record only for the few customers a look-up
scores. Blocking keys are their 64-bit hashes, sorted, with a parallel
array of customer ids: a key's holders are one searchsorted range, their
count its length. Name words are the sorted vocabulary, and per word a
range of customer ids. Names (words sorted) are sorted hashes with counts.
So 100,000 customers are a few tens of MB in a dozen objects the garbage
collector does not even track, not a million small ones.

Hashes are xxHash's XXH3 (64 bits) of the key text: the same in every
process. A base is often built in one process and used in another (the
app's index built in a child, services.index_process; the import's check
process, duplicates.drafts), and Python's own hash() of a text differs from
one interpreter to the next: with it, such a base's phone, e-mail, VAT and
address keys matched nothing looked up in the other process. XXH3 costs
what hash() does (about 100 ns a key, 1.2 M keys at 100,000 customers).
Two keys with one hash would merge their holders; at 64 bits that is
expected about once in 10^7 databases of a million customers.

`BaseBuilder` makes a base from chunks of records (DuplicateIndex.build);
`Base.compacted` makes a new one from a base, the customers masked out of it
and the records changed since (DuplicateIndex.refresh).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from xxhash import xxh3_64_intdigest as _xxh3

from custtui.services.addresses import Address
from custtui.services.duplicates.records import Record

_SEPARATOR = "\x1f"  # between fields; str.split() counts it as blank, so no normalised value or label holds it
_FIELDS = 6  # name, alias, number, vat, email, phone; then per address:
_ADDRESS_PARTS = 6  # postal, street, number, city, house, label


def key_hash(key: str) -> int:
    """The 64-bit hash a base stores for a blocking key, name word sound or sorted name (as a signed int64)."""
    return _xxh3(key.encode("utf-8", "surrogatepass")) - _INT64_OFFSET  # a lone surrogate typed or read: hashed too


_INT64_OFFSET = 1 << 63  # XXH3's unsigned 64 bits, shifted into int64 (the arrays' type): one to one


def record_words(record: Record) -> set[str]:
    """The words a record is found by: its name's and its alias's."""
    return set(record.name_words) | set(record.alias_words)


def encode_record(record: Record) -> str | None:
    """The record as one text, or None when it would not read back the same (kept whole then)."""
    if record.phones or record.emails:  # contacts' phones or e-mails: few customers have them; kept whole
        return None
    parts = [record.name, record.alias, record.number, record.vat, record.email, record.phone]
    for address in record.addresses:
        if address.country or address.name:  # database.load_records never sets them
            return None
        parts += (address.postal, address.street, address.number, address.city, address.house, address.label)
    text = _SEPARATOR.join(parts)
    # What decode_record rebuilds from the name and alias must be what the record holds.
    regular = (
        text.count(_SEPARATOR) == len(parts) - 1
        and record.name_words == (tuple(record.name.split(" ")) if record.name else ())
        and record.alias_words == (tuple(record.alias.split(" ")) if record.alias else ())
        and record.sorted_name == " ".join(sorted(record.name_words))
        and record.sorted_alias == " ".join(sorted(record.alias_words))
    )
    return text if regular else None


def decode_record(customer_id: int, text: str) -> Record:
    parts = text.split(_SEPARATOR)
    name, alias = parts[0], parts[1]
    name_words = tuple(name.split(" ")) if name else ()
    alias_words = tuple(alias.split(" ")) if alias else ()
    if len(parts) == _FIELDS + _ADDRESS_PARTS:  # most customers have one address
        addresses: tuple[Address, ...] = (_new_address(*parts[_FIELDS:]),)
    else:
        addresses = tuple(_new_address(*parts[i : i + _ADDRESS_PARTS]) for i in range(_FIELDS, len(parts), _ADDRESS_PARTS))
    record: Record = object.__new__(Record)
    _SET_ID(record, customer_id)
    _SET_NAME(record, name)
    _SET_ALIAS(record, alias)
    _SET_NAME_WORDS(record, name_words)
    _SET_ALIAS_WORDS(record, alias_words)
    _SET_SORTED_NAME(record, name if len(name_words) < 2 else " ".join(sorted(name_words)))
    _SET_SORTED_ALIAS(record, alias if len(alias_words) < 2 else " ".join(sorted(alias_words)))
    _SET_NUMBER(record, parts[2])
    _SET_VAT(record, parts[3])
    _SET_EMAIL(record, parts[4])
    _SET_PHONE(record, parts[5])
    _SET_ADDRESSES(record, addresses)
    _SET_PHONES(record, ())
    _SET_EMAILS(record, ())
    return record


# A look-up rebuilds hundreds of records. A frozen dataclass's __init__ sets each field through
# object.__setattr__: filling the slots directly makes the same objects two to three times faster.
if Address.__slots__ != ("postal", "street", "number", "city", "house", "country", "name", "label") or (
    Record.__slots__ != ("id", "name", "alias", "name_words", "alias_words", "sorted_name", "sorted_alias", "number",
                         "vat", "email", "phone", "addresses", "phones", "emails")
):  # fmt: skip
    raise ImportError("store.py's record layout no longer matches Record and Address")  # pragma: no cover
_ADDRESS_SLOTS = tuple(getattr(Address, name).__set__ for name in Address.__slots__)
_RECORD_SLOTS = tuple(getattr(Record, name).__set__ for name in Record.__slots__)
(_SET_ID, _SET_NAME, _SET_ALIAS, _SET_NAME_WORDS, _SET_ALIAS_WORDS, _SET_SORTED_NAME, _SET_SORTED_ALIAS, _SET_NUMBER,
 _SET_VAT, _SET_EMAIL, _SET_PHONE, _SET_ADDRESSES, _SET_PHONES, _SET_EMAILS) = _RECORD_SLOTS  # fmt: skip


def _new_address(postal: str, street: str, number: str, city: str, house: str, label: str) -> Address:
    """Address(postal, street, number, city, house, "", "", label), as database.load_records makes them."""
    address: Address = object.__new__(Address)
    set_postal, set_street, set_number, set_city, set_house, set_country, set_name, set_label = _ADDRESS_SLOTS
    set_postal(address, postal)
    set_street(address, street)
    set_number(address, number)
    set_city(address, city)
    set_house(address, house)
    set_country(address, "")
    set_name(address, "")
    set_label(address, label)
    return address


@dataclass(frozen=True, eq=False)
class Base:
    """Customers, their blocking keys, name words and names, as of one moment (see the module docstring)."""

    row_of: np.ndarray  # int32 by customer id: its row, -1 for none
    row_ids: np.ndarray  # int32 by row: the customer id
    offsets: np.ndarray  # int64, rows + 1: row i's text is bytes offsets[i]:offsets[i + 1] of the texts end to end
    # UTF-8, in a few chunks (_balanced_chunks): a compaction that keeps every row adds one instead of
    # copying them all; text_starts[k] is where chunk k starts in the offsets.
    texts: tuple[bytes, ...]
    text_starts: np.ndarray  # int64, one per chunk
    irregular: Mapping[int, Record]  # customers kept whole: their text would not read back the same
    key_hashes: np.ndarray  # int64, sorted
    key_ids: np.ndarray  # int32, the customer holding key_hashes[i]
    vocabulary: Sequence[str]  # sorted words
    word_offsets: np.ndarray  # int64, words + 1: word i's holders are word_ids[word_offsets[i]:word_offsets[i + 1]]
    word_ids: np.ndarray  # int32
    name_hashes: np.ndarray  # int64, sorted, unique: sorted names
    name_counts: np.ndarray  # int32: customers holding name_hashes[i]

    @property
    def id_limit(self) -> int:
        return len(self.row_of)

    def __len__(self) -> int:
        return len(self.row_ids) + len(self.irregular)

    def has(self, customer_id: int) -> bool:
        if customer_id in self.irregular:
            return True
        return 0 <= customer_id < len(self.row_of) and bool(self.row_of[customer_id] >= 0)

    def record(self, customer_id: int) -> Record | None:
        return self.records([customer_id])[0] if self.has(customer_id) else None

    def records(self, customer_ids: Sequence[int]) -> list[Record]:
        """The records of these customers (each in the base)."""
        regular = [i for i in customer_ids if i not in self.irregular]
        rows = self.row_of[np.array(regular, dtype=np.int64)]
        starts, ends = self.offsets[rows], self.offsets[rows + 1]
        chunks = np.searchsorted(self.text_starts, starts, "right") - 1
        at = self.text_starts[chunks]
        texts = self.texts
        found = [
            decode_record(i, texts[chunk][start:end].decode())
            for i, chunk, start, end in zip(
                regular, chunks.tolist(), (starts - at).tolist(), (ends - at).tolist(), strict=True
            )
        ]
        found += [self.irregular[i] for i in customer_ids if i in self.irregular]
        return found

    def key_range(self, hashed: int) -> tuple[int, int]:
        """Where the holders of a key are in key_ids."""
        hashes = self.key_hashes
        return int(np.searchsorted(hashes, hashed, "left")), int(np.searchsorted(hashes, hashed, "right"))

    def key_ranges(self, hashed: Sequence[int]) -> dict[int, tuple[int, int]]:
        """key_range of each of these keys, in two searches of the sorted hashes for them all."""
        wanted = np.fromiter(hashed, dtype=np.int64, count=len(hashed))
        starts = np.searchsorted(self.key_hashes, wanted, "left").tolist()
        ends = np.searchsorted(self.key_hashes, wanted, "right").tolist()
        return dict(zip(hashed, zip(starts, ends, strict=True), strict=True))

    def word_rank(self, word: str) -> int | None:
        rank = bisect_left(self.vocabulary, word)
        return rank if rank < len(self.vocabulary) and self.vocabulary[rank] == word else None

    def word_range(self, rank: int) -> tuple[int, int]:
        return int(self.word_offsets[rank]), int(self.word_offsets[rank + 1])

    def name_count(self, hashed: int) -> int:
        at = int(np.searchsorted(self.name_hashes, hashed))
        return int(self.name_counts[at]) if at < len(self.name_hashes) and self.name_hashes[at] == hashed else 0

    def compacted(
        self,
        alive: np.ndarray,
        changed: Mapping[int, tuple[Record, Sequence[int]]],
        vocabulary: Sequence[str],
        name_changes: Mapping[int, int],
    ) -> Base:
        """A base of this one's customers still `alive` (bool by customer id) and the `changed` ones.

        `changed`: customer id -> (record, its key hashes), none of them alive
        here; `vocabulary`: every word still held, sorted; `name_changes`:
        sorted name hash -> customers more (or fewer) than here.
        """
        kept_rows = alive[self.row_ids] if len(self.row_ids) else np.zeros(0, dtype=bool)
        builder = BaseBuilder()
        # The kept rows' texts, without decoding them: their bytes, masked. When every row is kept (an
        # import's compactions: rows only come in), the arrays and text go in as they are: a compaction's
        # peak is then about the new base, not three copies of the text (+100 MB at 200,000 customers).
        if kept_rows.all():
            builder.add_texts(self.row_ids, np.diff(self.offsets), self.texts)
        else:
            lengths = np.diff(self.offsets)[kept_rows]
            byte_mask = np.repeat(kept_rows, np.diff(self.offsets))
            text = b"".join(self.texts)  # one chunk: that chunk itself, not a copy
            builder.add_texts(self.row_ids[kept_rows], lengths, np.frombuffer(text, dtype=np.uint8)[byte_mask])
            del byte_mask, text
        builder.irregular.update((i, r) for i, r in self.irregular.items() if alive[i])
        kept_keys = alive[self.key_ids]
        if kept_keys.all():
            builder.sorted_keys = (self.key_hashes, self.key_ids)
        else:
            builder.sorted_keys = (self.key_hashes[kept_keys], self.key_ids[kept_keys])
        del kept_keys
        ranks = np.repeat(np.arange(len(self.vocabulary), dtype=np.int64), np.diff(self.word_offsets))
        kept_words = alive[self.word_ids]
        builder.word_part_with_vocabulary(self.vocabulary, ranks[kept_words], self.word_ids[kept_words])
        name_hashes = np.fromiter(name_changes.keys(), dtype=np.int64, count=len(name_changes))
        name_counts = np.fromiter(name_changes.values(), dtype=np.int64, count=len(name_changes))
        builder.name_parts.append((np.concatenate([self.name_hashes, name_hashes]),
                                   np.concatenate([self.name_counts.astype(np.int64), name_counts])))
        for record, hashes in changed.values():
            builder.add(record, hashes, count_name=False)
        return builder.finish(max(self.id_limit, max(changed, default=-1) + 1), vocabulary)


def _balanced_chunks(parts: list[bytes | np.ndarray | tuple[bytes, ...]]) -> tuple[bytes, ...]:
    """The parts' text as chunks, each under half the one before it (two compared chunks are joined).

    New text (bytes, arrays) in a row becomes one chunk; a base's chunks
    (tuples) stay as they are, until a smaller one after them grows to half
    their size. So a base has a few chunks (log2 of its size over the
    smallest), and a compaction that adds 4,000 rows to 200,000 copies
    their text, not all of it, as a binary counter does.
    """
    chunks: list[bytes] = []
    new: list[bytes | memoryview] = []

    def take(chunk: bytes) -> None:
        if not chunk:
            return
        chunks.append(chunk)
        while len(chunks) > 1 and 2 * len(chunks[-1]) > len(chunks[-2]):
            last = chunks.pop()
            chunks[-1] = chunks[-1] + last

    for part in parts:
        if isinstance(part, tuple):
            if new:
                take(b"".join(new))
                new = []
            for chunk in part:
                take(chunk)
        else:
            new.append(part if isinstance(part, bytes) else part.data)
    if new:
        take(b"".join(new))
    return tuple(chunks) or (b"",)


class BaseBuilder:
    """Collects records (or a base's parts) chunk by chunk, as flat arrays, then sorts them into a Base."""

    def __init__(self) -> None:
        self.irregular: dict[int, Record] = {}
        self.key_parts: list[tuple[np.ndarray, np.ndarray]] = []  # (hashes, ids), per chunk
        self.sorted_keys: tuple[np.ndarray, np.ndarray] | None = None  # (hashes, ids) sorted already: a base's
        self.name_parts: list[tuple[np.ndarray, np.ndarray]] = []  # (hashes, counts)
        # (ids, byte lengths, their UTF-8): new text (bytes or uint8), or a base's chunks as they are (a tuple).
        self._text_parts: list[tuple[np.ndarray, np.ndarray, bytes | np.ndarray | tuple[bytes, ...]]] = []
        self._word_numbers: dict[str, int] = {}  # word -> its number in order of first sight
        self._word_parts: list[tuple[np.ndarray, np.ndarray]] = []  # (word numbers, ids)
        # The chunk being added, as plain lists (turned into arrays by flush).
        self._ids: list[int] = []
        self._lengths: list[int] = []
        self._texts: list[bytes] = []
        self._key_hashes: list[int] = []
        self._key_ids: list[int] = []
        self._word_keys: list[int] = []
        self._word_ids: list[int] = []
        self._names: list[int] = []

    def add(self, record: Record, key_hashes: Iterable[int], count_name: bool = True) -> None:
        customer_id = record.id
        text = encode_record(record)
        if text is None:
            self.irregular[customer_id] = record
        else:
            data = text.encode()
            self._ids.append(customer_id)
            self._lengths.append(len(data))
            self._texts.append(data)
        before = len(self._key_hashes)
        self._key_hashes.extend(key_hashes)
        self._key_ids.extend([customer_id] * (len(self._key_hashes) - before))
        numbers = self._word_numbers
        for word in record_words(record):
            self._word_keys.append(numbers.setdefault(word, len(numbers)))
            self._word_ids.append(customer_id)
        if count_name and record.name:
            self._names.append(key_hash(record.sorted_name))

    def add_texts(self, ids: np.ndarray, lengths: np.ndarray, text: bytes | np.ndarray | tuple[bytes, ...]) -> None:
        """Rows given as texts already encoded, one after the other: bytes or uint8, or a base's chunks (kept)."""
        self._text_parts.append((ids.astype(np.int32, copy=False), lengths.astype(np.int64, copy=False), text))

    def word_part_with_vocabulary(self, vocabulary: Sequence[str], ranks: np.ndarray, ids: np.ndarray) -> None:
        """Word holders given as ranks in `vocabulary`."""
        numbers = np.fromiter(
            (self._word_numbers.setdefault(word, len(self._word_numbers)) for word in vocabulary),
            dtype=np.int64, count=len(vocabulary),
        )  # fmt: skip
        self._word_parts.append((numbers[ranks], ids.astype(np.int32)))

    def flush(self) -> None:
        """Turn the chunk added so far into arrays (call every few thousand records: lists of ints are large)."""
        if self._ids:
            self._text_parts.append((
                np.array(self._ids, dtype=np.int32), np.array(self._lengths, dtype=np.int64), b"".join(self._texts)
            ))  # fmt: skip
        if self._key_hashes:
            self.key_parts.append((np.array(self._key_hashes, dtype=np.int64), np.array(self._key_ids, dtype=np.int32)))
        if self._word_keys:
            self._word_parts.append((np.array(self._word_keys, dtype=np.int64), np.array(self._word_ids, dtype=np.int32)))
        if self._names:
            names = np.array(self._names, dtype=np.int64)
            self.name_parts.append((names, np.ones(len(names), dtype=np.int64)))
        for chunk in (self._ids, self._lengths, self._texts, self._key_hashes, self._key_ids, self._word_keys,
                      self._word_ids, self._names):  # fmt: skip
            chunk.clear()

    def finish(self, id_limit: int = 0, vocabulary: Sequence[str] | None = None) -> Base:
        """The base; `vocabulary`: the sorted words, when known (else those of the records added)."""
        self.flush()
        ids = np.concatenate([part[0] for part in self._text_parts] or [np.zeros(0, dtype=np.int32)])
        lengths = np.concatenate([part[1] for part in self._text_parts] or [np.zeros(0, dtype=np.int64)])
        texts = _balanced_chunks([part[2] for part in self._text_parts])
        self._text_parts.clear()
        text_starts = np.zeros(len(texts), dtype=np.int64)
        text_starts[1:] = np.cumsum(np.array([len(chunk) for chunk in texts[:-1]], dtype=np.int64))
        offsets = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        id_limit = max(id_limit, int(ids.max()) + 1 if len(ids) else 0, max(self.irregular, default=-1) + 1)
        row_of = np.full(id_limit, -1, dtype=np.int32)
        row_of[ids] = np.arange(len(ids), dtype=np.int32)

        key_hashes, key_ids = self._sorted_key_entries()

        words = sorted(self._word_numbers) if vocabulary is None else list(vocabulary)
        rank_of_number = np.full(len(self._word_numbers), -1, dtype=np.int64)
        rank_of_word = {word: rank for rank, word in enumerate(words)}
        for word, number in self._word_numbers.items():
            rank_of_number[number] = rank_of_word.get(word, -1)
        word_ranks = np.concatenate([rank_of_number[part[0]] for part in self._word_parts] or [np.zeros(0, dtype=np.int64)])
        word_ids = np.concatenate([part[1] for part in self._word_parts] or [np.zeros(0, dtype=np.int32)])
        self._word_parts.clear()
        order = np.argsort(word_ranks, kind="stable")
        word_ranks, word_ids = word_ranks[order], word_ids[order]
        word_offsets = np.searchsorted(word_ranks, np.arange(len(words) + 1, dtype=np.int64)).astype(np.int64)

        name_hashes = np.concatenate([part[0] for part in self.name_parts] or [np.zeros(0, dtype=np.int64)])
        name_counts = np.concatenate([part[1] for part in self.name_parts] or [np.zeros(0, dtype=np.int64)])
        self.name_parts.clear()
        unique_names, inverse = np.unique(name_hashes, return_inverse=True)
        totals = np.bincount(inverse, weights=name_counts, minlength=len(unique_names)).astype(np.int64)
        held = totals > 0
        return Base(
            row_of=row_of,
            row_ids=ids,
            offsets=offsets,
            texts=texts,
            text_starts=text_starts,
            irregular=dict(self.irregular),
            key_hashes=key_hashes,
            key_ids=key_ids,
            vocabulary=words,
            word_offsets=word_offsets,
            word_ids=word_ids,
            name_hashes=unique_names[held],
            name_counts=totals[held].astype(np.int32),
        )

    def _sorted_key_entries(self) -> tuple[np.ndarray, np.ndarray]:
        """All key hashes, sorted, and their customer ids; with as few full-size copies as can be (a million
        customers hold some 12 million keys: each copy of them is 100 MB)."""
        key_hashes = np.concatenate([part[0] for part in self.key_parts] or [np.zeros(0, dtype=np.int64)])
        key_ids = np.concatenate([part[1] for part in self.key_parts] or [np.zeros(0, dtype=np.int32)])
        self.key_parts.clear()
        order = np.argsort(key_hashes, kind="stable")
        key_ids = key_ids[order]
        del order
        key_hashes.sort()  # in place, to the order argsort gave
        if self.sorted_keys is None:
            return key_hashes, key_ids
        # A compaction: the kept part of the old base is sorted, the changed customers' keys are few; merge them.
        sorted_hashes, sorted_ids = self.sorted_keys
        self.sorted_keys = None
        at = np.searchsorted(sorted_hashes, key_hashes)
        return np.insert(sorted_hashes, at, key_hashes), np.insert(sorted_ids, at, key_ids)
