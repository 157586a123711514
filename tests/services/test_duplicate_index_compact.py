"""The live duplicate index's columnar base, its delta of refreshed customers and their compaction (both backends).

Built once and then refreshed through creates, edits, moves, marks and
deletes, past several compactions, the index answers exactly as one built
afresh; a refresh in another thread, compactions included, never shows a
reader half a change.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from helpers import make_customer, make_location
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from custtui.demo import generate_demo
from custtui.models import Customer, Location, User, table_of
from custtui.services import customers
from custtui.services.addresses import Address
from custtui.services.duplicates import DraftCustomer, DuplicateIndex, Match
from custtui.services.duplicates import index as index_module
from custtui.services.duplicates.database import load_records
from custtui.services.duplicates.records import Record, record_keys
from custtui.services.duplicates.store import Base, BaseBuilder, decode_record, encode_record

Drafts = list[tuple[DraftCustomer, int | None]]


@pytest.fixture
def compactions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Compact past 15 changed customers (not thousands), and count the compactions."""
    monkeypatch.setattr(index_module, "DELTA_MIN", 15)
    monkeypatch.setattr(index_module, "DELTA_SHARE", 10**9)
    done: list[int] = []
    compacted = Base.compacted

    def counted(self: Base, *args: Any, **kwargs: Any) -> Base:
        done.append(len(self))
        return compacted(self, *args, **kwargs)

    monkeypatch.setattr(Base, "compacted", counted)
    yield done


def _drafts(session: Session, rng: random.Random, count: int) -> Drafts:
    """Drafts made from existing customers: whole, with a typo, cut short as typed, with the address or phone."""
    c, loc = table_of(Customer).c, table_of(Location).c
    rows = session.execute(select(c.id, c.name, c.phone, c.email, c.vat_number).order_by(c.id)).all()
    located = select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city)
    places = {row[0]: row[1:] for row in session.execute(located)}
    drafts: Drafts = []
    for customer_id, name, phone, email, vat in rng.sample(rows, min(count, len(rows))):
        street, number, postal_code, city = places.get(customer_id, ("", "", "", ""))
        cut = name[: rng.randrange(2, len(name) + 1)]
        typo = name[:3] + name[4:] if len(name) > 5 else name
        drafts += [
            (DraftCustomer(name=cut), None),
            (DraftCustomer(name=cut + " "), None),
            (DraftCustomer(name=typo, street=street, number=number, postal_code=postal_code, city=city), None),
            (DraftCustomer(name=name, phone=phone, email=email, vat_number=vat), customer_id),
        ]
    return drafts


def _answers(index: DuplicateIndex, drafts: Drafts) -> list[list[Match]]:
    return [index.likely_duplicates(draft, limit=8, exclude_id=exclude, min_score=0.3) for draft, exclude in drafts]


def _counts(index: DuplicateIndex, session: Session) -> dict[str, int]:
    """What the scorer is told of every value any customer (marked ones included) holds."""
    records, _locations = load_records(session, include_marked=True)
    keys = {key for record in records for key in record_keys(record)} | {"s" + r.sorted_name for r in records}
    scorer = index.scorer()
    return {key: scorer.count(key) for key in sorted(keys)}


def _assert_as_built_afresh(index: DuplicateIndex, session: Session, drafts: Drafts) -> None:
    fresh = DuplicateIndex.build(session)
    assert len(index) == len(fresh)
    assert _answers(index, drafts) == _answers(fresh, drafts)
    assert _counts(index, session) == _counts(fresh, session)


