"""Translations (gettext through Babel catalogs) and locale-aware formatting.

Every user-visible string goes through `_()`; values are put in with
`.format()` after translation, so translators see whole sentences.
"""

from __future__ import annotations

import gettext
import io
import os
import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from custtui.resources import resource_dir

# Babel is imported where it formats: the start needs its numbers (the list's
# count) but not its dates, and the catalogs are plain gettext ones.
if TYPE_CHECKING:
    from babel import Locale

DOMAIN = "custtui"
LANGUAGES = ("nl", "fr", "de", "en")
DEFAULT_LANGUAGE = "en"
# Belgian users first: dates and numbers follow the Belgian conventions of
# each language, except English, which has no Belgian variant in CLDR.
_FORMAT_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "de": "de_BE", "en": "en_GB"}

_current_language = DEFAULT_LANGUAGE
_current_territory: str | None = None  # from LANG & co: nl_NL formats dates the Dutch way
_translations: gettext.NullTranslations = gettext.NullTranslations()


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


@cache
def _load(language: str) -> gettext.NullTranslations:
    locales = resource_dir("locales")
    mo = locales / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = locales / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    # An installed wheel has .mo files only; in a checkout a .mo older than its .po is stale.
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.exists():
        # No compiled catalog (a source checkout): compile the .po in memory.
        from babel.messages.mofile import write_mo  # noqa: PLC0415 - Babel compiles catalogs only in a source checkout
        from babel.messages.pofile import read_po  # noqa: PLC0415 - Babel compiles catalogs only in a source checkout

        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def normalise_language(value: str | None) -> str | None:
    """'fr_BE.UTF-8' -> 'fr'; None when it is not one of ours."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def language_from_environment() -> str | None:
    """The language the process environment asks for, if it is one of ours."""
    for variable in ("CUSTTUI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        language = normalise_language(os.environ.get(variable))
        if language:
            return language
    return None


def choose_language(requested: str | None = None, saved: str | None = None) -> str:
    """The UI language: --lang, then CUSTTUI_LANG, then the user's saved
    language, then LC_ALL / LC_MESSAGES / LANG (as sent over SSH), then English."""
    for candidate in (requested, os.environ.get("CUSTTUI_LANG"), saved):
        language = normalise_language(candidate)
        if language:
            return language
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        language = normalise_language(os.environ.get(variable))
        if language:
            return language
    return DEFAULT_LANGUAGE


def _territory_from_environment(language: str) -> str | None:
    """'NL' when LANG says nl_NL and the UI speaks nl: formats follow the user's country."""
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        value = (os.environ.get(variable) or "").split(".")[0].replace("-", "_")
        parts = value.split("_")
        if len(parts) >= 2 and parts[0].lower() == language and parts[1].isalpha():
            return parts[1].upper()
    return None


def set_language(language: str | None) -> str:
    """Switch the UI language; unknown values fall back to English."""
    global _current_language, _current_territory, _translations
    chosen = normalise_language(language) or DEFAULT_LANGUAGE
    _current_language = chosen
    _current_territory = _territory_from_environment(chosen)
    _translations = _load(chosen)
    return chosen


def get_language() -> str:
    return _current_language


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A word whose meaning depends on where it stands ("Number": house or customer)."""
    return _translations.pgettext(context, message)


def format_locale(language: str | None = None) -> Locale:
    """CLDR formats: the user's own country when LANG names one (nl_NL), else Belgian."""
    from babel import Locale, UnknownLocaleError  # noqa: PLC0415 - Babel loads when something is formatted, not at import

    if language is None and _current_territory:
        try:
            return Locale.parse(f"{_current_language}_{_current_territory}")
        except (ValueError, LookupError, UnknownLocaleError):  # LANG=fr_NL: CLDR has no French of the Netherlands
            pass
    return Locale.parse(_FORMAT_LOCALES[language or _current_language])


_NAMED_FORMATS = ("short", "medium", "long", "full")


def four_digit_years(pattern: str) -> str:
    """A CLDR date pattern with every two-digit year ("yy") made four digits ("yyyy"), quoted text untouched.

    'd/MM/yy' (fr_BE short) -> 'd/MM/yyyy': the day and month stay in the locale's order.
    """
    parts = re.split(r"('(?:[^']|'')*')", pattern)  # quoted literals at odd positions
    return "".join(part if index % 2 else re.sub(r"(?<!y)yy(?!y)", "yyyy", part) for index, part in enumerate(parts))


def date_pattern(format: str = "medium", locale: Locale | None = None) -> str:
    """The pattern format_date uses: the locale's own, always with a four-digit year."""
    if format not in _NAMED_FORMATS:
        return format
    locale = locale or format_locale()
    return four_digit_years(locale.date_formats[format].pattern)


def datetime_pattern(format: str = "short", locale: Locale | None = None) -> str:
    """The pattern format_datetime uses: the locale's date and time joined the locale's way, a four-digit year."""
    if format not in _NAMED_FORMATS:
        return format
    locale = locale or format_locale()
    joined = str(locale.datetime_formats[format])  # '{1}, {0}': date, then time
    return joined.replace("{1}", date_pattern(format, locale)).replace("{0}", locale.time_formats[format].pattern)


