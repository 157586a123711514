"""Duplicate detection: normalisation, pair scores, clusters, the live index (both backends)."""

from __future__ import annotations

import threading

import pytest
from helpers import make_customer, make_location
from sqlmodel import Session

from custtui.errors import NotFound
from custtui.i18n import set_language
from custtui.models import Customer, User
from custtui.services import customers
from custtui.services.duplicates import (
    CERTAIN,
    DEFAULT_MIN_SCORE,
    POSSIBLE,
    Cluster,
    DraftCustomer,
    DuplicateIndex,
    Reason,
    find_duplicates,
    fold,
    normalise_house_number,
    normalise_name,
    normalise_phone,
    normalise_street,
    normalise_vat,
    score_pair,
)

VAT_A = "BE0403170701"
VAT_B = "BE0765432146"


def _customer(
    session: Session, actor: User, name: str, *, address: tuple[str, str, str, str] | None = None, **fields: object
) -> Customer:
    """A customer with one location at `address` (street, number, postal code, city)."""
    customer = make_customer(session, actor, name, **fields)
    if address is not None:
        street, number, postal_code, city = address
        make_location(session, actor, customer, street=street, number=number, postal_code=postal_code, city=city)
    return customer


KERKSTRAAT_12 = ("Kerkstraat", "12", "2000", "Antwerpen")
KERKSTRAAT_14 = ("Kerkstraat", "14", "2000", "Antwerpen")
GENT = ("Veldstraat", "5", "9000", "Gent")
BRUGGE = ("Zandstraat", "80", "8000", "Brugge")


def _cluster_with(clusters: list[Cluster], *ids: int) -> Cluster | None:
    for cluster in clusters:
        if set(ids) <= set(cluster.customer_ids):
            return cluster
    return None


def _clustered(clusters: list[Cluster], a: int, b: int) -> bool:
    return _cluster_with(clusters, a, b) is not None


# -- normalisation (no database) ---------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Garage Janssens nv", "garage janssens"),
        ("NV Garage Janssens", "garage janssens"),
        ("Garage Janssens N.V.", "garage janssens"),
        ("Bakkerij Peeters b.v.b.a.", "bakkerij peeters"),
        ("Imprimerie Duchêne S.à r.l.", "imprimerie duchene"),
        ("Dupont & Fils SPRL", "dupont"),
        ("Installatie De Smet en Zonen", "installatie desmet"),
        ("Comm.V. Verhoeven", "verhoeven"),
        ("Schmidt GmbH & Co. KG", "schmidt"),
        ("Fam. Müller", "muller"),
        ("Van den Broeck Chloë", "vandenbroeck chloe"),
        ("Chloé VANDENBROECK", "chloe vandenbroeck"),
        ("Straßenbau Weiß", "strassenbau weiss"),
        ("BV", "bv"),  # nothing but a legal form: kept
        ("", ""),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_normalise_fields() -> None:
    assert fold("Lefèvre Ærts Ügür") == "lefevre aerts ugur"
    assert normalise_phone("+32 471 08 32 25") == normalise_phone("0471/08.32.25") == "471083225"
    assert normalise_phone("0032 3 223 45 67") == normalise_phone("03 223 45 67")
    assert normalise_phone("+31 6 57725421") == normalise_phone("+31 6 57725421")
    assert normalise_phone("+352 26 00 24 67") == normalise_phone("26 00 24 67")
    assert normalise_phone("12") == ""  # too short to mean anything
    assert normalise_vat("be 0403.170.701") == normalise_vat("0403170701") == VAT_A
    assert normalise_street("Brusselsesteenweg") == normalise_street("Brusselsestwg.")
    assert normalise_street("Chaussée de Namur") == normalise_street("Chée de Namur")
    assert normalise_street("Rue de l'Église") == normalise_street("R. de l'Eglise")
    assert normalise_house_number("12 bus 3") == normalise_house_number("12/3") == normalise_house_number("12 bte 3")
    assert normalise_house_number("12 A") == "12a"