def _change(session: Session, admin: User, rng: random.Random, created: list[int]) -> list[int]:
    """One random change to the customers; returns the ids to refresh."""
    customer_table, location_table = table_of(Customer), table_of(Location)
    c, loc = customer_table.c, location_table.c
    ids = [row[0] for row in session.execute(select(c.id))]
    customer_id = rng.choice(ids)
    name = session.execute(select(c.name).where(c.id == customer_id)).scalar_one()
    what = rng.choice(["create", "create", "rename", "phone", "move", "mark", "delete", "twice", "nobody"])
    if what == "create":  # a look-alike of an existing customer, or someone new
        new_name = rng.choice([name, name + " bv", name[::-1].title(), f"Nieuwe Klant {len(created)}"])
        customer = make_customer(session, admin, new_name, phone=f"03 223 4{rng.randrange(10)} {rng.randrange(10, 99)}")
        if rng.random() < 0.7:
            make_location(session, admin, customer, number=str(rng.randrange(1, 40)), postal_code=rng.choice(["2000", "9000"]))
        created.append(customer.id)
        return [customer.id]
    if what == "rename":
        words = name.split()
        renamed = " ".join(rng.sample(words, len(words))) + rng.choice(["", " nv", "x"])
        session.execute(update(customer_table).where(c.id == customer_id).values(name=renamed))
    elif what == "phone":
        session.execute(update(customer_table).where(c.id == customer_id).values(phone=rng.choice([None, "09 265 43 21"])))
    elif what == "move":
        moved = {"street": "Veldstraat", "number": str(rng.randrange(1, 9))}
        session.execute(update(location_table).where(loc.customer_id == customer_id).values(**moved))
    elif what == "mark":  # marked ERROR: nobody's duplicate, as if gone; unmarked: back
        session.execute(update(customer_table).where(c.id == customer_id).values(marked_error=~c.marked_error))
    elif what == "delete" and created:
        customer_id = created.pop(rng.randrange(len(created)))
        customers.delete_customer(session, admin, customer_id)
    elif what == "twice":  # refreshed twice over, or with others
        session.commit()
        return [customer_id, customer_id, rng.choice(ids)]
    elif what == "nobody":
        return [10**7]
    session.commit()
    return [customer_id]


def test_refreshes_past_compactions_answer_as_a_fresh_build(
    engine: Engine, admin: User, compactions: list[int]
) -> None:
    generate_demo(engine, customers=300, seed=9)
    rng = random.Random(4)
    with Session(engine, expire_on_commit=False) as session:
        index = DuplicateIndex.build(session)
        created: list[int] = []
        for checkpoint in range(3):
            for _change_number in range(60):
                index.refresh(session, _change(session, admin, rng, created))
            _assert_as_built_afresh(index, session, _drafts(session, rng, 40))
            assert len(compactions) >= checkpoint + 2  # some changes were compacted, others still in the delta
        session.rollback()


def test_an_index_of_nobody_answers_and_fills(session: Session, admin: User, compactions: list[int]) -> None:
    index = DuplicateIndex.build(session)
    assert len(index) == 0
    assert index.likely_duplicates(DraftCustomer(name="Garage Janssens", phone="03 223 45 67")) == []
    made = [make_customer(session, admin, f"Garage Janssens {i}", phone=f"03 223 45 {i:02}").id for i in range(20)]
    index.refresh(session, made)
    assert compactions
    drafts: Drafts = [(DraftCustomer(name="Garage Jans"), None), (DraftCustomer(name="Garage Janssens 7"), made[7])]
    _assert_as_built_afresh(index, session, drafts)


