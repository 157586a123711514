"""One normaliser (issue 14): values as people type them, stored in one form, shown formatted, compared alike.

Phones stored E.164 and shown national or international, VAT numbers compact
and shown grouped, e-mail addresses as email-validator normalises them,
countries as ISO codes (typed as names in nl, fr, de, en), postal codes per
country; and search, duplicate detection and validation agreeing on tricky values.
"""

from __future__ import annotations

import phonenumbers
import pytest
from helpers import make_customer, make_location
from sqlmodel import Session

from custtui.errors import ValidationError
from custtui.i18n import set_language
from custtui.models import User
from custtui.services import normalise, validation
from custtui.services.duplicates import DraftCustomer
from custtui.services.duplicates.database import load_records
from custtui.services.duplicates.records import draft_record
from custtui.services.search import SearchIndex, phone_key

# --- Phones ------------------------------------------------------------------

# (typed, customer's region, stored)
PHONES = [
    ("0471 08 32 21", "BE-VLG", "+32471083221"),
    ("0471/08.32.21", "BE-WAL", "+32471083221"),
    ("+32 471 08 32 21", "NL", "+32471083221"),  # international: whatever the customer's country
    ("0032 471 08 32 21", "FR", "+32471083221"),
    ("+32 (0)2 511 45 67", "BE-BRU", "+3225114567"),
    ("(02) 511 45 67", "BE-BRU", "+3225114567"),
    ("02 511 45 67 ext. 12", "BE-BRU", "+3225114567;ext=12"),
    ("02 511 45 67 toestel 12", "BE-BRU", "+3225114567;ext=12"),
    ("02 511 45 67 poste 12", "BE-BRU", "+3225114567;ext=12"),
    ("+3225114567;ext=12", "BE-BRU", "+3225114567;ext=12"),  # as stored: the same again
    ("020 123 4567", "NL", "+31201234567"),
    ("06 12345678", "NL", "+31612345678"),
    ("26 12 34 56", "LU", "+35226123456"),
    ("01 23 45 67 89", "FR", "+33123456789"),
    ("030 1234567", "DE", "+49301234567"),
]


@pytest.mark.parametrize(("typed", "region", "stored"), PHONES)
def test_phones_are_stored_e164_however_they_are_typed(
    session: Session, admin: User, typed: str, region: str, stored: str
) -> None:
    customer = make_customer(session, admin, "Klant", phone=typed, region_code=region)
    assert customer.phone == stored
    assert phonenumbers.parse(stored.replace(";ext=", " ext. "), None).extension == (stored.partition(";ext=")[2] or None)
    assert phonenumbers.format_number(phonenumbers.parse(stored, None), phonenumbers.PhoneNumberFormat.E164) == (
        stored.partition(";")[0]
    )


def test_a_site_phone_is_read_in_the_sites_country(session: Session, admin: User) -> None:
    customer = make_customer(session, admin, "Klant")
    site = make_location(session, admin, customer, country="NL", postal_code="1012 LG", city="Amsterdam", phone="020 123 4567")
    assert site.phone == "+31201234567"


@pytest.mark.parametrize(
    ("stored", "country", "shown"),
    [
        ("+32471083221", "BE", "0471 08 32 21"),  # the customer's own country: national
        ("+32471083221", "NL", "+32 471 08 32 21"),  # another: international
        ("+3225114567;ext=12", "BE", "02 511 45 67 ext. 12"),
        ("+31201234567", "NL", "020 123 4567"),
        ("+35226123456", "BE", "+352 26 12 34 56"),
        ("12 34", "BE", "12 34"),  # kept as typed: shown as it is
    ],
)
def test_phones_are_shown_national_at_home_international_elsewhere(stored: str, country: str, shown: str) -> None:
    assert normalise.format_phone(stored, country) == shown
    assert normalise.format_phone(stored, country, international=True).startswith("+") or shown == "12 34"


@pytest.mark.parametrize("word", ["ext.", "toestel", "poste", "Durchwahl", "x"])
def test_an_extension_as_each_language_shows_it_is_read_back(word: str) -> None:
    """The form shows "{number} ext. {extension}" in the user's language (toestel, poste, Durchwahl)."""
    assert normalise.stored_phone(f"02 511 45 67 {word} 12", "BE") == "+3225114567;ext=12"


