"""The ERROR mark as data (issue 14): Customer.marked_error, shown before the name in the viewer's language.

Migration 0007 up and down, merge and undo, marking by hand, the shown name
in each language, search by the word of each catalog, export and import.
(Leaving marked records out of the duplicates: tests/services/test_duplicates_follow.py.)
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from helpers import make_customer, make_location
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, select

from custtui.db import downgrade, make_engine, migrate
from custtui.errors import ConflictError
from custtui.i18n import set_language
from custtui.models import AuditEvent, Customer, Role, User
from custtui.services import customers, history, marks, merge, transfer
from custtui.services.customers import CustomerInput
from custtui.services.search import Searcher, SearchIndex
from custtui.services.transfer import EXPORT_COLUMNS

WORDS = {"en": "ERROR", "nl": "FOUT", "fr": "ERREUR", "de": "FEHLER"}

# --- migration 0007 ---------------------------------------------------------------

# Names as offices and merges wrote them before 0007 -> (the name, marked) after it.
OLD_NAMES = {
    "ERROR Bakkerij Peeters": ("Bakkerij Peeters", True),
    "FOUT Bakkerij Peters": ("Bakkerij Peters", True),
    "ERREUR Boulangerie Dubois": ("Boulangerie Dubois", True),
    "FEHLER Bäckerei Müller": ("Bäckerei Müller", True),
    "FOUT - Dubbel record": ("Dubbel record", True),
    "ERROR FOUT Twice marked": ("Twice marked", True),
    "ERROR": ("", True),
    "Error Solutions BV": ("Error Solutions BV", False),  # case counts: a name
    "FEHLERFREI GmbH": ("FEHLERFREI GmbH", False),  # the word must end
    "Bakkerij ERROR": ("Bakkerij ERROR", False),  # the word must come first
}


@pytest.fixture
def database(empty_database_url: str) -> Any:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def _names(engine: Engine, marked: bool = True) -> dict[int, Any]:
    columns = "id, name, marked_error" if marked else "id, name"
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT {columns} FROM customer ORDER BY id")).all()
    return {row[0]: (row[1], bool(row[2])) if marked else row[1] for row in rows}


def _merge_json(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    with engine.connect() as connection:
        plan, undo = connection.execute(text("SELECT plan, undo FROM merge_record")).one()
    return (json.loads(plan) if isinstance(plan, str) else plan), (json.loads(undo) if isinstance(undo, str) else undo)


def test_upgrade_turns_the_word_of_every_language_into_the_flag_and_downgrade_puts_it_back(database: Engine) -> None:
    migrate(database, "0006")
    with database.begin() as connection:
        for number, name in enumerate(OLD_NAMES, start=1):
            connection.execute(
                text(
                    "INSERT INTO customer (id, name, region_code, created_at, updated_at, version) "
                    "VALUES (:id, :name, 'BE-VLG', '2026-01-01', '2026-01-01', 1)"
                ),
                {"id": number, "name": name},
            )
        # A merge of before the upgrade: the undo data holds the rows as they were (see services.merge).
        plan = {"names": {"1": "Bakkerij Peeters bv", "2": "FOUT Bakkerij Peters"}, "keep_id": 1, "other_ids": [2]}
        undo = {
            "keep": {"id": 1, "before": {"id": 1, "name": "Bakkerij Peeters bv"}, "after_version": 2},
            "others": {"2": {"before": {"id": 2, "name": "FOUT Bakkerij Peters"}, "after_version": 2}},
            "deleted": {"2": {"customer": {"id": 2, "name": "ERROR FOUT Bakkerij Peters"}}},
        }
        connection.execute(
            text(
                "INSERT INTO merge_record (at, user_login, keep_id, other_ids, plan, undo) "
                "VALUES ('2026-01-01', 'u', 1, '[2]', :plan, :undo)"
            ),
            {"plan": json.dumps(plan), "undo": json.dumps(undo)},
        )
        if database.dialect.name == "sqlite":  # ids deleted before count (migration 0004)
            connection.execute(text("UPDATE sqlite_sequence SET seq = 40 WHERE name = 'customer'"))

    migrate(database)
    assert list(_names(database).values()) == list(OLD_NAMES.values())
    plan, undo = _merge_json(database)
    assert plan["names"] == {"1": "Bakkerij Peeters bv", "2": "Bakkerij Peters"} and plan["marked"] == [2]
    assert undo["keep"]["before"] == {"id": 1, "name": "Bakkerij Peeters bv", "marked_error": False}
    assert undo["others"]["2"]["before"] == {"id": 2, "name": "Bakkerij Peters", "marked_error": True}
    assert undo["deleted"]["2"]["customer"] == {"id": 2, "name": "Bakkerij Peters", "marked_error": True}
    indexes = {index["name"] for index in inspect(database).get_indexes("customer")}
    assert "ix_customer_marked_error" in indexes

    downgrade(database, "0006")
    assert "marked_error" not in {column["name"] for column in inspect(database).get_columns("customer")}
    expected = [f"ERROR {name}".rstrip() if marked else name for name, marked in OLD_NAMES.values()]
    assert list(_names(database, marked=False).values()) == expected
    plan, undo = _merge_json(database)
    assert plan["names"] == {"1": "Bakkerij Peeters bv", "2": "ERROR Bakkerij Peters"} and "marked" not in plan
    assert undo["keep"]["before"] == {"id": 1, "name": "Bakkerij Peeters bv"}
    assert undo["others"]["2"]["before"] == {"id": 2, "name": "ERROR Bakkerij Peters"}
    if database.dialect.name == "sqlite":  # the table was rebuilt without the column: ids still never reused
        with database.connect() as connection:
            sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = 'customer'")).scalar_one()
            seq = connection.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'customer'")).scalar_one()
        assert "AUTOINCREMENT" in sql and seq == 40

    migrate(database)  # and up again: the same flags
    assert list(_names(database).values()) == [(name, marked) for name, marked in OLD_NAMES.values()]


def _user(session: Session, login: str = "olivier", role: Role = Role.OFFICE) -> User:
    user = User(login=login, display_name=login.title(), role=role.value)
    session.add(user)
    session.commit()
    return user


def test_a_merge_made_before_the_upgrade_is_undone_after_it(database: Engine) -> None:
    migrate(database)
    with Session(database, expire_on_commit=False) as session:
        office = _user(session)
        keep = make_customer(session, office, "Bakkerij Peeters", phone="+32 3 223 45 67")
        make_location(session, office, keep)
        other = make_customer(session, office, "Bakkerij Peters", email="info@peeters.be")
        make_location(session, office, other, street="Nieuwstraat", number="5")
        keep_id, other_id = keep.id, other.id
        merge_id = merge.apply_merge(session, office, merge.plan_merge(session, office, [keep_id, other_id]))  # type: ignore[list-item]
        session.commit()
    downgrade(database, "0006")  # as the database was before this issue: the word in the name
    assert _names(database, marked=False)[other_id] == "ERROR Bakkerij Peters"
    migrate(database)
    assert _names(database)[other_id] == ("Bakkerij Peters", True)
    with Session(database, expire_on_commit=False) as session:
        office = session.exec(select(User)).one()
        merge.undo_merge(session, office, merge_id)
        session.commit()
    assert _names(database) == {keep_id: ("Bakkerij Peeters", False), other_id: ("Bakkerij Peters", False)}


# --- merge and undo ---------------------------------------------------------------


def _two(session: Session, office: User) -> tuple[Customer, Customer]:
    keep = make_customer(session, office, "Bakkerij Peeters", phone="+32 3 223 45 67")
    make_location(session, office, keep)
    other = make_customer(session, office, "Bakkerij Peters", email="info@peeters.be")
    make_location(session, office, other, street="Nieuwstraat", number="5")
    return keep, other


def test_a_merge_sets_the_flag_and_its_undo_clears_it_the_names_never_change(session: Session, office: User) -> None:
    keep, other = _two(session, office)
    merge_id = merge.apply_merge(session, office, merge.plan_merge(session, office, [keep.id, other.id]))  # type: ignore[list-item]
    session.commit()
    merged = customers.get_customer(session, other.id)  # type: ignore[arg-type]
    assert (merged.name, merged.marked_error) == ("Bakkerij Peters", True)
    assert not customers.get_customer(session, keep.id).marked_error  # type: ignore[arg-type]
    assert marks.marked_among(session, [keep.id, other.id]) == {other.id}  # type: ignore[list-item]
    # History says it as it is shown: the mark, not a changed name.
    found = history.history_of_customer(session, other.id)  # type: ignore[arg-type]
    assert found.marked and found.name == "Bakkerij Peters"
    change = next(c for c in found.entries[0].changes if c.field == "marked_error")
    assert (change.before, change.after) == (False, True)
    assert found.entries[0].record_marked
    assert "name" not in {c.field for c in found.entries[0].changes}
    summary = merge.list_merges(session)[0]
    assert summary.shown_name(other.id) == "Bakkerij Peters"  # names as planned: it was not marked then  # type: ignore[arg-type]

    merge.undo_merge(session, office, merge_id)
    session.commit()
    undone = customers.get_customer(session, other.id)  # type: ignore[arg-type]
    assert (undone.name, undone.marked_error) == ("Bakkerij Peters", False)


def test_a_record_given_up_by_hand_stays_marked_through_a_merge_and_its_undo(session: Session, office: User) -> None:
    keep, other = _two(session, office)
    marks.set_marked(session, office, other.id, True)  # type: ignore[arg-type]
    session.commit()
    plan = merge.plan_merge(session, office, [keep.id, other.id])  # type: ignore[list-item]
    assert plan.marked == [other.id]
    merge_id = merge.apply_merge(session, office, plan)
    session.commit()
    assert merge.list_merges(session)[0].marked_ids == [other.id]
    merge.undo_merge(session, office, merge_id)
    session.commit()
    assert customers.get_customer(session, other.id).marked_error  # type: ignore[arg-type]  # as it was before


# --- by hand ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("FOUT Bakkerij Peters", ("Bakkerij Peters", True)),
        ("ERREUR: Boulangerie", ("Boulangerie", True)),
        ("FEHLER – Bäckerei", ("Bäckerei", True)),
        ("  ERROR Bakkerij", ("Bakkerij", True)),
        ("Error Solutions BV", ("Error Solutions BV", False)),
        ("FOUTLOOS bv", ("FOUTLOOS bv", False)),
        ("Bakkerij Peters", ("Bakkerij Peters", False)),
    ],
)
def test_split_marked_name(typed: str, expected: tuple[str, bool]) -> None:
    assert marks.split_marked_name(typed) == expected


def test_the_form_marks_by_the_word_typed_before_the_name_and_unmarks_without_it(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Bakkerij Peters")
    data = CustomerInput.from_customer(customer)
    data.name = "FOUT Bakkerij Peters"
    saved = marks.save_customer(session, office, customer.id, data, customer.version)
    session.commit()
    assert (saved.name, saved.marked_error) == ("Bakkerij Peters", True)
    set_language("fr")
    assert marks.shown_name(saved) == "ERREUR Bakkerij Peters"  # what the form shows a French user
    data.name = marks.shown_name(saved).removeprefix("ERREUR ")  # the word deleted
    saved = marks.save_customer(session, office, customer.id, data, saved.version)
    session.commit()
    assert (saved.name, saved.marked_error) == ("Bakkerij Peters", False)
    created = marks.save_customer(session, office, None, CustomerInput(name="FEHLER Neu GmbH", region_code="BE-VLG"))
    session.commit()
    assert (created.name, created.marked_error) == ("Neu GmbH", True)
    actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity_id == customer.id))]
    assert actions == ["create", "update", "update", "update", "update"]  # each save, and each change of the mark


def test_marking_by_hand_refuses_a_stale_version(session: Session, office: User) -> None:
    customer = make_customer(session, office, "Bakkerij Peters")
    with pytest.raises(ConflictError):
        marks.set_marked(session, office, customer.id, True, expected_version=customer.version + 1)  # type: ignore[arg-type]


# --- shown in the viewer's language -------------------------------------------------


@pytest.mark.parametrize(("language", "word"), WORDS.items())
def test_the_mark_is_shown_in_the_viewers_language(session: Session, office: User, language: str, word: str) -> None:
    keep, other = _two(session, office)
    merge.apply_merge(session, office, merge.plan_merge(session, office, [keep.id, other.id]))  # type: ignore[list-item]
    session.commit()
    set_language(language)
    assert marks.shown_name(customers.get_customer(session, other.id)) == f"{word} Bakkerij Peters"  # type: ignore[arg-type]
    assert marks.shown_name(customers.get_customer(session, keep.id)) == "Bakkerij Peeters"  # type: ignore[arg-type]
    rows = marks.marked_rows(session, [keep.id, other.id])  # type: ignore[list-item]
    assert (rows[other.id].shown_name, rows[keep.id].shown_name) == (f"{word} Bakkerij Peters", "Bakkerij Peeters")  # type: ignore[index]
    assert rows[other.id].name == "Bakkerij Peters"  # type: ignore[index]  # the stored name stays clean
    assert marks.marked_name("Bakkerij Peters", True) == f"{word} Bakkerij Peters"
    plan = merge.plan_merge(session, office, [keep.id, other.id])  # type: ignore[list-item]
    assert plan.shown_name(other.id) == f"{word} Bakkerij Peters"  # type: ignore[arg-type]


# --- search -----------------------------------------------------------------------


@pytest.fixture
def searchable(session: Session, office: User) -> dict[str, int]:
    ids = {}
    for name in ("Bakkerij Peeters", "Bakkerij Peters", "Zonnestraal bv", "Error Solutions BV", "Fehlerfrei GmbH"):
        ids[name] = make_customer(session, office, name).id
    for name in ("Bakkerij Peters", "Zonnestraal bv"):
        marks.set_marked(session, office, ids[name], True)
    session.commit()
    return ids  # type: ignore[return-value]


@pytest.mark.parametrize("query", ["ERROR", "error", "FOUT", "Fout", "ERREUR", "erreur", "FEHLER", "fehler ", "Erreur"])
def test_each_languages_word_finds_the_marked_records_whatever_the_ui_language(
    session: Session, searchable: dict[str, int], query: str
) -> None:
    for language in WORDS:
        set_language(language)
        hits = SearchIndex.build(session).search(query)
        assert {hit.customer_id for hit in hits[:2]} == {searchable["Bakkerij Peters"], searchable["Zonnestraal bv"]}
        assert searchable["Bakkerij Peeters"] not in {hit.customer_id for hit in hits}


def test_the_word_and_a_name_search_the_marked_records_only_and_names_stay_found(
    session: Session, searchable: dict[str, int]
) -> None:
    index = SearchIndex.build(session)
    hits = index.search("fout peters")
    assert hits[0].customer_id == searchable["Bakkerij Peters"]
    assert searchable["Zonnestraal bv"] not in {hit.customer_id for hit in hits}
    assert index.search("FEHLER zonnestraal")[0].customer_id == searchable["Zonnestraal bv"]
    assert searchable["Error Solutions BV"] in {hit.customer_id for hit in index.search("error")}  # a name
    assert index.search("peeters")[0].customer_id == searchable["Bakkerij Peeters"]  # an unmarked record
    assert index.search("fout", within={searchable["Zonnestraal bv"]})[0].customer_id == searchable["Zonnestraal bv"]
    searcher = Searcher(index)  # as the search box types it
    for typed in ("f", "fe", "feh", "fehl", "fehle"):
        searcher.search(typed)
    assert {hit.customer_id for hit in searcher.search("fehler")[:2]} == {
        searchable["Bakkerij Peters"], searchable["Zonnestraal bv"]
    }


def test_the_index_follows_the_mark(session: Session, office: User, searchable: dict[str, int]) -> None:
    index = SearchIndex.build(session)
    peeters = searchable["Bakkerij Peeters"]
    marks.set_marked(session, office, peeters, True)
    session.commit()
    index.refresh(session, [peeters])  # what the change feed does (tui.app follows it)
    assert peeters in {hit.customer_id for hit in index.search("FOUT")}
    marks.set_marked(session, office, searchable["Bakkerij Peters"], False)
    session.commit()
    index.refresh(session, [searchable["Bakkerij Peters"]])
    assert searchable["Bakkerij Peters"] not in {hit.customer_id for hit in index.search("ERROR")[:3]}
    index.rebuild(session)
    assert {hit.customer_id for hit in index.search("erreur")[:2]} == {peeters, searchable["Zonnestraal bv"]}


# --- export and import --------------------------------------------------------------


def _exported(session: Session, user: User) -> list[dict[str, str]]:
    out = io.BytesIO()
    transfer.export_customers(session, user, out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"), newline="")))
    assert rows[0] == list(EXPORT_COLUMNS)
    return [dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(("language", "word"), WORDS.items())
def test_the_export_carries_the_mark_in_its_column_and_an_import_reads_it_back(
    engine: Engine, session: Session, office: User, language: str, word: str
) -> None:
    keep, other = _two(session, office)
    marks.set_marked(session, office, other.id, True)  # type: ignore[arg-type]
    session.commit()
    set_language(language)
    rows = _exported(session, office)
    assert [(row["name"], row["marked_error"]) for row in rows] == [("Bakkerij Peeters", ""), ("Bakkerij Peters", word)]
    out = io.BytesIO()
    transfer.export_customers(session, office, out)
    session.close()
    with engine.begin() as connection:
        for table in ("building", "location", "audit_event", "customer"):
            connection.execute(text(f"DELETE FROM {table}"))
    out.seek(0)
    report = transfer.import_customers(engine, office, out)
    assert [row.status for row in report.rows] == ["created", "created"]
    with Session(engine) as fresh:
        assert {c.name: c.marked_error for c in fresh.exec(select(Customer))} == {
            "Bakkerij Peeters": False, "Bakkerij Peters": True
        }


def test_an_import_takes_the_word_before_the_name_and_refuses_an_unknown_mark(engine: Engine, office: User) -> None:
    source = io.BytesIO(
        "name,marked_error,region\n"
        "FEHLER Bäckerei Müller,,BE-VLG\n"
        "Bakkerij Peters,fout,BE-VLG\n"
        "Boulangerie Dubois,1,BE-WAL\n"
        "Zonnestraal bv,nee,BE-VLG\n"
        "Error Solutions BV,,BE-VLG\n".encode()
    )
    report = transfer.import_customers(engine, office, source)
    assert [row.status for row in report.rows] == ["created", "created", "created", "error", "created"]
    assert "marked_error: Leave it empty, or write ERROR to mark the record." in report.rows[3].message
    with Session(engine) as fresh:
        assert {c.name: c.marked_error for c in fresh.exec(select(Customer))} == {
            "Bäckerei Müller": True, "Bakkerij Peters": True, "Boulangerie Dubois": True, "Error Solutions BV": False,
        }
