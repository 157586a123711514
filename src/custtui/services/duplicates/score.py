"""The pair score: log-odds from what two records share, with the reasons shown to the user."""

from __future__ import annotations

import math
from collections.abc import Callable

from rapidfuzz import fuzz

from custtui.services.addresses import Address
from custtui.services.duplicates.records import Record
from custtui.services.duplicates.results import Reason

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
NAME_CURVE = ((0.0, -3.0), (0.6, -3.0), (0.75, -1.0), (0.85, 1.0), (0.95, 2.6), (1.0, 3.0))
_NAME_REASON_MIN = 0.7  # a name similarity below this is not worth showing
_STREET_MIN = 88  # street similarity (0..100) that counts as the same street
_SHARED_FREE = 3  # values held by up to this many customers keep their full weight


def _name_weight(similarity: float) -> float:
    previous_s, previous_w = NAME_CURVE[0]
    for s, w in NAME_CURVE[1:]:
        if similarity <= s:
            return previous_w + (w - previous_w) * (similarity - previous_s) / (s - previous_s)
        previous_s, previous_w = s, w
    return NAME_CURVE[-1][1]


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


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def log_odds(p: float) -> float:
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


CountOf = Callable[[str], int]  # customers holding a key
_KEY_PREFIX = {"vat": "v", "email": "e", "domain": "d", "phone": "f"}  # as record_keys writes them


def _identifier(
    kind: str, x: str, y: str, same: float, different: float, count: CountOf, reasons: list[Reason]
) -> float:
    """The weight of an identifier both records may have: `same` (damped for a common value), `different`, or 0."""
    if not x or not y:
        return 0.0
    if x != y:
        return different
    reasons.append(Reason(kind, x))
    return same * _damp(count(_KEY_PREFIX[kind] + x))


def pair_logit(
    x: Record, y: Record, count: CountOf, min_logit: float | None = None, partial: bool = False
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
    if min_logit is not None and total + W_ADDRESS + NAME_CURVE[-1][1] < min_logit:
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


def ordered_reasons(reasons: list[Reason]) -> tuple[Reason, ...]:
    return tuple(sorted(reasons, key=lambda r: _REASON_ORDER.get(r.code, 9)))
