"""The batch scan: candidate pairs by blocking, scored, then clustered."""

from __future__ import annotations

import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlmodel import Session

from custtui.errors import NotFound
from custtui.i18n import N_, _
from custtui.models import Customer, table_of
from custtui.services.building import gc_paused
from custtui.services.duplicates.database import customer_count, load_records, store_parameters, stored_parameters
from custtui.services.duplicates.estimate import SAMPLE_PAIRS, estimate_parameters
from custtui.services.duplicates.model import (
    DEFAULT_PARAMETERS,
    IDENTIFIERS,
    NAME_LEVELS,
    MatchParameters,
    needs_estimate,
)
from custtui.services.duplicates.records import (
    BLOCKS,
    IDENTIFIER_KEYS,
    SORTED_WINDOW,
    Record,
    record_keys,
)
from custtui.services.duplicates.results import CERTAIN, POSSIBLE, Cluster, PairScore, ScanStats
from custtui.services.duplicates.score import (
    INITIALS_SIMILARITY,
    NAME_BANDS,
    Scorer,
    initials_match,
    log_odds,
    ordered_reasons,
    sigmoid,
)

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


def _candidate_pairs(records: list[Record]) -> tuple[np.ndarray, np.ndarray, dict[int, int]]:
    """Candidate pairs of record positions, encoded i * n + j with i < j, as sorted arrays of distinct codes.

    Returns the pairs sharing an identifier (VAT, e-mail, phone, customer
    number), the other pairs (same place, name word, sorted neighbourhood),
    and the number of customers holding each key held by two or more, names
    ("s" + the sorted name) included, by the hash of the key. See BLOCKS for how each kind of block
    gives pairs. The codes are gathered in arrays of machine integers, not
    Python sets: at a million customers that is 8.5 million pairs, 70 MB
    instead of about 700.
    """
    n = len(records)
    # Every (key, record) as (hash of the key, kind, position) in arrays, sorted by hash: a block is a run of
    # equal hashes. A dict of key strings to lists took 2 GB at a million customers. (A hash shared by two
    # keys merges their blocks: it only adds a candidate pair.)
    kind_codes = {kind: code for code, kind in enumerate(BLOCKS)}
    kinds = list(BLOCKS)
    hashes, kinds_of, positions = array("q"), array("b"), array("i")
    for position, record in enumerate(records):
        for key in record_keys(record):
            hashes.append(hash(key))
            kinds_of.append(kind_codes[key[0]])
            positions.append(position)
    key_hashes = np.frombuffer(hashes, dtype=np.int64)
    order_by_hash = np.argsort(key_hashes, kind="stable")
    sorted_hashes = key_hashes[order_by_hash]
    starts = np.flatnonzero(np.r_[True, sorted_hashes[1:] != sorted_hashes[:-1]])
    lengths = np.diff(np.r_[starts, len(sorted_hashes)])
    kind_array = np.frombuffer(kinds_of, dtype=np.int8)[order_by_hash]
    position_array = np.frombuffer(positions, dtype=np.int32)[order_by_hash]
    del hashes, kinds_of, positions, key_hashes, order_by_hash
    rank = _rank(records)
    sizes: dict[int, int] = {}  # hash of a key -> holders, for keys held by two or more
    identified, others = array("q"), array("q")
    for start, size in zip(starts[lengths >= 2].tolist(), lengths[lengths >= 2].tolist(), strict=True):
        kind = kinds[kind_array[start]]
        sizes[int(sorted_hashes[start])] = size
        add = identified.append if kind in IDENTIFIER_KEYS else others.append
        all_pairs_up_to, largest, window = BLOCKS[kind]
        if size > largest:
            continue
        members = sorted(set(position_array[start : start + size].tolist()))
        if size <= all_pairs_up_to:
            for index, first in enumerate(members):  # positions ascending: first < second
                base = first * n
                for second in members[index + 1 :]:
                    add(base + second)
            continue
        members.sort(key=rank.__getitem__)
        for index, first in enumerate(members):
            for second in members[index + 1 : index + 1 + window]:
                add(first * n + second if first < second else second * n + first)
    del sorted_hashes, starts, lengths, kind_array, position_array
    # Sorted neighbourhood over all names (words sorted) and aliases.
    order = sorted(
        [(r.sorted_name, p) for p, r in enumerate(records) if r.name]
        + [(r.sorted_alias, p) for p, r in enumerate(records) if r.alias]
    )
    add = others.append
    for index in range(len(order) - 1):
        first = order[index][1]
        for _key, second in order[index + 1 : index + SORTED_WINDOW]:
            if first != second:
                add(first * n + second if first < second else second * n + first)
    del order
    identified_codes = np.unique(np.frombuffer(identified, dtype=np.int64))
    other_codes = np.setdiff1d(np.frombuffer(others, dtype=np.int64), identified_codes)  # sorted, distinct
    for name, holders in Counter(r.sorted_name for r in records if r.name).items():
        if holders > 1:
            sizes[hash("s" + name)] = holders
    return identified_codes, other_codes, sizes


