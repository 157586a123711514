"""Regulation notes: one for every region, with its source and the day it was checked, in every language."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlmodel import Session

from custtui.i18n import set_language
from custtui.models import Region
from custtui.services import regions

LOCALES = Path(__file__).resolve().parents[2] / "locales"
SOURCE_LINE = "Source: {source} · checked on {date}"


def test_every_region_has_a_note_a_source_and_a_date(session: Session) -> None:
    codes = {region.code for region in regions.list_regions(session)}
    assert codes == set(regions.REGULATIONS) == set(regions.REGION_NAMES)
    for code, regulation in regions.REGULATIONS.items():
        assert regulation.note.strip(), code
        assert regulation.source.strip(), code
        assert regulation.checked_on == date(2026, 12, 2), code


def test_the_first_migrations_notes_show_the_corrected_one(session: Session) -> None:
    brussels = regions.get_region(session, "BE-BRU")
    assert brussels is not None
    shown = regions.regulation_note(brussels)
    note, source = shown.split("\n")
    assert note == regions.REGULATIONS["BE-BRU"].note
    assert "gas every 2 years since 1 January 2019" in note and "15 years" not in note
    assert source == f"Source: {regions.REGULATIONS['BE-BRU'].source} · checked on 2 December 2026"
    for region in regions.list_regions(session):
        assert regions.regulation_note(region).startswith(regions.REGULATIONS[region.code].note)


def test_the_date_is_in_the_ui_languages_format(session: Session) -> None:
    region = regions.get_region(session, "BE-VLG")
    assert region is not None
    for language, day in (("fr", "2 décembre 2026"), ("de", "2. Dezember 2026"), ("nl", "2 december 2026")):
        set_language(language)
        assert regions.regulation_note(region).endswith(day)


def test_a_note_an_admin_wrote_is_shown_as_written() -> None:
    region = Region(code="BE-VLG", name="Flanders", country="BE", regulation_note="Own text: ask Koen.")
    assert regions.regulation_of(region) is None
    assert regions.regulation_note(region) == "Own text: ask Koen."
    assert regions.regulation_note(Region(code="XX", name="Elsewhere", country="XX", regulation_note="")) == ""


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_every_note_is_translated(language: str) -> None:
    """Passes once the catalogs hold the notes (the strings are merged into locales/ by hand)."""
    with (LOCALES / language / "LC_MESSAGES" / "custtui.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for msgid in [regulation.note for regulation in regions.REGULATIONS.values()] + [SOURCE_LINE]:
        message = catalog.get(msgid)
        assert message is not None, f"{language}: missing {msgid!r}"
        assert not message.fuzzy, f"{language}: fuzzy {msgid!r}"
        assert isinstance(message.string, str) and message.string.strip(), f"{language}: empty {msgid!r}"
        assert message.string != msgid, f"{language}: left in English {msgid!r}"
        if msgid == SOURCE_LINE:
            assert "{source}" in message.string and "{date}" in message.string
