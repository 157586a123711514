"""Belgian enterprise (VAT) numbers: BE0 or BE1 and 9 digits, the last two 97 - (the first eight mod 97).

When the first eight digits are a multiple of 97 the check digits are 97 itself, not 00: an
implementation that reduces the difference mod 97 once more would take 00 and refuse 97.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
import pytest
from helpers import make_customer
from sqlmodel import Session

from custtui.errors import ValidationError
from custtui.models import User
from custtui.safetext import BIDI_CONTROLS, LINE_SEPARATORS
from custtui.services import validation
from custtui.services.normalise import compact_vat

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
    assert errors == {"vat_number": "This VAT number fails its check digits."}


def test_a_customer_keeps_a_vat_number_with_check_digits_97(session: Session, admin: User) -> None:
    customer = make_customer(session, admin, "Brouwerij Het Anker", vat_number="BE 0970.000.097")
    assert customer.vat_number == "BE0970000097"
    with pytest.raises(ValidationError) as refused:
        make_customer(session, admin, "Brouwerij De Koninck", vat_number="BE 0970.000.000")
    assert set(refused.value.errors) == {"vat_number"}


# The ways people write VAT numbers (issue "Duplicates that hold on real customer data"), and how they are stored.
WRITTEN_AS = [
    ("BE 0403.170.701", "BE-VLG", "BE0403170701"),
    ("0403.170.701", "BE-WAL", "BE0403170701"),  # the enterprise number, as Belgians write it
    ("0403170701", "BE-BRU", "BE0403170701"),
    ("BE 403.170.701", "BE-VLG", "BE0403170701"),  # the old 9-digit form
    ("NL 0044.95.445.B01", "NL", "NL004495445B01"),
    ("004495445B01", "NL", "NL004495445B01"),  # without prefix, for a Dutch customer
    ("LU 150 274 42", "LU", "LU15027442"),
    ("FR 40 303 265 045", "FR", "FR40303265045"),
    ("DE 136 695 976", "DE", "DE136695976"),
]


@pytest.mark.parametrize(("written", "region", "stored"), WRITTEN_AS)
def test_vat_numbers_are_accepted_as_people_write_them(
    session: Session, admin: User, written: str, region: str, stored: str
) -> None:
    customer = make_customer(session, admin, "Klant", vat_number=written, region_code=region)
    assert customer.vat_number == stored


# Wrong check digits, one per country: the number of each row above with its last digit changed.
@pytest.mark.parametrize("wrong", ["BE0403170702", "NL004495446B01", "LU15027443", "FR41303265045", "DE136695977"])
def test_wrong_check_digits_are_refused_in_every_country(wrong: str) -> None:
    errors: dict[str, str] = {}
    validation.check_vat(compact_vat(wrong), errors)
    assert set(errors) == {"vat_number"}


@pytest.mark.parametrize(
    ("phone", "country"),
    [("0471 08 32 25", "BE"), ("+32 (0)2 511 45 67", "BE"), ("02 511 45 67 ext. 12", "BE"), ("020 123 4567", "NL"),
     ("+352 26 12 34 56", "BE"), ("0049 30 1234567", "BE")],
)
def test_phones_as_people_write_them_are_accepted(phone: str, country: str) -> None:
    errors: dict[str, str] = {}
    validation.check_phone(phone, errors, country=country)
    assert errors == {}


@pytest.mark.parametrize(("phone", "country"), [("0471 08 32 2", "BE"), ("020 123 4567", "BE"), ("+32 471", "BE")])
def test_phones_that_cannot_be_dialled_are_refused(phone: str, country: str) -> None:
    errors: dict[str, str] = {}
    validation.check_phone(phone, errors, country=country)
    assert set(errors) == {"phone"}


@pytest.mark.parametrize("email", ["jan..p@example.be", ".jan@example.be", "jan@example", "jan@exa mple.be"])
def test_malformed_e_mail_addresses_are_refused(email: str) -> None:
    errors: dict[str, str] = {}
    validation.check_email(email, errors)
    assert set(errors) == {"email"}


def test_a_well_formed_e_mail_address_is_accepted_without_a_dns_lookup() -> None:
    errors: dict[str, str] = {}
    validation.check_email("boekhouding@brouwerij-het-anker.be", errors)
    assert errors == {}


# Numbers the project did not make: phonenumbers' own examples of each country and kind, in every way of writing them.
_EXAMPLE_KINDS = ("FIXED_LINE", "MOBILE", "TOLL_FREE", "VOIP")
_EXAMPLES = [
    (region, kind, phonenumbers.example_number_for_type(region, getattr(phonenumbers.PhoneNumberType, kind)))
    for region in ("BE", "NL", "LU", "FR", "DE")
    for kind in _EXAMPLE_KINDS
]
_EXAMPLES = [(region, kind, number) for region, kind, number in _EXAMPLES if number is not None]


@pytest.mark.parametrize(("region", "kind", "number"), _EXAMPLES, ids=[f"{r}-{k}" for r, k, _n in _EXAMPLES])
@pytest.mark.parametrize("style", ["NATIONAL", "INTERNATIONAL", "E164"])
def test_the_libraries_example_numbers_are_accepted(region: str, kind: str, number: object, style: str) -> None:
    written = phonenumbers.format_number(number, getattr(phonenumbers.PhoneNumberFormat, style))
    errors: dict[str, str] = {}
    validation.check_phone(written, errors, country=region)
    assert errors == {}, written


# Where every number of a kind has one length (not Luxembourg's and Germany's fixed lines), a digit short is refused.
@pytest.mark.parametrize(
    ("region", "kind", "number"),
    [(r, k, n) for r, k, n in _EXAMPLES if r in ("BE", "NL", "FR")],
    ids=[f"{r}-{k}" for r, k, _n in _EXAMPLES if r in ("BE", "NL", "FR")],
)
def test_an_example_number_a_digit_short_is_refused(region: str, kind: str, number: object) -> None:
    short = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[:-1]
    errors: dict[str, str] = {}
    validation.check_phone(short, errors, country=region)
    assert set(errors) == {"phone"}, short


def test_control_and_direction_checks_match_unicode_categories_for_every_code_point() -> None:
    # The checks are character classes for speed; Unicode's categories are what they stand for.
    wrong = []
    for code_point in range(0x110000):
        char = chr(code_point)
        control = unicodedata.category(char) in ("Cc", "Cs")
        if validation.has_control_characters(f"a{char}b") != control:
            wrong.append((code_point, "single line"))
        if validation.has_control_characters(f"a{char}b", multiline=True) != (control and char not in "\n\t"):
            wrong.append((code_point, "multi-line"))
        if validation.has_direction_controls(char) != (char in BIDI_CONTROLS or char in LINE_SEPARATORS):
            wrong.append((code_point, "direction"))
    assert wrong == []