def format_date(value: date | None, format: str = "medium") -> str:
    """A date in the user's locale; the named formats (short, medium...) always show the year in four digits."""
    if value is None:
        return ""
    from babel.dates import format_date as babel_format_date  # noqa: PLC0415 - dates are not on the first screen

    locale = format_locale()
    return babel_format_date(value, format=date_pattern(format, locale), locale=locale)


def parse_day(value: str) -> date | None:
    """A date as the user types it: ISO (2026-11-27) or the locale's short form (27/11/2026); None when blank.

    ValueError when it is neither.
    """
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    from babel.dates import parse_date  # noqa: PLC0415 - see format_date

    try:
        return parse_date(value, locale=format_locale())
    except (ValueError, IndexError):
        raise ValueError(value) from None


def format_datetime(value: datetime | None, format: str = "short") -> str:
    """In the machine's local time; stored times are UTC (naive on SQLite). The year in four digits."""
    if value is None:
        return ""
    from babel.dates import format_datetime as babel_format_datetime  # noqa: PLC0415 - dates are not on the first screen

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone()
    locale = format_locale()
    return babel_format_datetime(value, format=datetime_pattern(format, locale), locale=locale)


def format_relative(moment: datetime | None, now: datetime | None = None) -> str:
    """'3 days ago' / 'il y a 3 jours' / 'vor 3 Tagen' / '3 dagen geleden'; within a day: 'today'."""
    if moment is None:
        return ""
    from babel.dates import format_timedelta  # noqa: PLC0415 - dates are not on the first screen

    if moment.tzinfo is None:  # SQLite keeps no time zone: we store UTC
        moment = moment.replace(tzinfo=UTC)
    delta = moment - (now or datetime.now(UTC))
    if abs(delta) < timedelta(days=1):
        return _("today")
    return format_timedelta(delta, granularity="day", add_direction=True, locale=format_locale())


def format_number(value: float | int | None, pattern: str | None = None) -> str:
    """A number in the UI language's way ("0,93" in fr/nl/de); `pattern` as Babel's ("0.00": two decimals)."""
    if value is None:
        return ""
    from babel.numbers import format_decimal  # noqa: PLC0415 - Babel loads when something is formatted, not at import

    return format_decimal(value, format=pattern, locale=format_locale())


def format_percent(fraction: float | None, pattern: str | None = None) -> str:
    """A share in the user's locale: 0.85 -> '85 %' in fr and de, '85%' in nl and en."""
    if fraction is None:
        return ""
    from babel.numbers import format_percent as babel_format_percent  # noqa: PLC0415 - Babel loads when something is formatted

    return babel_format_percent(fraction, format=pattern, locale=format_locale())


def format_seconds(seconds: float) -> str:
    """A duration in seconds, one decimal, in the user's locale ("1,4" in fr/nl/de): put in a catalog's "{seconds} s"."""
    return format_number(seconds, "0.0")


def join_clauses(clauses: list[str]) -> str:
    """Clauses joined as the language joins them with a semicolon ("a ; b" in French, with its narrow space)."""
    if not clauses:
        return ""
    text = clauses[0]
    for clause in clauses[1:]:
        text = _("{first}; {second}").format(first=text, second=clause)
    return text


def language_name(code: str | None, in_language: str | None = None) -> str:
    """The name of a language, in the UI language: 'fr' -> 'French' / 'Frans'."""
    if not code:
        return ""
    from babel import Locale  # noqa: PLC0415 - Babel loads when something is formatted, not at import

    name = Locale.parse(code).get_display_name(format_locale(in_language))
    return name[:1].upper() + name[1:] if name else code


class Document:
    """Words and formats of one language for a document (a customer sheet), whatever the user interface speaks.

    Thread-safe: nothing global changes, so a worker can write a French sheet
    while the screen speaks Dutch.
    """

    def __init__(self, language: str | None) -> None:
        self.language = normalise_language(language) or DEFAULT_LANGUAGE
        self._translations = _load(self.language)
        self.locale = format_locale(self.language)

    def _(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._translations.pgettext(context, message)

    def translated(self, message: str) -> str:
        """A marked message: with its context when it was marked with one (models.NP_)."""
        context = getattr(message, "context", None)
        return self.pgettext(context, str(message)) if context else self._(message)

    def format_date(self, value: date | None, format: str = "medium") -> str:
        if value is None:
            return ""
        from babel.dates import format_date as babel_format_date  # noqa: PLC0415 - as format_date

        return babel_format_date(value, format=date_pattern(format, self.locale), locale=self.locale)

    def format_number(self, value: float | int | None) -> str:
        if value is None:
            return ""
        from babel.numbers import format_decimal  # noqa: PLC0415 - as format_number

        return format_decimal(value, locale=self.locale)
