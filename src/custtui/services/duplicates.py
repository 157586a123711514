"""Duplicate customers: candidate generation (blocking), pair scoring, clustering.

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

from __future__ import annotations

import gc
import heapq
import math
import re
import threading
import time
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlmodel import Session

from custtui.errors import NotFound
from custtui.i18n import _
from custtui.models import Customer, Location
from custtui.services.addresses import Address, normalise_address
from custtui.services.marks import is_marked_error
from custtui.services.normalise import (
    fold,
    normalise_customer_number,
    normalise_email,
    normalise_house_number,
    normalise_phone,
    normalise_street,
    normalise_vat,
)

__all__ = [
    "DEFAULT_MIN_SCORE",
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

# Pairs at or above this score are reported as duplicates (see the module docstring).
DEFAULT_MIN_SCORE = 0.75
# Blocking, per kind of key (its first letter): (all pairs up to, skipped above).
# A block of up to the first number of customers gives all its pairs; a
# larger one, up to the second number, pairs each customer with the next
# _BLOCK_WINDOW in name order (sorted neighbourhood inside the block).
MAX_BLOCK_SIZE = 200
_BLOCKS = {
    "n": (10, 10),  # a rare name word (phonetic), anywhere
    "h": (10, MAX_BLOCK_SIZE),  # postal code + house number: the same building, street typos forgiven
    "a": (10, MAX_BLOCK_SIZE),  # postal code + street + number
    "v": (10, MAX_BLOCK_SIZE),  # VAT
    "e": (10, MAX_BLOCK_SIZE),  # e-mail
    "d": (10, MAX_BLOCK_SIZE),  # company mail domain
    "f": (10, MAX_BLOCK_SIZE),  # phone
    "c": (10, MAX_BLOCK_SIZE),  # customer number
}
_BLOCK_WINDOW = 3
_SORTED_WINDOW = 3  # global sorted neighbourhood: each name with the next 2
_IDENTIFIER_KEYS = frozenset("vefdc")  # the kinds of key whose sharing counts in the score (damping)

# --------------------------------------------------------------------------
# Public data.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One piece of evidence for a pair: a code, its value, and a translated text.

    codes: "vat", "email", "domain", "phone", "name", "alias", "address", "number".
    value: the shared value (VAT number, e-mail, digits of the phone, address,
    customer number, mail domain) or the similarity in percent for name/alias.
    """

    code: str
    value: str | int | None = None

    @property
    def text(self) -> str:
        """The reason in the current UI language."""
        code, value = self.code, self.value
        if code == "vat":
            return _("same VAT")
        if code == "email":
            return _("same e-mail")
        if code == "domain":
            return _("same e-mail domain")
        if code == "phone":
            return _("same phone")
        if code == "address":
            return _("same street and number")
        if code == "number":
            return _("same customer number")
        if code == "name":
            return _("name {percent} %").format(percent=value)
        if code == "alias":
            return _("alias matches name ({percent} %)").format(percent=value)
        return code

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class PairScore:
    """Two customers (a < b), how likely they are the same (0..1), and why."""

    a: int
    b: int
    score: float
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


@dataclass(frozen=True)
class Cluster:
    """Customers that are probably one: ids ascending, score = best pair score."""

    customer_ids: tuple[int, ...]
    score: float
    pairs: tuple[PairScore, ...]


@dataclass(frozen=True)
class Match:
    """An existing customer that looks like a draft."""

    customer_id: int
    score: float
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


@dataclass
class DraftCustomer:
    """What the create/edit form holds so far (CustomerInput fields + one address)."""

    name: str = ""
    internal_name: str | None = None
    customer_number: str | None = None
    vat_number: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str = ""
    number: str = ""
    postal_code: str = ""
    city: str = ""

    @classmethod
    def from_input(cls, data: object, street: str = "", number: str = "", postal_code: str = "", city: str = "") -> DraftCustomer:
        """From a CustomerInput (or anything with its attributes) plus address fields."""
        return cls(
            name=getattr(data, "name", "") or "",
            internal_name=getattr(data, "internal_name", None),
            customer_number=getattr(data, "customer_number", None),
            vat_number=getattr(data, "vat_number", None),
            email=getattr(data, "email", None),
            phone=getattr(data, "phone", None),
            street=street,
            number=number,
            postal_code=postal_code,
            city=city,
        )


@dataclass
class ScanStats:
    """Figures of the last find_duplicates run (for benchmarks and logs)."""

    customers: int = 0
    locations: int = 0
    candidate_pairs: int = 0
    scored_pairs: int = 0
    reported_pairs: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Normalisation.
