"""Type-ahead fuzzy customer search: an in-memory index answered per keystroke.

Searched: name, internal name (alias), customer number, VAT number, phone
numbers (customer and locations), e-mail, and the address of every location
(street, number, postal code, city). Each hit says which field matched.

Measured at 100,000 customers on a 2-core machine: about 4 s to build
(SELECTs of 5,000 customers at a time, then numpy; 104 MiB kept, 189 MiB at
the peak of the build, no Python object per value: see TextColumn); a
keystroke ~4-15 ms; refresh() of one customer ~5 ms
(benchmarks/search_latency.py; in the app: benchmarks/app_latency.py).

How a query is answered:

* Text is folded once, when the index is built: lowercase, accents removed,
  "ß" -> "ss", punctuation -> spaces. Each searchable value is an *entry*
  (customer, field, folded text).
* Prefilter: a character-trigram inverted index over the entries (names also
  without spaces, so "vandenbroek" meets "Van den Broeck"). numpy counts, per
  entry, the trigrams it shares with the query's words (none spans two words,
  so word order does not matter); an entry matches when it lacks at most
  about 4 per typo. Up to 2,000 matches, those sharing the most, go on.
* Ranking: rapidfuzz scores them (substring match without spaces, word-order
  free match, whole-string closeness). Exact matches score 100, entries in
  which every query word starts a word 90-99.9 (whole words first), fuzzy
  ones below 90. The best entry of a customer is its hit.
* Across fields: the words of a query may come from different fields of one
  customer ("peeters gent", "911946 gentse"). Each word of 3 letters or more
  is also looked up on its own; customers holding all of them are scored
  word by word on the same scale, a little under a one-field hit of the same
  closeness (index._cross_field_hits).
* Digits-only queries (customer number, phone, VAT) are matched as
  substrings of digit keys instead; phones are compared on their digits with
  +32 / 0032 turned into the trunk 0 (and +31, +33, +49, +352 likewise).
* One- and two-character queries match the start of name and alias words.
* The ERROR mark (services.marks) is a flag, not part of the name: a query
  word that is the ERROR word of any catalog (ERROR, FOUT, ERREUR, FEHLER, any
  case) asks for the marked records, all of them by name or, with more words,
  the rest of the query searched among them; the query as typed is searched
  too, so "Error Solutions BV" is still found by its name.

`Searcher` narrows as fzf does: when the query extends the previous one, only
the previous survivors (every entry that may still match, not only the shown
top) are searched again. Survivors are chosen so that narrowing finds exactly
what a full scan finds (see MAX_SLACK). As the trigram count itself takes
under a millisecond at 100,000 customers, narrowing saves little time here:
the ranking of the candidates is the larger cost, and it is the same.

Updates: `refresh()` re-reads the given customers and swaps in a new snapshot
(the large base part is shared, a small delta part is rebuilt), so a search
running in another thread never sees a half-updated index.

    text.py      folding and phone keys, fast
    hits.py      SearchHit and the fields searched
    query.py     query analysis, trigrams, tuning, fuzzy scoring
    segments.py  entries and their trigram postings, read from the database
    index.py     SearchIndex, Searcher, search_customers
"""

from custtui.services.building import BuildStopped
from custtui.services.search.hits import FIELDS, SearchHit
from custtui.services.search.index import Searcher, SearchIndex, search_customers
from custtui.services.search.text import fold, fold_many, phone_key

__all__ = ["FIELDS", "BuildStopped", "SearchHit", "SearchIndex", "Searcher", "fold", "fold_many", "phone_key", "search_customers"]
