"""The indexes built in a child process (services.index_process): the same answers, a stop that kills it, its fault told."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from helpers import make_customer, make_location
from sqlalchemy import Engine
from sqlmodel import Session

from custtui.db import make_engine
from custtui.models import User
from custtui.services import index_process
from custtui.services.building import BuildStopped, never_stop
from custtui.services.duplicates import DraftCustomer, DuplicateIndex
from custtui.services.search import Searcher, SearchIndex
from custtui.services.search.segments import TextColumn


def _children() -> list[str]:
    """This process's index children alive now (their command line holds the child program)."""
    alive = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            text = (process / "cmdline").read_bytes().decode(errors="replace")
            parent = int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and "DuplicateIndex.build(session).snapshot()" in text:
            alive.append(process.name)
    return alive


def test_the_child_builds_what_the_app_would(engine: Engine, session: Session, admin: User) -> None:
    peeters = make_customer(session, admin, "Bakkerij Peeters", phone="+32 3 201 22 33")
    make_location(session, admin, peeters, street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
    make_customer(session, admin, "Garage Janssens")
    ready: list[SearchIndex] = []
    duplicate_index = index_process.build_in_child(engine, never_stop, ready.append)
    (search_index,) = ready
    with Session(engine) as fresh:
        built_here = SearchIndex.build(fresh)
        duplicates_here = DuplicateIndex.build(fresh)
    for query in ("peeters antwerpen", "janssen", "0032 3 201 22 33"):
        assert Searcher(search_index).search(query, limit=5) == Searcher(built_here).search(query, limit=5), query
    assert len(duplicate_index) == len(duplicates_here) == 2
    # Found by its phone alone, and by its address alone: the child's key hashes are this process's too.
    for draft in (DraftCustomer(name="Someone", phone="03 201 22 33"),
                  DraftCustomer(name="Someone", street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")):
        found = duplicate_index.likely_duplicates(draft, min_score=0.01)
        assert found == duplicates_here.likely_duplicates(draft, min_score=0.01) and found[0].customer_id == peeters.id
    # It goes on as the app's own index does: a change is refreshed into it.
    peeters_id = peeters.id
    assert peeters_id is not None
    session.get(type(peeters), peeters_id).name = "Bakkerij Peeters-Claes"  # type: ignore[union-attr]
    session.commit()
    search_index.refresh(session, [peeters_id])
    assert Searcher(search_index).search("claes", limit=5)[0].customer_id == peeters_id
    assert _children() == []


def test_a_stop_kills_the_child(sqlite_engine: Engine) -> None:
    with pytest.raises(BuildStopped):
        index_process.build_in_child(sqlite_engine, lambda: True, lambda _index: None)
    assert _children() == []


def test_a_child_that_fails_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'custtui.db'}")
    folder.rmdir()  # the database's folder is gone by the time the child opens it
    with pytest.raises(index_process.IndexProcessFailed, match="does not exist"):
        index_process.build_in_child(engine, never_stop, lambda _index: None)


def test_only_large_file_or_server_databases_build_in_a_child(
    sqlite_engine: Engine, session: Session, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not index_process.builds_in_child(sqlite_engine)  # empty: below the threshold
    monkeypatch.setattr(index_process, "CHILD_BUILD_MIN_CUSTOMERS", 0)
    assert index_process.builds_in_child(sqlite_engine)
    assert not index_process.builds_in_child(make_engine("sqlite://"))  # a memory database is this process's


def test_a_text_column_travels_out_of_band_uncopied_and_in_band_as_before() -> None:
    values = ["Bakkerij Peeters", "Ünal Bouw", "lone \ud800 surrogate", ""]
    column = TextColumn.of(values)
    out_of_band: list[pickle.PickleBuffer] = []
    data = pickle.dumps(column, protocol=5, buffer_callback=out_of_band.append)
    received = [memoryview(bytearray(buffer.raw())) for buffer in out_of_band]  # as index_process reads them
    back = pickle.loads(data, buffers=received)
    assert len(out_of_band) == 2 and back.take(range(4)) == values and back[1] == "Ünal Bouw"  # text, offsets
    assert isinstance(back._buffer, memoryview) and back._buffer.obj is received[0].obj  # theirs, not a copy
    assert pickle.loads(pickle.dumps(column, protocol=5)).take(range(4)) == values
    assert pickle.loads(pickle.dumps(column, protocol=4)).take(range(4)) == values
