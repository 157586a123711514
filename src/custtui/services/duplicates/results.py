"""What duplicate detection answers: pairs with their reasons, clusters, matches for a draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from custtui.i18n import _, format_number, format_percent


def _percent(value: str | int | None) -> str:
    """A similarity kept in whole percent (90), shown in the user's locale: '90 %' in French and German."""
    try:
        return format_percent(int(value or 0) / 100)
    except (TypeError, ValueError):
        return str(value)


# A pair at or above CERTAIN is a duplicate (the default list); between
# POSSIBLE and CERTAIN it is shown apart, to check. Both are probabilities
# that the two records are one customer, under the learned parameters
# (services.duplicates.model); chosen on the demo data, see
# benchmarks/duplicates_quality.py.
CERTAIN = 0.9
POSSIBLE = 0.5
DEFAULT_MIN_SCORE = CERTAIN
# --------------------------------------------------------------------------
# Public data.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One piece of evidence for a pair: a code, its value, and a translated text.

    codes: "vat", "email", "phone", "name", "alias", "address"
    (same street and number), "street" (same street), "building" (same postal
    code and house number), "number" (customer number).
    value: the shared value (VAT number, e-mail, phone, address, customer
    number) or the similarity in percent for name/alias.
    weight: what it adds to the pair's log-odds, under the learned parameters.
    """

    code: str
    value: str | int | None = None
    weight: float | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The reason in the current UI language."""
        code, value = self.code, self.value
        if code == "vat":
            return _("same VAT")
        if code == "email":
            return _("same e-mail")
        if code == "phone":
            return _("same phone")
        if code == "address":
            return _("same street and number")
        if code == "street":
            return _("same street")
        if code == "building":
            return _("same postal code and house number")
        if code == "number":
            return _("same customer number")
        if code == "name":
            return _("name {percent}").format(percent=_percent(value))
        if code == "alias":
            return _("internal name matches name ({percent})").format(percent=_percent(value))
        return code

    @property
    def with_weight(self) -> str:
        """The reason and what it weighs: "same phone (+5.1)"."""
        if self.weight is None:
            return self.text
        return _("{reason} ({weight})").format(reason=self.text, weight=format_number(round(self.weight, 1), "+0.0;-0.0"))

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
    """Customers that are probably one: ids ascending, score = best pair score.

    confidence: "certain" (linked by pairs scoring at least CERTAIN) or
    "possible" (pairs between POSSIBLE and CERTAIN: to check).
    """

    customer_ids: tuple[int, ...]
    score: float
    pairs: tuple[PairScore, ...]
    confidence: str = "certain"


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
    parameters: object = None  # the MatchParameters the scan used
    seconds: dict[str, float] = field(default_factory=dict)
