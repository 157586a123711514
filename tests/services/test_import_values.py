"""The import stores values through the normaliser; a phone or postal code it cannot read keeps the row.

Rather than losing a customer over a phone nobody can dial or a postal code
of the wrong form, the import keeps that value as typed and says so in the
report. A wrong VAT number or e-mail address still refuses the row.
"""

from __future__ import annotations

import io

from sqlalchemy import Engine
from sqlmodel import Session, select

from custtui.models import Customer, Location, User
from custtui.services import customers, transfer

HEADER = "name,region,vat,email,phone,street,number,postal_code,city,country"


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join((HEADER, *lines)) + "\n").encode("utf-8"))


def _stored(engine: Engine) -> dict[str, tuple[Customer, list[Location]]]:
    with Session(engine) as session:
        return {
            customer.name: (
                customer,
                list(session.exec(select(Location).where(Location.customer_id == customer.id).order_by(Location.id))),
            )
            for customer in session.exec(select(Customer))
        }


def test_values_are_imported_normalised(engine: Engine, office: User) -> None:
    report = transfer.import_customers(engine, office, _csv(
        "Bakkerij Peeters,BE-VLG,0403.170.701,Info@Peeters.BE,03 223 45 67,Kerkstraat,12,2000,Antwerpen,Belgique",
        "De Vries,,,,020 123 4567,Damrak,1,1012lg,Amsterdam,Nederland",
        "Schmit,,,,26 12 34 56,Grand-Rue,1,L-1234,Luxembourg,Luxemburg",
    ))  # fmt: skip
    assert [row.status for row in report.rows] == ["created"] * 3, report.rows
    found = _stored(engine)
    peeters, [site] = found["Bakkerij Peeters"]
    # email-validator lower-cases the domain, and the local parts that mean the same in any case ("info").
    assert (peeters.vat_number, peeters.email, peeters.phone) == ("BE0403170701", "info@peeters.be", "+3232234567")
    assert (site.country, site.postal_code) == ("BE", "2000")
    de_vries, [site] = found["De Vries"]
    assert (de_vries.region_code, de_vries.phone, site.country, site.postal_code) == ("NL", "+31201234567", "NL", "1012 LG")
    schmit, [site] = found["Schmit"]
    assert (schmit.region_code, schmit.phone, site.country, site.postal_code) == ("LU", "+35226123456", "LU", "1234")


def test_a_phone_or_postal_code_it_cannot_read_is_kept_as_typed_with_a_warning(engine: Engine, office: User) -> None:
    report = transfer.import_customers(engine, office, _csv(
        "Bakkerij Peeters,BE-VLG,,,12 34,Kerkstraat,12,999,Antwerpen,BE",
    ))  # fmt: skip
    [row] = report.rows
    assert row.status == "created"
    assert row.message == (
        f"Created as customer {row.customer_id}. Imported as typed, please check: "
        "phone: Not a phone number (digits, spaces and + . / ( ) -, 6 to 15 digits). "
        "postal_code: A Belgian postal code is 4 digits, from 1000 to 9999, such as 1000."
    )
    customer, [site] = _stored(engine)["Bakkerij Peeters"]
    assert (customer.phone, site.postal_code) == ("12 34", "999")


def test_a_wrong_vat_number_or_email_refuses_the_row_a_wrong_country_only_its_site(engine: Engine, office: User) -> None:
    report = transfer.import_customers(engine, office, _csv(
        "A,BE-VLG,BE0403170702,,,Kerkstraat,1,2000,Antwerpen,BE",
        "B,BE-VLG,,jan..p@example.be,,Kerkstraat,1,2000,Antwerpen,BE",
        "C,BE-VLG,,,,Kerkstraat,1,2000,Antwerpen,Belgistan",
    ))  # fmt: skip
    assert [row.status for row in report.rows] == ["error", "error", "created"]
    assert "vat: This VAT number fails its check digits." in report.rows[0].message
    assert "email: Not an e-mail address" in report.rows[1].message
    # The customer is not lost for an address nobody can place: imported without a site, with a warning.
    assert report.rows[2].warning
    assert "No site was created, the address is not usable: country: Unknown country: Belgistan." in report.rows[2].message
    assert list(_stored(engine)) == ["C"] and _stored(engine)["C"][1] == []


def test_an_exported_phone_with_an_extension_reads_back(session: Session, engine: Engine, admin: User) -> None:
    report = transfer.import_customers(engine, admin, _csv("Peeters,BE-VLG,,,03 456 78 90 ext. 12,,,,Gent,BE"))
    assert report.rows[0].status == "created"
    out = io.BytesIO()
    transfer.export_customers(session, admin, out)
    exported = out.getvalue()
    assert b"'+32 3 456 78 90 ext. 12" in exported  # neutralised against formulas: letters after a "+"
    customers.delete_customer(session, admin, report.rows[0].customer_id)  # type: ignore[arg-type]
    session.commit()
    again = transfer.import_customers(engine, admin, io.BytesIO(exported))
    assert [row.status for row in again.rows] == ["created"], again.rows
    assert _stored(engine)["Peeters"][0].phone == "+3234567890;ext=12"
