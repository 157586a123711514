"""Type-ahead fuzzy customer search: what it finds, how it ranks, and how it follows changes."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from helpers import make_customer, make_location
from sqlalchemy import Engine
from sqlmodel import Session

from custtui.models import Customer, User
from custtui.services import customers, search
from custtui.services.customers import CustomerInput
from custtui.services.search import Searcher, SearchHit, SearchIndex, fold, phone_key, search_customers

# ---------------------------------------------------------------------------
# Folding and phone numbers (no database)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Müller", "muller"),
        ("Bénédicte", "benedicte"),
        ("Straße", "strasse"),
        ("Ørsted Łódź Œuvre", "orsted lodz oeuvre"),
        ("  Van-den   BROECK!! ", "van den broeck"),
        ("[bold]x[/]", "bold x"),
        ("l'Alleud_Nord", "l alleud nord"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text: str | None, folded: str) -> None:
    assert fold(text) == folded
    assert search.fold_many([text, "Zoë"]) == [folded, "zoe"]


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("+32 470/12.34.56", "0470123456"),
        ("0470 12 34 56", "0470123456"),
        ("0032 470 12 34 56", "0470123456"),
        ("+31 6 25779635", "0625779635"),
        ("+352 26 12 34", "261234"),
        ("+44 20 7946 0000", "02079460000"),  # any country's trunk prefix, from phonenumbers' metadata
        ("+32 (0)2 511 45 67", "025114567"),  # the trunk written after the country code
        ("+3234567890;ext=12", "034567890"),  # as stored, with an extension
    ],
)
def test_phone_key(phone: str, key: str) -> None:
    assert phone_key(phone) == key


# ---------------------------------------------------------------------------
# The examples, on SQLite and PostgreSQL
# ---------------------------------------------------------------------------


@pytest.fixture
def people(session: Session, admin: User) -> dict[str, Customer]:
    """A small customer base with look-alikes, so that the right one has to win."""
    made = {
        "broeck": make_customer(session, admin, "Van den Broeck", customer_number="104200"),
        "broeckx": make_customer(session, admin, "Broeckx Transport", customer_number="104233"),
        "vandenberg": make_customer(session, admin, "Vandenberghe Koen"),
        "peeters": make_customer(session, admin, "Bakkerij Peeters", phone="+32 470/12.34.56"),
        "pieter": make_customer(session, admin, "Pieter Claes"),
        "peters": make_customer(session, admin, "Bas Peters"),
        "dubois": make_customer(session, admin, "Dubois Energie SRL", internal_name="Chauffage Dubois"),
        "dupont": make_customer(session, admin, "Chauffage Dupont"),
        "muller": make_customer(session, admin, "Müller Heizung GmbH", vat_number="BE0727560871"),
        "benedicte": make_customer(session, admin, "Bénédicte Lambert", email="benedicte@warmtebedrijf.be"),
        "strasser": make_customer(session, admin, "Straßer Anlagen"),
        "markup": make_customer(session, admin, "[bold]x[/]"),
    }
    make_location(session, admin, made["broeck"], street="Kerkstraat", number="5", postal_code="9000", city="Gent")
    make_location(session, admin, made["broeckx"], street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
    make_location(session, admin, made["vandenberg"], street="Veldstraat", number="1", postal_code="9000", city="Gent")
    make_location(session, admin, made["peeters"], street="Kerkhofstraat", number="3", postal_code="9000", city="Gent")
    make_location(session, admin, made["dubois"], street="Rue de la Gare", number="8", postal_code="5000", city="Namur")
    return made


# query, who should be first, the field it matched, the text shown for it
EXAMPLES = [
    ("vandenbroek", "broeck", "name", "Van den Broeck"),
    ("broeck van den", "broeck", "name", "Van den Broeck"),
    ("Van den Broeck", "broeck", "name", "Van den Broeck"),
    ("chauffage dubois", "dubois", "internal_name", "Chauffage Dubois"),
    ("bakkerij peteers", "peeters", "name", "Bakkerij Peeters"),
    ("peeters", "peeters", "name", "Bakkerij Peeters"),
    ("104233", "broeckx", "customer_number", "104233"),
    ("kerkstraat gent", "broeck", "address", "Kerkstraat 5, 9000 Gent"),
    ("kerkstraat", "broeck", "street", "Kerkstraat 5"),
    ("0470 12 34 56", "peeters", "phone", "+32470123456"),  # typed "+32 470/12.34.56", stored E.164
    ("+32470123456", "peeters", "phone", "+32470123456"),
    ("12 34 56", "peeters", "phone", "+32470123456"),
    ("0727.560.871", "muller", "vat_number", "BE0727560871"),
    ("BE 0727 560 871", "muller", "vat_number", "BE0727560871"),
    ("warmtebedrijf", "benedicte", "email", "benedicte@warmtebedrijf.be"),
    ("muller", "muller", "name", "Müller Heizung GmbH"),
    ("benedicte", "benedicte", "name", "Bénédicte Lambert"),
    ("BENEDICTE lambert", "benedicte", "name", "Bénédicte Lambert"),
    ("strasser", "strasser", "name", "Straßer Anlagen"),
    ("[bold]x[/]", "markup", "name", "[bold]x[/]"),
    ("namur", "dubois", "city", "Namur"),
]


def test_examples_find_the_right_customer_first(session: Session, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    wrong = []
    for query, who, field, matched in EXAMPLES:
        hits = index.search(query)
        first = (hits[0].customer_id, hits[0].field, hits[0].matched) if hits else None
        if first != (people[who].id, field, matched) or not 0 < hits[0].score <= 100:
            wrong.append((query, first, hits[1:3]))
    assert wrong == []


# ---------------------------------------------------------------------------
# Queries across fields
# ---------------------------------------------------------------------------


@pytest.fixture
def neighbours(session: Session, admin: User) -> dict[str, Customer]:
    """Customers whose words are spread over their fields, with look-alikes in one field each."""
    made = {
        "bram": make_customer(session, admin, "Bram Bogaerts", customer_number="911946"),
        "bram_gent": make_customer(session, admin, "Bram Bogaerts"),
        "zoe": make_customer(session, admin, "Zoë Janssens"),
        "bogaertsen": make_customer(session, admin, "Luc Bogaertsen"),
        "jan": make_customer(session, admin, "Jan Claes"),
        "jan_other": make_customer(session, admin, "Jan Wouters"),
        "bakkerij": make_customer(session, admin, "Bakkerij Vermeulen"),
    }
    make_location(session, admin, made["bram"], street="Gentsesteenweg", number="5", postal_code="2000", city="Antwerpen")
    make_location(session, admin, made["bram_gent"], street="Veldstraat", number="1", postal_code="9000", city="Gent")
    # The name word in her street: one field holds both words, but only as the start of one.
    make_location(session, admin, made["zoe"], street="Bogaertsstraat", number="12", postal_code="2000",
                  city="Antwerpen")
    make_location(session, admin, made["bogaertsen"], street="Lange Lozanastraat", number="3", postal_code="2018",
                  city="Antwerpen")
    make_location(session, admin, made["jan"], street="Kerkstraat", number="2", postal_code="3500", city="Hasselt")
    make_location(session, admin, made["jan_other"], street="Kerkstraat", number="9", postal_code="9000", city="Gent")
    make_location(session, admin, made["bakkerij"], street="Markt", number="1", postal_code="3500", city="Hasselt")
    return made


# query, who should be first: the words come from two fields of that customer
ACROSS = [
    ("bogaerts antwerpen", "bram"),  # name word + city
    ("antwerpen bogaerts", "bram"),  # in either order
    ("bogaerts gent", "bram_gent"),
    ("bram gentsesteenweg", "bram"),  # name + street
    ("911946 gentse", "bram"),  # customer number + the street being typed
    ("jan 3500", "jan"),  # first name + postal code
    ("jan gent", "jan_other"),
    ("bakkerij hasselt", "bakkerij"),
]


@pytest.mark.parametrize(("query", "who"), ACROSS)
def test_words_from_different_fields_find_that_customer_first(
    session: Session, neighbours: dict[str, Customer], query: str, who: str
) -> None:
    hits = SearchIndex.build(session).search(query, limit=5)
    assert hits and hits[0].customer_id == neighbours[who].id, [(h.customer_id, h.field, h.matched) for h in hits]


def test_a_typo_in_a_cross_field_query_still_finds_the_customer(session: Session, neighbours: dict[str, Customer]) -> None:
    # Zoë's street "Bogaertsstraat" in Antwerpen, one field, is as close as Bram's two: both come first.
    top = _ids(SearchIndex.build(session).search("bogarts antwerpen", limit=2))
    assert set(top) == {neighbours["bram"].id, neighbours["zoe"].id}


def test_a_cross_field_hit_shows_the_other_field_whole(session: Session, neighbours: dict[str, Customer]) -> None:
    first = SearchIndex.build(session).search("bogaerts antwerpen", limit=1)[0]
    assert (first.field, first.matched) == ("address", "Gentsesteenweg 5, 2000 Antwerpen")
    assert 90 <= first.score < 100


def test_whole_words_outrank_a_word_that_only_starts_one(session: Session, neighbours: dict[str, Customer]) -> None:
    # Zoë's street starts with the name: she is found, after the Bogaerts of Antwerpen.
    ids = _ids(SearchIndex.build(session).search("bogaerts antwerpen", limit=5))
    assert ids.index(neighbours["bram"].id) < ids.index(neighbours["zoe"].id)
    assert neighbours["bram_gent"].id not in ids[:2]


def test_every_word_must_be_held_somewhere(session: Session, neighbours: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    assert all(h.score < 90 for h in index.search("bogaerts brussel", limit=5))
    hits = index.search("bogaerts antwerpen", limit=5, within={neighbours["bram_gent"].id, neighbours["zoe"].id})
    assert _ids(hits)[:1] == [neighbours["zoe"].id]  # within= holds for cross-field hits too


def test_narrowing_finds_the_cross_field_hits_of_a_full_scan(session: Session, neighbours: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    searcher = Searcher(index)
    for query, _who in ACROSS:
        for end in range(1, len(query) + 1):
            assert _ids(searcher.search(query[:end])) == _ids(index.search(query[:end])), query[:end]


def test_an_ambiguous_typo_lists_both_readings_first(session: Session, people: dict[str, Customer]) -> None:
    # "peteers" is one letter swap from Peeters and one letter too many from Peters.
    top = _ids(SearchIndex.build(session).search("peteers", limit=3))
    assert {people["peeters"].id, people["peters"].id} <= set(top)


def test_exact_matches_rank_first_and_score_100(session: Session, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    for query, who in [("Van den Broeck", "broeck"), ("104233", "broeckx"), ("BE0727560871", "muller"),
                       ("+32 470 12 34 56", "peeters")]:
        hits = index.search(query)
        assert hits[0].customer_id == people[who].id and hits[0].score == 100, query
        assert all(hit.score < 100 for hit in hits[1:]), query
    # Several customers at Kerk... streets in Gent: the one at that exact street comes first.
    hits = index.search("kerkstraat gent", limit=5)
    assert [hit.customer_id for hit in hits][:1] == [people["broeck"].id]
    assert people["peeters"].id in [hit.customer_id for hit in hits]  # Kerkhofstraat, Gent: a weaker hit


def test_short_queries_match_the_start_of_name_words(session: Session, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    names = {hit.matched for hit in index.search("b")}
    assert {"Bakkerij Peeters", "Bénédicte Lambert", "Broeckx Transport", "Van den Broeck", "[bold]x[/]"} <= names
    hits = index.search("la")
    assert [hit.customer_id for hit in hits] == [people["benedicte"].id]
    assert index.search("br")[0].matched == "Broeckx Transport"  # the name starts with it: first


def test_international_prefixes_search_phones_only(session: Session, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    for query in ["+32", "+32 4", "0032 47"]:
        hits = index.search(query)
        assert [(hit.customer_id, hit.field) for hit in hits] == [(people["peeters"].id, "phone")], query
    assert index.search("07")[0].field == "vat_number"  # BE0727560871: digits start with 07


def test_empty_and_blank_queries_find_nothing(session: Session, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    for query in ["", "   ", "--", "!?"]:
        assert index.search(query) == []
        assert Searcher(index).search(query) == []
    assert index.search("zzzzqqqq") == []


def test_within_restricts_the_hits(session: Session, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    everyone = [hit.customer_id for hit in index.search("kerkstraat", limit=10)]
    assert people["broeck"].id in everyone and people["broeckx"].id in everyone
    only = index.search("kerkstraat", within={people["broeckx"].id, 999_999})
    assert [hit.customer_id for hit in only] == [people["broeckx"].id]
    assert index.search("kerkstraat", within=[]) == []
    assert [h.customer_id for h in index.search("0470", within=[people["peeters"].id])] == [people["peeters"].id]


def test_search_customers_builds_and_searches(session: Session, people: dict[str, Customer]) -> None:
    hits = search_customers(session, "peeters", limit=3)
    assert isinstance(hits[0], SearchHit)
    assert hits[0].customer_id == people["peeters"].id


# ---------------------------------------------------------------------------
# Following changes
# ---------------------------------------------------------------------------


def _ids(hits: list[SearchHit]) -> list[int]:
    return [hit.customer_id for hit in hits]


def test_refresh_after_create_edit_delete(session: Session, admin: User, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    count = len(index)
    assert count == len(people)

    # Created: found once refreshed.
    new = make_customer(session, admin, "Klimaatservice Wouters")
    assert index.search("klimaatservice") == []
    index.refresh(session, [new.id])
    assert _ids(index.search("klimaatservice"))[:1] == [new.id]
    assert len(index) == count + 1

    # Renamed: found by its new name, not by its old one.
    customers.update_customer(
        session, admin, new.id, CustomerInput(name="Koeltechniek Janssens", region_code="BE-VLG"), new.version
    )
    session.commit()
    index.refresh(session, [new.id])
    assert _ids(index.search("koeltechniek janssens"))[:1] == [new.id]
    assert new.id not in _ids(index.search("klimaatservice wouters"))
    assert len(index) == count + 1

    # A base customer renamed, and a location added: the base entries are replaced.
    dupont = people["dupont"]
    customers.update_customer(
        session, admin, dupont.id, CustomerInput(name="Chauffage Durand", region_code="BE-VLG"), dupont.version
    )
    session.commit()
    make_location(session, admin, dupont, street="Grote Markt", number="1", postal_code="8000", city="Brugge")
    index.refresh(session, {dupont.id})
    assert _ids(index.search("chauffage durand"))[:1] == [dupont.id]
    assert dupont.id not in _ids(index.search("chauffage dupont"))[:1]
    assert index.search("grote markt brugge")[0].customer_id == dupont.id

    # Changes not flushed yet in the same session are seen too.
    session.get(Customer, people["muller"].id).name = "Müller Wärmetechnik"  # type: ignore[union-attr]
    index.refresh(session, [people["muller"].id])
    assert index.search("muller warmetechnik")[0].customer_id == people["muller"].id
    session.rollback()

    # Deleted: gone, from the base and from the refreshed part.
    customers.delete_customer(session, admin, new.id)
    customers.delete_customer(session, admin, people["strasser"].id)
    session.commit()
    index.refresh(session, [new.id, people["strasser"].id])
    assert new.id not in _ids(index.search("koeltechniek janssens"))
    assert people["strasser"].id not in _ids(index.search("strasser"))
    assert len(index) == count - 1
    index.refresh(session, [])  # nothing to do
    assert len(index) == count - 1


def test_rebuild_folds_the_refreshed_customers_into_the_base(
    session: Session, admin: User, people: dict[str, Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search.index, "DELTA_LIMIT", 2)
    index = SearchIndex.build(session)
    made = [make_customer(session, admin, f"Nieuwe Klant {i}") for i in range(3)]
    for customer in made[:2]:
        index.refresh(session, [customer.id])
    assert not index.needs_rebuild
    index.refresh(session, [made[2].id, people["broeck"].id])
    assert index.needs_rebuild
    index.rebuild(session)
    assert not index.needs_rebuild and index._snapshot.delta is None
    assert len(index) == len(people) + 3
    assert {hit.customer_id for hit in index.search("nieuwe klant", limit=10)} == {c.id for c in made}
    assert index.search("vandenbroek")[0].customer_id == people["broeck"].id


def test_past_the_hard_limit_refresh_rebuilds_by_itself(
    session: Session, admin: User, people: dict[str, Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search.index, "DELTA_HARD_LIMIT", 2)
    index = SearchIndex.build(session)
    made = [make_customer(session, admin, f"Nieuwe Klant {i}") for i in range(4)]
    for customer in made:
        index.refresh(session, [customer.id])
    # The third refresh went past the limit and rebuilt the base; the fourth started a new delta.
    assert list(index._snapshot.delta_rows) == [made[3].id]
    assert len(index) == len(people) + 4
    assert {hit.customer_id for hit in index.search("nieuwe klant", limit=10)} == {c.id for c in made}


def test_a_refresh_during_a_rebuild_wins_over_its_older_read(
    engine: Engine, session: Session, admin: User, people: dict[str, Customer], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = SearchIndex.build(session)
    read, go_on = threading.Event(), threading.Event()
    read_all = search.segments.read_all_rows

    def slow_full_load(session: Session) -> Iterator[search.segments.Rows]:
        yield from read_all(session)
        read.set()
        go_on.wait(10)

    monkeypatch.setattr(search.index, "read_all_rows", slow_full_load)

    def rebuild() -> None:
        with Session(engine) as own:
            index.rebuild(own)

    worker = threading.Thread(target=rebuild)
    worker.start()
    try:
        assert read.wait(10)  # the rebuild has read everything, the old name included
        dupont = people["dupont"]
        customers.update_customer(
            session, admin, dupont.id, CustomerInput(name="Chauffage Durand", region_code="BE-VLG"), dupont.version
        )
        session.commit()
        index.refresh(session, [dupont.id])
        index.rebuild(session)  # a second rebuild meanwhile does nothing
    finally:
        go_on.set()
        worker.join()
    assert index._snapshot.delta is not None and list(index._snapshot.delta_rows) == [dupont.id]
    assert index.search("chauffage durand")[0].customer_id == dupont.id
    assert dupont.id not in _ids(index.search("chauffage dupont"))[:1]
    assert len(index) == len(people)


# ---------------------------------------------------------------------------
# Narrowing
# ---------------------------------------------------------------------------


@pytest.fixture
def demo_index(engine: Engine) -> SearchIndex:
    from custtui.demo import generate_demo

    generate_demo(engine, customers=400, seed=7)
    with Session(engine) as session:
        return SearchIndex.build(session)


def test_narrowing_finds_what_a_full_scan_finds(demo_index: SearchIndex) -> None:
    with_narrowing = 0
    base = demo_index._snapshot.base
    names = [base.shown[i] for i in base.entries_of(search.hits.NAME)[::20]]
    queries = [*names, "kerkstraat gent", "rue de la station namur", "stijn de wilde", "peteers jan", "0470 1",
               "installaties van den broeck", "chauffage dubois liège"]
    searcher = Searcher(demo_index)
    for query in queries:
        for end in range(1, len(query) + 1):
            typed = query[:end]
            narrowed = searcher.search(typed, limit=20)
            with_narrowing += searcher.narrowed
            full = demo_index.search(typed, limit=20)
            assert [(h.customer_id, h.score) for h in narrowed] == [(h.customer_id, h.score) for h in full], typed
    assert with_narrowing > 50  # the long queries did narrow


def test_narrowing_keeps_typo_tolerance(session: Session, people: dict[str, Customer]) -> None:
    searcher = Searcher(SearchIndex.build(session))
    query = "bakerij peteers"  # two typos, the first one early
    for end in range(1, len(query) + 1):
        hits = searcher.search(query[:end])
    assert hits[0].customer_id == people["peeters"].id


def test_a_refresh_resets_narrowing(session: Session, admin: User, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    searcher = Searcher(index)
    for end in range(1, len("koeltechniek") + 1):
        searcher.search("koeltechniek"[:end])
    new = make_customer(session, admin, "Koeltechniek Maes")
    index.refresh(session, [new.id])
    assert _ids(searcher.search("koeltechniek m"))[:1] == [new.id]


def test_search_during_refresh_never_sees_half_an_index(session: Session, admin: User, people: dict[str, Customer]) -> None:
    index = SearchIndex.build(session)
    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_searching() -> None:
        searcher = Searcher(index)
        try:
            while not stop.is_set():
                for query in ("kerkstraat gent", "peeters", "0470", "b"):
                    searcher.search(query)
                    hits = index.search(query)
                    assert all(isinstance(hit, SearchHit) for hit in hits)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    worker = threading.Thread(target=keep_searching)
    worker.start()
    try:
        for i in range(15):
            customer = make_customer(session, admin, f"Gelijktijdig {i}")
            index.refresh(session, [customer.id, people["broeck"].id])
    finally:
        stop.set()
        worker.join()
    assert errors == []
    assert len(index) == len(people) + 15