# --------------------------------------------------------------------------


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that hold no cycles.

    Loading 100,000 customers allocates millions of tuples and strings; the
    collector would rescan them again and again (measured: index build 6.3 s
    -> 3.4 s at 100k).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

# Legal forms, compared without dots: "b.v.b.a." -> "bvba", "S.à r.l." -> "sa" "rl" -> "sarl".
_LEGAL_FORMS = frozenset(
    """
    bv bvba ebvba nv sa sprl srl sc scs sca scri scrl cv cva cvba cvoa commv commva comm gcv vof
    vzw asbl ivzw aisbl eurl sarl sas sasu snc gmbh ag kg ohg ug mbh pgmbh vog ev
    ltd llc inc plc corp bvio spri
    """.split()
)
# Multi-word legal forms and "and sons" phrases, after dot removal.
_LEGAL_PHRASES = tuple(
    sorted(
        (
            tuple(phrase.split())
            for phrase in (
                "s a r l", "sa rl", "s a", "s p r l", "b v", "n v", "comm v", "comm va", "gmbh & co kg",
                "gmbh & co", "& co kg", "& co", "and co", "& cie", "et cie", "& fils", "et fils", "& zonen",
                "en zonen", "& zn", "en zn", "& zoon", "en zoon", "& sons", "and sons", "& sohne", "und sohne",
                "& sohn", "und sohn", "& fille", "et fille", "& filles", "et filles", "e v", "v o f",
            )
        ),
        key=len,
        reverse=True,
    )
)
_LEGAL_PHRASE_FIRST = frozenset(phrase[0] for phrase in _LEGAL_PHRASES)
# Salutations and family words: they say nothing about who it is.
_SALUTATIONS = frozenset(
    "dhr mevr mr mrs ms mw mme mlle m monsieur madame mademoiselle mijnheer meneer mevrouw heer "
    "herr frau fam familie famille family".split()
)
# Name particles glued to the next word: "van den broeck" -> "vandenbroeck".
_PARTICLES = frozenset(
    "van von vom vander vanden vande de der den het t ter ten te le la les du des d l di da del della dos el zu zum zur".split()
)
_WORD = re.compile(r"[a-z0-9.]+|&")


def _legal_phrase_at(words: list[str], i: int) -> int:
    """The length of the legal-form phrase starting at words[i], 0 if none."""
    for phrase in _LEGAL_PHRASES:  # longest first
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def normalise_name(name: str | None) -> str:
    """Folded words of a name without legal form, salutation or punctuation, particles glued."""
    return " ".join(_name_tokens(name))


@lru_cache(maxsize=1 << 17)
def _name_tokens(name: str | None) -> tuple[str, ...]:
    if not name:
        return ()
    raw = _WORD.findall(fold(name).replace("+", " & "))
    words: list[str] = []
    for token in raw:
        stripped = token.strip(".")
        if not stripped:
            continue
        if "." in stripped:
            compact = stripped.replace(".", "")
            parts = stripped.split(".")
            if compact in _LEGAL_FORMS or all(len(part) <= 2 for part in parts):
                words.append(compact)  # "b.v.b.a." -> "bvba", "s.a" -> "sa"
            else:
                words.extend(part for part in parts if part)  # "a.peeters" -> "a" "peeters"
            continue
        words.append(stripped)
    kept: list[str] = []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        skip = _legal_phrase_at(words, i) if word in _LEGAL_PHRASE_FIRST else 0
        if not skip and (word in _LEGAL_FORMS or word in _SALUTATIONS or word == "&"):
            skip = 1
        if skip:
            i += skip
            continue
        kept.append(word)
        i += 1
    if not kept:  # nothing but legal forms: keep what there was
        kept = [w for w in words if w != "&"]
    glued: list[str] = []
    prefix = ""
    for index, word in enumerate(kept):
        if word in _PARTICLES and index + 1 < len(kept):
            prefix += word
            continue
        glued.append(prefix + word)
        prefix = ""
    return tuple(glued)


_PHONETIC_RULES = (
    ("sch", "s"), ("ph", "f"), ("ck", "k"), ("qu", "k"), ("ch", "s"), ("th", "t"), ("dt", "t"), ("ij", "y"),
    ("ei", "y"), ("ae", "a"), ("oe", "u"), ("ou", "u"), ("ue", "u"), ("c", "k"), ("z", "s"), ("w", "v"),
    ("x", "ks"), ("h", ""), ("y", "i"), ("d", "t"),
)
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def _phonetic(word: str) -> str:
    """A rough Dutch/French/German sound key: 'Peeters'/'Peters', 'Janssens'/'Jansens' agree."""
    if word.isdigit():
        return word
    for old, new in _PHONETIC_RULES:
        if old in word:
            word = word.replace(old, new)
    return _DOUBLED.sub(r"\1", word)