def test_reason_texts_follow_the_language() -> None:
    reason = Reason("vat", VAT_A)
    assert reason.text == "same VAT"
    assert Reason("name", 94).text == "name 94%"
    assert Reason("alias", 100).text == "internal name matches name (100%)"
    set_language("nl")
    try:
        assert isinstance(reason.text, str) and reason.text
        set_language("fr")  # percent the French way, with its no-break space
        assert "94\u00a0%" in Reason("name", 94).text
    finally:
        set_language("en")


# -- clusters ------------------------------------------------------------------


def test_typo_in_name_clusters(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Garage Jansens", address=KERKSTRAAT_12)
    clusters = find_duplicates(session)
    cluster = _cluster_with(clusters, a.id, b.id)
    assert cluster is not None
    assert cluster.customer_ids == (a.id, b.id)
    (pair,) = cluster.pairs
    assert set(pair.codes) == {"name", "address"}
    name = next(r for r in pair.reasons if r.code == "name")
    assert 90 <= name.value < 100  # type: ignore[operator]
    assert name.text == f"name {name.value}%"


def test_swapped_words_cluster(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Peeters Jan", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Jan Peeters", address=KERKSTRAAT_12)
    cluster = _cluster_with(find_duplicates(session), a.id, b.id)
    assert cluster is not None
    assert Reason("name", 100) in cluster.pairs[0].reasons


def test_alias_used_as_name_clusters(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Bakkerij Peeters bv", internal_name="Brood & Banket Peeters", address=GENT)
    b = _customer(session, admin, "Brood en Banket Peeters", address=GENT)
    cluster = _cluster_with(find_duplicates(session), a.id, b.id)
    assert cluster is not None
    assert "alias" in cluster.pairs[0].codes
    assert "name" not in cluster.pairs[0].codes
    assert cluster.pairs[0].reasons[0].text.startswith("internal name matches name")


def test_dropped_legal_form_still_clusters(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Garage Janssens nv", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12)
    c = _customer(session, admin, "GARAGE JANSSENS N.V.", address=KERKSTRAAT_12)
    cluster = _cluster_with(find_duplicates(session), a.id, b.id, c.id)
    assert cluster is not None
    assert all(Reason("name", 100) in pair.reasons for pair in cluster.pairs)


def test_every_location_pair_is_compared(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Brasserie De Zwaan", address=GENT)
    make_location(session, admin, a, street="Stationsstraat", number="3", postal_code="8000", city="Brugge")
    make_location(session, admin, a, street="Kerkstraat", number="12", postal_code="2000", city="Antwerpen")
    b = _customer(session, admin, "Brasserie de Zwaan", address=("Kerkstr.", "12", "2000", "Antwerpen"))
    cluster = _cluster_with(find_duplicates(session), a.id, b.id)
    assert cluster is not None
    address = next(r for r in cluster.pairs[0].reasons if r.code == "address")
    assert address.value == "Kerkstraat 12, 2000 Antwerpen"  # as written on the lower id


def test_same_vat_with_different_names_clusters(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Autobedrijf Claes", vat_number=VAT_A, address=GENT)
    b = _customer(session, admin, "Verwarming Dirk Claes", vat_number="BE 0403.170.701", address=BRUGGE)
    cluster = _cluster_with(find_duplicates(session), a.id, b.id)
    assert cluster is not None
    reasons = cluster.pairs[0].reasons
    assert reasons[0] == Reason("vat", VAT_A)
    assert reasons[0].text == "same VAT"


def test_different_companies_in_the_same_street_do_not_cluster(session: Session, admin: User) -> None:
    bakery = _customer(session, admin, "Bakkerij Peeters", address=KERKSTRAAT_12)
    garage = _customer(session, admin, "Garage Willems", address=KERKSTRAAT_14)
    # Two firms in one building share street and number, still not one customer.
    office = _customer(session, admin, "Boekhoudkantoor Maes", address=KERKSTRAAT_12)
    clusters = find_duplicates(session)
    assert clusters == []
    assert score_pair(session, bakery.id, garage.id).score < 0.3
    pair = score_pair(session, bakery.id, office.id)
    assert pair.score < DEFAULT_MIN_SCORE
    assert "address" in pair.codes  # the shared address is shown, it is just not enough


def test_common_surname_with_other_first_name_elsewhere_does_not_cluster(session: Session, admin: User) -> None:
    jan = _customer(session, admin, "Jan Peeters", address=KERKSTRAAT_12, phone="03 223 45 67")
    marc = _customer(session, admin, "Marc Peeters", address=GENT, phone="09 265 43 21")
    assert find_duplicates(session) == []
    assert score_pair(session, jan.id, marc.id).score < 0.2


def test_same_name_at_another_address_is_not_enough(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Jan Peeters", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Jan Peeters", address=GENT)
    assert find_duplicates(session) == []
    assert 0.4 < score_pair(session, a.id, b.id).score < DEFAULT_MIN_SCORE


def test_three_records_chain_into_one_cluster(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Garage Jansens", address=KERKSTRAAT_12, phone="+32 3 223 45 67")
    c = _customer(session, admin, "Garage Janssens", address=BRUGGE, phone="03/223.45.67")
    clusters = [cluster for cluster in find_duplicates(session) if cluster.confidence == "certain"]
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster.customer_ids == tuple(sorted((a.id, b.id, c.id)))
    linked = {(p.a, p.b) for p in cluster.pairs}
    assert (a.id, b.id) in linked and (b.id, c.id) in linked
    assert (a.id, c.id) not in linked  # a and c alone would not pair: the chain joins them
    assert cluster.score == max(p.score for p in cluster.pairs)
    assert "phone" in next(p for p in cluster.pairs if (p.a, p.b) == (b.id, c.id)).codes


def test_a_weaker_pair_is_a_possible_duplicate_apart(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Garage Jansens", address=KERKSTRAAT_12, phone="+32 3 223 45 67")
    c = _customer(session, admin, "Garage Janssens Dirk", address=BRUGGE, phone="03/223.45.67")
    clusters = find_duplicates(session)
    assert [(cluster.confidence, cluster.customer_ids) for cluster in clusters] == [
        ("certain", (a.id, b.id)),
        ("possible", (b.id, c.id)),  # a name contained in the other and one phone, elsewhere: to check
    ]
    assert CERTAIN > clusters[1].score >= POSSIBLE
    assert find_duplicates(session, min_score=CERTAIN) == clusters[:1]


def test_dismissed_pair_is_not_reported(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Garage Jansens", address=KERKSTRAAT_12)
    c = _customer(session, admin, "Woonzorgcentrum De Linde", address=GENT, email="info@delinde.be")
    d = _customer(session, admin, "WZC De Linde", address=GENT, email="INFO@delinde.be")
    assert {cl.customer_ids for cl in find_duplicates(session)} == {(a.id, b.id), (c.id, d.id)}
    clusters = find_duplicates(session, dismissed={frozenset((b.id, a.id))})
    assert [cl.customer_ids for cl in clusters] == [(c.id, d.id)]


def test_reasons_carry_codes_and_values(session: Session, admin: User) -> None:
    fields = {"customer_number": "104233", "vat_number": VAT_B, "email": "info@dubois.be", "phone": "+32 4 222 33 44"}
    a = _customer(session, admin, "Chauffage Dubois sa", address=("Rue Haute", "7", "4000", "Liège"), **fields)
    fields["phone"] = "04/222.33.44"
    b = _customer(session, admin, "Chauffage Dubois", address=("R. Haute", "7", "4000", "Liege"), **fields)
    pair = score_pair(session, b.id, a.id)
    assert (pair.a, pair.b) == (a.id, b.id)
    assert pair.score > 0.99
    by_code = {reason.code: reason for reason in pair.reasons}
    assert set(by_code) == {"vat", "email", "phone", "name", "address", "number"}
    assert by_code["vat"].value == VAT_B
    assert by_code["email"].value == "info@dubois.be"
    assert by_code["phone"].value == "42223344"
    assert by_code["number"].value == "104233"
    assert by_code["name"].value == 100
    assert by_code["address"].value == "Rue Haute 7, 4000 Liège"
    texts = {reason.code: reason.text for reason in pair.reasons}
    assert texts == {
        "vat": "same VAT",
        "email": "same e-mail",
        "phone": "same phone",
        "name": "name 100%",
        "address": "same street and number",
        "number": "same customer number",
    }


def test_same_customer_number_alone_is_weak(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Bakkerij Peeters", customer_number="500100", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Garage Willems", customer_number="500100", address=GENT)
    assert find_duplicates(session) == []
    pair = score_pair(session, a.id, b.id)
    assert pair.codes == ("number",) and pair.score < 0.2


def test_scores_are_between_0_and_1_and_sorted(session: Session, admin: User) -> None:
    _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12, vat_number=VAT_A)
    _customer(session, admin, "Garage Janssens nv", address=KERKSTRAAT_12, vat_number=VAT_A, email="a@janssens.be")
    _customer(session, admin, "Jan Peeters", address=GENT)
    _customer(session, admin, "Peeters Jan", address=GENT, phone="09 265 43 21")
    _customer(session, admin, "Marc Peeters", address=BRUGGE)
    _customer(session, admin, "Unrelated Name", address=BRUGGE)
    clusters = find_duplicates(session, min_score=0.0)
    scores = [pair.score for cluster in clusters for pair in cluster.pairs]
    assert scores and all(0.0 <= s <= 1.0 for s in scores)
    assert [c.score for c in clusters] == sorted((c.score for c in clusters), reverse=True)
    default = find_duplicates(session)
    reported = [p.score for c in default for p in c.pairs]
    assert reported and all(score >= DEFAULT_MIN_SCORE for score in reported)
    # Exactly the pairs of the full scan that reach the threshold.
    assert sorted(reported) == sorted(score for score in scores if score >= DEFAULT_MIN_SCORE)


def test_progress_reports_every_stage(session: Session, admin: User) -> None:
    _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12)
    seen: list[str] = []
    find_duplicates(session, progress=lambda stage, done, total: seen.append(stage))
    assert {"load", "block", "score", "cluster"} <= set(seen)


def test_empty_database_and_unknown_ids(session: Session, admin: User) -> None:
    assert find_duplicates(session) == []
    a = _customer(session, admin, "Garage Janssens")
    with pytest.raises(NotFound):
        score_pair(session, a.id, a.id + 999)


# -- the live index --------------------------------------------------------------


def test_likely_duplicates_while_typing(session: Session, admin: User) -> None:
    janssens = _customer(session, admin, "Garage Janssens nv", phone="+32 3 223 45 67", address=KERKSTRAAT_12)
    _customer(session, admin, "Garage Jacobs", address=GENT)
    _customer(session, admin, "Bakkerij Peeters", phone="09 265 43 21", address=BRUGGE)
    index = DuplicateIndex.build(session)
    assert len(index) == 3

    # A partial name and the same phone, written another way.
    matches = index.likely_duplicates(DraftCustomer(name="Garage Jan", phone="03/223.45.67"))
    assert matches and matches[0].customer_id == janssens.id
    assert "phone" in matches[0].codes
    assert 0.0 <= matches[-1].score <= matches[0].score <= 1.0
    assert len(index.likely_duplicates(DraftCustomer(name="Garage"), limit=1)) <= 1

    # The address alone with a similar name.
    matches = index.likely_duplicates(
        DraftCustomer(name="Janssens", street="Kerkstr.", number="12", postal_code="2000", city="Antwerpen")
    )
    assert matches[0].customer_id == janssens.id
    assert {"name", "address"} <= set(matches[0].codes)

    # Nothing alike: nothing shown; editing the customer itself: not shown.
    assert index.likely_duplicates(DraftCustomer(name="Zzyzx Holdings")) == []
    full = DraftCustomer(name="Garage Janssens nv", phone="+32 3 223 45 67")
    assert janssens.id not in [m.customer_id for m in index.likely_duplicates(full, exclude_id=janssens.id)]


def test_likely_duplicates_from_customer_input(session: Session, admin: User) -> None:
    existing = _customer(session, admin, "Chauffage Dubois", vat_number=VAT_B, address=GENT)
    index = DuplicateIndex.build(session)
    data = customers.CustomerInput(name="Dubois Chauffage sprl", region_code="BE-WAL", vat_number="BE 0765.432.146")
    matches = index.likely_duplicates(DraftCustomer.from_input(data))
    assert [m.customer_id for m in matches] == [existing.id]
    assert matches[0].codes[:2] == ("vat", "name")


def test_index_refresh_after_create_edit_delete(session: Session, admin: User) -> None:
    first = _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12)
    index = DuplicateIndex.build(session)
    draft = DraftCustomer(name="Installateur Vermeulen", email="info@vermeulen.be")
    assert index.likely_duplicates(draft) == []

    created = _customer(session, admin, "Installateur Vermeulen bv", email="info@vermeulen.be")
    index.refresh(session, [created.id])
    assert [m.customer_id for m in index.likely_duplicates(draft)] == [created.id]

    # Renamed: found under the new name, no longer under the old one.
    data = customers.CustomerInput.from_customer(first)
    data.name = "Sanitair De Smet"
    customers.update_customer(session, admin, first.id, data, first.version)
    session.commit()
    index.refresh(session, [first.id])
    assert all(m.customer_id != first.id for m in index.likely_duplicates(DraftCustomer(name="Garage Janssens")))
    assert index.likely_duplicates(DraftCustomer(name="Sanitair De Smet"))[0].customer_id == first.id

    customers.delete_customer(session, admin, created.id)
    session.commit()
    index.refresh(session, [created.id])
    assert index.likely_duplicates(draft) == []
    assert len(index) == 1


def test_index_reads_while_refreshing(session: Session, admin: User) -> None:
    base = [_customer(session, admin, f"Garage Janssens {i}", phone=f"03 223 45 6{i}") for i in range(5)]
    index = DuplicateIndex.build(session)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                index.likely_duplicates(DraftCustomer(name="Garage Janssens"))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _round in range(20):
            index.refresh(session, [c.id for c in base])
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(index) == 5


def test_score_pair_with_index_matches_scan(session: Session, admin: User) -> None:
    a = _customer(session, admin, "Garage Janssens", address=KERKSTRAAT_12, phone="03 223 45 67")
    b = _customer(session, admin, "Garage Jansens", address=KERKSTRAAT_12, phone="+32 3 223 45 67")
    index = DuplicateIndex.build(session)
    (cluster,) = find_duplicates(session)
    assert score_pair(session, a.id, b.id) == score_pair(session, a.id, b.id, index=index) == cluster.pairs[0]


def test_couples_maiden_names_and_initials_are_read_as_people_write_them(session: Session, admin: User) -> None:
    assert normalise_name("M. et Mme Dubois") == "dubois"
    assert normalise_name("Jan en Marie Peeters") == "jan marie peeters"
    assert normalise_name("Wyns geb. Peeters Maria") == "wyns peeters maria"
    assert normalise_name("Dubois ép. Martin") == "dubois martin"
    a = _customer(session, admin, "J. Peeters", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Peeters Jan", address=KERKSTRAAT_12)
    c = _customer(session, admin, "Marie Peeters", address=KERKSTRAAT_12)  # his wife: not him
    pair = score_pair(session, a.id, b.id)
    assert ("name", 90) in [(r.code, r.value) for r in pair.reasons]
    assert score_pair(session, b.id, c.id).score < POSSIBLE


def test_a_contact_persons_phone_or_e_mail_counts_as_the_customers(session: Session, admin: User) -> None:
    from custtui.services import contacts
    from custtui.services.contacts import ContactInput

    a = _customer(session, admin, "Peeters Jan", address=KERKSTRAAT_12)
    b = _customer(session, admin, "Jan Peters", address=GENT, phone="0471 08 32 21", email="jan@peeters.be")

    def pair_codes() -> set[str]:
        for cluster in find_duplicates(session, min_score=0.05):
            for pair in cluster.pairs:
                if {pair.a, pair.b} == {a.id, b.id}:
                    return set(pair.codes)
        return set()

    assert not {"phone", "email"} & pair_codes()
    contacts.add_contact(session, admin, a.id, ContactInput(name="Jan", mobile="0471/08.32.21", email="Jan@Peeters.be"))  # type: ignore[arg-type]
    session.commit()
    assert {"phone", "email"} <= pair_codes()
