"""The live index: which existing customers look like the draft being typed.

It keeps every customer in a columnar, immutable `Base` (store.py: flat
arrays, one bytes buffer of normalised records, no Python object per
customer), built once, and the customers refreshed since in a small delta of
plain dicts and sets, their old version masked out of the base. When the
delta has grown past a share of the customers, refresh() compacts base and
delta into a new base, in memory, without reading the database.
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from custtui.services.building import BuildStopped, Stop, gc_paused, never_stop
from custtui.services.duplicates.model import DEFAULT_PARAMETERS, MatchParameters
from custtui.services.duplicates.records import BLOCKS, IDENTIFIER_KEYS, Record, draft_record, record_keys
from custtui.services.duplicates.results import POSSIBLE, DraftCustomer, Match
from custtui.services.duplicates.score import Scorer, log_odds, ordered_reasons, sigmoid
from custtui.services.duplicates.store import Base, BaseBuilder, key_hash, record_words
from custtui.services.normalise import phonetic_key

if TYPE_CHECKING:
    from sqlmodel import Session

# Customers refreshed since the base was built: past the larger of these, refresh() compacts them into a
# new base. A compaction costs time in proportion to the customers (~0.1 s at 100,000); spread over a
# fiftieth of them, it adds as little to each refresh at a million customers as at a thousand.
DELTA_MIN = 2000
DELTA_SHARE = 50


# --------------------------------------------------------------------------
# The live index.
# --------------------------------------------------------------------------


class DuplicateIndex:
    """Blocking keys -> customer ids, in memory, for the create/edit form's live warning.

    Build it once (`DuplicateIndex.build(session)`, about as long as loading
    the customers), keep it, and call `refresh(session, ids)` after customers
    were created, changed or deleted. Readers and `refresh` may run in
    different threads: every change is applied under a lock, which readers
    hold while they collect candidates, so a reader sees each customer either
    before or after a change. It scores with the parameters the last scan
    estimated and stored (services.duplicates.model), read when it is built.
    """

    _CANDIDATES = 400  # name candidates scored per draft, best token overlap first (ties: lower id first)
    _PREFIX_WORDS = 200  # vocabulary words a word being typed may expand to
    _WORD_HOLDERS = 5000  # a name word held by more customers does not select candidates
    # ... nor one held by this many times more customers than are scored: when it is all a candidate
    # shares with the draft, the few scored would be its lowest ids, and fetching its holders would cost
    # every look-up more as the customers grow (the import's 12 candidates: words of up to 600).
    _HOLDERS_PER_CANDIDATE = 50

    def __init__(self, base: Base | None = None) -> None:
        self._lock = threading.RLock()  # the state below; readers hold it while they look
        self._refresh_lock = threading.Lock()  # one refresh at a time: a compaction reads the delta without _lock
        self.parameters: MatchParameters = DEFAULT_PARAMETERS
        self._decoded_limit = 0
        self._weights_cache: tuple[MatchParameters, dict[str, list[float]]] | None = None
        self._reset(base if base is not None else BaseBuilder().finish())

    def _reset(self, base: Base) -> None:
        self._base = base
        self._alive = np.ones(base.id_limit, dtype=bool)  # by customer id: False for base customers masked out
        self._masked: set[int] = set()  # base customers removed or changed since (their new version is in the delta)
        self._masked_keys: dict[int, int] = {}  # key hash -> masked base customers holding it
        self._masked_words: dict[str, int] = {}  # word -> masked base customers holding it
        self._delta: dict[int, tuple[Record, tuple[int, ...]]] = {}  # customer id -> (record, its key hashes)
        self._delta_keys: dict[int, set[int]] = {}  # key hash -> delta customers holding it
        self._delta_words: dict[str, set[int]] = {}  # word (name and alias) -> delta customers holding it
        self._name_changes: dict[int, int] = {}  # sorted name hash -> customers more (or fewer) than in the base
        # Every word held, for prefix look-ups: the base's sorted words less those no longer held, and the
        # words held since, in a small sorted list (inserting into the base's long one cost O(words) a row).
        self._new_words: list[str] = []
        self._gone_words: set[str] = set()
        self._size = len(base)
        self._decoded: dict[int, Record] = {}  # base records decoded, by id (keep_decoded)
        self._provisional: set[int] = set()  # delta customers under ids no base may hold (put(provisional=True))

    @classmethod
    def build(cls, session: Session, stop: Stop = never_stop) -> DuplicateIndex:
        """Read and index every customer; `stop` is asked every 1,000 customers (BuildStopped when it says so)."""
        # Here, not at the top: the import's check process (duplicates.drafts) has an index and no database.
        from custtui.services.duplicates.database import iter_record_chunks, stored_parameters  # noqa: PLC0415

        with gc_paused():  # the records of a chunk hold no cycles and are dropped with it
            parameters = stored_parameters(session) or DEFAULT_PARAMETERS
            builder = BaseBuilder()
            for records in iter_record_chunks(session):
                for position, record in enumerate(records):
                    if position % 1000 == 0 and stop():
                        raise BuildStopped
                    builder.add(record, {key_hash(key) for key in record_keys(record)})
                builder.flush()
                del records  # before the next chunk is read: one chunk of records in memory, not two
            index = cls(builder.finish())
        index.parameters = parameters
        return index

    def __len__(self) -> int:
        return self._size

    def snapshot(self) -> tuple[Base, MatchParameters]:
        """Its customers as one base, with its parameters: what from_snapshot needs to make it again in another
        process (the import's matcher). Both pickle: flat arrays and one text, no Record per customer."""
        with self._refresh_lock:
            with self._lock:
                assert not self._provisional, "provisional records have no ids a base can hold"
                base = self._base
                if self._delta or self._masked:
                    base = base.compacted(self._alive, self._delta, self._vocabulary_now(), self._name_changes)
            return base, self.parameters

    @classmethod
    def from_snapshot(cls, base: Base, parameters: MatchParameters) -> DuplicateIndex:
        index = cls(base)
        index.parameters = parameters
        return index

    # -- counts and holders (call under the lock) --------------------------

    def _key_count(self, hashed: int, start: int, end: int) -> int:
        """Customers holding a key, given its range in the base."""
        return end - start - self._masked_keys.get(hashed, 0) + len(self._delta_keys.get(hashed, ()))

    def _key_holders(self, hashed: int, start: int, end: int) -> np.ndarray:
        return self._live(self._base.key_ids[start:end], bool(self._masked_keys.get(hashed)), self._delta_keys.get(hashed))

    def _live(self, base_ids: np.ndarray, some_masked: bool, delta: set[int] | None) -> np.ndarray:
        """Holders as they are now: the base's (without the masked ones) and the delta's."""
        ids = base_ids[self._alive[base_ids]] if some_masked else base_ids
        if delta:
            ids = np.concatenate([ids, np.fromiter(delta, dtype=np.int32, count=len(delta))])
        return ids

    def _holds(self, hashed: int, start: int, end: int, customer_id: int) -> bool:
        if customer_id in self._delta_keys.get(hashed, ()):
            return True
        if customer_id in self._masked or not self._base.has(customer_id):
            return False
        return bool((self._base.key_ids[start:end] == customer_id).any())

    def _word_count(self, word: str) -> int:
        rank = self._base.word_rank(word)
        start, end = self._base.word_range(rank) if rank is not None else (0, 0)
        return end - start - self._masked_words.get(word, 0) + len(self._delta_words.get(word, ()))

    def _word_holders(self, word: str) -> np.ndarray:
        """Customers holding a name or alias word, each once."""
        rank = self._base.word_rank(word)
        start, end = self._base.word_range(rank) if rank is not None else (0, 0)
        return self._live(self._base.word_ids[start:end], bool(self._masked_words.get(word)), self._delta_words.get(word))

    def _name_count(self, sorted_name: str) -> int:
        hashed = key_hash(sorted_name)
        return self._base.name_count(hashed) + self._name_changes.get(hashed, 0)

    def keep_decoded(self, records: int) -> None:
        """Keep up to this many base records decoded, for a caller that looks up many drafts in a row (the import).

        Drafts of one file share candidates (a street, a surname in one town):
        at 40,000 rows of a customer file, 7 in 10 look-ups met a record
        decoded for an earlier row. The kept records are dropped when full.
        """
        self._decoded_limit = records

    def _records(self, customer_ids: Iterable[int]) -> list[Record]:
        """The records of these customers, those gone left out."""
        found, in_base = [], []
        decoded = self._decoded
        for customer_id in customer_ids:
            changed = self._delta.get(customer_id)
            if changed is not None:
                found.append(changed[0])
            elif (kept := decoded.get(customer_id)) is not None:
                found.append(kept)
            elif customer_id not in self._masked and self._base.has(customer_id):
                in_base.append(customer_id)
        from_base = self._base.records(in_base)
        if self._decoded_limit:
            if len(decoded) + len(from_base) > self._decoded_limit:
                decoded.clear()
            for record in from_base:
                decoded[record.id] = record
        return found + from_base

    # -- changes (call under the lock) -------------------------------------

    def _add(self, record: Record) -> None:
        customer_id = record.id
        hashes = tuple({key_hash(key) for key in record_keys(record)})
        self._delta[customer_id] = (record, hashes)
        for hashed in hashes:
            self._delta_keys.setdefault(hashed, set()).add(customer_id)
        if record.name:
            hashed = key_hash(record.sorted_name)
            self._name_changes[hashed] = self._name_changes.get(hashed, 0) + 1
        for word in record_words(record):
            self._delta_words.setdefault(word, set()).add(customer_id)
            if word in self._gone_words:
                self._gone_words.discard(word)
            elif self._base.word_rank(word) is None:
                position = bisect_left(self._new_words, word)
                if position == len(self._new_words) or self._new_words[position] != word:
                    self._new_words.insert(position, word)
        self._size += 1

    def _remove(self, customer_id: int) -> None:
        changed = self._delta.pop(customer_id, None)
        if changed is not None:
            record, hashes = changed
            for hashed in hashes:
                holders = self._delta_keys[hashed]
                holders.discard(customer_id)
                if not holders:
                    del self._delta_keys[hashed]
            for word in record_words(record):
                holders = self._delta_words[word]
                holders.discard(customer_id)
                if not holders:
                    del self._delta_words[word]
        elif customer_id not in self._masked and self._base.has(customer_id):
            self._decoded.pop(customer_id, None)
            found = self._base.record(customer_id)
            assert found is not None
            record = found
            self._alive[customer_id] = False
            self._masked.add(customer_id)
            for hashed in {key_hash(key) for key in record_keys(record)}:
                self._masked_keys[hashed] = self._masked_keys.get(hashed, 0) + 1
            for word in record_words(record):
                self._masked_words[word] = self._masked_words.get(word, 0) + 1
        else:
            return
        if record.name:
            hashed = key_hash(record.sorted_name)
            self._name_changes[hashed] = self._name_changes.get(hashed, 0) - 1
        for word in record_words(record):
            if not self._word_count(word):
                position = bisect_left(self._new_words, word)
                if position < len(self._new_words) and self._new_words[position] == word:
                    del self._new_words[position]
                else:
                    self._gone_words.add(word)
        self._size -= 1

    def _words_from(self, word: str, count: int) -> Iterator[str]:
        """The words held now, in order, from `word` on, at most `count` of each list (call under the lock)."""
        base = self._base.vocabulary
        start = bisect_left(base, word)
        gone = self._gone_words
        held = (other for other in base[start : start + count] if other not in gone)
        start = bisect_left(self._new_words, word)
        return heapq.merge(held, self._new_words[start : start + count])

    def _vocabulary_now(self) -> list[str]:
        """Every word held, sorted (call under the lock)."""
        gone = self._gone_words
        return list(heapq.merge((word for word in self._base.vocabulary if word not in gone), self._new_words))

    def refresh(self, session: Session, customer_ids: Iterable[int]) -> None:
        """Reload these customers (created, edited, deleted, locations changed) from the database.

        Cheap for a few customers (they go to the delta); now and then, when
        the delta has grown past DELTA_MIN or a DELTA_SHARE-th of the
        customers, it also compacts the delta into a new base, while readers
        go on with the old one.
        """
        ids = set(customer_ids)
        if not ids:
            return
        from custtui.services.duplicates.database import load_records  # noqa: PLC0415 - see build()

        records, _locations = load_records(session, ids)  # outside the lock: the database is slow
        self.put(ids, records)

    def rename(self, new_ids: dict[int, int]) -> None:
        """Give customers of the delta new ids (old -> new): the import's rows, once their batch is written.

        Their keys, words and names stay as they are; compacts as refresh() does.
        """
        with self._refresh_lock:
            with self._lock:
                for old, new in new_ids.items():
                    self._provisional.discard(old)
                    record, hashes = self._delta.pop(old)
                    self._delta[new] = (replace(record, id=new), hashes)
                    for hashed in hashes:
                        holders = self._delta_keys[hashed]
                        holders.discard(old)
                        holders.add(new)
                    for word in record_words(record):
                        holders = self._delta_words[word]
                        holders.discard(old)
                        holders.add(new)
        self.put((), ())  # compacts when the delta has grown enough

    def put(self, customer_ids: Iterable[int], records: Iterable[Record], *, provisional: bool = False) -> None:
        """Take these customers out (created, changed, deleted) and these records in, without reading the database.

        For a caller that knows what it wrote (the import: its customers as
        stored, or as drafts under provisional ids until their batch is in);
        refresh() reads them instead. Compacts as refresh() does.
        `provisional`: the records' ids are no customer's (far above the
        real ones: a base's arrays are indexed by id); they stay in the delta
        through compactions until rename() gives them their ids.
        """
        ids = set(customer_ids)
        with self._refresh_lock:
            with self._lock:
                for customer_id in ids:
                    self._remove(customer_id)
                    self._provisional.discard(customer_id)
                for record in records:
                    self._add(record)
                    if provisional:
                        self._provisional.add(record.id)
                # Provisional records do not count: they stay in the delta whatever a compaction does. Counted,
                # a dry run's (never renamed: nothing is written) made every row past the limit a compaction
                # that took them all out and back in, quadratic in the rows (20,000 rows: over 10 minutes).
                changed = len(self._masked) + len(self._delta) - len(self._provisional)
                if changed <= max(DELTA_MIN, self._size // DELTA_SHARE):
                    return
                # Out while the base is made, back in after (a reader meanwhile misses them: only the import
                # puts provisional records, and it reads in the thread that puts).
                waiting = [self._delta[customer_id][0] for customer_id in self._provisional]
                for record in waiting:
                    self._remove(record.id)
                base, alive, delta = self._base, self._alive, self._delta
                vocabulary, name_changes = self._vocabulary_now(), self._name_changes
            # Nothing changes these meanwhile (other refreshes wait for _refresh_lock; readers only read).
            with gc_paused():
                compacted = base.compacted(alive, delta, vocabulary, name_changes)
            with self._lock:
                size = self._size
                self._reset(compacted)
                assert self._size == size, "a compaction keeps every customer"
                for record in waiting:
                    self._add(record)
                self._provisional = {record.id for record in waiting}

    # -- look-ups --------------------------------------------------------

    def _count(self, key: str) -> int:
        with self._lock:
            if key[0] == "s":
                return self._name_count(key[1:]) or 1
            hashed = key_hash(key)
            return self._key_count(hashed, *self._base.key_range(hashed)) or 1

    def _weights(self) -> dict[str, list[float]]:
        """The parameters' weights, computed once per parameters object (the index's are set once, at build)."""
        cached = self._weights_cache
        if cached is None or cached[0] is not self.parameters:
            cached = self._weights_cache = (self.parameters, self.parameters.weights())
        return cached[1]

    def scorer(self) -> Scorer:
        """A Scorer with this index's parameters and value counts."""
        return Scorer(self.parameters, self._count, len(self))

    def likely_duplicates(
        self,
        draft: DraftCustomer,
        limit: int = 5,
        exclude_id: int | None = None,
        min_score: float = POSSIBLE,
        *,
        name_candidates: int | None = None,
    ) -> list[Match]:
        """The existing customers most like `draft`, best first, at most `limit`.

        The name may be incomplete (the user is typing): its last word also
        matches longer words it starts. `exclude_id` is the customer being
        edited. Matches below `min_score` are left out. `name_candidates`:
        how many customers sharing name words are scored, those sharing the
        rarest first (default _CANDIDATES; the import, checking thousands of
        rows a second, scores fewer).
        """
        return self.matches_of(
            draft_record(draft), not draft.name.endswith(" "), limit, exclude_id, min_score, name_candidates
        )

    def matches_of(
        self,
        record: Record,
        expand_last: bool,
        limit: int = 5,
        exclude_id: int | None = None,
        min_score: float = POSSIBLE,
        name_candidates: int | None = None,
    ) -> list[Match]:
        """likely_duplicates of a draft's record (draft_record), for a caller that keeps it (the import)."""
        keys = record_keys(record)
        words = list(dict.fromkeys(record.name_words + record.alias_words))
        sounds = {word: key_hash("n" + phonetic_key(word)) for word in words}
        with self._lock:
            ranges = self._base.key_ranges(list({key_hash(key) for key in keys} | set(sounds.values())))
            candidates = self._candidates(
                record, keys, words, sounds, ranges, expand_last, cap=name_candidates or self._CANDIDATES
            )
            if exclude_id is not None:
                candidates.discard(exclude_id)
            others = self._records(candidates)
            # Customers holding each value, the draft counted in, the edited customer out; its
            # addresses as they are (the scorer asks for nothing else): all counted as of the candidates.
            counts = {}
            for key in keys:
                kind = key[0]
                if kind in IDENTIFIER_KEYS or kind == "a":
                    hashed = key_hash(key)
                    start, end = ranges[hashed]
                    held = self._key_count(hashed, start, end)
                    if kind == "a":
                        counts[key] = held or 1
                    elif held:
                        edited = exclude_id is not None and self._holds(hashed, start, end, exclude_id)
                        counts[key] = held + 1 - edited
            counts["s" + record.sorted_name] = self._name_count(record.sorted_name) + 1
            customers = self._size
        scorer = Scorer(self.parameters, lambda key: counts.get(key) or self._count(key), customers, self._weights())
        min_logit = log_odds(min_score)
        matches = []
        for other in others:
            result = scorer.score(record, other, min_logit, partial=True)
            if result is None or result[0] < min_logit:
                continue
            logit, _comparison, reasons = result
            matches.append(Match(other.id, round(sigmoid(logit), 4), ordered_reasons(reasons)))
        matches.sort(key=lambda m: (-m.score, m.customer_id))
        return matches[:limit]

    def _candidates(
        self,
        record: Record,
        keys: set[str],
        words: list[str],
        sounds: dict[str, int],
        ranges: dict[int, tuple[int, int]],
        expand_last: bool,
        cap: int,
    ) -> set[int]:
        """Customers worth scoring against a draft (call under the lock); `ranges`: the base's key ranges."""
        found: set[int] = set()
        # Customers ranked by the rarity of what they share with the draft: its address's and its
        # name's blocks and name words (below). Those sharing an identifier are all scored.
        hit_ids: list[np.ndarray] = []
        hit_weights: list[np.ndarray] = []
        for key in keys:
            kind = key[0]
            if kind == "n":
                continue
            hashed = key_hash(key)
            start, end = ranges[hashed]
            held = self._key_count(hashed, start, end)
            if not held or (kind not in "vef" and held > BLOCKS[kind][1]):
                continue  # a value half the customers share tells no one apart
            holders = self._key_holders(hashed, start, end)
            if kind in IDENTIFIER_KEYS:
                found.update(holders.tolist())
            else:
                # An address block grows with the customers (every number 12 in one postal code):
                # ranked, not all scored, its holders cost the same at any size.
                hit_ids.append(holders)
                hit_weights.append(np.full(len(holders), math.log(1 + self._size / len(holders))))
        last = record.name_words[-1] if record.name_words and expand_last else None
        word_limit = min(self._WORD_HOLDERS, self._HOLDERS_PER_CANDIDATE * cap)
        for word in words:
            if word != last and self._word_count(word) > word_limit:
                continue  # its holders alone are too many (below): not worth fetching
            holders = self._word_holders(word)
            if word == last and len(word) >= 2:
                holders = self._with_prefixed(word, holders)  # still being typed: also the words it starts
            sound = sounds[word]
            start, end = ranges[sound]
            held = self._key_count(sound, start, end)
            if held and held <= word_limit:
                alike = self._key_holders(sound, start, end)
                # Most words sound like no other word: their sound's holders are the word's.
                if len(alike) != len(holders) or not np.array_equal(alike, holders):
                    holders = np.union1d(holders, alike)
            if not len(holders) or len(holders) > word_limit:
                continue  # too common to tell anyone apart ("van", "garage" at a million customers)
            hit_ids.append(holders)
            hit_weights.append(np.full(len(holders), math.log(1 + self._size / len(holders))))
        if hit_ids:
            ids, at = np.unique(np.concatenate(hit_ids), return_inverse=True)
            # bincount adds in input order, word by word: the very sums a dict of floats would hold.
            weights = np.bincount(at, weights=np.concatenate(hit_weights), minlength=len(ids))
            if len(ids) > cap:
                ids = ids[np.argsort(-weights, kind="stable")[:cap]]
            found.update(ids.tolist())
        return found

    def _with_prefixed(self, word: str, holders: np.ndarray) -> np.ndarray:
        """`holders` and the holders of the vocabulary words `word` starts, while they stay few."""
        parts = [holders]
        distinct, added = len(holders), 0  # distinct in parts[0]; at most `added` more in the others
        for other in itertools.islice(self._words_from(word, self._PREFIX_WORDS), self._PREFIX_WORDS):
            if not other.startswith(word):
                break
            if distinct + added > self._WORD_HOLDERS:
                merged = np.unique(np.concatenate(parts))
                parts, distinct, added = [merged], len(merged), 0
                if distinct > self._WORD_HOLDERS:
                    break
            extra = self._word_holders(other)
            parts.append(extra)
            added += len(extra)
        return np.unique(np.concatenate(parts)) if len(parts) > 1 else holders