# Mail providers: the same domain there says nothing.
_MAIL_PROVIDERS = frozenset(
    """
    gmail.com googlemail.com hotmail.com hotmail.be hotmail.fr hotmail.nl outlook.com outlook.be outlook.fr
    outlook.nl live.be live.com live.fr live.nl msn.com yahoo.com yahoo.fr yahoo.be icloud.com me.com mac.com
    telenet.be skynet.be proximus.be belgacom.net scarlet.be voo.be pandora.be base.be edpnet.be
    ziggo.nl kpnmail.nl xs4all.nl planet.nl home.nl hetnet.nl chello.nl
    orange.fr free.fr laposte.net wanadoo.fr sfr.fr
    web.de gmx.de gmx.net t-online.de pt.lu internet.lu tango.lu protonmail.com proton.me
    """.split()
)


# --------------------------------------------------------------------------
# Records: one customer, normalised, ready to compare.
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Record:
    id: int
    name: str  # normalised
    alias: str  # normalised internal name, "" when none
    name_words: tuple[str, ...]
    alias_words: tuple[str, ...]
    sorted_name: str  # words sorted: ratio() on these is token_sort_ratio()
    sorted_alias: str
    number: str
    vat: str
    email: str
    domain: str
    phone: str
    addresses: tuple[Address, ...]


def _make_address(street: str | None, number: str | None, postal: str | None, city: str | None) -> Address | None:
    address = normalise_address(street, number, postal, city)
    return None if address.is_empty else address


def _make_record(
    customer_id: int,
    name: str | None,
    internal_name: str | None,
    customer_number: str | None,
    vat: str | None,
    email: str | None,
    phone: str | None,
    addresses: Iterable[Address],
) -> _Record:
    name_words = _name_tokens(name)
    alias_words = _name_tokens(internal_name)
    mail = normalise_email(email)
    domain = mail.rpartition("@")[2] if mail else ""
    return _Record(
        id=customer_id,
        name=" ".join(name_words),
        alias=" ".join(alias_words),
        name_words=name_words,
        alias_words=alias_words,
        sorted_name=" ".join(sorted(name_words)),
        sorted_alias=" ".join(sorted(alias_words)),
        number=normalise_customer_number(customer_number),
        vat=normalise_vat(vat),
        email=mail,
        domain="" if domain in _MAIL_PROVIDERS else domain,
        phone=normalise_phone(phone),
        addresses=tuple(dict.fromkeys(addresses)),
    )


def _draft_record(draft: DraftCustomer) -> _Record:
    address = _make_address(draft.street, draft.number, draft.postal_code, draft.city)
    return _make_record(
        0, draft.name, draft.internal_name, draft.customer_number, draft.vat_number, draft.email, draft.phone,
        [address] if address else [],
    )


def _load_records(
    session: Session, customer_ids: Collection[int] | None = None, *, include_marked: bool = False
) -> tuple[list[_Record], int]:
    """Customers and their location addresses, with two plain SELECTs (in chunks when ids are given)."""
    c, loc = Customer.__table__.c, Location.__table__.c  # type: ignore[attr-defined]
    customer_query = select(c.id, c.name, c.internal_name, c.customer_number, c.vat_number, c.email, c.phone)
    location_query = select(loc.customer_id, loc.street, loc.number, loc.postal_code, loc.city)
    if customer_ids is None:
        customer_rows = session.execute(customer_query).all()
        location_rows = session.execute(location_query).all()
    else:
        ids = sorted(set(customer_ids))
        customer_rows, location_rows = [], []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            customer_rows += session.execute(customer_query.where(c.id.in_(chunk))).all()
            location_rows += session.execute(location_query.where(loc.customer_id.in_(chunk))).all()
    addresses: dict[int, list[Address]] = defaultdict(list)
    address_cache: dict[tuple[str, str, str, str], Address | None] = {}
    for customer_id, street, number, postal, city in location_rows:
        key = (street or "", number or "", postal or "", city or "")
        address = address_cache.get(key, False)
        if address is False:
            address = address_cache[key] = _make_address(*key)
        if address is not None:
            addresses[customer_id].append(address)
    records = [
        _make_record(row[0], row[1], row[2], row[3], row[4], row[5], row[6], addresses.get(row[0], ()))
        for row in customer_rows
        if include_marked or not is_marked_error(row[1])  # merged away or given up: nobody's duplicate
    ]
    return records, len(location_rows)


# --------------------------------------------------------------------------
# Blocking keys.
# --------------------------------------------------------------------------

