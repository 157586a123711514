"""Realistic demo data, fast: customers, sites, buildings, installations, missions, labels.

Belgian (Flanders, Wallonia with the German-speaking East Cantons, Brussels)
and Dutch customers for the most part, a few from Luxembourg, France and
Germany; companies and private persons, named in the language of their
region. About 5 % of the customers are deliberate duplicates of others (a
typo, words swapped, the alias used as the name, another customer number,
the legal form written differently, the phone typed differently (stored the
same, E.164, as the app stores it), mostly
at the same address), so finding and merging duplicates can be tried out.

The data depends on the seed only: `random.Random(seed)` is the one source
of randomness, and every date is relative to REFERENCE_DATE, not to today.
The same seed and count on a fresh database give the same rows and ids.

Rows are built as plain dicts and inserted with SQLAlchemy Core in batches,
inside one transaction, with primary keys assigned here (from the largest id
in each table); no ORM objects and no audit events.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text

from custtui.demo.variations import (
    abbreviate_street,
    ascii_folded,
    capitalised,
    domain_part,
    draw_phone_groups,
    draw_phone_style,
    local_part,
    stored_phone,
    typo,
    vat_number,
    without_accents,
)
from custtui.demo.world import (
    AREA_CHOICE,
    AREAS,
    BOX_WORD,
    CAR_BRANDS,
    CATALOG,
    CHUNK,
    COMPANY_LOCATIONS,
    COMPANY_TEMPLATES,
    CUSTOMER_NOTES,
    DEFAULT_TECHNICIANS,
    DEMO_LABELS,
    DEMO_LANGUAGES,
    DUPLICATE_SHARE,
    DUPLICATE_VARIATIONS,
    FAMILY_WORD,
    FIRST_NAMES,
    FORM_VARIANTS,
    FUEL_BRANDS,
    FUEL_WORDS,
    FUTURE_DAYS,
    HISTORY_DAYS,
    HOLIDAY_PLACES,
    INSTALLATION_KINDS,
    INSTALLATION_NOTES,
    INSTALLATIONS_PER_LOCATION,
    LABELS_PER_CUSTOMER,
    LAST_NAMES,
    LEGAL_FORMS,
    LOCATION_NOTES,
    LOCATION_WORDS,
    MAIL_PREFIXES,
    MISSION_KINDS,
    MISSION_NOTES,
    MISSIONS_PER_CUSTOMER,
    NAME_LANGUAGE,
    NATURAL_GAS,
    NON_PROFIT_FORMS,
    OLD_INSTALLATION_NOTE,
    OTHER_BELGIAN_AREA,
    PERSON_LOCATIONS,
    PLACE_NOUNS,
    PROPANE,
    PROVIDERS,
    REFERENCE_DATE,
    REFERENCE_MOMENT,
    SECOND_BUILDINGS,
    SHOPS,
    STREETS,
    WARRANTY_NOTE,
    Area,
    DemoResult,
    Place,
    Weighted,
)
from custtui.i18n import get_language, normalise_language
from custtui.models import (
    Building,
    Customer,
    CustomerLabel,
    Installation,
    InstallationKind,
    JournalNote,
    Label,
    Location,
    Mission,
    MissionInstallation,
    MissionKind,
    MissionStatus,
    table_of,
)
from custtui.services.locations import default_building_name
from custtui.services.regions import region_for_postal_code

# Every date is relative to this day, so that a seed gives the same data on any day.


# --------------------------------------------------------------------------
# The generator.
# --------------------------------------------------------------------------


@dataclass
class _Original:
    """What a duplicate needs to know about the customer it copies."""

    row: dict[str, Any]
    location: dict[str, Any]
    area: str
    pool: str
    is_person: bool
    first: str = ""
    last: str = ""
    first_name_first: bool = True
    base: str = ""  # company name without legal form
    form: str = ""
    phone_groups: list[str] | None = None
    phone_country: str = "BE"
    phone_style: int = 1
    created_days: int = 0


@dataclass
class _Rows:
    customer: list[dict[str, Any]] = field(default_factory=list)
    customer_label: list[dict[str, Any]] = field(default_factory=list)
    location: list[dict[str, Any]] = field(default_factory=list)
    building: list[dict[str, Any]] = field(default_factory=list)
    installation: list[dict[str, Any]] = field(default_factory=list)
    mission: list[dict[str, Any]] = field(default_factory=list)
    mission_installation: list[dict[str, Any]] = field(default_factory=list)


_TABLES: list[tuple[str, Table]] = [
    ("customer", table_of(Customer)),
    ("customer_label", table_of(CustomerLabel)),
    ("location", table_of(Location)),
    ("building", table_of(Building)),
    ("installation", table_of(Installation)),
    ("mission", table_of(Mission)),
    ("mission_installation", table_of(MissionInstallation)),
]  # and the journal's notes (_insert)
_ID_TABLES = ("customer", "location", "building", "installation", "mission", "label")


class _Generator:
    def __init__(
        self, rng: random.Random, next_ids: dict[str, int], label_ids: list[int], label_weights: list[int],
        technicians: list[str], language: str,
    ) -> None:
        self.rng = rng
        self.language = language  # the demo's: the product's words written into data
        self.next = next_ids
        self.labels = Weighted(list(zip(label_ids, label_weights, strict=True)))
        self.technicians = technicians
        self.main_building = default_building_name(language)
        self.rows = _Rows()
        self.counts = dict.fromkeys(
            ("customer", "customer_label", "location", "building", "installation", "mission"), 0
        )
        self._moments: dict[int, datetime] = {}
        self._days_ago: dict[int, date] = {}
        self._number_pool: list[str] = []
        self._emails_used: set[str] = set()
        self._vats_used: set[str] = set()

    # -- ids, dates ---------------------------------------------------------

    def _id(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        self.counts[table] += 1
        return value

    def _moment(self, days_ago: int) -> datetime:
        """A fixed, timezone-aware moment `days_ago` days before the reference date."""
        moment = self._moments.get(days_ago)
        if moment is None:
            moment = self._moments[days_ago] = REFERENCE_MOMENT - timedelta(days=days_ago)
        return moment

    def _day(self, days_ago: int) -> date:
        day = self._days_ago.get(days_ago)
        if day is None:
            day = self._days_ago[days_ago] = REFERENCE_DATE - timedelta(days=days_ago)
        return day

    def take_rows(self) -> _Rows:
        rows, self.rows = self.rows, _Rows()
        return rows

    # -- names ---------------------------------------------------------------

    def _person_name(self, pool: str) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES[pool]), self.rng.choice(LAST_NAMES[pool])

    def _company_name(self, language: str, first: str, last: str, city: str, country: str) -> tuple[str, bool, str]:
        """(name without legal form, non-profit, a possible alias)."""
        rng = self.rng
        template, non_profit, aliases = rng.choice(COMPANY_TEMPLATES[language])
        values = {
            "last": capitalised(last), "first": first, "noun": rng.choice(PLACE_NOUNS[language]), "city": city,
            "brand": rng.choice(CAR_BRANDS), "shop": rng.choice(SHOPS[country]),
            "fuel": rng.choice(FUEL_BRANDS[country]),
        }
        return template.format(**values), non_profit, rng.choice(aliases).format(**values)

    def _address(self, area: Area, language: str) -> dict[str, Any]:
        rng = self.rng
        place = rng.choice(area.places)
        return self._address_at(place, area, language)

    def _address_at(self, place: Place, area: Area, language: str) -> dict[str, Any]:
        rng = self.rng
        if area.country == "NL":
            street_pool = "nlnl"
        elif area.key == "BRU":  # bilingual: streets and communes in the customer's language
            street_pool = language if language in ("nl", "fr") else "fr"
        else:
            street_pool = area.language
        street = rng.choice(STREETS[street_pool])
        number = str(min(rng.randint(1, 120), rng.randint(1, 250)))
        r = rng.random()
        if r < 0.06:
            number += rng.choice("ABC") if area.country != "NL" else rng.choice("abc")
        elif r < 0.1 and area.country == "BE":
            number += f"{BOX_WORD.get(language, ' bus ')}{rng.randint(1, 12)}"
        postal_code = place.postal_code
        if area.country == "NL":
            postal_code += " " + rng.choice("ABCEGHJKLMNPRTVWXZ") + rng.choice("ABCDEGHJKLMNPRSTVWXZ")
        city = place.city_nl if language == "nl" and place.city_nl else place.city
        region = region_for_postal_code(place.postal_code, area.country) or area.region
        return {
            "street": street,
            "number": number,
            "postal_code": postal_code,
            "city": city,
            "country": area.country,
            "region_code": region,
            "phone_area": place.area,
        }

    # -- rows ----------------------------------------------------------------

    def customer(self, area_key: str | None = None, keep: bool = False) -> _Original | None:
        """Add one original customer with its sites, installations, missions and labels."""
        rng = self.rng
        rand = rng.random
        area = AREAS[area_key or AREA_CHOICE.pick(rng)]
        pool = area.pools.pick(rng)
        language = NAME_LANGUAGE.get(pool, area.language)
        is_person = rand() < 0.65
        address = self._address(area, language)
        customer_id = self._id("customer")
        first, last = self._person_name(pool)
        first_name_first = rand() < 0.55
        base = form = ""
        internal_name = vat = None
        country = area.country
        if is_person:
            r = rand()
            if r < 0.03:
                name = f"{FAMILY_WORD[language]} {capitalised(last)}"
            elif first_name_first:
                name = f"{first} {last}"
            else:
                name = f"{capitalised(last)} {first}"
        else:
            company_language = language if (country, language) in LEGAL_FORMS else area.language
            base, non_profit, alias = self._company_name(company_language, first, last, address["city"], country)
            if non_profit and (country, company_language) in NON_PROFIT_FORMS:
                form = NON_PROFIT_FORMS[(country, company_language)]
            elif not non_profit:
                form = LEGAL_FORMS[(country, company_language)].pick(rng)
            name = f"{base} {form}" if form else base
            if rand() < 0.2:
                internal_name = alias
            if rand() < 0.88:
                vat = vat_number(rng, country)
                # Distinct companies never share a VAT number; only duplicates do.
                while vat in self._vats_used:
                    vat = vat_number(rng, country)
                self._vats_used.add(vat)
        # Customer number: a 6-digit ERP number, not unique, sometimes missing.
        r = rand()
        if r < 0.1:
            number = None
        elif r < 0.13 and self._number_pool:
            number = rng.choice(self._number_pool)
        else:
            number = f"{rng.randrange(100_000, 1_000_000)}"
            if len(self._number_pool) < 5000:
                self._number_pool.append(number)
        # Language: the region's for ~70 %, a few English, unset for the rest.
        r = rand()
        customer_language = language if r < 0.7 else "en" if r < 0.72 else None
        # Contact details.
        mobile = is_person and rand() < 0.6
        phone_groups: list[str] | None = None
        phone_style = 1
        phone = None
        if rand() < 0.85:
            phone_groups = draw_phone_groups(rng, country, address["phone_area"], mobile)
            phone_style = draw_phone_style(rng, country)
            phone = stored_phone(phone_groups, country)
        email = None
        if rand() < 0.8:
            if is_person:
                shape = rand()
                local = (
                    f"{local_part(first)}.{local_part(last)}" if shape < 0.6
                    else f"{local_part(first)[0]}{local_part(last)}" if shape < 0.8
                    else f"{local_part(last)}{rng.randint(1, 99)}"
                )
                email = f"{local}@{rng.choice(PROVIDERS[country])}"
            else:
                tld = country.lower() if rand() < 0.85 else rng.choice(("com", "eu"))
                prefix = rng.choice(MAIL_PREFIXES.get(language, MAIL_PREFIXES[area.language]))
                email = f"{prefix}@{domain_part(base)}.{tld}"
            # Distinct customers never share an address: a second "Bakkerij
            # Peeters" gets its own mailbox, as it would in life.
            if email in self._emails_used:
                local, domain = email.split("@", 1)
                suffix = 2
                while f"{local}{suffix}@{domain}" in self._emails_used:
                    suffix += 1
                email = f"{local}{suffix}@{domain}"
            self._emails_used.add(email)
        notes = None
        if rand() < 0.12:
            notes = rng.choice(CUSTOMER_NOTES[customer_language or language])[self.language]
        created_days = rng.randint(30, 3650)
        row = {
            "id": customer_id,
            "name": name,
            "internal_name": internal_name,
            "customer_number": number,
            "region_code": area.region,
            "language": customer_language,
            "vat_number": vat,
            "email": email,
            "phone": phone,
            "notes": notes,
            "created_at": self._moment(created_days),
            "updated_at": self._moment(rng.randint(0, created_days)),
            "version": 1,
        }
        self.rows.customer.append(row)
        locations = self._sites(customer_id, area, language, is_person, address, created_days)
        self._missions(customer_id, locations, customer_language, language, created_days)
        self._labels(customer_id)
        if not keep:
            return None
        return _Original(
            row=row, location=locations[0][0], area=area.key, pool=pool, is_person=is_person, first=first,
            last=last, first_name_first=first_name_first, base=base, form=form, phone_groups=phone_groups,
            phone_country=country, phone_style=phone_style, created_days=created_days,
        )

    def _sites(
        self, customer_id: int, area: Area, language: str, is_person: bool, first_address: dict[str, Any],
        created_days: int, count: int | None = None,
    ) -> list[tuple[dict[str, Any], list[tuple[int, str]]]]:
        """The customer's locations with buildings and installations: [(location row, [(installation id, kind)])]."""
        rng = self.rng
        rand = rng.random
        if count is None:
            count = (PERSON_LOCATIONS if is_person else COMPANY_LOCATIONS).pick(rng)
        words = LOCATION_WORDS[self.language]
        result = []
        for index in range(count):
            if index == 0:
                address = first_address
            elif is_person and rand() < 0.5:
                place, area_key = rng.choice(HOLIDAY_PLACES)
                address = self._address_at(place, AREAS[area_key], language)
            elif area.country == "BE" and rand() < 0.3:
                other = AREAS[OTHER_BELGIAN_AREA.pick(rng)]
                address = self._address(other, language if language in ("nl", "fr") else other.language)
            else:
                address = self._address(area, language)
            r = rand()
            if index == 0:
                if is_person:
                    name = words[0] if r < 0.35 else "" if r < 0.7 else address["street"]
                else:
                    name = words[1] if r < 0.5 else "" if r < 0.75 else address["street"]
            elif is_person:
                name = words[5] if r < 0.6 else words[6]
            else:
                name = words[2 + int(r * 3)] if r < 0.9 else f"{address['city']} {index + 1}"
            contact = phone = None
            if not is_person and rand() < 0.5:
                first, last = self._person_name("vl" if language == "nl" else language)
                contact = f"{first} {last}"
                if rand() < 0.6:
                    groups = draw_phone_groups(rng, area.country, rng.choice(area.places).area, True)
                    draw_phone_style(rng, area.country)  # how it was typed: stored the same (kept: same seed, same data)
                    phone = stored_phone(groups, area.country)
            notes = (
                rng.choice(LOCATION_NOTES.get(language, LOCATION_NOTES["en"]))[self.language] if rand() < 0.08 else None
            )
            created = self._moment(created_days if index == 0 else rng.randint(0, created_days))
            location_id = self._id("location")
            row = {
                "id": location_id,
                "customer_id": customer_id,
                "name": name,
                "street": address["street"],
                "number": address["number"],
                "postal_code": address["postal_code"],
                "city": address["city"],
                "country": address["country"],
                "region_code": address["region_code"],
                "contact_person": contact,
                "phone": phone,
                "notes": notes,
                "created_at": created,
                "updated_at": created,
            }
            self.rows.location.append(row)
            main = self._id("building")
            buildings = [main]
            self.rows.building.append(
                {"id": main, "location_id": location_id, "name": self.main_building, "notes": None}
            )
            if rand() < 0.1:
                second = self._id("building")
                buildings.append(second)
                self.rows.building.append({
                    "id": second,
                    "location_id": location_id,
                    "name": rng.choice(SECOND_BUILDINGS.get(language, SECOND_BUILDINGS["en"]))[self.language],
                    "notes": None,
                })
            installations = self._installations(location_id, buildings)
            result.append((row, installations))
        return result

    def _installations(self, location_id: int, buildings: list[int]) -> list[tuple[int, str]]:
        rng = self.rng
        rand = rng.random
        result = []
        reference_ordinal = REFERENCE_DATE.toordinal()
        for _n in range(INSTALLATIONS_PER_LOCATION.pick(rng)):
            kind = INSTALLATION_KINDS.pick(rng)
            brand, model, fuels, powers, prefix, first_year = rng.choice(CATALOG[kind])
            if kind == InstallationKind.BOILER.value and len(fuels) > 1:
                fuel: str | None = fuels[0] if rand() < 0.85 else fuels[1]
            elif kind == InstallationKind.BOILER.value and fuels[0] == NATURAL_GAS and rand() < 0.1:
                fuel = PROPANE
            else:
                fuel = fuels[0] if fuels else None
            power: float | None = rng.choice(powers) if powers else None
            if kind == InstallationKind.VENTILATION.value and rand() < 0.4:
                power = round(0.03 + rand() * 0.2, 2)
            installed_on = None
            year = 2005
            if rand() < 0.97:
                start = date(max(first_year, 2005), 1, 1).toordinal()
                installed_on = date.fromordinal(rng.randint(start, reference_ordinal))
                year = installed_on.year
            serial = f"{prefix}{year % 100:02d}{rng.randrange(10**8):08d}"
            installation_id = self._id("installation")
            self.rows.installation.append({
                "id": installation_id,
                "location_id": location_id,
                "building_id": buildings[0] if len(buildings) == 1 or rand() < 0.8 else buildings[1],
                "kind": kind,
                "brand": brand,
                "model": model,
                "serial_number": serial,
                "fuel": FUEL_WORDS[fuel][self.language] if fuel in FUEL_WORDS else fuel,
                "power_kw": power,
                "installed_on": installed_on,
                "notes": self._installation_note(installed_on) if rand() < 0.05 else None,
            })
            result.append((installation_id, kind))
        return result

    def _installation_note(self, installed_on: date | None) -> str:
        if installed_on is not None and installed_on.year < 2012:
            return OLD_INSTALLATION_NOTE[self.language]
        if installed_on is not None and installed_on.year >= 2023:
            return WARRANTY_NOTE[self.language].format(year=installed_on.year + 5)
        return self.rng.choice(INSTALLATION_NOTES)[self.language]

    def _missions(
        self, customer_id: int, locations: list[tuple[dict[str, Any], list[tuple[int, str]]]],
        customer_language: str | None, language: str, created_days: int,
    ) -> None:
        rng = self.rng
        rand = rng.random
        technicians = self.technicians
        history = max(1, min(HISTORY_DAYS, created_days))
        for _n in range(MISSIONS_PER_CUSTOMER.pick(rng)):
            location, installations = locations[0] if len(locations) == 1 or rand() < 0.6 else rng.choice(locations)
            kind = MISSION_KINDS.pick(rng)
            r = rand()
            technician = rng.choice(technicians) if technicians else None
            if r < 0.05:  # planned in the next month
                days_ago = -rng.randint(1, FUTURE_DAYS)
                status = MissionStatus.PLANNED.value
                if rand() < 0.2:
                    technician = None
            elif r < 0.065:  # being done now
                days_ago = rng.randint(0, 2)
                status = MissionStatus.IN_PROGRESS.value
            else:
                days_ago = rng.randint(1, history)
                status = MissionStatus.CANCELLED.value if rand() < 0.09 else MissionStatus.DONE.value
            if customer_language in ("nl", "fr", "de"):
                report_language = customer_language if rand() < 0.9 else None
            elif customer_language is None and language in ("nl", "fr", "de") and rand() < 0.5:
                report_language = language
            else:
                report_language = None
            notes = None
            if rand() < 0.3:
                pool = MISSION_NOTES[kind].get(report_language or language, MISSION_NOTES[kind]["fr"])
                notes = rng.choice(pool)[self.language]
            mission_id = self._id("mission")
            # Entered 1 to 30 days before the day it is planned for, not before the customer, not after today.
            entered_days_ago = min(max(days_ago + rng.randint(1, 30), 0), created_days)
            self.rows.mission.append({
                "id": mission_id,
                "customer_id": customer_id,
                "location_id": location["id"],
                "kind": kind,
                "status": status,
                "planned_on": self._day(days_ago),
                "technician": technician,
                "report_language": report_language,
                "notes": notes,
                "created_at": self._moment(entered_days_ago),
            })
            if installations:
                if kind == MissionKind.MAINTENANCE.value:
                    linked = rng.sample(installations, rng.randint(1, len(installations)))
                elif kind == MissionKind.INSPECTION.value:
                    linked = installations if rand() < 0.7 else []
                elif kind == MissionKind.INSTALLATION.value:
                    linked = [installations[-1]]
                else:
                    linked = [rng.choice(installations)]
                self.rows.mission_installation.extend(
                    {"mission_id": mission_id, "installation_id": installation_id} for installation_id, _kind in linked
                )

    def _labels(self, customer_id: int) -> None:
        count = LABELS_PER_CUSTOMER.pick(self.rng)
        if not count:
            return
        chosen: dict[int, None] = {}
        for _n in range(count):
            chosen[self.labels.pick(self.rng)] = None
        for label_id in chosen:
            self.counts["customer_label"] += 1
            self.rows.customer_label.append({"customer_id": customer_id, "label_id": label_id})

    def duplicate(self, original: _Original) -> int:
        """Add a near copy of `original` as a separate customer; returns its id."""
        rng = self.rng
        rand = rng.random
        source = original.row
        area = AREAS[original.area]
        language = NAME_LANGUAGE.get(original.pool, area.language)
        row = dict(source)
        customer_id = self._id("customer")
        row["id"] = customer_id
        # Which variations: weighted, 1 to 3 different ones.
        options: list[tuple[str, float]] = [("typo", 4), ("number", 2), ("case", 1), ("contact", 1)]
        family = row["name"].startswith(tuple(FAMILY_WORD.values()))
        if original.is_person and " " in row["name"] and not family:
            options.append(("swap", 3))
        if row["internal_name"]:
            options.append(("alias", 3))
        if original.form:
            options.append(("form", 3))
        if row["phone"]:
            options.append(("phone", 2))
        if ascii_folded(row["name"]) != row["name"]:
            options.append(("accents", 3))
        wanted = DUPLICATE_VARIATIONS.pick(rng)
        chosen: list[str] = []
        while len(chosen) < min(wanted, len(options)):
            variation = Weighted(options).pick(rng)
            options = [option for option in options if option[0] != variation]
            chosen.append(variation)
        name = row["name"]
        for variation in chosen:
            if variation == "swap":
                if original.first_name_first:
                    name = f"{capitalised(original.last)} {original.first}"
                else:
                    name = f"{original.first} {original.last}"
            elif variation == "alias":
                name, row["internal_name"] = row["internal_name"], None
            elif variation == "form":
                variants = [*FORM_VARIANTS.get(original.form, [original.form.upper()]), ""]
                form = rng.choice(variants)
                if not form:
                    name = original.base
                elif rand() < 0.2:
                    name = f"{form} {original.base}"
                else:
                    name = f"{original.base} {form}"
            elif variation == "typo":
                name = typo(rng, name)
            elif variation == "accents":
                name = without_accents(rng, name)
            elif variation == "case":
                name = name.upper()
            elif variation == "number":
                row["customer_number"] = f"{rng.randrange(100_000, 1_000_000)}" if rand() < 0.8 else None
            elif variation == "phone" and original.phone_groups:
                rng.randint(1, 2)  # typed another way once; stored as the same number, as custtui stores it
                row["phone"] = stored_phone(original.phone_groups, original.phone_country)
            elif variation == "contact":
                row["email"] = None if rand() < 0.6 else row["email"]
                row["vat_number"] = None
        row["name"] = name.strip()[:200]
        # Entered later, often with less care.
        if rand() < 0.5:
            row["language"] = None
        if rand() < 0.5:
            row["notes"] = None
        created_days = rng.randint(min(30, original.created_days - 1), original.created_days - 1)
        row["created_at"] = self._moment(created_days)
        row["updated_at"] = self._moment(rng.randint(0, created_days))
        self.rows.customer.append(row)
        # The same address as the original, in most cases.
        r = rand()
        source_location = original.location
        if r < 0.92:
            address = {key: source_location[key] for key in
                       ("street", "number", "postal_code", "city", "country", "region_code")}
            if r > 0.8:
                address["street"] = abbreviate_street(address["street"])
        else:
            address = self._address(area, language)
        count = 1 if rand() < 0.8 else 2
        locations = self._sites(customer_id, area, language, original.is_person, address, created_days, count)
        self._missions(customer_id, locations, row["language"], language, created_days)
        self._labels(customer_id)
        return customer_id


