"""The live index: which existing customers look like the draft being typed."""

from __future__ import annotations

import heapq
import math
import threading
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session

from custtui.services.duplicates.model import DEFAULT_PARAMETERS, MatchParameters, stored_parameters
from custtui.services.duplicates.records import (
    BLOCKS,
    IDENTIFIER_KEYS,
    Record,
    draft_record,
    gc_paused,
    load_records,
    record_keys,
)
from custtui.services.duplicates.results import POSSIBLE, DraftCustomer, Match
from custtui.services.duplicates.score import Scorer, log_odds, ordered_reasons, sigmoid
from custtui.services.normalise import phonetic_key

# --------------------------------------------------------------------------
# The live index.
# --------------------------------------------------------------------------


class DuplicateIndex:
    """Blocking keys -> customer ids, in memory, for the create/edit form's live warning.

    Build it once (`DuplicateIndex.build(session)`, about as long as loading
    the customers), keep it, and call `refresh(session, ids)` after customers
    were created, changed or deleted. Readers and `refresh` may run in
    different threads: every change is applied under a lock, and records are
    immutable, so a reader sees each customer either before or after a change.
    It scores with the parameters the last scan estimated and stored
    (services.duplicates.model), read when it is built.
    """

    _CANDIDATES = 400  # name candidates scored per draft, best token overlap first
    _PREFIX_WORDS = 200  # vocabulary words a word being typed may expand to
    _WORD_HOLDERS = 5000  # a name word held by more customers does not select candidates

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records: dict[int, Record] = {}
        self._keys: dict[str, set[int]] = {}
        self._record_keys: dict[int, frozenset[str]] = {}
        self._words: dict[str, set[int]] = {}  # normalised word -> ids (name and alias)
        self._vocabulary: list[str] = []  # sorted words, for prefix look-ups
        self._names: dict[str, int] = {}  # sorted name -> customers holding it (term frequency)
        self.parameters: MatchParameters = DEFAULT_PARAMETERS

    @classmethod
    def build(cls, session: Session) -> DuplicateIndex:
        index = cls()
        with gc_paused(), index._lock:
            index.parameters = stored_parameters(session) or DEFAULT_PARAMETERS
            records, _locations = load_records(session)
            for record in records:
                index._add(record)
            index._vocabulary = sorted(index._words)
        return index

    def __len__(self) -> int:
        return len(self._records)

    # -- changes ---------------------------------------------------------

    def _add(self, record: Record, keep_vocabulary: bool = False) -> None:
        keys = frozenset(record_keys(record))
        self._records[record.id] = record
        self._record_keys[record.id] = keys
        for key in keys:
            self._keys.setdefault(key, set()).add(record.id)
        if record.name:
            self._names[record.sorted_name] = self._names.get(record.sorted_name, 0) + 1
        for word in set(record.name_words) | set(record.alias_words):
            holders = self._words.get(word)
            if holders is None:
                holders = self._words[word] = set()
                if keep_vocabulary:
                    insort(self._vocabulary, word)
            holders.add(record.id)

    def _remove(self, customer_id: int) -> None:
        record = self._records.pop(customer_id, None)
        if record is None:
            return
        if record.name:
            left = self._names.get(record.sorted_name, 1) - 1
            if left > 0:
                self._names[record.sorted_name] = left
            else:
                self._names.pop(record.sorted_name, None)
        for key in self._record_keys.pop(customer_id, ()):
            holders = self._keys.get(key)
            if holders is not None:
                holders.discard(customer_id)
                if not holders:
                    del self._keys[key]
        for word in set(record.name_words) | set(record.alias_words):
            holders = self._words.get(word)
            if holders is not None:
                holders.discard(customer_id)
                if not holders:
                    del self._words[word]
                    position = bisect_left(self._vocabulary, word)
                    if position < len(self._vocabulary) and self._vocabulary[position] == word:
                        del self._vocabulary[position]

    def refresh(self, session: Session, customer_ids: Iterable[int]) -> None:
        """Reload these customers (created, edited, deleted, locations changed) from the database."""
        ids = set(customer_ids)
        if not ids:
            return
        records, _locations = load_records(session, ids)  # outside the lock: the database is slow
        with self._lock:
            for customer_id in ids:
                self._remove(customer_id)
            for record in records:
                self._add(record, keep_vocabulary=True)

    # -- look-ups --------------------------------------------------------

    def _count(self, key: str) -> int:
        if key[0] == "s":
            return self._names.get(key[1:], 1)
        holders = self._keys.get(key)
        return len(holders) if holders else 1

    def scorer(self) -> Scorer:
        """A Scorer with this index's parameters and value counts."""
        return Scorer(self.parameters, self._count, len(self._records))

    def likely_duplicates(
        self, draft: DraftCustomer, limit: int = 5, exclude_id: int | None = None, min_score: float = POSSIBLE
    ) -> list[Match]:
        """The existing customers most like `draft`, best first, at most `limit`.

        The name may be incomplete (the user is typing): its last word also
        matches longer words it starts. `exclude_id` is the customer being
        edited. Matches below `min_score` are left out.
        """
        record = draft_record(draft)
        with self._lock:
            candidates = self._candidates(record, expand_last=not draft.name.endswith(" "))
            if exclude_id is not None:
                candidates.discard(exclude_id)
            others = [self._records[i] for i in candidates if i in self._records]
            # Customers holding each value, the draft counted in, the edited customer out.
            counts = {
                key: len(holders) + 1 - (exclude_id in holders)
                for key in record_keys(record)
                if key[0] in IDENTIFIER_KEYS and (holders := self._keys.get(key, set()))
            }
            counts["s" + record.sorted_name] = self._names.get(record.sorted_name, 0) + 1
            customers = len(self._records)
        scorer = Scorer(self.parameters, lambda key: counts.get(key) or self._count(key), customers)
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

    def _candidates(self, record: Record, expand_last: bool) -> set[int]:
        """Customers worth scoring against a draft (call under the lock)."""
        found: set[int] = set()
        # Identifiers and the address: every holder (but not of a value half the customers share).
        for key in record_keys(record):
            kind = key[0]
            holders = self._keys.get(key)
            if not holders or kind == "n":
                continue
            if kind in "vef" or len(holders) <= BLOCKS[kind][1]:
                found |= holders
        # Name words: rank customers by the rarity of the words they share with the draft.
        hits: dict[int, float] = defaultdict(float)
        words = list(dict.fromkeys(record.name_words + record.alias_words))
        last = record.name_words[-1] if record.name_words and expand_last else None
        for word in words:
            holders = set(self._words.get(word, ()))
            if word == last and len(word) >= 2:
                # Still being typed: also the words it starts, as long as they stay few.
                start = bisect_left(self._vocabulary, word)
                for other in self._vocabulary[start : start + self._PREFIX_WORDS]:
                    if not other.startswith(word) or len(holders) > self._WORD_HOLDERS:
                        break
                    holders |= self._words[other]
            sound = self._keys.get("n" + phonetic_key(word))
            if sound and len(sound) <= self._WORD_HOLDERS:
                holders |= sound
            if not holders or len(holders) > self._WORD_HOLDERS:
                continue  # too common to tell anyone apart ("van", "garage" at a million customers)
            weight = math.log(1 + len(self._records) / len(holders))
            for customer_id in holders:
                hits[customer_id] += weight
        if hits:
            ranked = heapq.nlargest(self._CANDIDATES, hits.items(), key=lambda item: item[1])
            found.update(customer_id for customer_id, _weight in ranked)
        return found
