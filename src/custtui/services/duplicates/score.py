"""Comparing two records field by field (Fellegi-Sunter levels), and the pair score with its reasons.

`compare` says, for each field, which comparison level two records are at
(FIELDS: the name is "exact", "alias", one of four similarity bands or
"different"; the address "street and number" ... "different"; ...), or that
the field says nothing (one of them has no value). `Scorer` turns the levels
into log-odds with the weights of a `MatchParameters` (services.duplicates.model),
lowering the weight of an agreement on a common value (term frequency).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from custtui.services.addresses import Address
from custtui.services.duplicates.model import (
    ADDRESS_LEVELS,
    FIELD_NAMES,
    IDENTIFIERS,
    NAME_LEVELS,
    MatchParameters,
    joint_level,
)
from custtui.services.duplicates.records import Record
from custtui.services.duplicates.results import Reason

NAME_BANDS = (("95", 0.95), ("88", 0.88), ("80", 0.80), ("70", 0.70))  # similarity lower bounds
_LOWEST_BAND = NAME_BANDS[-1][1]
_ALIAS_MIN = 0.90  # the alias of one against the name of the other: at least this alike
_NAME_REASON_MIN = 0.7  # a name similarity below this is not worth showing
_STREET_MIN = 88  # street similarity (0..100) that counts as the same street
_CITY_MIN = 90  # city similarity that counts as the same city (typos in place names)

Levels = tuple[int | None, ...]  # one per field of model.FIELDS, in order
CountOf = Callable[[str], int]  # customers holding a key ("s" sorted name, "a" address, identifiers)


def _name_similarity(a: str, a_sorted: str, b: str, b_sorted: str, partial: bool = False) -> float:
    """0..1: max(token_sort_ratio, 0.9 x token_set_ratio); `partial`: `a` may be a prefix being typed."""
    if not a or not b:
        return 0.0
    if a_sorted == b_sorted:
        return 1.0
    # Below the lowest band a name is "different" whatever its figure: rapidfuzz stops early under a cutoff.
    floor = 0.0 if partial else 100 * _LOWEST_BAND
    best = fuzz.ratio(a_sorted, b_sorted, score_cutoff=floor)  # = token_sort_ratio(a, b)
    if best < 95:
        best = max(best, 0.9 * fuzz.token_set_ratio(a, b, score_cutoff=min(100.0, max(best, floor) / 0.9)))
    if partial and len(a) >= 4 and len(a) < len(b) and best < 95:
        # The user is still typing: compare with as much of the other name.
        best = max(best, 0.9 * fuzz.ratio(a, b[: len(a)]))
    return best / 100.0


INITIALS_SIMILARITY = 0.9  # "J. Peeters" against "Peeters Jan": as alike as a name contained in the other


def initials_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether every word of the shorter name is a word of the other, or its initial, or that word mistyped.

    At least one of them must be a whole word of three letters or more:
    "j peeters" = "peeters jan", "dumont jean" = "j dumont"; "j p" matches nothing.
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if not short or len(short) == len(long) == 1:
        return False
    free = list(long)
    whole = False
    for word in short:
        for index, other in enumerate(free):
            if word == other or (len(word) == 1 and other.startswith(word)) or (len(other) == 1 and word.startswith(other)) or (
                len(word) >= 4 and len(other) >= 4 and fuzz.ratio(word, other, score_cutoff=85)
            ):
                whole = whole or (len(word) >= 3 and len(other) >= 3)
                del free[index]
                break
        else:
            return False
    return whole


def name_level(similarity: float, alias: float) -> int:
    """The name's level for the name similarity and the alias similarity (model.NAME_LEVELS)."""
    levels = NAME_LEVELS
    if similarity >= 1.0:
        return 0
    if alias >= _ALIAS_MIN and alias > similarity:
        return 1
    for band, lowest in NAME_BANDS:
        if similarity >= lowest:
            return levels.index(band)
    return levels.index("different")


def _same_street(x: Address, y: Address) -> bool:
    if not x.street or not y.street:
        return False
    return x.street == y.street or bool(fuzz.ratio(x.street, y.street, score_cutoff=_STREET_MIN))


def _same_place(x: Address, y: Address) -> bool:
    if x.postal and y.postal:
        return x.postal == y.postal
    return bool(x.city and y.city and (x.city == y.city or fuzz.ratio(x.city, y.city, score_cutoff=_CITY_MIN)))


_STREET_NUMBER, _POSTAL_NUMBER, _STREET, _CITY, _ADDRESS_DIFFERENT = (
    ADDRESS_LEVELS.index(level) for level in ("street_number", "postal_number", "street", "city", "different")
)
_ADDRESS_REASONS = {_STREET_NUMBER: "address", _POSTAL_NUMBER: "building", _STREET: "street"}