# --------------------------------------------------------------------------
# Database.
# --------------------------------------------------------------------------


def _next_ids(connection: Connection) -> dict[str, int]:
    tables = {
        "customer": table_of(Customer), "location": table_of(Location),
        "building": table_of(Building), "installation": table_of(Installation),
        "mission": table_of(Mission), "label": table_of(Label),
    }
    result = {}
    for name, table in tables.items():
        largest = connection.execute(select(func.max(table.c.id))).scalar()
        result[name] = (largest or 0) + 1
    return result


def _demo_labels(connection: Connection, next_ids: dict[str, int], language: str) -> list[int]:
    """Ids of the demo labels named in `language`, creating those that do not exist yet (by name, any case)."""
    table = table_of(Label)
    existing = {name.lower(): label_id for label_id, name in connection.execute(select(table.c.id, table.c.name))}
    ids = []
    new_rows = []
    for names, colour, kind, _weight in DEMO_LABELS:
        name = names[language]
        label_id = existing.get(name.lower())
        if label_id is None:
            label_id = next_ids["label"]
            next_ids["label"] += 1
            new_rows.append({"id": label_id, "name": name, "colour": colour, "kind": kind})
        ids.append(label_id)
    if new_rows:
        connection.execute(table.insert(), new_rows)
    return ids


