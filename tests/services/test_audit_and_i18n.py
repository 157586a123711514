"""Every change leaves an audit event; messages and formats follow the language."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import make_customer, make_installation, make_location
from sqlmodel import Session, select

from custtui.i18n import format_date, language_from_environment, language_name, normalise_language, set_language
from custtui.models import AuditEvent, User
from custtui.services import audit, auth, labels


def test_each_change_is_audited_with_who_and_what(session: Session, admin: User) -> None:
    customer = make_customer(session, admin, "Audited")
    location = make_location(session, admin, customer)
    make_installation(session, admin, location)
    label = labels.create_label(session, admin, "VIP", "red", "attention")
    labels.assign_label(session, admin, customer.id, label.id)  # type: ignore[arg-type]
    auth.add_user(session, admin, "newbie")
    session.commit()
    events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.entity, e.action) for e in events] == [
        ("customer", "create"),
        ("location", "create"),
        ("installation", "create"),
        ("label", "create"),
        ("customer", "label"),
        ("user", "create"),
    ]
    assert {e.user_login for e in events} == {"alice"}
    assert all(e.at is not None for e in events)
    assert events[0].after["name"] == "Audited"
    assert events[4].after == {"labels": ["VIP"]}
    assert [e.action for e in audit.events_for(session, "customer", customer.id)] == ["create", "label"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("fr_BE.UTF-8", "fr"), ("nl-BE", "nl"), ("de", "de"), ("en_US.utf8", "en"), ("es_ES", None), ("C", None), ("", None)],
)
def test_normalise_language(value: str, expected: str | None) -> None:
    assert normalise_language(value) == expected


def test_language_from_environment_order(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("CUSTTUI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "nl_BE.UTF-8")
    assert language_from_environment() == "nl"
    monkeypatch.setenv("CUSTTUI_LANG", "de")
    assert language_from_environment() == "de"


def test_unknown_language_falls_back_to_english() -> None:
    assert set_language("xx") == "en"


def test_dates_and_language_names_follow_the_ui_language() -> None:
    set_language("fr")
    assert format_date(date(2026, 3, 5)) == "5 mars 2026"
    assert language_name("nl") == "Néerlandais"
    set_language("nl")
    assert language_name("fr") == "Frans"
    set_language("en")
    assert language_name("de") == "German"


def test_choose_language_order(monkeypatch: pytest.MonkeyPatch) -> None:
    from custtui.i18n import choose_language

    for variable in ("CUSTTUI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert choose_language() == "en"
    monkeypatch.setenv("LANG", "fr_BE.UTF-8")
    assert choose_language() == "fr"
    assert choose_language(saved="de") == "de"  # the user's saved language beats LANG
    monkeypatch.setenv("CUSTTUI_LANG", "nl")
    assert choose_language(saved="de") == "nl"  # CUSTTUI_LANG beats the saved one
    assert choose_language("en", saved="de") == "en"  # --lang beats everything


def test_document_language_rule() -> None:
    from custtui.services.customers import document_language

    assert document_language("fr", "nl") == document_language("fr", None)
    assert document_language("fr", "nl").is_technicians_default is False
    chosen = document_language(None, "de")
    assert (chosen.code, chosen.is_technicians_default) == ("de", True)
