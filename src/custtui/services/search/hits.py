"""What a search answers."""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------------------
# Public types
# ---------------------------------------------------------------------------

FIELDS = ("name", "internal_name", "customer_number", "vat_number", "phone", "email", "address")
NAME, ALIAS, NUMBER, VAT, PHONE, EMAIL, ADDRESS = range(len(FIELDS))
# Among equal scores, a hit on an earlier field comes first.
FIELD_ORDER = {"name": 0, "internal_name": 1, "customer_number": 2, "vat_number": 3, "phone": 4,
                "email": 6, "street": 5, "city": 5, "address": 5}


@dataclass(frozen=True)
class SearchHit:
    customer_id: int
    score: float  # 0..100
    field: str  # name, internal_name, customer_number, street, city, address, vat_number, phone, email
    matched: str  # the original (unfolded) text that matched, for display
