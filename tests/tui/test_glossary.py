"""The catalogs say what locales/GLOSSARY.md says, with each language's own typography."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from rich.cells import cell_len

from custtui.safetext import terminal_safe_lines
from custtui.services import validation

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
GLOSSARY = LOCALES / "GLOSSARY.md"
TRANSLATED = ("nl", "fr", "de")
NBSP, NNBSP = "\u00a0", "\u202f"
BACKTICKED = re.compile(r"`([^`]+)`")
# Left out of a msgid before looking for a term: accelerators, placeholders, command-line options.
NOT_WORDS = re.compile(r"\{[^{}]*\}|%\(\w+\)[a-z]|--\w[\w-]*")
# The files that build menus whose items carry an accelerator; each `[MenuItem(...), ...]` list is one menu.
MENU_FILES = {
    "context menu": ROOT / "src/custtui/tui/customer_screen.py",
    "sort menu": ROOT / "src/custtui/tui/screens/customer_list.py",
}
MENU_LIST = re.compile(r"\[\s*MenuItem\(.*?\n\s*\]", re.DOTALL)
MENU_ITEM = re.compile(r"""MenuItem\(\s*"[^"]+",\s*_\("((?:[^"\\]|\\.)*&(?:[^"\\]|\\.)*)"\)""")


@dataclass
class Term:
    name: str
    matches: list[str]
    forms: dict[str, list[str]]
    exceptions: dict[str, set[tuple[str | None, str]]] = field(default_factory=dict)


def _tables(text: str) -> dict[str, list[list[str]]]:
    """Each '## ' section's table rows (header and rule left out), cells stripped."""
    tables: dict[str, list[list[str]]] = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            tables[section] = []
        elif line.startswith("|") and section:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            tables[section].append(cells)
    return {name: rows[2:] for name, rows in tables.items()}


def _msgid_key(text: str) -> tuple[str | None, str]:
    """`[context] msgid` or `msgid`, as the glossary writes a msgid."""
    found = re.fullmatch(r"\[([^\]]+)\] (.*)", text)
    return (found.group(1), found.group(2)) if found else (None, text)


def _glossary() -> tuple[list[Term], dict[str, list[str]]]:
    tables = _tables(GLOSSARY.read_text(encoding="utf-8"))
    terms = []
    for name, matches, nl, fr, de, _note in tables["Terms"]:
        forms = {language: BACKTICKED.findall(cell) for language, cell in zip(TRANSLATED, (nl, fr, de), strict=True)}
        terms.append(Term(name, BACKTICKED.findall(matches), forms))
    by_name = {term.name: term for term in terms}
    for name, languages, msgid, _why in tables["Exceptions"]:
        term = by_name[name]  # an exception names a term of the table
        (text,) = BACKTICKED.findall(msgid)
        for language in TRANSLATED if languages == "all" else languages.split(", "):
            term.exceptions.setdefault(language, set()).add(_msgid_key(text))
    old: dict[str, list[str]] = {}
    for language, pattern, _instead in tables["Old terms"]:
        old.setdefault(language, []).extend(BACKTICKED.findall(pattern))
    return terms, old