DEMO_NOTE_LOGIN = "custtui"  # the demo's notes are signed as the migrations' are


def _insert(connection: Connection, rows: _Rows) -> None:
    # A customer's or site's note is its first journal entry (JournalNote), dated with its last change.
    journal = [
        {"customer_id": row["id"], "location_id": None, "at": row["updated_at"], "user_login": DEMO_NOTE_LOGIN,
         "text": note}
        for row in rows.customer if (note := row.get("notes"))
    ] + [
        {"customer_id": row["customer_id"], "location_id": row["id"], "at": row["updated_at"],
         "user_login": DEMO_NOTE_LOGIN, "text": note}
        for row in rows.location if (note := row.get("notes"))
    ]  # fmt: skip
    for name, table in _TABLES:
        batch = getattr(rows, name)
        if name in ("customer", "location"):  # copies: a duplicate drawn later starts from its original's row
            batch = [{key: value for key, value in row.items() if key != "notes"} for row in batch]
        if batch:
            connection.execute(table.insert(), batch)
    if journal:
        connection.execute(table_of(JournalNote).insert(), journal)


def _fix_sequences(connection: Connection) -> None:
    """After explicit ids, move PostgreSQL's sequences past them, or the next ORM insert clashes."""
    if connection.dialect.name != "postgresql":
        return
    for table in _ID_TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