def test_a_reader_never_sees_half_a_refresh(
    session: Session, admin: User, compactions: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One customer flips between two versions, refreshed (and compacted) while another thread looks it up."""
    monkeypatch.setattr(index_module, "DELTA_MIN", 2)  # a compaction every few refreshes
    neighbours = [make_customer(session, admin, f"Garage Peeters {i}", phone=f"03 223 47 {i:02}").id for i in range(12)]
    flipping = make_customer(session, admin, "Garage Peeters", phone="03 223 46 99", email="info@peeters.be")
    make_location(session, admin, flipping)  # the same address in both versions
    c = table_of(Customer).c
    versions = [
        {"name": "Garage Peeters", "phone": "03 223 46 99", "email": "info@peeters.be"},
        {"name": "Garage Vermeulen Peeters", "phone": "09 265 43 21", "email": "bakker@vermeulen.be"},
    ]

    def become(version: dict[str, str]) -> None:
        session.execute(update(table_of(Customer)).where(c.id == flipping.id).values(**version))
        session.commit()

    here = {"street": "Kerkstraat", "number": "12", "postal_code": "2000", "city": "Antwerpen"}
    drafts: Drafts = [
        (DraftCustomer(name="Garage Peeters", **here), None),  # finds it in either version, with other scores
        (DraftCustomer(name="Garage Peeters", phone="03 223 46 99"), None),
        (DraftCustomer(name="Garage Vermeulen", email="bakker@vermeulen.be"), None),
        (DraftCustomer(name="Garage Pee"), neighbours[0]),
        (DraftCustomer(name="Vermeulen", street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen"), None),
    ]
    expected = []
    for version in versions:
        become(version)
        expected.append(_answers(DuplicateIndex.build(session), drafts))
    for answers in expected:
        assert flipping.id in [match.customer_id for match in answers[0]]
    assert expected[0][0] != expected[1][0]

    index = DuplicateIndex.build(session)
    seen: list[list[list[Match]]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                seen.append(_answers(index, drafts))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for round_ in range(60):
            become(versions[round_ % 2])
            index.refresh(session, [flipping.id] + ([neighbours[round_ % 12]] if round_ % 3 == 0 else []))
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(compactions) >= 3 and len(seen) > 5
    for answers in seen:
        for number, answer in enumerate(answers):
            assert answer in (expected[0][number], expected[1][number])


def _record_of(**fields: Any) -> Record:
    base: dict[str, Any] = {
        "id": 7, "name": "garage janssens", "alias": "", "name_words": ("garage", "janssens"), "alias_words": (),
        "sorted_name": "garage janssens", "sorted_alias": "", "number": "", "vat": "", "email": "", "phone": "",
        "addresses": (Address("2000", "kerkstr", "12", "antwerpen", "12", "", "", "Kerkstraat 12, 2000 Antwerpen"),),
    }  # fmt: skip
    base.update(fields)
    return Record(**base)


@pytest.mark.parametrize(
    ("fields", "regular"),
    [
        ({}, True),
        ({"addresses": ()}, True),
        ({"alias": "jan", "alias_words": ("jan",), "sorted_alias": "jan", "phone": "+3232234567"}, True),
        ({"addresses": (Address("", "st", "1", "", "1", "", "", "a\x1fb"), Address("9000", "", "", "gent"))}, False),
        ({"name": "garage  janssens"}, False),  # its words would not split back
        ({"addresses": (Address("2000", "kerkstr", "12", "antwerpen", country="BE"),)}, False),
    ],
)
def test_a_record_reads_back_the_same_or_is_kept_whole(fields: dict[str, Any], regular: bool) -> None:
    record = _record_of(**fields)
    text = encode_record(record)
    assert (text is not None) == regular
    if text is not None:
        back = decode_record(record.id, text)
        assert back == record and repr(back) == repr(record)  # the label and house too, which == leaves out
    builder = BaseBuilder()
    builder.add(record, {1, 2})
    base = builder.finish()
    assert base.has(7) and not base.has(8) and len(base) == 1
    assert repr(base.record(7)) == repr(record) and repr(base.records([7])) == repr([record])



def test_compactions_that_only_add_keep_a_few_text_chunks_and_read_every_record_back() -> None:
    """An import's compactions add rows and keep every row: the text grows by chunks, not by copies of it all."""
    made = {i: _record_of(id=i, name=f"garage janssens{i}", name_words=("garage", f"janssens{i}"),
                          sorted_name=f"garage janssens{i}") for i in range(1, 4001)}  # fmt: skip
    base = BaseBuilder().finish()
    for start in range(1, 4001, 100):  # 40 compactions of 100 new customers
        changed = {i: (made[i], (i,)) for i in range(start, start + 100)}
        words = sorted({word for i in range(1, start + 100) for word in made[i].name_words})
        base = base.compacted(np.ones(base.id_limit, dtype=bool), changed, words, {})
        assert len(base.texts) <= 1 + math.log2(len(base) / 100)
    assert sum(map(len, base.texts)) == base.offsets[-1]
    assert base.records(list(made)) == list(made.values())
    assert all(base.record(i) == made[i] for i in (1, 100, 101, 2345, 4000))
    alive = np.ones(base.id_limit, dtype=bool)
    alive[::2] = False  # a compaction that masks rows joins the chunks
    masked = base.compacted(alive, {}, sorted({word for i in range(1, 4001, 2) for word in made[i].name_words}), {})
    assert len(masked.texts) == 1 and masked.records([1, 3, 3999]) == [made[1], made[3], made[3999]]


def test_provisional_records_alone_do_not_compact(compactions: list[int]) -> None:
    """A dry run's rows stay provisional (nothing is written, nothing renamed): they never started a compaction,
    which had taken them all out and back in for every row past the limit (quadratic: 20,000 rows, 10 minutes)."""
    index = DuplicateIndex()
    for n in range(100):
        record = _record_of(id=2_000_000_000 + n, name=f"garage janssens{n}", name_words=("garage", f"janssens{n}"),
                            sorted_name=f"garage janssens{n}")  # fmt: skip
        index.put((), [record], provisional=True)
    assert compactions == [] and len(index) == 100
    index.rename({2_000_000_000 + n: n + 1 for n in range(100)})  # written: now they count, and compact
    assert len(compactions) == 1 and len(index) == 100
