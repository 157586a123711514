"""What duplicate detection answers: pairs with their reasons, clusters, matches for a draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from custtui.i18n import _

# Pairs at or above this score are reported as duplicates (see the module docstring).
DEFAULT_MIN_SCORE = 0.75
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