def _refresh_statistics(engine: Engine) -> None:
    """Let PostgreSQL's planner see the new rows now, not when autovacuum next looks.

    Without statistics, the list's row reads (counts by customer over sites
    and missions) ran as full scans: 133 ms for a page at 100,000 demo
    customers, 11 ms after ANALYZE.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def generate_demo(
    engine: Engine,
    customers: int = 2000,
    seed: int = 1,
    technicians: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    language: str | None = None,
) -> DemoResult:
    """Add `customers` demo customers (about 5 % of them duplicates) to a migrated database.

    Everything is added in one transaction: on error, nothing is. `progress`
    is called with (customers done, customers) after each batch.

    `language` (nl, fr, de or en; None: the current UI language) is the one
    the product's own words are written in: label names, building and site
    names, notes, fuels. Customers' names, streets and cities are in their
    region's language whatever it is, and the same seed gives the same
    customers in every language.
    """
    if customers < 0:
        raise ValueError("customers must be 0 or more")
    chosen = normalise_language(language) if language is not None else get_language()
    if chosen not in DEMO_LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(DEMO_LANGUAGES)}, not {language!r}")
    started = time.perf_counter()
    rng = random.Random(seed)
    technicians = list(DEFAULT_TECHNICIANS if technicians is None else technicians)
    duplicates_wanted = int(customers * DUPLICATE_SHARE)
    originals = customers - duplicates_wanted
    targets = rng.sample(range(originals), duplicates_wanted) if duplicates_wanted else []
    target_set = set(targets)
    kept: dict[int, _Original] = {}
    duplicates: dict[int, int] = {}
    with engine.begin() as connection:
        next_ids = _next_ids(connection)
        label_ids = _demo_labels(connection, next_ids, chosen)
        generator = _Generator(
            rng, next_ids, label_ids, [weight for *_rest, weight in DEMO_LABELS], technicians, chosen
        )
        done = 0
        while done < customers:
            batch_end = min(done + CHUNK, customers)
            for index in range(done, batch_end):
                if index < originals:
                    original = generator.customer(keep=index in target_set)
                    if original is not None:
                        kept[index] = original
                else:
                    original = kept.pop(targets[index - originals])
                    duplicates[generator.duplicate(original)] = original.row["id"]
            _insert(connection, generator.take_rows())
            done = batch_end
            if progress is not None:
                progress(done, customers)
        _fix_sequences(connection)
    _refresh_statistics(engine)
    counts = generator.counts
    return DemoResult(
        customers=counts["customer"],
        locations=counts["location"],
        buildings=counts["building"],
        installations=counts["installation"],
        missions=counts["mission"],
        labels=counts["customer_label"],
        duplicates=duplicates,
        seconds=time.perf_counter() - started,
    )