@pytest.mark.parametrize(("language", "shown"), [("nl", "toestel"), ("fr", "poste"), ("de", "Durchwahl"), ("en", "ext.")])
def test_an_extension_is_shown_in_the_users_language(language: str, shown: str) -> None:
    set_language(language)
    try:
        assert normalise.format_phone("+3225114567;ext=12", "BE") == f"02 511 45 67 {shown} 12"
    finally:
        set_language("en")


_EXAMPLE_TYPES = ("FIXED_LINE", "MOBILE", "TOLL_FREE", "VOIP")
_EXAMPLES = [
    (region, kind, number)
    for region in ("BE", "NL", "LU", "FR", "DE")
    for kind in _EXAMPLE_TYPES
    if (number := phonenumbers.example_number_for_type(region, getattr(phonenumbers.PhoneNumberType, kind)))
]


@pytest.mark.parametrize(("region", "kind", "number"), _EXAMPLES, ids=[f"{r}-{k}" for r, k, _n in _EXAMPLES])
def test_the_libraries_example_numbers_round_trip(region: str, kind: str, number: phonenumbers.PhoneNumber) -> None:
    """Typed in any format, stored E.164; shown, and the shown form typed again, the same number."""
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    for style in ("NATIONAL", "INTERNATIONAL", "E164", "RFC3966"):
        written = phonenumbers.format_number(number, getattr(phonenumbers.PhoneNumberFormat, style)).removeprefix("tel:")
        assert normalise.stored_phone(written, region) == e164, written
    for home in (region, "BE" if region != "BE" else "NL"):
        shown = normalise.format_phone(e164, home)
        assert normalise.stored_phone(shown, home) == e164, shown
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    with_extension = normalise.stored_phone(f"{national} ext. 7", region)
    assert with_extension == f"{e164};ext=7"
    assert normalise.stored_phone(normalise.format_phone(with_extension, region), region) == with_extension
    assert phonenumbers.parse(with_extension, None).extension == "7"


def test_extension_digits_do_not_count_toward_the_fifteen() -> None:
    # 12 digits and an extension of 4: 16 digits in all, a number of 12.
    errors: dict[str, str] = {}
    assert validation.check_phone("+49 30 12345678 ext. 1234", errors, country="DE") == "+493012345678;ext=1234"
    assert errors == {}
    validation.check_phone("+49 30 1234567812345678", errors, country="DE")
    assert errors == {"phone": "Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits)."}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0471 08 32 2", "This phone number has too many or too few digits, or a country or area code that does not exist."),
        ("12 34", "Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits)."),
        ("call me", "Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits)."),
    ],
)
def test_a_phone_nobody_can_dial_is_refused_with_its_message(session: Session, admin: User, typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        make_customer(session, admin, "Klant", phone=typed)
    assert refused.value.errors == {"phone": message}


# --- VAT numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "region", "stored", "shown"),
    [
        ("BE 0403.170.701", "BE-VLG", "BE0403170701", "BE 0403.170.701"),
        ("0403.170.701", "BE-WAL", "BE0403170701", "BE 0403.170.701"),
        ("0403170701", "BE-BRU", "BE0403170701", "BE 0403.170.701"),
        ("BE 403.170.701", "BE-VLG", "BE0403170701", "BE 0403.170.701"),  # the old 9 digits
        ("NL 0044.95.445.B01", "NL", "NL004495445B01", "NL 0044.95.445.B01"),
        ("nl004495445b01", "BE-VLG", "NL004495445B01", "NL 0044.95.445.B01"),
        ("FR 40 303 265 045", "FR", "FR40303265045", "FR 40 303 265 045"),
        ("DE136695976", "DE", "DE136695976", "DE 136 695 976"),
        ("LU 150 274 42", "LU", "LU15027442", "LU 1502 7442"),
    ],
)
def test_vat_numbers_stored_compact_and_shown_grouped(
    session: Session, admin: User, typed: str, region: str, stored: str, shown: str
) -> None:
    customer = make_customer(session, admin, "Klant", vat_number=typed, region_code=region)
    assert customer.vat_number == stored
    assert normalise.format_vat(stored) == shown
    assert normalise.compact_vat(shown) == stored  # the shown form, typed back, is the same number