def _catalog(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "custtui.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (str(message.id),)


def _strings(message: Message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (str(message.string),)


def _words(text: str) -> str:
    return NOT_WORDS.sub(" ", text.replace("&", ""))


def _mentions(term: Term, msgid: str) -> bool:
    words = _words(msgid)
    for match in term.matches:
        if match.startswith("="):  # exactly this msgid, in this case
            if msgid.replace("&", "") == match[1:]:
                return True
        elif re.search(rf"(?<!\w){re.escape(match)}(?:s|es)?(?!\w)", words, re.IGNORECASE):
            return True
    return False


TERMS, OLD_TERMS = _glossary()


def test_the_glossary_names_every_term_in_every_language() -> None:
    assert len(TERMS) >= 20
    for term in TERMS:
        if term.matches:
            assert all(term.forms[language] for language in TRANSLATED), term.name
    assert set(OLD_TERMS) == set(TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_term_is_translated_as_the_glossary_says(language: str) -> None:
    wrong = []
    for message in _catalog(language):
        if not message.id:
            continue
        key = (message.context, _ids(message)[0])
        for term in TERMS:
            if not term.matches or key in term.exceptions.get(language, set()):
                continue
            if not any(_mentions(term, msgid) for msgid in _ids(message)):
                continue
            forms = [form.casefold() for form in term.forms[language]]
            for text in _strings(message):
                if not any(form in text.replace("&", "").casefold() for form in forms):
                    wrong.append((term.name, key, text))
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_old_term_is_left(language: str) -> None:
    patterns = [re.compile(rf"(?<!\w){pattern}(?!\w)", re.IGNORECASE) for pattern in OLD_TERMS[language]]
    found = [
        (pattern.pattern, text)
        for message in _catalog(language)
        if message.id
        for text in _strings(message)
        for pattern in patterns
        if pattern.search(text.replace("&", ""))
    ]
    assert found == []


def test_french_typography() -> None:
    wrong = []
    for message in _catalog("fr"):
        if not message.id:
            continue
        for text in _strings(message):
            if re.search(r"[ \t][:;!?]", text):
                wrong.append(("plain space before : ; ! ?", text))
            if re.search(rf"{NNBSP}:|[ {NBSP}][;!?]", text):
                wrong.append(("U+00A0 before :, U+202F before ; ! ?", text))
            if re.search(r"[“”’‘]", text):
                wrong.append(("English quotes or apostrophe", text))
            if re.search(rf"«(?!{NNBSP})|(?<!{NNBSP})»", text):
                wrong.append(("U+202F inside « »", text))
            if re.search(r"\w[;!?]", text):
                wrong.append(("no space before ; ! ?", text))
    assert wrong == []


def test_german_quotes() -> None:
    wrong = []
    for message in _catalog("de"):
        if not message.id:
            continue
        for text in _strings(message):
            outside = re.sub(r"„[^„“”]*“", "", text)
            if re.search(r"[“”‘’]", outside):
                wrong.append(text)
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_straight_double_quotes_only_quote_code(language: str) -> None:
    """'customer_number="Klant nr"' is an argument to type; words are quoted with the language's own marks."""
    wrong = [
        text for message in _catalog(language) if message.id for text in _strings(message) if re.search(r'(?<![=\w])"', text)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", [*TRANSLATED, "en"])
def test_safetext_leaves_catalog_strings_alone(language: str) -> None:
    """What the catalogs write (no-break spaces, quotes, ellipses) is not taken for a control character."""
    for message in _catalog(language):
        for text in _strings(message):
            assert terminal_safe_lines(text) == text.replace("\r\n", "\n"), text
            # Words the product writes into data (default names, marks) pass the same checks as typed data.
            assert not validation.has_control_characters(text, multiline=True), text
            assert not validation.has_direction_controls(text), text


def test_no_break_spaces_are_one_cell_wide() -> None:
    assert cell_len(NBSP) == 1
    assert cell_len(NNBSP) == 1
    assert cell_len(f"Région{NBSP}: Wallonie") == len("Région : Wallonie")


def _menus() -> dict[str, list[str]]:
    menus = {}
    for name, path in MENU_FILES.items():
        lists = [MENU_ITEM.findall(block) for block in MENU_LIST.findall(path.read_text(encoding="utf-8"))]
        assert max(map(len, lists)) >= 5, (name, lists)  # the menu is still built this way
        for number, items in enumerate(lists):
            menus[f"{name} {number}"] = items
    return menus


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_menu_has_distinct_accelerators_inside_a_word(language: str) -> None:
    catalog = _catalog(language)
    for menu, items in _menus().items():
        letters = []
        for item in items:
            message = catalog.get(item)
            text = _strings(message)[0] if message is not None and message.string else item
            assert text.count("&") == 1, (language, text)
            letter = text[text.index("&") + 1 :][:1]
            assert letter.isalpha(), (language, menu, text)  # the letter of a word, not a space or a sign
            letters.append(letter.casefold())
        assert len(set(letters)) == len(letters), (language, menu, list(zip(items, letters, strict=True)))
