"""The list's filter and saved filters: each condition, labels any or all, place folded, specs that outlive their labels."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import make_customer, make_installation, make_location, make_mission
from sqlmodel import Session

from custtui.errors import NotFound, ValidationError
from custtui.models import Customer, User
from custtui.services import customers, filters, labels, marks
from custtui.services.filters import CustomerFilter, ErrorMark


def names(session: Session, customer_filter: CustomerFilter) -> list[str]:
    ids = customers.ordered_customer_ids(session, "name", False, customer_filter)
    return [customers.get_customer(session, customer_id).name for customer_id in ids]


@pytest.fixture
def office_records(session: Session, office: User) -> dict[str, Customer]:
    """Four customers that differ in one condition each."""
    made = {
        "Aerts": make_customer(session, office, "Aerts", region_code="BE-VLG", language="nl"),
        "Bodart": make_customer(session, office, "Bodart", region_code="BE-WAL", language="fr"),
        "Claes": make_customer(session, office, "Claes", region_code="BE-BRU"),
        "Dumont": make_customer(session, office, "Dumont", region_code="BE-WAL", language="de"),
    }
    gent = make_location(session, office, made["Aerts"], street="Veldstraat", postal_code="9000", city="Gent")
    make_installation(session, office, gent, kind="heat_pump")
    liege = make_location(session, office, made["Bodart"], street="Rue Neuve", postal_code="4000", city="Liège")
    make_installation(session, office, liege, kind="boiler")
    make_mission(session, office, made["Bodart"], liege, planned_on=date(2026, 10, 2))
    brussel = make_location(session, office, made["Claes"], street="Nieuwstraat", postal_code="1000", city="Brussel")
    make_mission(session, office, made["Claes"], brussel, planned_on=date(2025, 1, 15))
    make_location(session, office, made["Dumont"], street="Place du Marché", postal_code="4020", city="Liège")
    return made


def test_each_condition_narrows_the_list(session: Session, office: User, office_records: dict[str, Customer]) -> None:
    assert names(session, CustomerFilter()) == ["Aerts", "Bodart", "Claes", "Dumont"]
    assert names(session, CustomerFilter(regions=("BE-WAL", "BE-BRU"))) == ["Bodart", "Claes", "Dumont"]
    assert names(session, CustomerFilter(languages=("fr", "de"))) == ["Bodart", "Dumont"]
    assert names(session, CustomerFilter(languages=("",))) == ["Claes"]  # no language set
    assert names(session, CustomerFilter(installation_kinds=("heat_pump",))) == ["Aerts"]
    assert names(session, CustomerFilter(missions_since=date(2026, 1, 1))) == ["Bodart"]
    assert names(session, CustomerFilter(missions_since=date(2020, 1, 1))) == ["Bodart", "Claes"]
    # Every condition must hold.
    assert names(session, CustomerFilter(regions=("BE-WAL",), languages=("de",))) == ["Dumont"]


def test_place_is_a_postal_code_start_or_a_city_folded(
    session: Session, office: User, office_records: dict[str, Customer]
) -> None:
    assert names(session, CustomerFilter(place="4000")) == ["Bodart"]
    assert names(session, CustomerFilter(place="40")) == ["Bodart", "Dumont"]
    # Typed without the accent, in another case: the same fold as search and duplicates.
    assert names(session, CustomerFilter(place="liege")) == ["Bodart", "Dumont"]
    assert names(session, CustomerFilter(place="  GENT ")) == ["Aerts"]
    assert names(session, CustomerFilter(place="Ge")) == []  # a city is named whole, not by its start
    # LIKE's wildcards are text here, not patterns.
    assert names(session, CustomerFilter(place="%")) == []
    assert names(session, CustomerFilter(place="_000")) == []


def test_labels_any_or_all(session: Session, office: User, office_records: dict[str, Customer]) -> None:
    contract = labels.create_label(session, office, "Contract")
    bad_payer = labels.create_label(session, office, "Bad payer")
    for name in ("Aerts", "Bodart"):
        labels.assign_label(session, office, office_records[name].id, contract.id)  # type: ignore[arg-type]
    labels.assign_label(session, office, office_records["Bodart"].id, bad_payer.id)  # type: ignore[arg-type]
    labels.assign_label(session, office, office_records["Claes"].id, bad_payer.id)  # type: ignore[arg-type]
    session.commit()
    both = (contract.id, bad_payer.id)
    assert names(session, CustomerFilter(label_ids=both)) == ["Aerts", "Bodart", "Claes"]  # type: ignore[arg-type]
    assert names(session, CustomerFilter(label_ids=both, all_labels=True)) == ["Bodart"]  # type: ignore[arg-type]


def test_error_mark(session: Session, office: User, office_records: dict[str, Customer]) -> None:
    marks.set_marked(session, office, office_records["Claes"].id, True)  # type: ignore[arg-type]
    session.commit()
    assert names(session, CustomerFilter(error_mark=ErrorMark.ONLY)) == ["Claes"]
    assert names(session, CustomerFilter(error_mark=ErrorMark.WITHOUT)) == ["Aerts", "Bodart", "Dumont"]


def test_the_spec_round_trips_and_a_bad_one_narrows_less(session: Session, office: User) -> None:
    every = CustomerFilter(
        regions=("BE-WAL",),
        label_ids=(3, 5),
        all_labels=True,
        place="9000",
        languages=("fr", ""),
        missions_since=date(2026, 3, 1),
        installation_kinds=("boiler", "heat_pump"),
        error_mark=ErrorMark.WITHOUT,
    )
    assert CustomerFilter.from_spec(every.to_spec()) == every
    assert CustomerFilter().to_spec() == {}
    hostile = {
        "regions": "BE-WAL",  # not a list
        "labels": [True, "7", 4],
        "languages": ["xx", "fr"],
        "missions_since": "gisteren",
        "installation_kinds": ["nuclear"],
        "error_mark": "maybe",
        "place": 12,
        "unknown": 1,
    }
    assert CustomerFilter.from_spec(hostile) == CustomerFilter(label_ids=(4,), languages=("fr",))


def test_saved_filters_are_per_user_replaced_by_name_and_outlive_a_label(
    session: Session, admin: User, office: User, technician: User, office_records: dict[str, Customer]
) -> None:
    contract = labels.create_label(session, office, "Contract")
    session.commit()
    wallonia = CustomerFilter(regions=("BE-WAL",), label_ids=(contract.id,))  # type: ignore[arg-type]
    filters.save_filter(session, office, "  Wallonia   contracts ", wallonia)
    filters.save_filter(session, office, "Gent", CustomerFilter(place="Gent"))
    session.commit()
    assert [named.name for named in filters.saved_filters(session, office)] == ["Gent", "Wallonia contracts"]
    assert filters.saved_filters(session, technician) == []
    # The same name in another case replaces it.
    filters.save_filter(session, office, "GENT", CustomerFilter(place="9000"))
    session.commit()
    (gent,) = (named for named in filters.saved_filters(session, office) if named.name.casefold() == "gent")
    assert gent.name == "GENT" and gent.filter == CustomerFilter(place="9000")
    # A label deleted: the saved filter reads back without it, and still loads.
    labels.delete_label(session, admin, contract.id)  # type: ignore[arg-type]
    session.commit()
    (kept,) = (named for named in filters.saved_filters(session, office) if named.name == "Wallonia contracts")
    assert kept.filter == CustomerFilter(regions=("BE-WAL",))
    # Another user cannot delete it; its owner can.
    with pytest.raises(NotFound):
        filters.delete_filter(session, technician, kept.id)
    filters.delete_filter(session, office, kept.id)
    session.commit()
    assert [named.name for named in filters.saved_filters(session, office)] == ["GENT"]


def test_saving_refuses_no_name_no_condition_and_control_characters(session: Session, office: User) -> None:
    with pytest.raises(ValidationError) as refused:
        filters.save_filter(session, office, "  ", CustomerFilter())
    assert set(refused.value.errors) == {"name", "filter"}
    with pytest.raises(ValidationError) as refused:
        filters.save_filter(session, office, "Gent\x1b[31m", CustomerFilter(place="Gent"))
    assert set(refused.value.errors) == {"name"}
    with pytest.raises(ValidationError):
        filters.save_filter(session, office, "x" * (filters.NAME_MAX + 1), CustomerFilter(place="Gent"))


def test_at_most_saved_max_per_user(session: Session, office: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "SAVED_MAX", 2)
    filters.save_filter(session, office, "one", CustomerFilter(place="1000"))
    filters.save_filter(session, office, "two", CustomerFilter(place="2000"))
    with pytest.raises(ValidationError):
        filters.save_filter(session, office, "three", CustomerFilter(place="3000"))
    filters.save_filter(session, office, "Two", CustomerFilter(place="2600"))  # replacing one is not one more
