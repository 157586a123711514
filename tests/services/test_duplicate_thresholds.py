"""The thresholds that decide a duplicate, probed from both sides.

A pair's score is the probability that the two are one customer under the
parameters (services.duplicates.model): the levels the fields are at decide
it, so the scores come in steps. The pairs below go through those steps:
names with nothing to five letters mistyped, at one address, at addresses
in two cities or without any, with or without the same phone. Some land
above CERTAIN, some between POSSIBLE and CERTAIN, some below; each test
checks that every pair lands on the side of the threshold its own score
says, and that each side has pairs.
"""

from __future__ import annotations

import io
from itertools import product

from helpers import make_customer, make_location
from sqlalchemy import Engine
from sqlmodel import Session

from custtui.models import User
from custtui.services import customers, locations, transfer
from custtui.services.duplicates import CERTAIN, POSSIBLE, DraftCustomer, DuplicateIndex, find_duplicates, score_pair

# Every word is in one name only, none is a legal form or a name particle.
NAMES = [
    "Nijs Roels", "Knops Michiels", "Albrecht Jacobs", "Declercq Desmet", "Nuyttens Mertens", "Goossens Zwartjes",
    "Adriaens Bogaerts", "Dierickx Timmermans", "Tuerlinckx Verhaegen", "Oosterlinck Goethals", "Cuypers Ysebaert",
    "Jansegers Vandermeulen", "Kerckhove Vanderstraeten", "Raes Lauwers", "Maes Wittevrongel", "Smets Haesendonck",
    "Everaert Engelen", "Boonen Uyttendaele", "Lambrecht Ghekiere", "Heylen Verbruggen", "Quintens Huysmans",
    "Schepens Pieters", "Frateur Willems", "Peeters Coppens Dewulf", "Lenaerts Theunis", "Wouters Bauwens",
    "Claessens Hermans", "Vermeulen Segers", "Van Acker Stevens", "Cools Martens", "Dewaele Moens", "Geerts Aerts",
]
TYPOS = (0, 1, 2, 3)
PLACES = ("same address", "two cities", "no address")
PHONES = (False, True)


def _mistyped(name: str, typos: int) -> str:
    """`name` with the 3rd, 5th, 7th... letters of its second word replaced (its first letters stay)."""
    first, second, *rest = name.split(" ")
    letters = list(second)
    for position in range(2, min(len(letters), 2 + 2 * typos), 2):
        letters[position] = "q" if letters[position] != "q" else "z"
    return " ".join([first, "".join(letters), *rest])


def _make_pairs(session: Session, admin: User) -> dict[tuple[int, int], float]:
    """Pairs of customers through the levels, with the score score_pair gives each."""
    scored = {}
    for number, ((typos, place, phone), name) in enumerate(zip(product(TYPOS, PLACES, PHONES), NAMES, strict=False), 1):
        extra = {"phone": f"+32 3 223 {10 + number:02d} 67"} if phone else {}
        a = make_customer(session, admin, name, **extra)
        b = make_customer(session, admin, _mistyped(name, typos), **extra)
        if place != "no address":
            make_location(session, admin, a, street="Kerkstraat", number=str(number), postal_code="2000", city="Antwerpen")
            other = {"postal_code": "8000", "city": "Brugge"} if place == "two cities" else {}
            make_location(session, admin, b, **{"street": "Kerkstraat", "number": str(number), "postal_code": "2000",
                                                 "city": "Antwerpen", **other})
        scored[(a.id, b.id)] = score_pair(session, a.id, b.id).score  # type: ignore[arg-type]
    assert len(scored) == len(TYPOS) * len(PLACES) * len(PHONES)
    return scored


def _sides(scored: dict[tuple[int, int], float], threshold: float) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    above = {pair for pair, score in scored.items() if score >= threshold}
    below = set(scored) - above
    assert above and below, ("no pair on one side", threshold, sorted(scored.values()))
    return above, below


def test_the_scan_reports_certain_pairs_from_certain_and_possible_ones_from_possible(session: Session, admin: User) -> None:
    scored = _make_pairs(session, admin)
    certain, _ = _sides(scored, CERTAIN)
    possible, _ = _sides(scored, POSSIBLE)
    assert possible - certain, "no pair between POSSIBLE and CERTAIN"

    clusters = find_duplicates(session)
    reported = {(pair.a, pair.b): (pair.score, cluster.confidence) for cluster in clusters for pair in cluster.pairs}
    assert {pair for pair, (_, confidence) in reported.items() if confidence == "certain"} == certain
    assert {pair for pair, (_, confidence) in reported.items() if confidence == "possible"} == possible - certain
    assert all(reported[pair][0] == scored[pair] for pair in reported)
    # Asked for the certain ones only, the scan leaves the others out.
    assert {(p.a, p.b) for c in find_duplicates(session, min_score=CERTAIN) for p in c.pairs} == certain


def test_the_form_warns_from_possible(session: Session, admin: User) -> None:
    scored = _make_pairs(session, admin)
    warned_pairs, quiet_pairs = _sides(scored, POSSIBLE)
    index = DuplicateIndex.build(session)
    for a, b in scored:
        warned = {m.customer_id for m in index.likely_duplicates(_draft_of(session, b), limit=50, exclude_id=b)}
        assert (a in warned) == ((a, b) in warned_pairs), scored[(a, b)]  # the form's own call: no min_score
    assert quiet_pairs


def _draft_of(session: Session, customer_id: int) -> DraftCustomer:
    """The customer as if typed again in the form (a trailing blank: no word still being typed)."""
    customer = customers.get_customer(session, customer_id)
    sites = locations.locations_of(session, customer_id)
    address = {"street": sites[0].street, "number": sites[0].number, "postal_code": sites[0].postal_code,
               "city": sites[0].city} if sites else {}
    return DraftCustomer(name=customer.name + " ", phone=customer.phone, **address)


def test_the_import_calls_a_row_a_likely_duplicate_from_certain(engine: Engine, session: Session, admin: User) -> None:
    existing = {make_customer(session, admin, name).id: _mistyped(name, 1) for name in NAMES[:4]}
    exact = make_customer(session, admin, NAMES[4])
    make_location(session, admin, exact, street="Kerkstraat", number="1", postal_code="2000", city="Antwerpen")
    index = DuplicateIndex.build(session)
    typo_id = next(iter(existing))
    typo_score = index.likely_duplicates(DraftCustomer(name=existing[typo_id] + " "), limit=1, min_score=0.0)[0].score
    exact_score = index.likely_duplicates(
        DraftCustomer(name=NAMES[4] + " ", street="Kerkstraat", number="1", postal_code="2000", city="Antwerpen"),
        limit=1, min_score=0.0,
    )[0].score
    assert typo_score < CERTAIN <= exact_score

    rows = f"{NAMES[4]},Kerkstraat,1,2000,Antwerpen,BE-VLG\n{existing[typo_id]},,,,,BE-VLG\n"
    report = transfer.import_customers(engine, admin, io.BytesIO(f"name,street,number,postal_code,city,region\n{rows}".encode()))
    first, second = report.rows
    assert (first.status, first.duplicate_of) == ("duplicate", exact.id)
    assert (second.status, second.duplicate_of) == ("created", None)
