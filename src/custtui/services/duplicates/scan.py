"""The batch scan: candidate pairs by blocking, scored, then clustered."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from itertools import pairwise
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlmodel import Session

from custtui.errors import NotFound
from custtui.i18n import _
from custtui.models import Customer, table_of
from custtui.services.duplicates.records import (
    BLOCK_WINDOW,
    BLOCKS,
    IDENTIFIER_KEYS,
    SORTED_WINDOW,
    Record,
    gc_paused,
    load_records,
    record_keys,
)
from custtui.services.duplicates.results import DEFAULT_MIN_SCORE, Cluster, PairScore, ScanStats
from custtui.services.duplicates.score import BIAS, NAME_CURVE, W_ADDRESS, CountOf, log_odds, ordered_reasons, pair_logit, sigmoid

# --------------------------------------------------------------------------
# The scan.
# --------------------------------------------------------------------------

if TYPE_CHECKING:
    from custtui.services.duplicates.index import DuplicateIndex


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(item, item) != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _rank(records: list[Record]) -> list[int]:
    """Each record's position in the order of (name with sorted words, postal code)."""
    order = sorted(
        range(len(records)),
        key=lambda p: (records[p].sorted_name, records[p].addresses[0].postal if records[p].addresses else ""),
    )
    rank = [0] * len(records)
    for position, record_index in enumerate(order):
        rank[record_index] = position
    return rank


def _candidate_pairs(records: list[Record]) -> tuple[set[int], set[int], dict[str, int]]:
    """Candidate pairs of record positions, encoded i * n + j with i < j.

    Returns the pairs sharing an identifier (VAT, e-mail, phone, mail
    domain, customer number), the other pairs (same place, rare name word,
    sorted neighbourhood), and the number of customers holding each
    identifier. See BLOCKS for how each kind of block gives pairs.
    """
    n = len(records)
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, record in enumerate(records):
        for key in record_keys(record):
            blocks[key].append(position)
    rank = _rank(records)
    sizes: dict[str, int] = {}
    identified: set[int] = set()
    others: set[int] = set()
    for key, members in blocks.items():
        size = len(members)
        if size < 2:
            continue
        kind = key[0]
        if kind in IDENTIFIER_KEYS:
            sizes[key] = size
        add = identified.add if kind in IDENTIFIER_KEYS else others.add
        all_pairs_up_to, largest = BLOCKS[kind]
        if size > largest:
            continue
        if size <= all_pairs_up_to:
            for index, first in enumerate(members):  # positions ascending: first < second
                base = first * n
                for second in members[index + 1 :]:
                    add(base + second)
            continue
        members = sorted(members, key=rank.__getitem__)
        for index, first in enumerate(members):
            for second in members[index + 1 : index + 1 + BLOCK_WINDOW]:
                add(first * n + second if first < second else second * n + first)
    # Sorted neighbourhood over all names (words sorted) and aliases.
    order = sorted(
        [(r.sorted_name, p) for p, r in enumerate(records) if r.name]
        + [(r.sorted_alias, p) for p, r in enumerate(records) if r.alias]
    )
    add = others.add
    for index in range(len(order) - 1):
        first = order[index][1]
        for _key, second in order[index + 1 : index + SORTED_WINDOW]:
            if first != second:
                add(first * n + second if first < second else second * n + first)
    others -= identified
    return identified, others, sizes


def _min_name_similarity(min_logit: float) -> float:
    """The name similarity below which a pair without shared identifiers cannot reach `min_logit`."""
    # Besides the name, such a pair can have the address at most, plus a little
    # for identifiers held by too many customers to be blocked on.
    needed = min_logit - BIAS - W_ADDRESS - 0.5
    if needed <= NAME_CURVE[0][1]:
        return 0.0
    for (s0, w0), (s1, w1) in pairwise(NAME_CURVE):
        if w0 <= needed <= w1 and w1 > w0:
            return s0 + (s1 - s0) * (needed - w0) / (w1 - w0)
    return 1.0


def _may_match_by_name(x: Record, y: Record, cutoff: float) -> bool:
    """Could the names (or name and alias) be `cutoff` % alike or more? Cheap, exact for our similarity."""
    ratio, token_set = fuzz.ratio, fuzz.token_set_ratio
    set_cutoff = min(100.0, cutoff / 0.9)
    pairs = [(x.name, x.sorted_name, y.name, y.sorted_name)]
    if y.alias:
        pairs.append((x.name, x.sorted_name, y.alias, y.sorted_alias))
    if x.alias:
        pairs.append((x.alias, x.sorted_alias, y.name, y.sorted_name))
    for a, a_sorted, b, b_sorted in pairs:
        if ratio(a_sorted, b_sorted, score_cutoff=cutoff) or token_set(a, b, score_cutoff=set_cutoff):
            return True
    return False


def find_duplicates(
    session: Session,
    min_score: float = DEFAULT_MIN_SCORE,
    dismissed: Collection[frozenset[int]] = (),
    progress: Callable[[str, int, int], None] | None = None,
    stats: ScanStats | None = None,
) -> list[Cluster]:
    """Clusters of probable duplicates among all customers, best score first.

    `dismissed` holds pairs marked "not a duplicate"; they are never linked.
    `progress(stage, done, total)` is called with stage "load", "block",
    "score" and "cluster"; an exception raised there aborts the scan (to
    cancel it). `stats`, when given, is filled with figures.
    """
    stats = stats if stats is not None else ScanStats()
    started = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    with gc_paused():
        return _find_duplicates(session, min_score, dismissed, report, stats, started)


