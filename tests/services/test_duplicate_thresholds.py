"""The thresholds that decide a duplicate, probed from both sides.

Each threshold gets two pairs of customers, scored by the services' own
scorer: the closest pair at or above it and the closest below it, both within
THRESHOLD_MARGIN. Moving a threshold by more than that (0.75 to 0.70 or 0.80)
turns one of them around, and a test fails.

The pairs are names and nothing else: two words, some letters of the second
mistyped. With nothing else known the score follows the name similarity, so
names of growing length and with one to three typos give scores a few
hundredths apart across the whole range.
"""

from __future__ import annotations

import io

from helpers import make_customer
from sqlalchemy import Engine
from sqlmodel import Session

from custtui.models import User
from custtui.services import transfer
from custtui.services.duplicates import DraftCustomer, DuplicateIndex, find_duplicates, score_pair

# The documented thresholds (README, "Duplicates and merging"; duplicates.DEFAULT_MIN_SCORE): pairs from
# 0.75 are reported by the scan, `custtui duplicates` and the import; the form's live warning shows
# customers from 0.5 (DuplicateIndex.likely_duplicates).
REPORTED_FROM = 0.75
WARNED_FROM = 0.5
THRESHOLD_MARGIN = 0.03

# (name, letters of its second word mistyped). Every word is in one name only, none is a legal form or a
# name particle. One typo in a name of n letters leaves it 1 - 1/n alike, two 1 - 2/n: the names below
# step through 0.5 and 0.75 a few hundredths at a time.
NAMES = [
    ("Nijs Roels", 1), ("Knops Michiels", 1), ("Albrecht Jacobs", 1), ("Declercq Desmet", 1),
    ("Nuyttens Mertens", 1), ("Goossens Zwartjes", 1), ("Adriaens Bogaerts", 1), ("Dierickx Timmermans", 1),
    ("Tuerlinckx Verhaegen", 1), ("Oosterlinck Goethals", 1), ("Cuypers Ysebaert", 1),
    ("Jansegers Vandermeulen", 1), ("Kerckhove Vanderstraeten", 1),
    ("Raes Lauwers", 2), ("Maes Wittevrongel", 2), ("Smets Haesendonck", 2), ("Everaert Engelen", 2),
    ("Boonen Uyttendaele", 2), ("Lambrecht Ghekiere", 2), ("Heylen Verbruggen", 2), ("Quintens Huysmans", 2),
    ("Schepens Pieters", 2), ("Frateur Willems", 2), ("Peeters Coppens Dewulf", 3), ("Lenaerts Theunis", 3),
]


def _mistyped(name: str, typos: int) -> str:
    """`name` with the 3rd, 5th, 7th... letters of its second word replaced (its first letters stay: the words
    keep their order)."""
    first, second, *rest = name.split(" ")
    letters = list(second)
    for position in range(2, 2 + 2 * typos, 2):
        letters[position] = "q" if letters[position] != "q" else "z"
    return " ".join([first, "".join(letters), *rest])


def _name_pairs() -> list[tuple[str, str]]:
    """(a name, the same name mistyped)."""
    return [(name, _mistyped(name, typos)) for name, typos in NAMES]


def _closest(scored: dict[tuple[int, int], float], threshold: float) -> tuple[tuple[int, int], tuple[int, int]]:
    """The pair scoring least at or above `threshold` and the pair scoring most below it."""
    above = min((pair for pair in scored if scored[pair] >= threshold), key=scored.__getitem__)
    below = max((pair for pair in scored if scored[pair] < threshold), key=scored.__getitem__)
    assert scored[above] - threshold <= THRESHOLD_MARGIN, ("no pair just above", threshold, sorted(scored.values()))
    assert threshold - scored[below] <= THRESHOLD_MARGIN, ("no pair just below", threshold, sorted(scored.values()))
    return above, below


def test_the_scan_reports_pairs_from_0_75(session: Session, admin: User) -> None:
    scored = {}
    for name, typo in _name_pairs():
        a, b = make_customer(session, admin, name), make_customer(session, admin, typo)
        scored[(a.id, b.id)] = score_pair(session, a.id, b.id).score  # type: ignore[arg-type]
    above, below = _closest(scored, REPORTED_FROM)

    reported = {(pair.a, pair.b): pair.score for cluster in find_duplicates(session) for pair in cluster.pairs}
    assert above in reported and reported[above] == scored[above]  # e.g. 0.7503: reported
    assert below not in reported  # e.g. 0.742: not reported
    # Every pair at or above the threshold is reported, every pair below it is not.
    assert {pair for pair in scored if pair in reported} == {pair for pair, score in scored.items() if score >= REPORTED_FROM}


def _warned(index: DuplicateIndex, draft: str) -> dict[int, float]:
    return {match.customer_id: match.score for match in index.likely_duplicates(DraftCustomer(name=draft), limit=50)}


def test_the_form_warns_from_0_5(session: Session, admin: User) -> None:
    existing = {make_customer(session, admin, name).id: typo for name, typo in _name_pairs()}  # type: ignore[misc]
    index = DuplicateIndex.build(session)
    scored = {}
    for customer_id, typo in existing.items():
        every = {m.customer_id: m.score for m in index.likely_duplicates(DraftCustomer(name=typo), limit=50, min_score=0.0)}
        scored[(customer_id, 0)] = every[customer_id]
    above, below = _closest(scored, WARNED_FROM)

    assert above[0] in _warned(index, existing[above[0]])  # the form's own call: no min_score of its own
    assert below[0] not in _warned(index, existing[below[0]])


def test_the_import_calls_a_row_a_likely_duplicate_from_0_75(engine: Engine, session: Session, admin: User) -> None:
    existing = {make_customer(session, admin, name).id: typo for name, typo in _name_pairs()}  # type: ignore[misc]
    index = DuplicateIndex.build(session)
    scored = {}
    for customer_id, typo in existing.items():
        # As the import asks: the whole name (a trailing blank: no word still being typed).
        every = {m.customer_id: m.score for m in index.likely_duplicates(DraftCustomer(name=typo + " "), limit=50, min_score=0.0)}
        scored[(customer_id, 0)] = every[customer_id]
    above, below = _closest(scored, REPORTED_FROM)

    rows = "".join(f"{existing[pair[0]]},BE-VLG\n" for pair in (above, below))
    report = transfer.import_customers(engine, admin, io.BytesIO(f"name,region\n{rows}".encode()))
    first, second = report.rows
    assert (first.status, first.duplicate_of) == ("duplicate", above[0])
    assert (second.status, second.duplicate_of) == ("created", None)