def _record_keys(record: _Record) -> set[str]:
    """The blocking keys of a record; the first letter tells the kind (see _BLOCKS)."""
    keys: set[str] = set()
    for word in record.name_words + record.alias_words:
        if len(word) >= 2:
            keys.add("n" + _phonetic(word))
    for address in record.addresses:
        if address.postal and address.house:
            keys.add("h" + address.postal + ":" + address.house)
        if address.street and address.number:
            keys.add("a" + address.postal + ":" + address.street.replace(" ", "") + ":" + address.number)
    if record.vat:
        keys.add("v" + record.vat)
    if record.email:
        keys.add("e" + record.email)
    if record.domain:
        keys.add("d" + record.domain)
    if record.phone:
        keys.add("f" + record.phone)
    if record.number:
        keys.add("c" + record.number)
    return keys


# --------------------------------------------------------------------------
# Scoring.
# --------------------------------------------------------------------------

BIAS = -1.5
W_VAT, W_VAT_DIFFERENT = 8.0, -5.0
W_EMAIL, W_DOMAIN, W_EMAIL_DIFFERENT = 5.0, 1.0, -0.5
W_PHONE, W_PHONE_DIFFERENT = 4.5, -0.5
W_ADDRESS, W_ADDRESS_ELSEWHERE = 3.0, -1.0
W_NUMBER = 1.0
# (similarity, weight) points, similarity ascending; linear in between.
_NAME_CURVE = ((0.0, -3.0), (0.6, -3.0), (0.75, -1.0), (0.85, 1.0), (0.95, 2.6), (1.0, 3.0))
_NAME_REASON_MIN = 0.7  # a name similarity below this is not worth showing
_STREET_MIN = 88  # street similarity (0..100) that counts as the same street
_SHARED_FREE = 3  # values held by up to this many customers keep their full weight


def _name_weight(similarity: float) -> float:
    previous_s, previous_w = _NAME_CURVE[0]
    for s, w in _NAME_CURVE[1:]:
        if similarity <= s:
            return previous_w + (w - previous_w) * (similarity - previous_s) / (s - previous_s)
        previous_s, previous_w = s, w
    return _NAME_CURVE[-1][1]


def _name_similarity(a: str, a_sorted: str, b: str, b_sorted: str, partial: bool = False) -> float:
    """0..1: max(token_sort_ratio, 0.9 x token_set_ratio); `partial`: `a` may be a prefix being typed."""
    if not a or not b:
        return 0.0
    if a_sorted == b_sorted:
        return 1.0
    best = fuzz.ratio(a_sorted, b_sorted)  # = token_sort_ratio(a, b)
    if best < 95:
        best = max(best, 0.9 * fuzz.token_set_ratio(a, b, score_cutoff=min(100.0, best / 0.9)))
    if partial and len(a) >= 4 and len(a) < len(b) and best < 95:
        # The user is still typing: compare with as much of the other name.
        best = max(best, 0.9 * fuzz.ratio(a, b[: len(a)]))
    return best / 100.0


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def _damp(count: int) -> float:
    """Weight factor for a value held by `count` customers."""
    return 1.0 if count <= _SHARED_FREE else _SHARED_FREE / count


def _compare_addresses(
    a: tuple[Address, ...], b: tuple[Address, ...]
) -> tuple[int, tuple[Address, Address] | None]:
    """2: same street and number somewhere (and those two addresses), 1: same street, 0: nothing shared, -1: unknown."""
    if not a or not b:
        return -1, None
    best = 0
    for x in a:
        for y in b:
            if x.postal and y.postal:
                if x.postal != y.postal:
                    continue
            elif not x.city or x.city != y.city:
                continue
            if not x.street or not y.street:
                continue
            if x.street != y.street and not fuzz.ratio(x.street, y.street, score_cutoff=_STREET_MIN):
                continue
            if x.number and x.number == y.number:
                return 2, (x, y)
            best = 1
    return best, None


_CountOf = Callable[[str], int]  # customers holding a key
_KEY_PREFIX = {"vat": "v", "email": "e", "domain": "d", "phone": "f"}  # as _record_keys writes them


def _identifier(
    kind: str, x: str, y: str, same: float, different: float, count: _CountOf, reasons: list[Reason]
) -> float:
    """The weight of an identifier both records may have: `same` (damped for a common value), `different`, or 0."""
    if not x or not y:
        return 0.0
    if x != y:
        return different
    reasons.append(Reason(kind, x))
    return same * _damp(count(_KEY_PREFIX[kind] + x))