def _name_cutoff(scorer: Scorer, min_logit: float) -> float:
    """The name similarity (0..100) below which a pair sharing no identifier cannot reach `min_logit`.

    Such a pair has at most the best address level besides its name level
    (identifiers that differ weigh nothing or less).
    """
    needed = min_logit - scorer.prior - sum(max(0.0, scorer.weights[name][-1]) for name in IDENTIFIERS)
    reachable = scorer.best_with_name
    if reachable[NAME_LEVELS.index("different")] >= needed:
        return 0.0
    cutoff = 100.0
    for band, lowest in NAME_BANDS:  # from the most alike band down
        if reachable[NAME_LEVELS.index(band)] >= needed:
            cutoff = 100 * lowest
    return cutoff


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
    # As score.compare: a name whose words are the other's or their initials is INITIALS_SIMILARITY alike.
    return cutoff <= 100 * INITIALS_SIMILARITY and initials_match(x.name_words, y.name_words)


def parameters_for(
    session: Session,
    records: list[Record],
    candidates: Callable[[], np.ndarray],
    *,
    retrain: bool = False,
    report: Callable[[str, int, int], None] | None = None,
) -> MatchParameters:
    """The stored parameters, or new ones estimated on `records` (and stored) when due or asked for.

    `candidates()` gives the candidate pair codes (i * n + j), only called
    when an estimate is made.
    """
    stored = stored_parameters(session)
    if not retrain and not needs_estimate(stored, len(records)):
        return stored or DEFAULT_PARAMETERS
    if len(records) < 2:
        return stored or DEFAULT_PARAMETERS
    n = len(records)
    codes = candidates()
    count = len(codes)
    if count > SAMPLE_PAIRS:  # EM runs over a sample: pick it before making a million tuples
        codes = np.random.default_rng(0).choice(codes, SAMPLE_PAIRS, replace=False)
    pairs = [(code // n, code % n) for code in codes.tolist()]
    progress = (lambda done, total: report("estimate", done, total)) if report is not None else None
    parameters = estimate_parameters(records, pairs, progress=progress, candidate_count=count)
    store_parameters(session, parameters)
    return parameters


# What a scan is doing at each stage of its progress(stage, done, total), for people (translate with _()).
SCAN_STAGES = {
    "load": N_("reading"), "block": N_("grouping"), "estimate": N_("learning from your customers"),
    "score": N_("scoring"), "cluster": N_("clustering"),
}  # fmt: skip


def find_duplicates(
    session: Session,
    min_score: float = POSSIBLE,
    dismissed: Collection[frozenset[int]] = (),
    progress: Callable[[str, int, int], None] | None = None,
    stats: ScanStats | None = None,
    *,
    certain: float = CERTAIN,
    retrain: bool = False,
) -> list[Cluster]:
    """Clusters of probable duplicates among all customers: the certain ones, then the possible ones.

    Pairs scoring at least `certain` link "certain" clusters; pairs from
    `min_score` up to `certain` link "possible" clusters (to check), unless
    their two customers are in one certain cluster already. Each list is
    best score first. `dismissed` holds pairs marked "not a duplicate"; they
    are never linked. The learned parameters are estimated first when none
    are stored, the customers have grown or shrunk by a fifth, or `retrain`.
    `progress(stage, done, total)` is called with stage "load", "block",
    "estimate", "score" and "cluster"; an exception raised there aborts the
    scan (to cancel it). `stats`, when given, is filled with figures.
    """
    stats = stats if stats is not None else ScanStats()
    started = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    with gc_paused():
        return _find_duplicates(session, min_score, certain, retrain, dismissed, report, stats, started)


def _find_duplicates(
    session: Session,
    min_score: float,
    certain: float,
    retrain: bool,
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

    parameters = parameters_for(
        session, records, lambda: np.concatenate((identified, others)), retrain=retrain, report=report
    )
    stats.parameters = parameters
    now = time.perf_counter()
    stats.seconds["estimate"], lap = now - lap, now

    count = sizes.get
    scorer = Scorer(parameters, lambda key: count(hash(key), 1), n)
    min_logit = log_odds(min_score)
    cutoff = _name_cutoff(scorer, min_logit)
    skip = {frozenset(p) for p in dismissed}
    found: list[PairScore] = []
    total_pairs = stats.candidate_pairs
    step = max(total_pairs // 50, 20_000)
    scored = done = 0
    for pairs, prefilter in ((identified, False), (others, True)):
        for code in pairs.tolist():
            done += 1
            if done % step == 0:
                report("score", done, total_pairs)
            x, y = records[code // n], records[code % n]
            if prefilter and cutoff and not _may_match_by_name(x, y, cutoff):
                continue
            result = scorer.score(x, y, min_logit)
            if result is None:
                continue
            scored += 1
            logit, _comparison, reasons = result
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
    clusters = _clusters_by_confidence(found, certain)
    report("cluster", 1, 1)
    stats.seconds["clustering"] = time.perf_counter() - lap
    return clusters


def _clusters_by_confidence(pairs: list[PairScore], certain: float) -> list[Cluster]:
    """Certain clusters (pairs >= `certain`), then possible ones (the other pairs, unless inside one certain cluster)."""
    sure = [p for p in pairs if p.score >= certain]
    clusters = _clusters(sure, "certain")
    cluster_of = {i: index for index, cluster in enumerate(clusters) for i in cluster.customer_ids}
    doubtful = [
        p for p in pairs
        if p.score < certain and (cluster_of.get(p.a) is None or cluster_of.get(p.a) != cluster_of.get(p.b))
    ]
    return clusters + _clusters(doubtful, "possible")


def _clusters(pairs: Iterable[PairScore], confidence: str) -> list[Cluster]:
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
        clusters.append(Cluster(tuple(ids), members[0].score, tuple(members), confidence))
    clusters.sort(key=lambda c: (-c.score, c.customer_ids[0]))
    return clusters


def score_pair(session: Session, a_id: int, b_id: int, index: DuplicateIndex | None = None) -> PairScore:
    """Score two customers, with every reason (for the merge wizard and tests).

    Values the two share (VAT, e-mail, customer number) are
    counted in the database to lower the weight of those held by many
    customers, as the scan does; with an `index`, its counts are used instead
    (phones, names and addresses included).
    """
    records, _locations = load_records(session, [a_id, b_id], include_marked=True)
    by_id = {r.id: r for r in records}
    for customer_id in (a_id, b_id):
        if customer_id not in by_id:
            raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    x, y = by_id[a_id], by_id[b_id]
    if index is not None:
        scorer = index.scorer()
    else:
        counts = _shared_value_counts(session, x, y)
        scorer = Scorer(stored_parameters(session) or DEFAULT_PARAMETERS, lambda key: counts.get(key, 2), customer_count(session))
    result = scorer.score(x, y)
    assert result is not None  # no min_logit: never cut short
    logit, _comparison, reasons = result
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
    counts = {}
    for key, condition in conditions.items():
        counted = session.execute(select(func.count()).select_from(table_of(Customer)).where(condition)).scalar_one()
        counts[key] = max(int(counted), 2)
    return counts