def compare_addresses(a: tuple[Address, ...], b: tuple[Address, ...]) -> tuple[int | None, tuple[Address, Address] | None]:
    """The best address level over every pair of addresses (model.ADDRESS_LEVELS), and those two addresses."""
    if not a or not b:
        return None, None
    best: int = _ADDRESS_DIFFERENT
    shown: tuple[Address, Address] | None = None
    for x in a:
        for y in b:
            level = _ADDRESS_DIFFERENT
            same_place = _same_place(x, y)
            same_city = same_place or bool(x.city and x.city == y.city)
            if same_place and _same_street(x, y):
                level = _STREET_NUMBER if x.number and x.number == y.number else _STREET
            elif same_place and x.postal and x.house and x.house == y.house:
                level = _POSTAL_NUMBER  # the same building, the street written differently (or missing)
            elif same_city:
                level = _CITY
            if level < best:
                best, shown = level, (x, y)
                if level == 0:
                    return best, shown
    return best, shown


def _shared(x_own: str, x_others: tuple[str, ...], y_own: str, y_others: tuple[str, ...]) -> int | None:
    """0 when the two share a value (the customer's own or a contact person's), 1 when both have some and share
    none, None when a side has none."""
    if not x_others and not y_others:  # the common case: the customers' own values alone
        return (0 if x_own == y_own else 1) if x_own and y_own else None
    xs = {value for value in (x_own, *x_others) if value}
    ys = {value for value in (y_own, *y_others) if value}
    return (0 if xs & ys else 1) if xs and ys else None