def test_python_stdnum_formats_where_it_can() -> None:
    assert normalise.format_vat("PL5260250995") == "PL 526-025-09-95"


# --- E-mail addresses ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Jan.Peeters@Example.BE", "Jan.Peeters@example.be"),  # the domain lower case, the local part as typed
        (" info@PEETERS.be ", "info@peeters.be"),
        ("jan@BÜCHER.de", "jan@bücher.de"),
    ],
)
def test_e_mail_addresses_stored_as_email_validator_normalises_them(
    session: Session, admin: User, typed: str, stored: str
) -> None:
    assert make_customer(session, admin, "Klant", email=typed).email == stored


# --- Countries and postal codes ------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [("België", "BE"), ("Belgique", "BE"), ("belgie", "BE"), ("Belgium", "BE"), ("Deutschland", "DE"),
     ("Allemagne", "DE"), ("Duitsland", "DE"), ("Pays-Bas", "NL"), ("Nederland", "NL"), ("Luxemburg", "LU"),
     ("nl", "NL"), (" fr ", "FR"), ("CH", "CH")],
)  # fmt: skip
def test_a_country_typed_by_name_or_code_is_stored_as_its_code(
    session: Session, admin: User, typed: str, code: str
) -> None:
    customer = make_customer(session, admin, "Klant")
    site = make_location(session, admin, customer, country=typed, postal_code="")
    assert site.country == code


@pytest.mark.parametrize("typed", ["Belgistan", "EU", "ZZ", "B"])
def test_an_unknown_country_is_refused(session: Session, admin: User, typed: str) -> None:
    customer = make_customer(session, admin, "Klant")
    with pytest.raises(ValidationError) as refused:
        make_location(session, admin, customer, country=typed, postal_code="")
    assert refused.value.errors == {
        "country": f"Unknown country: {typed}. Type its two-letter code (BE, NL, FR) or its name."
    }


def test_countries_are_named_in_the_users_language() -> None:
    assert normalise.country_name("DE") == "Germany"
    set_language("fr")
    try:
        assert normalise.country_name("DE") == "Allemagne"
        assert normalise.country_name("XX") == "XX"
    finally:
        set_language("en")


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("BE", "1000", "1000"), ("BE", " 9999 ", "9999"), ("BE", "B-2000", "2000"),
        ("NL", "1234ab", "1234 AB"), ("NL", "1234AB", "1234 AB"), ("NL", "1234 ab", "1234 AB"),
        ("LU", "L-1234", "1234"), ("LU", "1234", "1234"),
        ("FR", "75001", "75001"), ("DE", "01067", "01067"), ("DE", "D-10115", "10115"),
        ("GB", "sw1a  1aa", "sw1a 1aa"),  # elsewhere: free text, blanks trimmed
    ],
)  # fmt: skip
def test_postal_codes_accepted_and_stored_per_country(
    session: Session, admin: User, country: str, typed: str, stored: str
) -> None:
    customer = make_customer(session, admin, "Klant")
    assert make_location(session, admin, customer, country=country, postal_code=typed).postal_code == stored


@pytest.mark.parametrize(
    ("country", "typed", "message"),
    [
        ("BE", "0999", "A Belgian postal code is 4 digits, from 1000 to 9999, such as 1000."),
        ("BE", "10000", "A Belgian postal code is 4 digits, from 1000 to 9999, such as 1000."),
        ("NL", "1234", "A Dutch postal code is 4 digits and 2 letters, such as 1234 AB."),
        ("NL", "0123 AB", "A Dutch postal code is 4 digits and 2 letters, such as 1234 AB."),
        ("LU", "L-123", "A Luxembourg postal code is 4 digits, such as 1234 or L-1234."),
        ("FR", "7500", "A French postal code is 5 digits, such as 75001."),
        ("DE", "1011", "A German postal code is 5 digits, such as 10115."),
    ],
)
def test_a_wrong_postal_code_is_refused_naming_the_countrys_form(
    session: Session, admin: User, country: str, typed: str, message: str
) -> None:
    customer = make_customer(session, admin, "Klant")
    with pytest.raises(ValidationError) as refused:
        make_location(session, admin, customer, country=country, postal_code=typed)
    assert refused.value.errors == {"postal_code": message}


# --- Search, duplicates and validation agree -------------------------------------

