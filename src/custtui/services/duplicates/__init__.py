"""Duplicate customers: candidate generation (blocking), pair scoring, clustering.

    results.py  what it answers: Reason, PairScore, Cluster, Match, DraftCustomer
    records.py  one customer normalised (services.normalise), and its blocking keys
    score.py    the pair score and its reasons
    scan.py     find_duplicates: blocking, scoring, clustering; score_pair
    index.py    DuplicateIndex: look-alikes of the draft in the form, live

One normalisation and one pair score serve two callers:

* `find_duplicates(session)` scans all customers and returns clusters of
  probable duplicates (100,000 customers in about 8-10 s on 2 cores, see
  benchmarks/duplicates_scan.py);
* `DuplicateIndex` keeps blocking keys in memory and answers "which existing
  customers look like this draft?" for the create/edit form while the user
  types (`likely_duplicates`, a few ms at 100,000 customers), with `refresh`
  for customers that changed.

Nothing here imports Textual; data is read with two plain SELECTs (customer
columns, location address columns), not ORM objects.

Normalisation
-------------
Names are folded (lower case, accents removed: é->e, ü->u, ß->ss, æ->ae),
split on punctuation, stripped of legal forms (bv, bvba, nv, sa, sprl, srl,
gmbh, vzw, asbl, cv, cvba, scrl, comm.v, vof, ltd, sàrl, "& fils", "en zonen",
"& co" ..., with or without dots: see `_LEGAL_FORMS` and `_LEGAL_PHRASES`)
and of salutations ("dhr", "mme", "fam." ...); name particles are glued to
the next word, so "Van den Broeck" equals "Vandenbroeck". Street type words
are written one way ("straat"/"str." -> "str", "steenweg"/"stwg." -> "stwg",
"rue"/"r." -> "r", "chaussée"/"chée" -> "ch" ...), house numbers lose blanks
and box words ("12 bus 3" = "12/3" = "12 bte 3"). Phones keep their national
significant number (no +32/0032/0 prefix or other known country code), so
"+32 471 08 32 25" equals "0471/08.32.25". VAT numbers lose blanks, dots and
dashes, e-mails their case; e-mail domains of mail providers (gmail.com,
telenet.be ...) are ignored.

Candidate generation (blocking)
-------------------------------
Every customer gets keys; customers sharing a key are candidate pairs, never
all pairs. Per kind of key (`_BLOCKS`): a block of up to 10 customers gives
all its pairs; a larger one, up to `MAX_BLOCK_SIZE` (200), pairs each
customer with the next `_BLOCK_WINDOW` (3) in name order (sorted
neighbourhood inside the block); larger blocks say little and are skipped.
The keys:

* VAT, e-mail, phone, company mail domain, customer number;
* postal code + street + house number (the same address);
* postal code + house number digits (the same building: catches typos and
  abbreviations in the street, which the address score forgives);
* each name and alias word in a rough phonetic form ("peeters"/"peters"),
  only while at most 10 customers share it;
* and a global sorted neighbourhood over the names and aliases with their
  words sorted (each with the next 2), for identical names without address.

At 100,000 demo customers this gives about 6 candidate pairs per customer
and keeps 99.9 % of the true pairs. Pairs sharing no identifier are first
checked with a cheap name test that is exact for the score: below the name
similarity `_min_name_similarity(min_score)` they cannot reach `min_score`.

Scoring
-------
Each field adds evidence in log-odds units; the pair score is the logistic
of the sum (a naive-Bayes/Fellegi-Sunter style combination)::

    score = 1 / (1 + exp(-(BIAS + w_name + w_vat + w_email + w_phone + w_address + w_number)))

* BIAS = -1.5.
* w_name: the best of the name similarity and the alias similarity (the name
  of one against the internal name of the other, both ways: an alias used as
  the name counts like the name), mapped by `_NAME_CURVE`, piecewise linear:
  100 % -> +3, 95 % -> +2.6, 85 % -> +1, 75 % -> -1, 60 % and less -> -3.
  The similarity is max(token_sort_ratio, 0.9 x token_set_ratio) of
  rapidfuzz on the normalised names: swapped words score 100 %, a name
  contained in the other 90 %. No name (a draft): 0.
* VAT: same +8; both known and different -5 (two legal entities).
* e-mail: same +5; else same company mail domain +1; else both known -0.5.
* phone: same +4.5; both known and different -0.5.
* address: the same postal code, street (street typos forgiven, rapidfuzz
  ratio >= 88) and house number at any location of one and any location of
  the other (every pair of locations is compared): +3. Medium on purpose:
  two people can share a building. Both have addresses and none shares the
  postal code and street: -1.
* same customer number: +1 (customer numbers are not unique: weak).

VAT, e-mail, domain, phone and customer number weights are multiplied by
min(1, 3 / k) when k customers hold the value (a property manager's e-mail on
fifty buildings says little). Some resulting scores: identical name and
nothing else known 0.82; identical name at another address 0.62; a typo'd
name at the same address 0.97; two different names at the same address 0.18;
same VAT with different names at different addresses 0.92; same customer
number and nothing else alike < 0.1.

Reasons are kept per pair as `Reason(code, value)`: code "vat", "email",
"domain", "phone", "name", "alias", "address" or "number", value the shared
value (or the similarity in percent for name/alias); `Reason.text` is the
translated text ("same VAT", "name 94 %", "same street and number" ...).

Clusters
--------
Pairs scoring at least `min_score` are the edges, a cluster is a connected
component: A~B and B~C make one cluster even when A and C alone would not
pair. The cluster score is its highest pair score. Dismissed pairs ("not a
duplicate") are never edges. `DEFAULT_MIN_SCORE` = 0.75 was chosen from the
benchmark: on the demo data recall stays at its plateau (99.9 % of the
duplicate -> original links at 100,000 customers) from 0.5 up to 0.75 and
starts to drop above 0.8, while precision collapses below 0.7 (pairs with
only a similar name at different addresses). It also sits between "identical
name, nothing else known" (0.82, reported) and "identical name at another
address" (0.62, not reported).
"""

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
from custtui.services.duplicates.scan import find_duplicates, score_pair
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

__all__ = [
    "CERTAIN",
    "DEFAULT_MIN_SCORE",
    "POSSIBLE",
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