def _identifier_levels(x: Record, y: Record) -> tuple[int | None, int | None, int | None, int | None]:
    """Same (0), different (1) or unknown (None): phone, e-mail, VAT, customer number (model.IDENTIFIERS)."""
    return (
        _shared(x.phone, x.phones, y.phone, y.phones),
        _shared(x.email, x.emails, y.email, y.emails),
        (0 if x.vat == y.vat else 1) if x.vat and y.vat else None,
        (0 if x.number == y.number else 1) if x.number and y.number else None,
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two records compared: the level of each field of model.FIELDS, and what the reasons show."""

    levels: Levels
    name: int | None  # the name's level (model.NAME_LEVELS), None: a side has no name
    address: int | None  # the address level (model.ADDRESS_LEVELS), None: a side has no address
    name_similarity: float
    alias_similarity: float
    addresses: tuple[Address, Address] | None  # the two addresses at the address level


def compare(
    x: Record,
    y: Record,
    partial: bool = False,
    identifiers: tuple[int | None, ...] | None = None,
    addresses_compared: tuple[int | None, tuple[Address, Address] | None] | None = None,
) -> Comparison:
    """Compare every field (`identifiers`, `addresses_compared`: their levels, when known already)."""
    if identifiers is None:
        identifiers = _identifier_levels(x, y)
    similarity = _name_similarity(x.name, x.sorted_name, y.name, y.sorted_name, partial)
    if similarity < INITIALS_SIMILARITY and not partial and initials_match(x.name_words, y.name_words):
        similarity = INITIALS_SIMILARITY
    alias = 0.0
    if similarity < 1.0 and (x.alias or y.alias):
        alias = max(
            _name_similarity(x.name, x.sorted_name, y.alias, y.sorted_alias, partial),
            _name_similarity(x.alias, x.sorted_alias, y.name, y.sorted_name, partial),
        )
    name = name_level(similarity, alias) if x.name and y.name else None  # a draft without a name: no evidence
    address, addresses = addresses_compared or compare_addresses(x.addresses, y.addresses)
    return Comparison((joint_level(name, address), *identifiers), name, address, similarity, alias, addresses)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def log_odds(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def address_key(address: Address) -> str:
    """The counting key of an address, as record_keys writes it."""
    return "a" + address.postal + ":" + address.street.replace(" ", "") + ":" + address.number


class Scorer:
    """Log-odds of two records being one customer, with the weights of learned parameters.

    `count(key)` says how many customers hold a value (keys as record_keys
    writes them, and "s" + the sorted name); `customers` is how many there
    are. An agreement on a value many customers hold weighs less: its u
    probability is at least the chance that another customer holding a value
    has this one (term frequency adjustment, as splink does).
    """

    def __init__(
        self, parameters: MatchParameters, count: CountOf, customers: int, weights: dict[str, list[float]] | None = None
    ) -> None:
        """`weights`: parameters.weights(), when the caller keeps them (the live index scores a draft per call)."""
        self.parameters = parameters
        self.count = count
        self.customers = max(customers, 2)
        self.prior = log_odds(parameters.prior)
        self.weights = parameters.weights() if weights is None else weights
        joint = self.weights["name_address"]
        self.best_joint = max(0.0, *joint)  # the most name and address can add: a bound that skips hopeless pairs
        width = len(ADDRESS_LEVELS)
        # The name alone (no address on one side), and the most a name level can reach with any address.
        self.name_alone = [joint[n * width + width - 1] for n in range(len(NAME_LEVELS) - 1)]
        self.best_with_name = [max(joint[n * width : (n + 1) * width]) for n in range(len(NAME_LEVELS) - 1)]
        # The most name and address can add once the address level is known (any name, or none).
        self.best_with_address = [
            max(joint[n * width + a] for n in range(len(NAME_LEVELS)) if n * width + a < len(joint))
            for a in range(width)
        ]

    def _frequency_penalty(self, part: str, key: str) -> float:
        """How much less an agreement on the value of `key` weighs than an agreement of `part` on average."""
        holders = self.count(key)
        if holders <= 2 or not self.parameters.customers:  # the defaults describe no database
            return 0.0
        known = max(self.parameters.known_share.get(part, 1.0) * self.customers, holders)
        frequency = (holders - 1) / max(known - 1, 1)  # another customer with a value has this one
        return max(0.0, math.log(frequency / self.parameters.random_agreement.get(part, frequency)))

    def score(
        self, x: Record, y: Record, min_logit: float | None = None, partial: bool = False
    ) -> tuple[float, Comparison, list[Reason]] | None:
        """The pair's log-odds, comparison and reasons; None when it cannot reach `min_logit`."""
        weights = self.weights
        identifiers = _identifier_levels(x, y)
        addresses_compared = None
        if min_logit is not None:
            bound = self.prior
            for field, level in zip(IDENTIFIERS, identifiers, strict=True):
                if level is not None:
                    bound += weights[field][level]
            if bound + self.best_joint < min_logit:
                return None
            # The addresses cost little to compare, the names much more: a pair whose addresses and
            # identifiers leave it short whatever the names say is not compared further.
            addresses_compared = compare_addresses(x.addresses, y.addresses)
            address = addresses_compared[0]
            if bound + self.best_with_address[len(ADDRESS_LEVELS) - 1 if address is None else address] < min_logit:
                return None
        comparison = compare(x, y, partial, identifiers, addresses_compared)
        total = self.prior
        reasons: list[Reason] = []
        joint = comparison.levels[0]
        if joint is not None:
            weight = weights["name_address"][joint]
            name, address = comparison.name, comparison.address
            penalty = 0.0
            if name == 0:
                penalty += self._frequency_penalty("name", "s" + x.sorted_name)
            if address == _STREET_NUMBER and comparison.addresses is not None:
                penalty += self._frequency_penalty("address", address_key(comparison.addresses[0]))
            weight -= penalty
            total += weight
            # Shown apart: what the name says alone, and what the address adds to it.
            name_weight = self.name_alone[name] if name is not None else 0.0
            if name == 1:
                reasons.append(Reason("alias", round(comparison.alias_similarity * 100), name_weight))
            elif name is not None and comparison.name_similarity >= _NAME_REASON_MIN:
                reasons.append(Reason("name", round(comparison.name_similarity * 100), name_weight))
            if address in _ADDRESS_REASONS and comparison.addresses is not None:
                first, second = comparison.addresses
                # As written on the customer with the lower id; for a draft (id 0), on the existing customer.
                shown = first if 0 < x.id < y.id else second
                reasons.append(Reason(_ADDRESS_REASONS[address], shown.label, weight - name_weight))
        for index in range(1, len(FIELD_NAMES)):
            level = comparison.levels[index]
            if level is None:
                continue
            field = FIELD_NAMES[index]
            weight = weights[field][level]
            if level == 0:
                value = getattr(x, field)
                weight -= self._frequency_penalty(field, _KEY_PREFIX[field] + value)
                reasons.append(Reason(field, value, weight))
            total += weight
        return total, comparison, reasons


_KEY_PREFIX = {"vat": "v", "email": "e", "phone": "f", "number": "c"}  # as record_keys writes them


_REASON_ORDER = {"vat": 0, "email": 1, "phone": 2, "name": 3, "alias": 3, "address": 4, "street": 4, "building": 4, "number": 5}


def ordered_reasons(reasons: list[Reason]) -> tuple[Reason, ...]:
    return tuple(sorted(reasons, key=lambda r: _REASON_ORDER.get(r.code, 9)))
