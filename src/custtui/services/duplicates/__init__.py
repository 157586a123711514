"""Duplicate customers: candidate generation (blocking), Fellegi-Sunter pair scoring with learned weights, clustering.

    results.py   what it answers: Reason, PairScore, Cluster, Match, DraftCustomer; CERTAIN, POSSIBLE
    records.py   one customer normalised (services.normalise), and its blocking keys
    model.py     MatchParameters (m and u per comparison level), the defaults, storing them (match_model)
    estimate.py  learning the parameters from the customers: random pairs, then expectation-maximisation
    score.py     comparing two records field by field, and the Scorer that weighs the levels
    scan.py      find_duplicates: blocking, (estimating,) scoring, clustering; score_pair
    index.py     DuplicateIndex: look-alikes of the draft in the form, live
    store.py     DuplicateIndex's base: records, blocking keys, words and names in a few flat arrays

One normalisation, one comparison and one set of parameters serve three callers:

* `find_duplicates(session)` scans all customers and returns clusters: the
  "certain" ones (pairs scoring at least CERTAIN = 0.9), then the "possible"
  ones to check (from POSSIBLE = 0.5);
* `DuplicateIndex` keeps the normalised customers and their blocking keys in
  memory, as flat arrays (about 30 MB at 100,000 customers), and answers
  "which existing customers look like this draft?" for the create/edit form
  while the user types (`likely_duplicates`, from POSSIBLE), with `refresh`
  for customers that changed (kept apart, compacted into the arrays now and
  then);
* the import, through a DuplicateIndex (a row is a likely duplicate from CERTAIN).

Nothing here imports Textual; data is read with plain SELECTs (customer
columns, location address columns; in chunks of customers for the live
index), not ORM objects. Records marked ERROR
(Customer.marked_error: merged away or given up) are nobody's duplicate.

Normalisation
-------------
services.normalise: names folded (é->e, ß->ss), split on punctuation,
without legal forms (bv, bvba, nv, sa, sprl, srl, gmbh, "& fils", "en
zonen" ...) and salutations, particles glued ("Van den Broeck" =
"Vandenbroeck"); street words written one way ("straat"/"str." -> "str",
"chaussée" -> "ch" ...); house numbers without blanks and box words ("12 bus
3" = "12/3"); phones by phonenumbers, VAT numbers by python-stdnum, e-mails
by email-validator.

Candidate generation (blocking)
-------------------------------
Every customer gets keys; customers sharing a key are candidate pairs, never
all pairs (`BLOCKS` in records.py): VAT, e-mail, phone, customer number;
postal code + street + house number; postal code + house number (street
typos); city + house number (postal code typos); each rare name or alias
word in a rough phonetic form; a name word + postal code; a global sorted
neighbourhood over the names with their words sorted. A block gives all its
pairs up to a size, then pairs each customer with its next few in name
order, and is skipped above a larger size. The pairs are kept as arrays of
codes (numpy), not Python objects.

Scoring (Fellegi-Sunter)
------------------------
Two records are compared field by field (score.compare):

* name: exact (words in any order), alias (the internal name of one matches
  the name of the other, >= 90 %), similarity >= 95, 88, 80, 70 %, different
  (max of rapidfuzz token_sort_ratio and 0.9 x token_set_ratio; the words of
  one being the other's words or their initials count 90 %);
* address, best over every pair of their sites: same street and number, same
  postal code and house number, same street, same city, different;
* phone, e-mail, VAT, customer number: same or different.

A side without a value gives no level: the field weighs nothing. Name and
address are one field of every combination of their levels (model.FIELDS):
blocking picks pairs for sharing a name word or an address, so among
candidates the two are not independent. Each level has m = P(level | one
customer) and u = P(level | two customers) among the candidate pairs; the
pair's log-odds is log(prior / (1 - prior)) plus log(m / u) of each field's
level, its score the logistic of that: the probability that the two are one
customer. An agreement on a value many customers hold (a common name, a
shared address, a property manager's phone) weighs less: term frequency
adjustment against random pairs (score.Scorer).

The m, u and prior are learned on the database being scanned
(estimate.py): random pairs for the term frequency adjustment, then
expectation-maximisation over a sample of the candidate pairs, started from
the defaults, held near them by 200 pseudo-pairs and constrained to
monotone weights (agreeing more never weighs less). They are stored
(match_model) and re-estimated when the customers have grown or shrunk by a
fifth, or on `custtui duplicates --retrain`; below 1,000 customers the
defaults of model.py serve. Every pair keeps its reasons: the fields that
agree, each with its weight (`Reason.weight`, `Reason.with_weight`).

Clusters
--------
Pairs scoring at least CERTAIN are the edges of the certain clusters (a
connected component: A~B and B~C make one cluster even when A and C alone
would not pair); pairs from POSSIBLE up to CERTAIN make possible clusters,
unless their two customers are in one certain cluster already. Dismissed
pairs ("not a duplicate") are never edges. The thresholds were chosen on the
demo data and are measured on data custtui did not make in
benchmarks/duplicates_quality.py (README, "Duplicates and merging").
"""

from typing import TYPE_CHECKING, Any

from custtui.services.duplicates.index import DuplicateIndex
from custtui.services.duplicates.results import (
    CERTAIN,
    DEFAULT_MIN_SCORE,
    POSSIBLE,
    Cluster,
    DraftCustomer,
    Match,
    PairScore,
    Reason,
    ScanStats,
)
from custtui.services.normalise import (
    fold,
    normalise_customer_number,
    normalise_email,
    normalise_house_number,
    normalise_name,
    normalise_phone,
    normalise_street,
    normalise_vat,
)

if TYPE_CHECKING:
    from custtui.services.duplicates.scan import SCAN_STAGES, find_duplicates, score_pair

# The scan (and SQLAlchemy with it) loads when first asked for: the import's duplicate check process
# (duplicates.drafts) uses the index and holds no database.
_FROM_SCAN = frozenset({"SCAN_STAGES", "find_duplicates", "score_pair"})


def __getattr__(name: str) -> Any:
    if name in _FROM_SCAN:
        from custtui.services.duplicates import scan  # noqa: PLC0415 - see _FROM_SCAN

        return getattr(scan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CERTAIN",
    "DEFAULT_MIN_SCORE",
    "POSSIBLE",
    "SCAN_STAGES",
    "Cluster",
    "DraftCustomer",
    "DuplicateIndex",
    "Match",
    "PairScore",
    "Reason",
    "ScanStats",
    "find_duplicates",
    "fold",
    "normalise_customer_number",
    "normalise_email",
    "normalise_house_number",
    "normalise_name",
    "normalise_phone",
    "normalise_street",
    "normalise_vat",
    "score_pair",
]
