"""Merging duplicate customers: a plan (pure data), one transaction to apply it, undo.

    plan.py        the plan and how locations are matched (plan_merge, replan_keep)
    apply.py       apply_merge, in named steps
    undo.py        delete_merged, undo_merge, list_merges
    dismissals.py  "not a duplicate" marks
    rows.py        the tables, the merged records' state, chunked and counted UPDATEs


The manual: choose the right record (by default the one with the most
installations and missions), mark the wrong ones (services.marks: they are
shown with the word ERROR before their name, in the viewer's language), add their missing locations to the right record, move
each of their installations to the matching location of the right record;
the wrong, now empty, records can then be deleted.

    plan = plan_merge(session, actor, [12, 57, 301])     # (a)-(e): the wizard shows and edits it
    plan.choose_field("email", 57); plan.map_location(880, None)
    merge_id = apply_merge(session, actor, plan)          # (f): one transaction; commit is the caller's
    delete_merged(session, actor, merge_id)               # the emptied ERROR records
    undo_merge(session, actor, merge_id)                  # exactly as before, even after delete_merged

Locations. Each location of the other records is either mapped to a location
that the kept record will have (its installations and missions move there,
the emptied location stays with the ERROR record until delete_merged), or
added to the kept record as it is (target None: the row is re-parented, with
its id, buildings, installations and missions). A target is a location of
the kept record or, when the kept record lacks that address, a location of
another merged record that is itself added as new (so three records sharing
one address the kept record lacks end with one location, not three).

Address matching (`address_score`, 0-100) reuses the normalisation of
services.duplicates: the same country, the same postal code (or, without
one, the same city), the street at least 88 % alike once normalised
("Kerkstraat" = "Kerkstr.", "Rue de l'Église" = "r. de l'eglise"), and the
house number ("12 bus 3" = "12/3"). Score = 60 % street + 40 % number, where
the number scores 100 when equal, 75 when only a box is missing on one side,
40 for another box at the same house number, 50 when one side has none, 0
otherwise. A location is matched automatically at MATCH_THRESHOLD (85) or
more: same street and number, or same street with one box missing, or a
slightly misspelled street with the same number.

Safety. apply_merge refuses a stale plan (StalePlan, naming the records): a
customer's version changed, or the locations (with their addresses),
installations, missions or labels of a merged customer are not those the plan
was made from (a digest per customer, kept in the plan). On PostgreSQL the
customers and their locations are locked (SELECT ... FOR UPDATE) before that
check, so nobody adds an installation or a mission meanwhile. Every set-based
UPDATE also names the values it expects and counts the rows it changed. On
any exception the caller rolls back (session_scope does): nothing is written
outside that one transaction.

Undo data (MergeRecord.undo, JSON) - see `undo_merge`:
    keep / others: each customer's full row before the merge and its version
        right after. Undo restores every column exactly (fields, created_at,
        updated_at) except the version number, which moves on (+1) as for
        any save: it never goes back, or a form opened on the merged record
        could save over a later edit that reached the same number again;
    labels_added: label links added to the kept record;
    locations: [location id, customer id before] re-parented to the kept record;
    contents: per re-parented location, the installation, mission and
        building ids there right after the merge (undo refuses if that changed);
    buildings_created: default buildings created at a target that had none;
    installations: [location, building before, location, building after, [ids]];
    missions: [customer, location before, customer, location after, [ids]];
    deleted: filled by delete_merged, the deleted records in full (customer
        row, locations, buildings, label ids) so undo can recreate them.
"""

from custtui.services.merge.apply import apply_merge
from custtui.services.merge.dismissals import dismiss_pair, dismissed_pairs
from custtui.services.merge.errors import MergeRefused, StalePlan, UndoRefused
from custtui.services.merge.plan import (
    FIELDS,
    MATCH_THRESHOLD,
    FieldChoice,
    LocationMatch,
    MergePlan,
    MergePreview,
    address_score,
    plan_merge,
    replan_keep,
)
from custtui.services.merge.undo import MergeSummary, delete_merged, list_merges, undo_merge, undo_summary

__all__ = [
    "FIELDS",
    "MATCH_THRESHOLD",
    "FieldChoice",
    "LocationMatch",
    "MergePlan",
    "MergePreview",
    "MergeRefused",
    "MergeSummary",
    "StalePlan",
    "UndoRefused",
    "address_score",
    "apply_merge",
    "delete_merged",
    "dismiss_pair",
    "dismissed_pairs",
    "list_merges",
    "plan_merge",
    "replan_keep",
    "undo_merge",
    "undo_summary",
]