# Each line: one number, written the ways people write it (a Belgian customer's).
TRICKY_PHONES = [
    ["+32 (0)2 511 45 67", "02 511 45 67", "0032 2 511 45 67", "+3225114567", "(02) 511.45.67", "02/511 45 67"],
    ["0471 08 32 21", "+32 471 08 32 21", "0032 (0)471 08 32 21", "0471/08.32.21", "+32471083221"],
    ["+31 (0)20 123 4567", "0031 20 123 4567", "+31201234567"],
    ["+352 26 12 34 56", "00352 26123456", "+35226123456"],
    ["03 456 78 90 ext. 12", "+32 3 456 78 90 x12", "+3234567890;ext=12"],
]
TRICKY_VATS = [["BE 0403.170.701", "0403.170.701", "BE 403.170.701", "be0403170701", "BE-0403-170-701"]]
TRICKY_NAMES = [["Müller", "MULLER", "muller", "Müller"], ["Lefèvre", "Lefevre", "LEFÈVRE"], ["Straße", "Strasse"]]


@pytest.mark.parametrize("ways", TRICKY_PHONES, ids=[ways[0] for ways in TRICKY_PHONES])
def test_search_duplicates_and_validation_agree_on_phones(session: Session, admin: User, ways: list[str]) -> None:
    # Validation stores every way as the one number.
    stored = {way: validation.check_phone(way, {}, country="BE") for way in ways}
    assert len(set(stored.values())) == 1 and None not in stored.values(), stored
    e164 = stored[ways[0]]
    assert e164 is not None
    # Duplicate detection compares them as one (normalise_phone, which its records call).
    keys = {normalise.normalise_phone(way) for way in ways}
    assert len(keys) == 1, keys
    [key] = keys
    code, national = normalise.phone_parts(e164)
    assert key == national and e164.partition(";")[0] == f"+{code}{national}"
    # Search's key: the same national number with its trunk prefix, for every way that says its country.
    search_keys = {phone_key(way) for way in ways if way.lstrip().startswith(("+", "00"))}
    assert search_keys == {normalise.trunk_prefix(code) + national}
    # And on stored data: one customer per way, each found by every other way, each a duplicate of the first.
    made = [make_customer(session, admin, f"Klant {n}", phone=way) for n, way in enumerate(ways)]
    records = {record.id: record for record in load_records(session, [c.id for c in made], include_marked=True)[0]}
    assert {records[c.id].phone for c in made} == {key}
    assert {draft_record(DraftCustomer(name="x", phone=way)).phone for way in ways} == {key}
    index = SearchIndex.build(session)
    for way in ways:
        query = normalise.split_extension(way)[0]  # searched by the number: "ext. 12" is no part of a query's digits
        found = {hit.customer_id for hit in index.search(query) if hit.field == "phone"}
        assert found == {c.id for c in made}, way


@pytest.mark.parametrize("ways", TRICKY_VATS, ids=[ways[0] for ways in TRICKY_VATS])
def test_search_duplicates_and_validation_agree_on_vat_numbers(session: Session, admin: User, ways: list[str]) -> None:
    made = [make_customer(session, admin, f"Klant {n}", vat_number=way) for n, way in enumerate(ways)]
    assert {c.vat_number for c in made} == {"BE0403170701"}
    assert {normalise.normalise_vat(way) for way in ways} == {"BE0403170701"}
    records = load_records(session, [c.id for c in made], include_marked=True)[0]
    assert {record.vat for record in records} == {"BE0403170701"}
    index = SearchIndex.build(session)
    # Not the old 9-digit form: search reads the query's digits as typed (services.search.query), and
    # "403170701" is no part of the stored "0403170701".
    for way in [way for way in ways if way != "BE 403.170.701"]:
        assert {hit.customer_id for hit in index.search(way)} >= {c.id for c in made}, way


@pytest.mark.parametrize("ways", TRICKY_NAMES, ids=[ways[0] for ways in TRICKY_NAMES])
def test_search_and_duplicates_fold_accents_alike(ways: list[str]) -> None:
    assert len({normalise.fold(way) for way in ways}) == 1
    assert len({normalise.fold_words(way) for way in ways}) == 1
    assert len({normalise.normalise_name(way) for way in ways}) == 1
    assert normalise.fold_many(ways) == [normalise.fold_words(way) for way in ways]
