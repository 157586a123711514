"""SearchIndex: a snapshot of segments searched from any thread, and the Searcher that narrows as the query grows."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from typing import Any, NamedTuple

import numpy as np
from rapidfuzz import fuzz
from sqlmodel import Session

from custtui.services.addresses import format_address
from custtui.services.building import Stop, never_stop
from custtui.services.search.hits import FIELD_ORDER, FIELDS, NAME, PHONE, SearchHit
from custtui.services.search.query import (
    BASE,
    CANDIDATES,
    MAX_SLACK,
    MIN_SCORE,
    NARROW_DIRECT,
    SPACE,
    Query,
    analyse_query,
    char_code,
    fuzzy_one,
    fuzzy_scores,
    prefix_score,
    query_trigrams,
    refined_score,
    split_mark_words,
    trigram_codes,
    trigrams_needed,
    word_trigrams_needed,
)
from custtui.services.search.segments import (
    ADDRESS_PARTS,
    Rows,
    Segment,
    Snapshot,
    load_rows,
    read_all_rows,
)
from custtui.services.search.text import fold

# ---------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------

# Customers refreshed since the base was built: past DELTA_LIMIT, `needs_rebuild` says
# to call rebuild() in a worker; past DELTA_HARD_LIMIT, refresh() rebuilds by itself.
DELTA_LIMIT = 2000
DELTA_HARD_LIMIT = 20_000
# Customers holding every word of a query in some field, checked word by word, per segment at most.
CROSS_FIELD_CUSTOMERS = 100
CROSS_FIELD_WORD = 3  # letters a word needs to count as found in a field of its own


class _Result(NamedTuple):
    hits: list[SearchHit]
    # Per segment, the entries that may still match a longer query (sorted), or None: cannot narrow.
    survivors: tuple[np.ndarray, ...] | None


class SearchIndex:
    """All customers' searchable values, in memory. Build once, refresh as customers change."""

    def __init__(self, chunks: Iterable[Rows], stop: Stop = never_stop) -> None:
        self._write_lock = threading.Lock()
        self._snapshot = _fresh_snapshot(chunks, stop)
        self._changed_during_rebuild: set[int] | None = None

    # Pickled (built in another process, services.index_process): its snapshot, flat arrays; not its lock.
    def __getstate__(self) -> dict[str, Any]:
        with self._write_lock:
            return {"snapshot": self._snapshot}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._write_lock = threading.Lock()
        self._snapshot = state["snapshot"]
        self._changed_during_rebuild = None

    # -- loading ------------------------------------------------------------

    @classmethod
    def build(cls, session: Session, stop: Stop = never_stop) -> SearchIndex:
        """Read every customer and location (plain SELECTs, in chunks) and index them.

        `stop` is asked every ~0.1 s; when it answers True, BuildStopped is
        raised (the app quits at once instead of waiting for the index).
        """
        return cls(read_all_rows(session), stop)

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
        rows = load_rows(session, ids)
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
                self._snapshot = _fresh_snapshot(read_all_rows(session))  # seconds at 100k
                return
            gone = np.array(ids, dtype=np.int64)
            in_base = gone[old.base.has_customers(gone)]
            newly_removed = [i for i in in_base.tolist() if i not in old.base_removed]
            base_alive = old.base_alive.copy() if old.base_alive is not None else np.ones(old.base.size, dtype=bool)
            base_alive[old.base.entries_of_customers(np.array(newly_removed, dtype=np.int64))] = False
            existed = set(newly_removed) | {i for i in ids if i in old.delta_rows}
            self._snapshot = Snapshot(
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

    def rebuild(self, session: Session, stop: Stop = never_stop) -> None:
        """Re-read and re-index everything, for a worker thread (seconds at 100,000 customers).

        Searches and refresh() go on meanwhile; customers refreshed while this
        reads are kept from their refresh, not from this read.
        """
        with self._write_lock:
            if self._changed_during_rebuild is not None:
                return  # another rebuild is running
            self._changed_during_rebuild = set()
        try:
            base = Segment(read_all_rows(session), stop)
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
            self._snapshot = Snapshot(
                base=base,
                base_alive=base_alive,
                base_removed=frozenset(in_base.tolist()),
                delta=_delta_segment(delta_rows),
                delta_rows=delta_rows,
                customers=len(base.customer_ids) - len(in_base) + len(delta_rows),
                id_limit=max(current.id_limit, _id_limit(base)),
            )

    def __len__(self) -> int:
        return self._snapshot.customers

    # -- searching ----------------------------------------------------------

    def search(self, query: str, limit: int = 50, within: Collection[int] | None = None) -> list[SearchHit]:
        """The best `limit` customers for `query`, best first; only those in `within` if given."""
        snapshot = self._snapshot
        mask = _mask(within, snapshot.id_limit) if within is not None else None
        analysed = analyse_query(query)
        if analysed is None or limit <= 0:
            return []
        return _with_marked(snapshot, query, limit, mask, _search(snapshot, analysed, query, limit, mask)).hits


def _delta_segment(delta_rows: dict[int, tuple[Any, list[Any]]]) -> Segment | None:
    if not delta_rows:
        return None
    ordered = [delta_rows[k] for k in sorted(delta_rows)]
    return Segment([Rows([c for c, _l in ordered], [loc for _c, locs in ordered for loc in locs])])


def _id_limit(segment: Segment) -> int:
    """One more than the largest customer id of the segment."""
    return int(segment.customer_ids[-1]) + 1 if len(segment.customer_ids) else 1


def _fresh_snapshot(chunks: Iterable[Rows], stop: Stop = never_stop) -> Snapshot:
    base = Segment(chunks, stop)
    return Snapshot(
        base=base,
        base_alive=None,
        base_removed=frozenset(),
        delta=None,
        delta_rows={},
        customers=len(base.customer_ids),
        id_limit=_id_limit(base),
    )


def _mask(ids: Collection[int], id_limit: int) -> np.ndarray:
    mask = np.zeros(id_limit, dtype=bool)
    array = np.fromiter((int(i) for i in ids), dtype=np.int64, count=len(ids))
    array = array[(array >= 0) & (array < id_limit)]
    mask[array] = True
    return mask


def _allowed(segment: Segment, alive: np.ndarray | None, restrict: np.ndarray | None) -> np.ndarray | None:
    """Bool per entry of the segment that may be a hit, or None when all may."""
    if restrict is None:
        return alive
    inside = np.zeros(segment.size, dtype=bool)
    in_range = segment.customer < len(restrict)
    inside[in_range] = restrict[segment.customer[in_range]]
    return inside if alive is None else inside & alive


def _search(
    snapshot: Snapshot,
    query: Query,
    raw: str,
    limit: int,
    restrict: np.ndarray | None,
    narrow: tuple[np.ndarray, ...] | None = None,
) -> _Result:
    """Search every segment; `restrict`: customer mask (within=); `narrow`: the previous survivors."""
    scored: list[tuple[Segment, np.ndarray, np.ndarray]] = []  # (segment, entries, scores)
    across: list[tuple[float, int, Segment, int]] = []  # cross-field hits: score, customer, segment, entry shown
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
                phones = segment.field[entries] == PHONE
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
            across.extend((score, customer_id, segment, entry)
                          for score, customer_id, entry in _cross_field_hits(segment, query, raw, allowed))
        scored.append((segment, entries, scores))
        if survivors is not None:
            if kept is None:
                survivors = None
            else:
                survivors.append(kept)
    return _Result(_best_hits(scored, query, limit, across), tuple(survivors) if survivors is not None else None)


def _text_matches(
    segment: Segment, query: Query, raw: str, allowed: np.ndarray | None, only: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Text path: trigram prefilter, then rapidfuzz over at most CANDIDATES entries.

    `only`: search these entries only (narrowing). Returns the scored entries,
    their scores, and the surviving entries (None: all survive).
    """
    codes = sorted(query_trigrams(query, complete=raw.endswith(" ")))
    need, survive = trigrams_needed(len(codes)), len(codes) - MAX_SLACK  # survive <= 0: all survive, no narrowing
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
    chosen = segment.texts.take(candidates)
    scores = fuzzy_scores(query, chosen, segment.lengths[candidates], segment.compact_lengths[candidates])
    return candidates, scores, kept


def _cross_field_hits(segment: Segment, query: Query, raw: str, allowed: np.ndarray | None) -> list[tuple[float, int, int]]:
    """Customers holding the query's words across their fields: (score, customer, entry to show).

    "peeters gent": a name word and the city; "911946 gentse": the customer
    number and the street. Each word of CROSS_FIELD_WORD letters or more is
    looked up on its own (trigrams, one typo allowed from 5 letters), the
    customers holding all of them are ranked by how well, and the best
    CROSS_FIELD_CUSTOMERS are scored word by word (see _score_across).
    Shorter words ("e.", "bv", "de") say too little to join two fields.
    """
    words = query.text.split()
    complete = raw.endswith(" ")
    id_limit = int(segment.customer_ids[-1]) + 1 if len(segment.customer_ids) else 0
    total: np.ndarray | None = None  # per customer: the sum of each word's best share of trigrams
    holds_all: np.ndarray | None = None
    looked_up = 0
    for position, word in enumerate(words):
        if len(word) < CROSS_FIELD_WORD or word in words[:position]:
            continue
        padded = f" {word} " if complete or position < len(words) - 1 else f" {word}"
        codes = sorted(trigram_codes(padded))
        entries, share = segment.word_holders(padded, codes, word_trigrams_needed(word, len(codes)))
        if allowed is not None:
            keep = allowed[entries]
            entries, share = entries[keep], share[keep]
        if not len(entries):
            return []
        best = np.zeros(id_limit, dtype=np.float32)
        best[segment.customer[entries]] = share  # by share: the last, largest share per customer stays
        total = best if total is None else total + best
        holds_all = best > 0 if holds_all is None else holds_all & (best > 0)
        looked_up += 1
    if looked_up < 2 or total is None or holds_all is None:
        return []
    candidates = np.flatnonzero(holds_all)
    if not len(candidates):
        return []
    if len(candidates) > CROSS_FIELD_CUSTOMERS:
        candidates = candidates[np.argpartition(-total[candidates], CROSS_FIELD_CUSTOMERS)[:CROSS_FIELD_CUSTOMERS]]
    candidates.sort()
    entries = segment.entries_of_customers(candidates)  # grouped by customer, in the order of candidates
    per_customer = np.bincount(np.searchsorted(candidates, segment.customer[entries]), minlength=len(candidates))
    texts = segment.texts.take(entries)
    fields = segment.field[entries].tolist()
    entry_ids = entries.tolist()
    hits: list[tuple[float, int, int]] = []
    start = 0
    for customer_id, count in zip(candidates.tolist(), per_customer.tolist(), strict=True):
        stop = start + count
        own = [(entry_ids[i], fields[i], texts[i]) for i in range(start, stop) if texts[i]]
        start = stop
        found = _score_across(query, words, complete, own)
        if found is not None:
            hits.append((found[0], customer_id, found[1]))
    return hits


def _score_across(
    query: Query, words: list[str], last_complete: bool, own: list[tuple[int, int, str]]
) -> tuple[float, int] | None:
    """One customer's cross-field score over its entries (entry, field, text), and the entry to show; None: none.

    As refined_score scores one entry: every word starting a word of some
    field 90-99.9 (whole words first, then the share of those fields the
    query covers). Else the words' mean closeness (a word with a typo: its
    ratio to the closest word of the customer's fields; a short word
    missing 50) times 0.8, plus up to 5 for the coverage: below 90.
    """
    split = [text.split() for _entry, _field, text in own]
    used: set[int] = set()  # positions in `own` that long words were found in
    whole = 0
    closeness: list[float] = []
    for position, word in enumerate(words):
        being_typed = position == len(words) - 1 and not last_complete
        at_whole = next((i for i, parts in enumerate(split) if word in parts), None)
        at_start = at_whole if at_whole is not None else next(
            (i for i, parts in enumerate(split) if any(part.startswith(word) for part in parts)), None
        )
        if at_start is not None:
            whole += at_whole is not None
            if len(word) >= CROSS_FIELD_WORD:
                used.add(at_start)
            closeness.append(100.0)
            continue
        if len(word) < CROSS_FIELD_WORD:
            closeness.append(50.0)
            continue
        # A typo: the closest word of any field (its start too, while the word is being typed).
        best, at = 0.0, 0
        for i, parts in enumerate(split):
            for part in parts:
                similar = fuzz.ratio(word, part)
                if being_typed and len(part) > len(word):
                    similar = max(similar, fuzz.ratio(word, part[: len(word)]))
                if similar > best:
                    best, at = similar, i
        closeness.append(best)
        used.add(at)
    if len(used) < 2:
        return None  # all in one field: the entry's own score stands
    covered = sum(len(own[i][2]) - own[i][2].count(" ") for i in used)
    coverage = min(1.0, len(query.compact) / max(1, covered))
    if all(score == 100.0 for score in closeness):
        score = prefix_score(whole / len(words), coverage)
    else:
        # As a fuzzy entry scores, a little under: a typo in one field leaves less sure that
        # the words belong together than in one ("duois jean": Dubois Jean before Dubois J.,
        # jean@...).
        score = 0.8 * sum(closeness) / len(closeness) + 5.0 * coverage
    # Shown: a field other than the name, as the name is on the row anyway.
    shown = min(used, key=lambda i: (own[i][1] == NAME, i))
    return score, own[shown][0]


def _short_matches(segment: Segment, query: Query, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """One or two characters: name and alias entries with a word starting with them.

    Scores: the whole name 100, the name starting with them 95, another word 90.
    """
    prefix = query.compact
    first = char_code(prefix[0])
    if len(prefix) == 1:
        codes = [(SPACE * BASE + first) * BASE + second for second in range(BASE)]
        starts = segment.short_starts // BASE == first
    else:
        codes = [(SPACE * BASE + first) * BASE + char_code(prefix[1])]
        starts = segment.short_starts == first * BASE + char_code(prefix[1])
    entries = segment.short_entries
    some_word = segment.trigram_counts(codes)[entries] > 0
    if allowed is not None:
        some_word &= allowed[entries]
    exact = starts & (segment.lengths[entries] == len(prefix))
    scores = np.where(exact, 100.0, np.where(starts, 95.0, 90.0)).astype(np.float32)
    return entries[some_word], scores[some_word]


def _best_hits(
    scored: list[tuple[Segment, np.ndarray, np.ndarray]],
    query: Query,
    limit: int,
    across: list[tuple[float, int, Segment, int]],
) -> list[SearchHit]:
    """Refine the best entries, keep the best entry (or cross-field hit) per customer, and describe it."""
    pool: list[tuple[float, int, str, int, Segment, int, bool]] = []  # ..., whether a cross-field hit
    for score, customer_id, segment, entry in across:
        if score >= MIN_SCORE:
            field_name = FIELDS[int(segment.field[entry])]
            pool.append((-score, FIELD_ORDER[field_name], segment.texts[entry], customer_id, segment, entry, True))
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
                score = refined_score(query, text, score)
            if score < MIN_SCORE:
                continue
            pool.append(
                (-score, FIELD_ORDER[FIELDS[field]], text, int(segment.customer[entry]), segment, entry, False)
            )
    pool.sort(key=lambda item: item[:4])
    hits: list[SearchHit] = []
    seen: set[int] = set()
    for negative_score, _order, _text, customer_id, segment, entry, across_fields in pool:
        if customer_id in seen:
            continue
        seen.add(customer_id)
        field_name, matched = _describe(segment, entry, query, whole_address=across_fields)
        hits.append(SearchHit(customer_id, round(-negative_score, 1), field_name, matched))
        if len(hits) >= limit:
            break
    return hits


def _describe(segment: Segment, entry: int, query: Query, whole_address: bool = False) -> tuple[str, str]:
    """The field name and shown text of a hit; an address hit says street or city when only that matched.

    `whole_address`: the query's other words matched other fields (a cross-field hit): show all of it.
    """
    field = FIELDS[int(segment.field[entry])]
    shown = segment.shown[entry]
    if field != "address":
        return field, shown
    row = ["", *shown.split(ADDRESS_PARTS)]  # as a location row: (customer), street, number, postal code, city
    street = " ".join(part for part in (row[1], row[2]) if part)
    if query.kind != "text" or whole_address:
        return "address", format_address(row[1], row[2], row[3], row[4])
    whole = fuzzy_one(query, segment.texts[entry])
    if street and fuzzy_one(query, fold(street)) >= whole - 0.5:
        return "street", street
    city = " ".join(part for part in (row[3], row[4]) if part)
    if city and fuzzy_one(query, fold(city)) >= whole - 0.5:
        return "city", row[4] or city
    return "address", format_address(row[1], row[2], row[3], row[4])


# ---------------------------------------------------------------------------
# The ERROR mark
# ---------------------------------------------------------------------------


def _with_marked(snapshot: Snapshot, query: str, limit: int, restrict: np.ndarray | None, found: _Result) -> _Result:
    """The hits of a query naming the ERROR mark ("fehler", "FOUT peeters"): the marked records, among the others.

    The rest of the query is searched among the marked records (all of them,
    by name, when nothing else is asked); the query as typed is searched as
    usual too (`found`), so "Error Solutions BV" is still found by its name.
    The survivors are those of the usual search: the marked part is searched
    whole each time, among few records.
    """
    rest, marked = split_mark_words(query)
    if not marked:
        return found
    ids = snapshot.marked_ids()
    if not len(ids):
        return found
    mask = np.zeros(snapshot.id_limit, dtype=bool)
    mask[ids[ids < snapshot.id_limit]] = True
    if restrict is not None:
        mask &= restrict  # both of snapshot.id_limit
    analysed = analyse_query(rest)
    if analysed is None:
        hits = _marked_by_name(snapshot, mask, limit)
    else:
        hits = _search(snapshot, analysed, rest, limit, mask).hits
    best: dict[int, SearchHit] = {}
    for hit in [*hits, *found.hits]:
        if hit.customer_id not in best or hit.score > best[hit.customer_id].score:
            best[hit.customer_id] = hit
    order = {hit.customer_id: position for position, hit in enumerate([*hits, *found.hits])}
    ranked = sorted(best.values(), key=lambda hit: (-hit.score, order[hit.customer_id]))
    return _Result(ranked[:limit], found.survivors)


def _marked_by_name(snapshot: Snapshot, mask: np.ndarray, limit: int) -> list[SearchHit]:
    """Every customer of `mask` (the marked ones), by name: the answer to the ERROR word alone."""
    named: list[tuple[str, int, str]] = []  # folded name, customer, name as stored
    for segment, alive in snapshot.segments():
        names = segment.entries_of(NAME)
        entries = np.arange(names.start, names.stop, dtype=np.int64)
        allowed = _allowed(segment, alive, mask)
        if allowed is not None:
            entries = entries[allowed[entries]]
        for entry in entries.tolist():
            named.append((segment.texts[entry], int(segment.customer[entry]), segment.shown[entry]))
    named.sort()
    return [SearchHit(customer_id, 100.0, "name", shown) for _text, customer_id, shown in named[:limit]]


# ---------------------------------------------------------------------------
# Narrowing
# ---------------------------------------------------------------------------


class Searcher:
    """One per search box: narrows over the previous survivors while the query grows, as fzf does."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._lock = threading.Lock()
        self._previous: tuple[Snapshot, str, str, int, _Result] | None = None  # snapshot, key, kind, limit
        self.narrowed = False  # whether the last search narrowed (for tests and benchmarks)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        with self._lock:
            snapshot = self.index._snapshot
            analysed = analyse_query(query)
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
            result = _with_marked(snapshot, query, limit, None, _search(snapshot, analysed, query, limit, None, narrow))
            self.narrowed = narrow is not None
            self._previous = (snapshot, key, analysed.kind, limit, result)
            return result.hits


def search_customers(session: Session, query: str, limit: int = 50) -> list[SearchHit]:
    """Build an index and search it once (scripts and tests; the UI keeps a SearchIndex)."""
    return SearchIndex.build(session).search(query, limit)
