"""Regions, the regulation each implies, and postal code -> region."""

from __future__ import annotations

from sqlmodel import Session, select

from custtui.i18n import N_, _
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

# The notes as the first migration stored them: marked here so that they are
# translated; a note an admin changed is shown as written.
REGULATION_NOTES = (
    N_(
        "Flemish heating decree: periodic maintenance by a certified technician "
        "(gas every 2 years, oil every year); EPB rules for new installations."
    ),
    N_(
        "Brussels PEB heating rules: periodic check by an approved boiler technician "
        "(gas every 3 years, oil every year); diagnosis for boilers older than 15 years."
    ),
    N_(
        "Walloon decree on heating systems: periodic check by an approved technician "
        "(gas every 3 years, oil every year), certificate left with the customer."
    ),
    N_("CO certification for work on gas appliances; F-gas certified technicians for heat pumps and air conditioning."),
    N_("Yearly maintenance and emission measurement of boilers; heat pumps under the F-gas regulation."),
    N_(
        "Yearly boiler maintenance with a maintenance certificate; heat pumps "
        "4-70 kW every 2 years; F-gas capacity certificate for refrigerants."
    ),
    N_("Emission checks by the district chimney sweep (1. BImSchV); GEG rules for new heating systems."),
)

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


def regulation_note(region: Region) -> str:
    return _(region.regulation_note) if region.regulation_note else ""


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