def _score(
    x: _Record, y: _Record, count: _CountOf, min_logit: float | None = None, partial: bool = False
) -> tuple[float, list[Reason]] | None:
    """The pair's log-odds and reasons; None when it cannot reach `min_logit`."""
    total = BIAS
    reasons: list[Reason] = []
    total += _identifier("vat", x.vat, y.vat, W_VAT, W_VAT_DIFFERENT, count, reasons)
    if x.email and y.email and x.email != y.email and x.domain and x.domain == y.domain:
        total += _identifier("domain", x.domain, y.domain, W_DOMAIN, 0.0, count, reasons)
    else:
        total += _identifier("email", x.email, y.email, W_EMAIL, W_EMAIL_DIFFERENT, count, reasons)
    total += _identifier("phone", x.phone, y.phone, W_PHONE, W_PHONE_DIFFERENT, count, reasons)
    if x.number and x.number == y.number:
        total += W_NUMBER * _damp(count("c" + x.number))
        reasons.append(Reason("number", x.number))
    if min_logit is not None and total + W_ADDRESS + _NAME_CURVE[-1][1] < min_logit:
        return None
    name = _name_similarity(x.name, x.sorted_name, y.name, y.sorted_name, partial)
    alias = 0.0
    if name < 1.0 and (x.alias or y.alias):
        alias = max(
            _name_similarity(x.name, x.sorted_name, y.alias, y.sorted_alias, partial),
            _name_similarity(x.alias, x.sorted_alias, y.name, y.sorted_name, partial),
        )
    if x.name and y.name:  # a draft without a name yet: no evidence either way
        total += _name_weight(max(name, alias))
    if min_logit is not None and total + W_ADDRESS < min_logit:
        return None
    where, addresses = _compare_addresses(x.addresses, y.addresses)
    if where == 2 and addresses is not None:
        total += W_ADDRESS
        # As written on the customer with the lower id; for a draft (id 0), on the existing customer.
        shown = addresses[0] if 0 < x.id < y.id else addresses[1]
        reasons.append(Reason("address", shown.label))
    elif where == 0:
        total += W_ADDRESS_ELSEWHERE
    if alias > name and alias >= _NAME_REASON_MIN:
        reasons.insert(0, Reason("alias", round(alias * 100)))
    elif name >= _NAME_REASON_MIN:
        reasons.insert(0, Reason("name", round(name * 100)))
    return total, reasons


_REASON_ORDER = {"vat": 0, "email": 1, "phone": 2, "name": 3, "alias": 3, "address": 4, "number": 5, "domain": 6}


def _ordered(reasons: list[Reason]) -> tuple[Reason, ...]:
    return tuple(sorted(reasons, key=lambda r: _REASON_ORDER.get(r.code, 9)))


# --------------------------------------------------------------------------
# The scan.
# --------------------------------------------------------------------------


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(item, item) != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _rank(records: list[_Record]) -> list[int]:
    """Each record's position in the order of (name with sorted words, postal code)."""
    order = sorted(
        range(len(records)),
        key=lambda p: (records[p].sorted_name, records[p].addresses[0].postal if records[p].addresses else ""),
    )
    rank = [0] * len(records)
    for position, record_index in enumerate(order):
        rank[record_index] = position
    return rank


def _candidate_pairs(records: list[_Record]) -> tuple[set[int], set[int], dict[str, int]]:
    """Candidate pairs of record positions, encoded i * n + j with i < j.

    Returns the pairs sharing an identifier (VAT, e-mail, phone, mail
    domain, customer number), the other pairs (same place, rare name word,
    sorted neighbourhood), and the number of customers holding each
    identifier. See _BLOCKS for how each kind of block gives pairs.
    """
    n = len(records)
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, record in enumerate(records):
        for key in _record_keys(record):
            blocks[key].append(position)
    rank = _rank(records)
    sizes: dict[str, int] = {}
    identified: set[int] = set()
    others: set[int] = set()
    for key, members in blocks.items():
        size = len(members)
        if size < 2:
            continue
        kind = key[0]
        if kind in _IDENTIFIER_KEYS:
            sizes[key] = size
        add = identified.add if kind in _IDENTIFIER_KEYS else others.add
        all_pairs_up_to, largest = _BLOCKS[kind]
        if size > largest:
            continue
        if size <= all_pairs_up_to:
            for index, first in enumerate(members):  # positions ascending: first < second
                base = first * n
                for second in members[index + 1 :]:
                    add(base + second)
            continue
        members = sorted(members, key=rank.__getitem__)
        for index, first in enumerate(members):
            for second in members[index + 1 : index + 1 + _BLOCK_WINDOW]:
                add(first * n + second if first < second else second * n + first)
    # Sorted neighbourhood over all names (words sorted) and aliases.
    order = sorted(
        [(r.sorted_name, p) for p, r in enumerate(records) if r.name]
        + [(r.sorted_alias, p) for p, r in enumerate(records) if r.alias]
    )
    add = others.add
    for index in range(len(order) - 1):
        first = order[index][1]
        for _key, second in order[index + 1 : index + _SORTED_WINDOW]:
            if first != second:
                add(first * n + second if first < second else second * n + first)
    others -= identified
    return identified, others, sizes


