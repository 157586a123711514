"""Regions, the regulation each implies, and postal code -> region."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from custtui.i18n import N_, _, format_date
from custtui.models import Region

# Display names and notes, marked for translation; the database keeps English.
REGION_NAMES = {
    "BE-VLG": N_("Flanders"),
    "BE-BRU": N_("Brussels-Capital"),
    "BE-WAL": N_("Wallonia"),
    "NL": N_("Netherlands"),
    "LU": N_("Luxembourg"),
    "FR": N_("France"),
    "DE": N_("Germany"),
}


@dataclass(frozen=True)
class Regulation:
    """What applies in a region: a note (a catalog entry), where it comes from, when it was last checked.

    `source` is a URL or the official text's name, shown as it is in every
    language (an official title is not translated).
    """

    note: str
    source: str
    checked_on: date


CHECKED_ON = date(2026, 12, 2)

REGULATIONS: dict[str, Regulation] = {
    "BE-VLG": Regulation(
        N_(
            "Order of the Flemish Government of 8 December 2006 on heating appliances: periodic maintenance "
            "of central heating boilers from 20 kW by a recognised technician (erkend technicus), gas every "
            "2 years, fuel oil every year; EPB requirements of the Energiebesluit for new installations."
        ),
        "https://omgeving.vlaanderen.be/stooktoestel-in-gebruik-periodiek-onderhoud",
        CHECKED_ON,
    ),
    "BE-BRU": Regulation(
        N_(
            "Brussels PEB heating rules (COBRACE; Government order of 21 June 2018): periodic PEB check by an "
            "approved PEB boiler technician, gas every 2 years since 1 January 2019, fuel oil every year; a PEB "
            "heating diagnostic every 5 years for a boiler over 100 kW or a system of several boilers."
        ),
        "https://environnement.brussels/pro/reglementation/obligations-et-autorisations/"
        "controles-et-entretien-de-la-reglementation-chauffage-et-climatisation-peb",
        CHECKED_ON,
    ),
    "BE-WAL": Regulation(
        N_(
            "Order of the Walloon Government of 29 January 2009 on central heating: periodic check by an "
            "approved technician, fuel oil every year, gas every 3 years (every 2 years over 100 kW), with an "
            "attestation of the check for the user; an in-depth diagnostic (diagnostic approfondi) for boilers "
            "over 20 kW, at the first check and after every change."
        ),
        "https://energieinfowallonie.be/fr/quelle-frequence-le-controle-periodique-doit-il-etre-effectue",
        CHECKED_ON,
    ),
    "NL": Regulation(
        N_(
            "Since 1 April 2023 only CO-certified companies may work on gas appliances (Besluit bouwwerken "
            "leefomgeving); heat pumps and air conditioning by F-gas certified companies and technicians "
            "(EU Regulation 2024/573)."
        ),
        "https://www.tlokb.nl/werkzaamheden-aan-gasverbrandingsinstallaties/"
        "certificering-voor-werkzaamheden-aan-gasverbrandingsinstallaties",
        CHECKED_ON,
    ),
    "LU": Regulation(
        N_(
            "Periodic inspection of heating by an approved inspector (contrôleur agréé; Grand-Ducal regulations "
            "of 27 February 2010 and 7 October 2014): fuel oil every 2 years, gas every 4 years, wood every "
            "2 years; new installations accepted by the Chambre des Métiers; heat pumps under the F-gas "
            "regulation."
        ),
        "https://klima-agence.lu/fr/ravivez-votre-chauffage",
        CHECKED_ON,
    ),
    "FR": Regulation(
        N_(
            "Yearly maintenance of boilers from 4 to 400 kW with an attestation d'entretien; heat pumps from "
            "4 to 70 kW every 2 years (decree 2020-912); refrigerants handled only by companies holding an "
            "attestation de capacité."
        ),
        "Code de l'environnement (art. R224-41-4 et suivants), décret n\u00b0\u00a02020-912 du 28 juillet 2020",
        CHECKED_ON,
    ),
    "DE": Regulation(
        N_(
            "Emission measurements under the 1. BImSchV by a chimney sweep of the owner's choice; fire safety "
            "inspection (Feuerstättenschau) twice in 7 years by the district chimney sweep (SchfHwG); GEG "
            "requirements for new heating systems."
        ),
        "1. BImSchV, SchfHwG § 14, GEG (https://www.gesetze-im-internet.de)",
        CHECKED_ON,
    ),
}

# The notes the first migration stored (English, since corrected): a region
# whose stored note is one of these, or the current English, shows the current
# note in the UI language; a note an admin wrote is shown as written.
_FIRST_NOTES = {
    "BE-VLG": "Flemish heating decree: periodic maintenance by a certified technician "
    "(gas every 2 years, oil every year); EPB rules for new installations.",
    "BE-BRU": "Brussels PEB heating rules: periodic check by an approved boiler technician "
    "(gas every 3 years, oil every year); diagnosis for boilers older than 15 years.",
    "BE-WAL": "Walloon decree on heating systems: periodic check by an approved technician "
    "(gas every 3 years, oil every year), certificate left with the customer.",
    "NL": "CO certification for work on gas appliances; F-gas certified technicians "
    "for heat pumps and air conditioning.",
    "LU": "Yearly maintenance and emission measurement of boilers; heat pumps under the F-gas regulation.",
    "FR": "Yearly boiler maintenance with a maintenance certificate; heat pumps "
    "4-70 kW every 2 years; F-gas capacity certificate for refrigerants.",
    "DE": "Emission checks by the district chimney sweep (1. BImSchV); GEG rules for new heating systems.",
}

# Belgian postal code ranges (inclusive) and their region.
_BELGIAN_RANGES = (
    (1000, 1299, "BE-BRU"),
    (1300, 1499, "BE-WAL"),
    (1500, 3999, "BE-VLG"),
    (4000, 7999, "BE-WAL"),
    (8000, 9999, "BE-VLG"),
)
_COUNTRY_REGIONS = {"NL": "NL", "LU": "LU", "FR": "FR", "DE": "DE"}


def list_regions(session: Session) -> list[Region]:
    return list(session.exec(select(Region).order_by(Region.code)))


def region_codes(session: Session) -> set[str]:
    """The region codes, read once per session (an import validates thousands of rows)."""
    cached = session.info.get("region_codes")
    if cached is None:
        cached = session.info["region_codes"] = frozenset(session.exec(select(Region.code)))
    return set(cached)


def get_region(session: Session, code: str) -> Region | None:
    return session.get(Region, code)


def display_name(region: Region | str) -> str:
    code = region if isinstance(region, str) else region.code
    fallback = code if isinstance(region, str) else region.name
    message = REGION_NAMES.get(code)
    return _(message) if message else fallback


def regulation_of(region: Region) -> Regulation | None:
    """The product's regulation for the region, unless an admin wrote the region's note themselves."""
    regulation = REGULATIONS.get(region.code)
    if regulation is None or region.regulation_note not in (regulation.note, _FIRST_NOTES.get(region.code)):
        return None
    return regulation


def regulation_source(regulation: Regulation) -> str:
    """'Source: … · checked on 2 December 2026', in the UI language."""
    return _("Source: {source} · checked on {date}").format(
        source=regulation.source, date=format_date(regulation.checked_on, "long")
    )


def regulation_note(region: Region) -> str:
    """The note as the customer screen shows it: in the UI language, its source and date on a second line.

    A note an admin wrote is shown as written, without a source.
    """
    if not region.regulation_note:
        return ""
    regulation = regulation_of(region)
    if regulation is None:
        return region.regulation_note
    return _(regulation.note) + "\n" + regulation_source(regulation)


def region_for_postal_code(postal_code: str | None, country: str | None = "BE") -> str | None:
    """Suggest a region: Belgian codes by range, other countries by country."""
    country = (country or "BE").upper()
    if country != "BE":
        return _COUNTRY_REGIONS.get(country)
    code = (postal_code or "").strip()
    if len(code) != 4 or not (code.isascii() and code.isdigit()):  # "¹²³⁴".isdigit(), but int() refuses it
        return None
    number = int(code)
    for low, high, region in _BELGIAN_RANGES:
        if low <= number <= high:
            return region
    return None
