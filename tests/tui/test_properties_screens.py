"""Property tests: arbitrary text through the screens and the edit form.

Whatever is stored or typed (any unicode, very long strings, control and
escape characters, Rich/Textual markup), nothing is rendered as markup, no
raw control character reaches the terminal from stored data, and the new
customer form saves what was typed or refuses it inline with nothing lost.
Pilot properties run on SQLite, with few examples, as each spins up the app.
The services' side is tests/services/test_properties.py.
"""

from __future__ import annotations

import asyncio
import io
import unicodedata
from dataclasses import asdict
from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from text_properties import (
    CUSTOMER_TEXT_FIELDS,
    any_char,
    assert_no_forbidden,
    clean_text,
    expected_customer,
    forbidden_chars,
    nasty_text,
    repeat,
)
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, Select, Static
from tui_support import fill, running_app, wait_idle

from custtui.models import (
    Customer,
    JournalNote,
    Location,
    User,
)
from custtui.safetext import BIDI_CONTROLS, LINE_SEPARATORS
from custtui.services import (
    customers,
    labels,
    locations,
    notes,
)
from custtui.services.customers import CustomerInput
from custtui.services.locations import LocationInput
from custtui.tui.screens.customer_detail import CustomerDetailScreen
from custtui.tui.screens.customer_form import CustomerFormScreen
from custtui.tui.screens.customer_list import CustomerListScreen
from custtui.tui.text import multiline, plain, safe
from custtui.tui.widgets.customer_table import CustomerTable

# ---------------------------------------------------------------------------
# tui/text.py: plain text, never markup, never a raw control character
# ---------------------------------------------------------------------------

