"""The duplicates follow what happened: merged records, records marked ERROR by hand, undone merges."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session
from tui_support import fill_duplicates

from custtui.services import customers, marks, merge
from custtui.services.customers import CustomerInput
from custtui.services.duplicates import DraftCustomer, DuplicateIndex, find_duplicates


def _cluster_ids(session: Session) -> list[set[int]]:
    return [set(cluster.customer_ids) for cluster in find_duplicates(session, dismissed=merge.dismissed_pairs(session))]


def test_merged_records_leave_the_duplicates_and_come_back_on_undo(engine: Engine) -> None:
    office, ids = fill_duplicates(engine)
    with Session(engine, expire_on_commit=False) as session:
        assert _cluster_ids(session) == [set(ids)]
        plan = merge.plan_merge(session, office, ids)
        session.rollback()
        merge_id = merge.apply_merge(session, office, plan)
        session.commit()
        # The emptied records are still there, marked ERROR, until someone deletes them.
        assert all(customers.get_customer(session, cid).marked_error for cid in ids[1:])
        assert _cluster_ids(session) == []
        merge.undo_merge(session, office, merge_id)
        session.commit()
        assert _cluster_ids(session) == [set(ids)]


def test_a_record_marked_error_by_hand_is_no_duplicate(engine: Engine) -> None:
    office, (keep_id, typo_id, alias_id) = fill_duplicates(engine)
    with Session(engine, expire_on_commit=False) as session:
        typo = customers.get_customer(session, typo_id)
        data = CustomerInput(
            name="ERROR " + typo.name, region_code=typo.region_code, phone=typo.phone, email=typo.email
        )
        marks.save_customer(session, office, typo_id, data, typo.version)  # the form's save: the word is the mark
        session.commit()
        assert customers.get_customer(session, typo_id).marked_error
        assert _cluster_ids(session) == [{keep_id, alias_id}]
        # Nor does the form warn about it.
        index = DuplicateIndex.build(session)
        warned = {
            match.customer_id for match in index.likely_duplicates(DraftCustomer(name="Bakkerij Peters", phone="03 444 55 66"))
        }
        assert typo_id not in warned and keep_id in warned