def _min_name_similarity(min_logit: float) -> float:
    """The name similarity below which a pair without shared identifiers cannot reach `min_logit`."""
    # Besides the name, such a pair can have the address at most, plus a little
    # for identifiers held by too many customers to be blocked on.
    needed = min_logit - BIAS - W_ADDRESS - 0.5
    if needed <= _NAME_CURVE[0][1]:
        return 0.0
    for (s0, w0), (s1, w1) in pairwise(_NAME_CURVE):
        if w0 <= needed <= w1 and w1 > w0:
            return s0 + (s1 - s0) * (needed - w0) / (w1 - w0)
    return 1.0


def _may_match_by_name(x: _Record, y: _Record, cutoff: float) -> bool:
    """Could the names (or name and alias) be `cutoff` % alike or more? Cheap, exact for our similarity."""
    ratio, token_set = fuzz.ratio, fuzz.token_set_ratio
    set_cutoff = min(100.0, cutoff / 0.9)
    pairs = [(x.name, x.sorted_name, y.name, y.sorted_name)]
    if y.alias:
        pairs.append((x.name, x.sorted_name, y.alias, y.sorted_alias))
    if x.alias:
        pairs.append((x.alias, x.sorted_alias, y.name, y.sorted_name))
    for a, a_sorted, b, b_sorted in pairs:
        if ratio(a_sorted, b_sorted, score_cutoff=cutoff) or token_set(a, b, score_cutoff=set_cutoff):
            return True
    return False


def find_duplicates(
    session: Session,
    min_score: float = DEFAULT_MIN_SCORE,
    dismissed: Collection[frozenset[int]] = (),
    progress: Callable[[str, int, int], None] | None = None,
    stats: ScanStats | None = None,
) -> list[Cluster]:
    """Clusters of probable duplicates among all customers, best score first.

    `dismissed` holds pairs marked "not a duplicate"; they are never linked.
    `progress(stage, done, total)` is called with stage "load", "block",
    "score" and "cluster"; an exception raised there aborts the scan (to
    cancel it). `stats`, when given, is filled with figures.
    """
    stats = stats if stats is not None else ScanStats()
    started = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    with _gc_paused():
        return _find_duplicates(session, min_score, dismissed, report, stats, started)


