"""Belgian enterprise (VAT) numbers: BE0 or BE1 and 9 digits, the last two 97 - (the first eight mod 97).

When the first eight digits are a multiple of 97 the check digits are 97 itself, not 00: an
implementation that reduces the difference mod 97 once more would take 00 and refuse 97.
"""

from __future__ import annotations

import pytest
from helpers import make_customer
from sqlmodel import Session

from custtui.errors import ValidationError
from custtui.models import User
from custtui.services import validation

# 09700000 = 97 x 100,000 and 10000021 = 97 x 103,093: check digits 97.
CHECK_DIGITS_97 = ["BE0970000097", "BE1000002197"]


@pytest.mark.parametrize("vat", CHECK_DIGITS_97)
def test_check_digits_97_are_accepted(vat: str) -> None:
    assert int(vat[2:10]) % 97 == 0  # the case this test is about
    assert validation.belgian_vat_is_valid(vat)
    errors: dict[str, str] = {}
    validation.check_vat(vat, errors)
    assert errors == {}


@pytest.mark.parametrize("vat", CHECK_DIGITS_97)
@pytest.mark.parametrize("wrong", ["00", "96", "98", "01"])
def test_other_check_digits_on_the_same_number_are_refused(vat: str, wrong: str) -> None:
    bad = vat[:-2] + wrong
    assert not validation.belgian_vat_is_valid(bad)
    errors: dict[str, str] = {}
    validation.check_vat(bad, errors)
    assert errors == {"vat_number": "This Belgian VAT number fails its check digits."}


def test_a_customer_keeps_a_vat_number_with_check_digits_97(session: Session, admin: User) -> None:
    customer = make_customer(session, admin, "Brouwerij Het Anker", vat_number="BE 0970.000.097")
    assert customer.vat_number == "BE0970000097"
    with pytest.raises(ValidationError) as refused:
        make_customer(session, admin, "Brouwerij De Koninck", vat_number="BE 0970.000.000")
    assert set(refused.value.errors) == {"vat_number"}