def _find_duplicates(
    session: Session,
    min_score: float,
    dismissed: Collection[frozenset[int]],
    report: Callable[[str, int, int], None],
    stats: ScanStats,
    started: float,
) -> list[Cluster]:
    report("load", 0, 1)
    records, location_count = load_records(session)
    n = len(records)
    stats.customers, stats.locations = n, location_count
    report("load", 1, 1)
    lap = time.perf_counter()
    stats.seconds["load"] = lap - started

    report("block", 0, 1)
    identified, others, sizes = _candidate_pairs(records)
    stats.candidate_pairs = len(identified) + len(others)
    report("block", 1, 1)
    now = time.perf_counter()
    stats.seconds["blocking"], lap = now - lap, now

    count = sizes.get
    counter: CountOf = lambda key: count(key, 1)  # noqa: E731
    min_logit = log_odds(min_score)
    cutoff = 100 * _min_name_similarity(min_logit)
    skip = {frozenset(p) for p in dismissed}
    found: list[PairScore] = []
    total_pairs = stats.candidate_pairs
    step = max(total_pairs // 50, 20_000)
    scored = done = 0
    for pairs, prefilter in ((identified, False), (others, True)):
        for code in pairs:
            done += 1
            if done % step == 0:
                report("score", done, total_pairs)
            x, y = records[code // n], records[code % n]
            if prefilter and cutoff and not _may_match_by_name(x, y, cutoff):
                continue
            result = pair_logit(x, y, counter, min_logit)
            if result is None:
                continue
            scored += 1
            logit, reasons = result
            if logit < min_logit:
                continue
            a, b = (x.id, y.id) if x.id < y.id else (y.id, x.id)
            if skip and frozenset((a, b)) in skip:
                continue
            found.append(PairScore(a, b, round(sigmoid(logit), 4), ordered_reasons(reasons)))
    report("score", total_pairs, total_pairs)
    stats.scored_pairs, stats.reported_pairs = scored, len(found)
    now = time.perf_counter()
    stats.seconds["scoring"], lap = now - lap, now

    report("cluster", 0, 1)
    clusters = _clusters(found)
    report("cluster", 1, 1)
    stats.seconds["clustering"] = time.perf_counter() - lap
    return clusters


def _clusters(pairs: Iterable[PairScore]) -> list[Cluster]:
    union = _UnionFind()
    pairs = list(pairs)
    for pair in pairs:
        union.union(pair.a, pair.b)
    groups: dict[int, list[PairScore]] = defaultdict(list)
    for pair in pairs:
        groups[union.find(pair.a)].append(pair)
    clusters = []
    for members in groups.values():
        ids = sorted({i for pair in members for i in (pair.a, pair.b)})
        members.sort(key=lambda p: (-p.score, p.a, p.b))
        clusters.append(Cluster(tuple(ids), members[0].score, tuple(members)))
    clusters.sort(key=lambda c: (-c.score, c.customer_ids[0]))
    return clusters


def score_pair(session: Session, a_id: int, b_id: int, index: DuplicateIndex | None = None) -> PairScore:
    """Score two customers, with every reason (for the merge wizard and tests).

    Values the two share (VAT, e-mail, mail domain, customer number) are
    counted in the database to damp those held by many customers, as the scan
    does; with an `index`, its counts are used instead (phones included).
    """
    records, _locations = load_records(session, [a_id, b_id], include_marked=True)
    by_id = {r.id: r for r in records}
    for customer_id in (a_id, b_id):
        if customer_id not in by_id:
            raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    x, y = by_id[a_id], by_id[b_id]
    if index is not None:
        counter: CountOf = index._count
    else:
        counts = _shared_value_counts(session, x, y)
        counter = lambda key: counts.get(key, 2)  # noqa: E731
    result = pair_logit(x, y, counter)
    assert result is not None  # no min_logit: never cut short
    logit, reasons = result
    a, b = sorted((a_id, b_id))
    return PairScore(a, b, round(sigmoid(logit), 4), ordered_reasons(reasons))


def _shared_value_counts(session: Session, x: Record, y: Record) -> dict[str, int]:
    """How many customers hold each identifier these two share, counted in the database."""
    c = table_of(Customer).c
    conditions = {}
    if x.vat and x.vat == y.vat:
        conditions["v" + x.vat] = c.vat_number == x.vat
    if x.number and x.number == y.number:
        conditions["c" + x.number] = c.customer_number == x.number
    if x.email and x.email == y.email:
        conditions["e" + x.email] = func.lower(c.email) == x.email
    elif x.domain and x.domain == y.domain:
        conditions["d" + x.domain] = func.lower(c.email).endswith("@" + x.domain, autoescape=True)
    counts = {}
    for key, condition in conditions.items():
        counted = session.execute(select(func.count()).select_from(table_of(Customer)).where(condition)).scalar_one()
        counts[key] = max(int(counted), 2)
    return counts