def _find_duplicates(
    session: Session,
    min_score: float,
    dismissed: Collection[frozenset[int]],
    report: Callable[[str, int, int], None],
    stats: ScanStats,
    started: float,
) -> list[Cluster]:
    report("load", 0, 1)
    records, location_count = _load_records(session)
    n = len(records)
    stats.customers, stats.locations = n, location_count
    report("load", 1, 1)
    lap = time.perf_counter()
    stats.seconds["load"] = lap - started

    report("block", 0, 1)
    identified, others, sizes = _candidate_pairs(records)
    stats.candidate_pairs = len(identified) + len(others)
    report("block", 1, 1)
    now = time.perf_counter()
    stats.seconds["blocking"], lap = now - lap, now

    count = sizes.get
    counter: _CountOf = lambda key: count(key, 1)  # noqa: E731
    min_logit = _logit(min_score)
    cutoff = 100 * _min_name_similarity(min_logit)
    skip = {frozenset(p) for p in dismissed}
    found: list[PairScore] = []
    total_pairs = stats.candidate_pairs
    step = max(total_pairs // 50, 20_000)
    scored = done = 0
    for pairs, prefilter in ((identified, False), (others, True)):
        for code in pairs:
            done += 1
            if done % step == 0:
                report("score", done, total_pairs)
            x, y = records[code // n], records[code % n]
            if prefilter and cutoff and not _may_match_by_name(x, y, cutoff):
                continue
            result = _score(x, y, counter, min_logit)
            if result is None:
                continue
            scored += 1
            logit, reasons = result
            if logit < min_logit:
                continue
            a, b = (x.id, y.id) if x.id < y.id else (y.id, x.id)
            if skip and frozenset((a, b)) in skip:
                continue
            found.append(PairScore(a, b, round(_sigmoid(logit), 4), _ordered(reasons)))
    report("score", total_pairs, total_pairs)
    stats.scored_pairs, stats.reported_pairs = scored, len(found)
    now = time.perf_counter()
    stats.seconds["scoring"], lap = now - lap, now

    report("cluster", 0, 1)
    clusters = _clusters(found)
    report("cluster", 1, 1)
    stats.seconds["clustering"] = time.perf_counter() - lap
    return clusters


def _clusters(pairs: Iterable[PairScore]) -> list[Cluster]:
    union = _UnionFind()
    pairs = list(pairs)
    for pair in pairs:
        union.union(pair.a, pair.b)
    groups: dict[int, list[PairScore]] = defaultdict(list)
    for pair in pairs:
        groups[union.find(pair.a)].append(pair)
    clusters = []
    for members in groups.values():
        ids = sorted({i for pair in members for i in (pair.a, pair.b)})
        members.sort(key=lambda p: (-p.score, p.a, p.b))
        clusters.append(Cluster(tuple(ids), members[0].score, tuple(members)))
    clusters.sort(key=lambda c: (-c.score, c.customer_ids[0]))
    return clusters


def score_pair(session: Session, a_id: int, b_id: int, index: DuplicateIndex | None = None) -> PairScore:
    """Score two customers, with every reason (for the merge wizard and tests).

    Values the two share (VAT, e-mail, mail domain, customer number) are
    counted in the database to damp those held by many customers, as the scan
    does; with an `index`, its counts are used instead (phones included).
    """
    records, _locations = _load_records(session, [a_id, b_id], include_marked=True)
    by_id = {r.id: r for r in records}
    for customer_id in (a_id, b_id):
        if customer_id not in by_id:
            raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    x, y = by_id[a_id], by_id[b_id]
    if index is not None:
        counter: _CountOf = index._count
    else:
        counts = _shared_value_counts(session, x, y)
        counter = lambda key: counts.get(key, 2)  # noqa: E731
    result = _score(x, y, counter)
    assert result is not None  # no min_logit: never cut short
    logit, reasons = result
    a, b = sorted((a_id, b_id))
    return PairScore(a, b, round(_sigmoid(logit), 4), _ordered(reasons))


def _shared_value_counts(session: Session, x: _Record, y: _Record) -> dict[str, int]:
    """How many customers hold each identifier these two share, counted in the database."""
    c = Customer.__table__.c  # type: ignore[attr-defined]
    conditions = {}
    if x.vat and x.vat == y.vat:
        conditions["v" + x.vat] = c.vat_number == x.vat
    if x.number and x.number == y.number:
        conditions["c" + x.number] = c.customer_number == x.number
    if x.email and x.email == y.email:
        conditions["e" + x.email] = func.lower(c.email) == x.email
    elif x.domain and x.domain == y.domain:
        conditions["d" + x.domain] = func.lower(c.email).endswith("@" + x.domain, autoescape=True)
    counts = {}
    for key, condition in conditions.items():
        counted = session.execute(select(func.count()).select_from(Customer.__table__).where(condition)).scalar_one()
        counts[key] = max(int(counted), 2)
    return counts


# --------------------------------------------------------------------------
# The live index.
# --------------------------------------------------------------------------


class DuplicateIndex:
    """Blocking keys -> customer ids, in memory, for the create/edit form's live warning.

    Build it once (`DuplicateIndex.build(session)`, about as long as loading
    the customers), keep it, and call `refresh(session, ids)` after customers
    were created, changed or deleted. Readers and `refresh` may run in
    different threads: every change is applied under a lock, and records are
    immutable, so a reader sees each customer either before or after a change.
    """

    _CANDIDATES = 400  # name candidates scored per draft, best token overlap first
    _PREFIX_WORDS = 200  # vocabulary words a word being typed may expand to
    _WORD_HOLDERS = 5000  # a name word held by more customers does not select candidates

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._records: dict[int, _Record] = {}
        self._keys: dict[str, set[int]] = {}
        self._record_keys: dict[int, frozenset[str]] = {}
        self._words: dict[str, set[int]] = {}  # normalised word -> ids (name and alias)
        self._vocabulary: list[str] = []  # sorted words, for prefix look-ups

    @classmethod
    def build(cls, session: Session) -> DuplicateIndex:
        index = cls()
        with _gc_paused(), index._lock:
            records, _locations = _load_records(session)
            for record in records:
                index._add(record)
            index._vocabulary = sorted(index._words)
        return index

    def __len__(self) -> int:
        return len(self._records)

    # -- changes ---------------------------------------------------------

    def _add(self, record: _Record, keep_vocabulary: bool = False) -> None:
        keys = frozenset(_record_keys(record))
        self._records[record.id] = record
        self._record_keys[record.id] = keys
        for key in keys:
            self._keys.setdefault(key, set()).add(record.id)
        for word in set(record.name_words) | set(record.alias_words):
            holders = self._words.get(word)
            if holders is None:
                holders = self._words[word] = set()
                if keep_vocabulary:
                    insort(self._vocabulary, word)
            holders.add(record.id)

    def _remove(self, customer_id: int) -> None:
        record = self._records.pop(customer_id, None)
        if record is None:
            return
        for key in self._record_keys.pop(customer_id, ()):
            holders = self._keys.get(key)
            if holders is not None:
                holders.discard(customer_id)
                if not holders:
                    del self._keys[key]
        for word in set(record.name_words) | set(record.alias_words):
            holders = self._words.get(word)
            if holders is not None:
                holders.discard(customer_id)
                if not holders:
                    del self._words[word]
                    position = bisect_left(self._vocabulary, word)
                    if position < len(self._vocabulary) and self._vocabulary[position] == word:
                        del self._vocabulary[position]

    def refresh(self, session: Session, customer_ids: Iterable[int]) -> None:
        """Reload these customers (created, edited, deleted, locations changed) from the database."""
        ids = set(customer_ids)
        if not ids:
            return
        records, _locations = _load_records(session, ids)  # outside the lock: the database is slow
        with self._lock:
            for customer_id in ids:
                self._remove(customer_id)
            for record in records:
                self._add(record, keep_vocabulary=True)

    # -- look-ups --------------------------------------------------------

    def _count(self, key: str) -> int:
        holders = self._keys.get(key)
        return len(holders) if holders else 1

    def likely_duplicates(
        self, draft: DraftCustomer, limit: int = 5, exclude_id: int | None = None, min_score: float = 0.5
    ) -> list[Match]:
        """The existing customers most like `draft`, best first, at most `limit`.

        The name may be incomplete (the user is typing): its last word also
        matches longer words it starts. `exclude_id` is the customer being
        edited. Matches below `min_score` are left out.
        """
        record = _draft_record(draft)
        with self._lock:
            candidates = self._candidates(record, expand_last=not draft.name.endswith(" "))
            candidates.discard(exclude_id)  # type: ignore[arg-type]
            others = [self._records[i] for i in candidates if i in self._records]
            # Customers holding each identifier, the draft counted in, the edited customer out.
            counts = {
                key: len(holders) + 1 - (exclude_id in holders)
                for key in _record_keys(record)
                if key[0] in _IDENTIFIER_KEYS and (holders := self._keys.get(key, set()))
            }
        counter: _CountOf = lambda key: counts.get(key, 1)  # noqa: E731
        min_logit = _logit(min_score)
        matches = []
        for other in others:
            result = _score(record, other, counter, min_logit, partial=True)
            if result is None or result[0] < min_logit:
                continue
            logit, reasons = result
            matches.append(Match(other.id, round(_sigmoid(logit), 4), _ordered(reasons)))
        matches.sort(key=lambda m: (-m.score, m.customer_id))
        return matches[:limit]

    def _candidates(self, record: _Record, expand_last: bool) -> set[int]:
        """Customers worth scoring against a draft (call under the lock)."""
        found: set[int] = set()
        # Identifiers and the address: every holder (but not of a value half the customers share).
        for key in _record_keys(record):
            kind = key[0]
            holders = self._keys.get(key)
            if not holders or kind == "n":
                continue
            if kind in "vef" or len(holders) <= MAX_BLOCK_SIZE:
                found |= holders
        # Name words: rank customers by the rarity of the words they share with the draft.
        hits: dict[int, float] = defaultdict(float)
        words = list(dict.fromkeys(record.name_words + record.alias_words))
        last = record.name_words[-1] if record.name_words and expand_last else None
        for word in words:
            holders = set(self._words.get(word, ()))
            if word == last and len(word) >= 2:
                # Still being typed: also the words it starts, as long as they stay few.
                start = bisect_left(self._vocabulary, word)
                for other in self._vocabulary[start : start + self._PREFIX_WORDS]:
                    if not other.startswith(word) or len(holders) > self._WORD_HOLDERS:
                        break
                    holders |= self._words[other]
            sound = self._keys.get("n" + _phonetic(word))
            if sound and len(sound) <= self._WORD_HOLDERS:
                holders |= sound
            if not holders or len(holders) > self._WORD_HOLDERS:
                continue  # too common to tell anyone apart ("van", "garage" at a million customers)
            weight = math.log(1 + len(self._records) / len(holders))
            for customer_id in holders:
                hits[customer_id] += weight
        if hits:
            ranked = heapq.nlargest(self._CANDIDATES, hits.items(), key=lambda item: item[1])
            found.update(customer_id for customer_id, _weight in ranked)
        return found