def _expected_safe(value: str) -> str:
    # Line breaks, tabs and the Unicode line separators are
    # blanks; every other control, lone surrogates and bidi controls are U+FFFD.
    return "".join(
        " " if c in "\n\t" or c in LINE_SEPARATORS
        else "\N{REPLACEMENT CHARACTER}" if unicodedata.category(c) in ("Cc", "Cs") or c in BIDI_CONTROLS
        else c
        for c in value
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(nasty_text, clean_text, st.text(any_char)))
@example("[bold]X[/bold] [red")
@example("\x1b]0;title\x07[/]")
def test_safe_and_plain_show_the_text_literally(value: str) -> None:
    shown = safe(value)
    assert shown == _expected_safe(value)
    assert len(shown) == len(value)
    assert not [c for c in shown if unicodedata.category(c) == "Cc"]
    text = plain(value, style="bold")
    assert text.plain == shown  # markup characters kept as they are
    assert not text.spans  # and no style came out of them
    assert text.style == "bold"
    # Through a console as wide as the text: exactly the text, in the one given style.
    console = Console(width=cell_len(shown) + 10, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    segments = [segment for segment in console.render(text) if not segment.control]
    assert "".join(segment.text for segment in segments).rstrip("\n") == shown.rstrip("\n")
    assert {segment.style for segment in segments if segment.text.strip()} <= {Style(bold=True)}
    assert {segment.style for segment in console.render(plain(value)) if segment.text.strip()} <= {None, Style()}


@settings(max_examples=200, deadline=None)
@given(st.one_of(nasty_text, clean_text, st.text(any_char)) | st.none())
def test_multiline_keeps_line_breaks_only(value: str | None) -> None:
    text = multiline(value)
    if value is None:
        assert text.plain == ""
        return
    assert text.plain.split("\n") == [safe(line) for line in value.split("\n")]
    assert not [c for c in text.plain if unicodedata.category(c) == "Cc" and c != "\n"]
    assert not text.spans


# ---------------------------------------------------------------------------
# Screens: stored values are shown literally, without raw control characters
# ---------------------------------------------------------------------------


def screen_lines(app: Any) -> list[str]:
    """The text of every line on screen, as the terminal would get it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def static_texts(screen: Any) -> str:
    """What every Static of the screen shows, scrolled into view or not, rendered by Rich."""
    console = Console(width=200, record=True, file=io.StringIO(), color_system=None)
    for widget in screen.query(Static):
        console.print(widget.content)
    return console.export_text()


def assert_terminal_safe(app: Any) -> None:
    for line in screen_lines(app):
        assert not [c for c in line if unicodedata.category(c) == "Cc"], repr(line)


def assert_notifications_literal(app: Any) -> None:
    """Every notification is shown as its plain text: markup in a message would be parsed."""
    from textual.content import Content
    from textual.markup import MarkupError

    for notification in app._notifications:
        if notification.markup:
            try:
                shown = Content.from_markup(notification.message).plain
            except MarkupError as error:  # the toast would crash the app when drawn
                shown = f"MarkupError: {error}"
            assert shown == notification.message, (notification.message, shown)


# Customers whose every field plays with markup; the list shows their names, the detail and form everything.
MARKUP_CUSTOMERS = [
    CustomerInput(
        name="[bold]X[/bold] [red",
        region_code="BE-VLG",
        internal_name="[link=http://x]y[/]",
        customer_number="[/]1",
        email="u$accent@example.be",  # brackets are refused in an address: markup in e-mails is the legacy row's
    ),
    CustomerInput(
        name="[/] \\[x] [b]",
        region_code="BE-BRU",
        internal_name="[@click=bell]q[/]",
        customer_number="[$accent]",
        email="x{y}|z@example.be",
    ),
]
# Each one's note in the journal (the detail shows it).
MARKUP_NOTES = [
    "[bold]line 1[/]\nline 2 [red\t[@click=app.quit]q[/]",
    "[on red]z[/on red] \U0001f469\u200d\U0001f527 e\u0301 \u202eRTL",
]
LEGACY_NOTES = "a\x1b]52;c;ZXZpbA==\x07\nb\r\x00"


def _add_markup_and_legacy_customers(engine: Engine, actor: User) -> dict[str, int]:
    ids = {}
    with Session(engine, expire_on_commit=False) as session:
        tag = labels.create_label(session, actor, "[red]lbl[/]")
        for data, note in zip(MARKUP_CUSTOMERS, MARKUP_NOTES, strict=True):
            customer = customers.create_customer(session, actor, data)
            notes.add_note(session, actor, customer.id, note)
            labels.assign_label(session, actor, customer.id, tag.id)
            locations.add_location(
                session, actor, customer.id, LocationInput(name="[b]Depot", street="[/]straat", city="[red]Gent")
            )
            ids[data.name] = customer.id
        # A row written past validation (another tool on a shared database, an old version): shown, but defused.
        legacy = Customer(
            name="Evil\x1b[31mRed\x07 [b]",
            region_code="BE-VLG",
            internal_name="\x9b2J\x1b]0;t\x07",
            email="\x1b[5m[u]x[/u]@x.be",
        )
        session.add(legacy)
        session.commit()
        session.add(JournalNote(customer_id=legacy.id, user_login=actor.login, text=LEGACY_NOTES))  # type: ignore[arg-type]
        session.commit()
        ids["legacy"] = legacy.id  # type: ignore[assignment]
    return ids


async def _open(pilot: Any, app: Any, customer_id: int, key: str = "enter") -> None:
    table = app.screen.query_one(CustomerTable)
    table.cursor = table.ids.index(customer_id)
    await pilot.pause()
    await pilot.press(key)
    await wait_idle(pilot, app)


async def test_markup_and_control_characters_are_shown_literally(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    ids = _add_markup_and_legacy_customers(sqlite_engine, known.admin)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        table = app.screen.query_one(CustomerTable)
        lines = "\n".join(screen_lines(app))
        for data in MARKUP_CUSTOMERS:
            assert table.row(ids[data.name]).name == data.name  # type: ignore[union-attr]
            assert data.name[:14] in lines, data.name  # literally; the list may cut it with "…"
        assert "[red]lbl" in lines  # the label, literally (the column may cut its end with "…")
        assert "Evil\ufffd[31mRed\ufffd [b]" in lines
        assert_terminal_safe(app)
        for data, note in zip(MARKUP_CUSTOMERS, MARKUP_NOTES, strict=True):
            await _open(pilot, app, ids[data.name])
            assert isinstance(app.screen, CustomerDetailScreen)
            shown = "\n".join(screen_lines(app)) + static_texts(app.screen)
            assert_terminal_safe(app)
            for literal in (
                *(getattr(data, f) for f in ("name", "internal_name", "customer_number", "email")),
                "[red]lbl[/]",
                "[b]Depot: [/]straat",
            ):
                assert literal in shown, (literal, shown)
            assert "\n".join(safe(line) for line in note.split("\n")) in shown
            # The edit form holds the stored values as they are, and shows them literally.
            await pilot.press("e")
            await wait_idle(pilot, app)
            form = app.screen
            assert isinstance(form, CustomerFormScreen)
            assert {f: form.values()[f] or None for f in CUSTOMER_TEXT_FIELDS} == asdict(data)
            lines = "\n".join(screen_lines(app))
            assert data.name in lines and data.internal_name in lines  # type: ignore[operator]
            assert_terminal_safe(app)
            await pilot.press("escape")
            await wait_idle(pilot, app)
            assert isinstance(app.screen, CustomerDetailScreen)
            await pilot.press("escape")
            await wait_idle(pilot, app)
        await _open(pilot, app, ids["legacy"])
        assert isinstance(app.screen, CustomerDetailScreen)
        assert_terminal_safe(app)
        shown = "\n".join(screen_lines(app)) + static_texts(app.screen)
        assert not [c for c in static_texts(app.screen) if unicodedata.category(c) == "Cc" and c != "\n"]
        assert "Evil\ufffd[31mRed\ufffd [b]" in shown and "\ufffd2J\ufffd]0;t\ufffd" in shown
        assert "a\ufffd]52;c;ZXZpbA==\ufffd\nb\ufffd\ufffd" in shown
        assert_notifications_literal(app)


async def test_legacy_control_characters_do_not_reach_the_terminal_from_the_form(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    ids = _add_markup_and_legacy_customers(sqlite_engine, known.admin)
    async with running_app(sqlite_engine, known.admin) as (app, pilot):
        await _open(pilot, app, ids["legacy"], key="e")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        assert form.values()["name"] == "Evil\ufffd[31mRed\ufffd [b]"
        assert_terminal_safe(app)


async def test_error_messages_with_user_text_are_not_markup(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)
    with Session(sqlite_engine) as session:
        labels.create_label(session, known.admin, "[/]")
        session.commit()
    async with running_app(sqlite_engine, known.admin) as (app, pilot):  # toasts off: a crash would take seconds to report
        await pilot.press("t")
        await wait_idle(pilot, app)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"[/]", "enter")  # the name exists already: refused, with a message
        await wait_idle(pilot, app)
        assert [n.message for n in app._notifications] == ["A label '[/]' already exists."]
        assert_notifications_literal(app)


# ---------------------------------------------------------------------------
# The new-customer form: saved as typed, or refused inline with nothing lost
# ---------------------------------------------------------------------------

FORM_INPUTS = (
    "name",
    "internal_name",
    "customer_number",
    "vat_number",
    "email",
    "phone",
    "street",
    "number",
    "postal_code",
    "city",
)
# Typed key by key: what a keyboard can send (printable), markup characters and non-Latin scripts included.
typed_char = st.one_of(
    st.sampled_from(
        list("[]/\\=@$#&'\"!?.,;:-_ ") + ["\u00e9", "\u00df", "\u0130", "\u20ac", "\U0001f469", "\u0645", "\u05e9", "\u0301"]
    ),
    st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x2FFF).filter(str.isprintable),
)
typed_text = st.lists(typed_char, max_size=14).map("".join)
# Pasted (bracketed paste): anything, control characters and very long text included.
pasted_text = st.one_of(
    nasty_text, clean_text, st.builds(repeat, st.sampled_from(["ab ", "[b]", "\U0001f469"]), st.integers(200, 6000))
)
form_entry = st.one_of(st.tuples(st.just("type"), typed_text), st.tuples(st.just("paste"), pasted_text))
_typed = st.tuples(st.just("type"), typed_text)


def _typed_one_of(*values: str) -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(st.just("type"), st.sampled_from(values))


# A form filled in correctly (free text typed as it comes), then up to three fields typed or pasted anyhow.
valid_form = st.fixed_dictionaries(
    {
        "name": st.tuples(st.just("type"), typed_text.map(lambda text: "N" + text)),
        "internal_name": _typed,
        "customer_number": _typed,
        "vat_number": _typed_one_of("", "BE0403170701", "be 0403.170.701"),
        "email": _typed_one_of("", "info@example.be", "b+info@x.be"),
        "phone": _typed_one_of("", "+32 9 222 33 44"),
        "street": _typed,
        "number": _typed_one_of("", "12", "12 bus 3"),
        "postal_code": _typed_one_of("", "9000", "1000"),
        "city": _typed,
        "region_code": st.sampled_from(["BE-VLG", "BE-BRU"]),
    },
)
odd_entries = st.dictionaries(
    st.sampled_from([*FORM_INPUTS, "region_code"]),
    form_entry
    | st.tuples(st.sampled_from(["type", "paste"]), st.sampled_from(["\u00b9\u00b2\u00b3\u2074", "\u0661\u0662\u0663\u0664"]))
    | st.tuples(st.just("paste"), st.just("a\r\nb\x0bc\x1cd\x85e")),
    max_size=3,
)


def _apply(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    entries = {**base}
    for field, entry in changes.items():
        if field == "region_code":
            entries.pop("region_code", None)  # no region chosen
        else:
            entries[field] = entry
    return entries


form_values = st.builds(_apply, valid_form, odd_entries)


async def _fill_form(pilot: Any, app: Any, form: CustomerFormScreen, entries: dict[str, Any]) -> None:
    """Focus each field and type or paste into it, as the terminal driver would; then check what each holds."""
    expected: dict[str, str] = {}
    for field, entry in entries.items():
        if field == "region_code":
            form.query_one("#region_code", Select).value = entry
            continue
        mode, text = entry
        widget = form.query_one(f"#{field}", Input)
        await app.key_queue.wait_until_delivered()  # the keys of the field before have reached it
        widget.focus()  # before the keys below: they reach this widget
        if mode == "type":
            for char in text:  # as the driver parses a keystroke (Pilot.press cannot send every character)
                app.post_message(events.Key(char if char.isalnum() else _character_to_key(char), char))
            expected[field] = text
        else:
            app.post_message(events.Paste(text))  # as the driver sends a bracketed paste
            if isinstance(widget, Input):
                # An Input takes the first line, and refuses (with a bell) what would pass max_length.
                first_line = text.splitlines()[0] if text.splitlines() else ""
                fits = not widget.max_length or len(first_line) <= widget.max_length
                expected[field] = first_line if fits else ""
    await pilot.pause()
    assert {field: form.values()[field] for field in expected} == expected


def _run_form_scenario(engine: Engine, known: Any, entries: dict[str, Any]) -> None:
    async def scenario() -> None:
        with Session(engine) as session:
            count_before = session.exec(select(func.count()).select_from(Customer)).one()
            last_before = session.exec(select(func.max(Customer.id))).one()
        async with running_app(engine, known.admin) as (app, pilot):  # toasts: see assert_notifications_literal
            await pilot.press("n")
            await wait_idle(pilot, app)
            form = app.screen
            assert isinstance(form, CustomerFormScreen)
            await _fill_form(pilot, app, form, entries)
            values = form.values()
            if any(values[field].strip() for field in FORM_INPUTS):  # the fields the warning watches
                # The live duplicate warning answers whatever was typed (after its debounce).
                watched = {field: values[field] for field in FORM_INPUTS}

                def answered() -> dict[str, str] | None:
                    shown = form.duplicates_shown_for
                    return None if shown is None else {field: shown[field] for field in FORM_INPUTS}

                for _ in range(100):
                    await pilot.pause(0.05)
                    if answered() == watched:
                        break
                assert answered() == watched
            await wait_idle(pilot, app)
            name_width = form.query_one("#name", Input).content_region.width
            if (
                values["name"]
                and cell_len(values["name"]) == len(values["name"]) < name_width
                and not forbidden_chars(values["name"])
            ):
                assert values["name"] in "\n".join(screen_lines(app))  # shown literally, not as markup
            await pilot.press("ctrl+s")
            await wait_idle(pilot, app)
            assert_notifications_literal(app)
            event("refused" if app.screen is form else "saved")
            if app.screen is form:
                # Refused: every problem is marked at its field, and nothing typed is lost.
                shown = [str(error.content) for error in form.query(".form-error.shown")]
                assert shown and all(shown), "refused without an inline error"
                assert form.values() == values
                with Session(engine) as session:
                    assert session.exec(select(func.count()).select_from(Customer)).one() == count_before
                return
            assert isinstance(app.screen, CustomerListScreen)
        with Session(engine) as session:
            saved = session.exec(select(Customer).where(Customer.id > (last_before or 0))).one()
            data = CustomerInput(**{f: values[f] for f in CUSTOMER_TEXT_FIELDS})
            assert {f: getattr(saved, f) for f in CUSTOMER_TEXT_FIELDS} == expected_customer(data)
            assert_no_forbidden(saved, CUSTOMER_TEXT_FIELDS)
            site = session.exec(select(Location).where(Location.customer_id == saved.id)).first()
            if any(values[f].strip() for f in ("street", "number", "postal_code", "city")):
                assert site is not None
                assert (site.street, site.number, site.postal_code, site.city) == tuple(
                    values[f].strip() for f in ("street", "number", "postal_code", "city")
                )
            else:
                assert site is None

    asyncio.run(scenario())


def test_new_customer_form_saves_as_typed_or_refuses_inline(sqlite_engine: Engine) -> None:
    known = fill(sqlite_engine)

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(form_values)
    @example({**dict.fromkeys(FORM_INPUTS, ("type", "")), "name": ("type", "[bold]X[/bold] [red"), "region_code": "BE-VLG"})
    @example(
        {
            **dict.fromkeys(FORM_INPUTS, ("type", "")),
            "name": ("paste", "A\x1b[31mB"),
            "postal_code": ("type", "\u00b9\u00b2\u00b3\u2074"),
        }
    )
    @example(
        {
            **dict.fromkeys(FORM_INPUTS, ("paste", "")),
            "name": ("paste", "x" * 500),
            "email": ("paste", "e" * 5000),
            "region_code": "BE-BRU",
        }
    )
    def check(entries: dict[str, Any]) -> None:
        _run_form_scenario(sqlite_engine, known, entries)

    check()
