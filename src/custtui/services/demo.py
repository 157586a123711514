"""Realistic demo data, fast: customers, sites, buildings, installations, missions, labels.

Belgian (Flanders, Wallonia with the German-speaking East Cantons, Brussels)
and Dutch customers for the most part, a few from Luxembourg, France and
Germany; companies and private persons, named in the language of their
region. About 5 % of the customers are deliberate duplicates of others (a
typo, words swapped, the alias used as the name, another customer number,
the legal form written differently, the phone formatted differently, mostly
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
import re
import time
import unicodedata
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, Table, func, select, text

from custtui.models import (
    Building,
    Customer,
    CustomerLabel,
    Installation,
    InstallationKind,
    Label,
    LabelKind,
    Location,
    Mission,
    MissionInstallation,
    MissionKind,
    MissionStatus,
)
from custtui.services.locations import default_building_name
from custtui.services.regions import region_for_postal_code

# Every date is relative to this day, so that a seed gives the same data on any day.
REFERENCE_DATE = date(2026, 11, 1)
_REFERENCE_MOMENT = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
_HISTORY_DAYS = 3 * 365  # missions over the last three years
_FUTURE_DAYS = 30  # and a few planned in the next month
_CHUNK = 2000  # customers generated and inserted per batch
DUPLICATE_SHARE = 0.05

DEFAULT_TECHNICIANS = [
    "Koen Willems",
    "Stijn De Backer",
    "Julien Lambert",
    "Sébastien Renard",
    "Pieter Claes",
    "Mehdi El Amrani",
    "Jürgen Kohnen",
    "Wim Goossens",
]

# name, colour (one of labels.LABEL_COLOURS), kind, how often it is put on a customer
DEMO_LABELS: tuple[tuple[str, str, str, int], ...] = (
    ("VIP", "yellow", LabelKind.ATTENTION.value, 3),
    ("Contract", "green", LabelKind.STATUS.value, 6),
    ("Bad payer", "red", LabelKind.ATTENTION.value, 3),
    ("Key at neighbour", "cyan", LabelKind.TRAIT.value, 4),
    ("Dog on site", "magenta", LabelKind.ATTENTION.value, 4),
    ("Maintenance contract", "green", LabelKind.STATUS.value, 10),
    ("New customer", "blue", LabelKind.STATUS.value, 5),
    ("Prospect", "grey", LabelKind.STATUS.value, 3),
    ("Social housing", "white", LabelKind.TRAIT.value, 2),
    ("Asbestos", "red", LabelKind.ATTENTION.value, 1),
)


@dataclass
class DemoResult:
    customers: int
    locations: int
    buildings: int
    installations: int
    missions: int
    labels: int  # label assignments (customer_label rows) added
    duplicates: dict[int, int]  # duplicate customer id -> id of the customer it duplicates (the original)
    seconds: float


T = TypeVar("T")


class _Weighted(Generic[T]):
    """Items with weights, picked with one call to rng.random()."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _weight in pairs]
        self.cumulative = list(accumulate(weight for _item, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


# --------------------------------------------------------------------------
# Places: postal code, city, phone area code (without the trunk 0).
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    postal_code: str
    city: str
    area: str
    city_nl: str | None = None  # Dutch name of a Brussels commune


_FLANDERS = [
    _Place(*row)
    for row in (
        ("1500", "Halle", "2"), ("1700", "Dilbeek", "2"), ("1730", "Asse", "2"), ("1800", "Vilvoorde", "2"),
        ("1840", "Londerzeel", "52"), ("1930", "Zaventem", "2"), ("2000", "Antwerpen", "3"),
        ("2018", "Antwerpen", "3"), ("2100", "Deurne", "3"), ("2140", "Borgerhout", "3"),
        ("2200", "Herentals", "14"), ("2300", "Turnhout", "14"), ("2400", "Mol", "14"), ("2500", "Lier", "3"),
        ("2600", "Berchem", "3"), ("2630", "Aartselaar", "3"), ("2800", "Mechelen", "15"),
        ("2900", "Schoten", "3"), ("3000", "Leuven", "16"), ("3080", "Tervuren", "2"),
        ("3200", "Aarschot", "16"), ("3290", "Diest", "13"), ("3300", "Tienen", "16"),
        ("3500", "Hasselt", "11"), ("3600", "Genk", "89"), ("3700", "Tongeren", "12"),
        ("3800", "Sint-Truiden", "11"), ("3900", "Pelt", "11"), ("8000", "Brugge", "50"),
        ("8300", "Knokke-Heist", "50"), ("8370", "Blankenberge", "50"), ("8400", "Oostende", "59"),
        ("8500", "Kortrijk", "56"), ("8660", "De Panne", "58"), ("8700", "Tielt", "51"),
        ("8800", "Roeselare", "51"), ("8900", "Ieper", "57"), ("9000", "Gent", "9"),
        ("9100", "Sint-Niklaas", "3"), ("9200", "Dendermonde", "52"), ("9300", "Aalst", "53"),
        ("9400", "Ninove", "54"), ("9500", "Geraardsbergen", "54"), ("9600", "Ronse", "55"),
        ("9700", "Oudenaarde", "55"), ("9800", "Deinze", "9"), ("9820", "Merelbeke", "9"),
        ("9900", "Eeklo", "9"),
    )
]
_WALLONIA = [
    _Place(*row)
    for row in (
        ("1300", "Wavre", "10"), ("1340", "Ottignies", "10"), ("1348", "Louvain-la-Neuve", "10"),
        ("1380", "Lasne", "2"), ("1400", "Nivelles", "67"), ("1410", "Waterloo", "2"),
        ("1420", "Braine-l'Alleud", "2"), ("4000", "Liège", "4"), ("4020", "Liège", "4"),
        ("4040", "Herstal", "4"), ("4100", "Seraing", "4"), ("4300", "Waremme", "19"), ("4500", "Huy", "85"),
        ("4650", "Herve", "87"), ("4800", "Verviers", "87"), ("4900", "Spa", "87"), ("4960", "Malmedy", "80"),
        ("5000", "Namur", "81"), ("5030", "Gembloux", "81"), ("5100", "Jambes", "81"),
        ("5300", "Andenne", "85"), ("5500", "Dinant", "82"), ("6000", "Charleroi", "71"),
        ("6200", "Châtelet", "71"), ("6600", "Bastogne", "61"), ("6700", "Arlon", "63"),
        ("6800", "Libramont-Chevigny", "61"), ("6900", "Marche-en-Famenne", "84"), ("6940", "Durbuy", "86"),
        ("6980", "La Roche-en-Ardenne", "84"), ("7000", "Mons", "65"), ("7100", "La Louvière", "64"),
        ("7500", "Tournai", "69"), ("7700", "Mouscron", "56"), ("7800", "Ath", "68"),
    )
]
# The German-speaking East Cantons (Wallonia, 4700-4799).
_EAST_CANTONS = [
    _Place(*row)
    for row in (
        ("4700", "Eupen", "87"), ("4710", "Lontzen", "87"), ("4720", "Kelmis", "87"), ("4730", "Raeren", "87"),
        ("4750", "Bütgenbach", "80"), ("4760", "Büllingen", "80"), ("4770", "Amel", "80"),
        ("4780", "Sankt Vith", "80"), ("4790", "Burg-Reuland", "80"),
    )
]
# The 19 communes of Brussels (and three districts of the City of Brussels).
_BRUSSELS = [
    _Place(*row)
    for row in (
        ("1000", "Bruxelles", "2", "Brussel"), ("1020", "Laeken", "2", "Laken"),
        ("1030", "Schaerbeek", "2", "Schaarbeek"), ("1040", "Etterbeek", "2", "Etterbeek"),
        ("1050", "Ixelles", "2", "Elsene"), ("1060", "Saint-Gilles", "2", "Sint-Gillis"),
        ("1070", "Anderlecht", "2", "Anderlecht"), ("1080", "Molenbeek-Saint-Jean", "2", "Sint-Jans-Molenbeek"),
        ("1081", "Koekelberg", "2", "Koekelberg"), ("1082", "Berchem-Sainte-Agathe", "2", "Sint-Agatha-Berchem"),
        ("1083", "Ganshoren", "2", "Ganshoren"), ("1090", "Jette", "2", "Jette"),
        ("1120", "Neder-Over-Heembeek", "2", "Neder-Over-Heembeek"), ("1130", "Haren", "2", "Haren"),
        ("1140", "Evere", "2", "Evere"), ("1150", "Woluwe-Saint-Pierre", "2", "Sint-Pieters-Woluwe"),
        ("1160", "Auderghem", "2", "Oudergem"), ("1170", "Watermael-Boitsfort", "2", "Watermaal-Bosvoorde"),
        ("1180", "Uccle", "2", "Ukkel"), ("1190", "Forest", "2", "Vorst"),
        ("1200", "Woluwe-Saint-Lambert", "2", "Sint-Lambrechts-Woluwe"),
        ("1210", "Saint-Josse-ten-Noode", "2", "Sint-Joost-ten-Node"),
    )
]
# Dutch codes are 4 digits; the 2 letters are added per address.
_NETHERLANDS = [
    _Place(*row)
    for row in (
        ("1012", "Amsterdam", "20"), ("1071", "Amsterdam", "20"), ("3011", "Rotterdam", "10"),
        ("2511", "Den Haag", "70"), ("3511", "Utrecht", "30"), ("5611", "Eindhoven", "40"),
        ("5038", "Tilburg", "13"), ("4811", "Breda", "76"), ("6211", "Maastricht", "43"),
        ("6511", "Nijmegen", "24"), ("9711", "Groningen", "50"), ("4331", "Middelburg", "118"),
        ("4381", "Vlissingen", "118"), ("4531", "Terneuzen", "115"), ("4701", "Roosendaal", "165"),
        ("4611", "Bergen op Zoom", "164"), ("5911", "Venlo", "77"), ("6411", "Heerlen", "45"),
        ("5211", "'s-Hertogenbosch", "73"), ("6811", "Arnhem", "26"), ("4524", "Sluis", "117"),
        ("4561", "Hulst", "114"),
    )
]
_LUXEMBOURG = [
    _Place(*row)
    for row in (
        ("1212", "Luxembourg", ""), ("2240", "Luxembourg", ""), ("4010", "Esch-sur-Alzette", ""),
        ("9010", "Ettelbruck", ""), ("9530", "Wiltz", ""), ("8080", "Bertrange", ""), ("3401", "Dudelange", ""),
    )
]
_FRANCE = [
    _Place(*row)
    for row in (
        ("59000", "Lille", "3"), ("59100", "Roubaix", "3"), ("59200", "Tourcoing", "3"),
        ("59140", "Dunkerque", "3"), ("59600", "Maubeuge", "3"), ("08000", "Charleville-Mézières", "3"),
    )
]
_GERMANY = [
    _Place(*row)
    for row in (
        ("52062", "Aachen", "241"), ("52134", "Herzogenrath", "2406"), ("52156", "Monschau", "2472"),
        ("50667", "Köln", "221"), ("54290", "Trier", "651"), ("41061", "Mönchengladbach", "2161"),
        ("47533", "Kleve", "2821"),
    )
]

# Name/language "pools": vl = Flemish, nl = Dutch (Netherlands), fr, de, xx = other origins.
_NAME_LANGUAGE = {"vl": "nl", "nl": "nl", "fr": "fr", "de": "de"}


@dataclass(frozen=True)
class _Area:
    key: str
    country: str
    region: str
    places: list[_Place]
    language: str  # the region's usual language
    pools: _Weighted[str]


_AREAS = {
    area.key: area
    for area in (
        _Area("VLG", "BE", "BE-VLG", _FLANDERS, "nl", _Weighted([("vl", 92), ("fr", 2), ("xx", 6)])),
        _Area("WAL", "BE", "BE-WAL", _WALLONIA, "fr", _Weighted([("fr", 93), ("vl", 1), ("xx", 6)])),
        _Area("EAST", "BE", "BE-WAL", _EAST_CANTONS, "de", _Weighted([("de", 88), ("fr", 12)])),
        _Area("BRU", "BE", "BE-BRU", _BRUSSELS, "fr", _Weighted([("fr", 60), ("vl", 25), ("xx", 15)])),
        _Area("NL", "NL", "NL", _NETHERLANDS, "nl", _Weighted([("nl", 94), ("xx", 6)])),
        _Area("LU", "LU", "LU", _LUXEMBOURG, "fr", _Weighted([("fr", 55), ("de", 45)])),
        _Area("FR", "FR", "FR", _FRANCE, "fr", _Weighted([("fr", 100)])),
        _Area("DE", "DE", "DE", _GERMANY, "de", _Weighted([("de", 100)])),
    )
}
# ~85 % Belgian, ~12 % Dutch, a few from Luxembourg, France and Germany.
_AREA_CHOICE = _Weighted(
    [("VLG", 49), ("WAL", 20), ("EAST", 3), ("BRU", 13), ("NL", 12), ("LU", 1), ("FR", 1), ("DE", 1)]
)
# Where a second site of a Belgian customer may be: mostly the same area.
_OTHER_BELGIAN_AREA = _Weighted([("VLG", 5), ("WAL", 3), ("BRU", 2)])
# Holiday homes: at the coast or in the Ardennes.
_HOLIDAY_PLACES = [
    (p, "VLG") for p in _FLANDERS if p.city in ("Knokke-Heist", "Blankenberge", "Oostende", "De Panne")
] + [(p, "WAL") for p in _WALLONIA if p.city in ("Durbuy", "La Roche-en-Ardenne", "Spa", "Bastogne", "Malmedy")]

# --------------------------------------------------------------------------
# Names.
# --------------------------------------------------------------------------

_LAST_NAMES = {
    "vl": [
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
        "De Smet", "Vermeulen", "Van den Broeck", "Van der Linden", "De Backer", "Hermans", "Michiels",
        "Pauwels", "Lambrechts", "Van Damme", "De Clercq", "Verstraete", "Desmet", "Martens", "Aerts",
        "Smets", "Vandenberghe", "Van Dyck", "De Vos", "Van Acker", "Verhoeven", "Claessens", "Coppens",
        "Segers", "Van de Velde", "Verbruggen", "Bogaerts", "De Wilde", "Van Hoof", "Thijs", "Van Looy",
        "De Meyer", "Vanhoutte", "Declercq", "Van der Auwera", "Wuyts", "Cools", "Schepens", "Geerts",
    ],
    "nl": [
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
        "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
        "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Verbeek", "Prins",
        "van der Heijden", "Schouten", "Kuipers",
    ],
    "fr": [
        "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Lejeune", "Leclercq", "Renard",
        "Lemaire", "François", "Collignon", "Delvaux", "Gérard", "Hubert", "Mathieu", "Noël", "Henry",
        "Fontaine", "Masson", "Lefèvre", "Dumont", "Lecomte", "Denis", "Le Roy", "Duchêne", "Thiry",
        "Gillet", "Moreau", "Dupuis", "Bertrand", "Charlier", "Legrand", "Rousseau", "Lebrun", "Wéry",
        "Piérard", "Du Pont", "De Lannoy", "Le Grand", "Maréchal", "Goffin", "Houben", "Brasseur",
    ],
    "de": [
        "Müller", "Schmitz", "Schröder", "Meyer", "Wagner", "Becker", "Hoffmann", "Schäfer", "Krings",
        "Kohnen", "Heinen", "Jost", "Brüls", "Kessler", "Mreyen", "Löfgen", "Förster", "Hansen",
        "Thönnissen", "Weber", "Klein", "Schmit", "Thill", "Reuter", "Kieffer", "Zimmermann",
    ],
    "xx": [
        "El Amrani", "Benali", "Yilmaz", "Demir", "Öztürk", "Kowalski", "Nowak", "Rossi", "Esposito",
        "Fernández", "García", "Da Silva", "Nguyen", "Popescu", "Ionescu", "Diallo", "Bouzid", "Haddad",
        "Petrović", "Papadopoulos",
    ],
}
_FIRST_NAMES = {
    "vl": [
        "Jan", "Pieter", "Koen", "Bart", "Tom", "Wim", "Dirk", "Luc", "Geert", "Marc", "Jef", "Stijn",
        "Joris", "Jonas", "Wout", "Mathias", "Bram", "Sofie", "An", "Els", "Griet", "Lies", "Katrien",
        "Annelies", "Hilde", "Inge", "Lotte", "Lien", "Fien", "Chloë", "Zoë", "Daniël", "Noël", "Maaike",
    ],
    "nl": [
        "Daan", "Sem", "Lars", "Thijs", "Ruud", "Henk", "Kees", "Joost", "Sander", "Bas", "Anouk", "Sanne",
        "Femke", "Ilse", "Marieke", "Noëlle", "Daniëlle", "Esmée", "Jeroen", "Wouter",
    ],
    "fr": [
        "Jean", "Pierre", "Michel", "Philippe", "Luc", "François", "Benoît", "Frédéric", "Stéphane",
        "Jérôme", "Cédric", "Sébastien", "Grégory", "Gaëtan", "Loïc", "Jérémy", "Joël", "Marie", "Isabelle",
        "Nathalie", "Sophie", "Valérie", "Céline", "Hélène", "Françoise", "Amélie", "Anaïs", "Mélanie",
        "Élodie", "Noémie", "Thérèse", "Maëlle",
    ],
    "de": [
        "Jürgen", "Günter", "Jörg", "Klaus", "Stefan", "Andreas", "Michael", "Björn", "Uwe", "Ursula",
        "Brigitte", "Sabine", "Käthe", "Claudia", "Monika", "Jörn", "Renate", "Sönke",
    ],
    "xx": [
        "Mohamed", "Youssef", "Fatima", "Samira", "Ahmet", "Elif", "Piotr", "Agnieszka", "Marco", "Giulia",
        "José", "Ana", "João", "Minh", "Andrei", "Ioana", "Mamadou", "Aïcha", "Gökhan", "Karim",
    ],
}
_FAMILY_WORD = {"nl": "Fam.", "fr": "Famille", "de": "Familie"}

# Company names: (template, non-profit, aliases). {last} a surname, {first} a first
# name, {noun} a name for a place, {city} the company's city, {brand} a car
# brand, {shop} a supermarket franchise, {fuel} a fuel brand. The alias
# (internal_name) is a trade name, a former name or the franchise it runs.
_COMPANY_TEMPLATES: dict[str, list[tuple[str, bool, list[str]]]] = {
    "nl": [
        ("Bakkerij {last}", False, ["Brood & Banket {last}", "{last} {first}"]),
        ("Garage {last}", False, ["{brand} {city}", "Autobedrijf {last}"]),
        ("Slagerij {last}", False, ["Beenhouwerij {last}", "{last} {first}"]),
        ("Apotheek {last}", False, ["Apotheek {noun}"]),
        ("Bouwbedrijf {last}", False, ["{last} Bouw", "Aannemingen {last}"]),
        ("Schrijnwerkerij {last}", False, ["Houtbewerking {last}"]),
        ("Dakwerken {last}", False, ["{last} Dak & Gevel"]),
        ("Elektro {last}", False, ["Elektriciteitswerken {last}"]),
        ("Tandartsenpraktijk {last}", False, ["Tandarts {last}", "Dr. {first} {last}"]),
        ("Kapsalon {last}", False, ["Kapsalon {noun}", "Hair by {first}"]),
        ("{last} & Zonen", False, ["Verwarming {last}", "Sanitair {last}"]),
        ("{last} Installaties", False, ["Verwarming {last}", "{last} & Zonen"]),
        ("Immo {last}", False, ["Vastgoed {last}"]),
        ("Transport {last}", False, ["{last} Logistics"]),
        ("Drukkerij {last}", False, ["Printshop {last}"]),
        ("Tuincentrum {last}", False, ["Groencentrum {last}"]),
        ("Supermarkt {last}", False, ["{shop} {city}"]),
        ("Tankstation {last}", False, ["{fuel} {city}"]),
        ("Restaurant {noun}", False, ["Horeca {last}"]),
        ("Café {noun}", False, ["Taverne {noun}"]),
        ("Hotel {noun}", False, ["Hotel {noun} {city}", "{last} Hotels"]),
        ("Brasserie {noun}", False, ["Horeca {last}"]),
        ("Residentie {noun}", False, ["VME Residentie {noun}", "Syndicus {last}"]),
        ("Woonzorgcentrum {noun}", True, ["WZC {noun}", "Rusthuis {noun}"]),
        ("Basisschool {noun}", True, ["Gemeentelijke basisschool {city}", "Vrije basisschool {noun}"]),
        ("Sportclub {noun}", True, ["Sporthal {city}"]),
        ("Kinderdagverblijf {noun}", False, ["Crèche {noun}"]),
    ],
    "fr": [
        ("Boulangerie {last}", False, ["Boulangerie-Pâtisserie {last}", "{last} {first}"]),
        ("Garage {last}", False, ["{brand} {city}", "Auto {last}"]),
        ("Boucherie {last}", False, ["Boucherie-Charcuterie {last}"]),
        ("Pharmacie {last}", False, ["Pharmacie {noun}"]),
        ("Menuiserie {last}", False, ["Menuiserie {last} & Fils"]),
        ("Toitures {last}", False, ["{last} Toitures"]),
        ("Chauffage {last}", False, ["{last} & Fils", "Établissements {last}"]),
        ("{last} & Fils", False, ["Chauffage {last}", "Sanitaire {last}"]),
        ("Établissements {last}", False, ["Ets {last}", "Chauffage {last}"]),
        ("Cabinet dentaire {last}", False, ["Dr {first} {last}"]),
        ("Imprimerie {last}", False, ["Print {last}"]),
        ("Immobilière {last}", False, ["Immo {last}"]),
        ("Transports {last}", False, ["{last} Logistique"]),
        ("Supérette {last}", False, ["{shop} {city}"]),
        ("Station-service {last}", False, ["{fuel} {city}"]),
        ("Brasserie {noun}", False, ["Horeca {last}"]),
        ("Hôtel {noun}", False, ["Hôtel {noun} {city}"]),
        ("Restaurant {noun}", False, ["Taverne {noun}"]),
        ("Café {noun}", False, ["Taverne {noun}"]),
        ("Résidence {noun}", False, ["ACP Résidence {noun}", "Syndic {last}"]),
        ("Maison de repos {noun}", True, ["MR {noun}", "Home {noun}"]),
        ("École {noun}", True, ["École communale de {city}", "Institut {noun}"]),
        ("Crèche {noun}", True, ["Maison d'enfants {noun}"]),
        ("Salon de coiffure {noun}", False, ["Coiffure {first}"]),
    ],
    "de": [
        ("Bäckerei {last}", False, ["Backstube {last}", "{last} {first}"]),
        ("Schreinerei {last}", False, ["Tischlerei {last}"]),
        ("Metzgerei {last}", False, ["Fleischerei {last}"]),
        ("Autohaus {last}", False, ["{brand} {city}"]),
        ("Apotheke {last}", False, ["Apotheke {noun}"]),
        ("Heizungsbau {last}", False, ["{last} & Söhne", "Sanitär {last}"]),
        ("{last} & Söhne", False, ["Heizungsbau {last}"]),
        ("Dachdeckerei {last}", False, ["Bedachungen {last}"]),
        ("Elektro {last}", False, ["Elektrotechnik {last}"]),
        ("Lebensmittel {last}", False, ["{shop} {city}"]),
        ("Gasthof {noun}", False, ["Hotel-Restaurant {noun}"]),
        ("Hotel {noun}", False, ["Hotel {noun} {city}"]),
        ("Seniorenheim {noun}", True, ["Altenheim {noun}"]),
        ("Kindergarten {noun}", True, ["Kita {noun}"]),
    ],
}
_PLACE_NOUNS = {
    "nl": [
        "De Linde", "De Eik", "De Molen", "De Zwaan", "De Kroon", "De Gouden Leeuw", "De Zonnebloem",
        "Hof ter Beuken", "De Kouter", "De Klaproos", "'t Hoveke", "De Meersen", "Sint-Jozef", "Ter Duinen",
    ],
    "fr": [
        "Les Tilleuls", "Les Érables", "Le Chêne", "La Source", "Le Moulin", "Les Peupliers", "Beau Séjour",
        "La Clairière", "Les Glycines", "Saint-Joseph", "Le Relais", "Les Hêtres", "Le Clos Fleuri",
    ],
    "de": ["Zur Post", "Zum Hirsch", "Am Venn", "Eifelblick", "Zur Linde", "Sonnenhof", "St. Josef", "Am Weiher"],
}
_CAR_BRANDS = ["Renault", "Peugeot", "Volkswagen", "Toyota", "Opel", "Citroën", "Škoda", "Kia", "BMW", "Ford"]
_SHOPS = {
    "BE": ["Spar", "Proxy Delhaize", "AD Delhaize", "Carrefour Express", "Okay"],
    "NL": ["Albert Heijn", "Jumbo", "Spar", "Plus"],
    "LU": ["Cactus Shoppi", "Spar"],
    "FR": ["Carrefour City", "Intermarché", "Proxi"],
    "DE": ["Edeka", "Rewe", "Netto"],
}
_FUEL_BRANDS = {
    "BE": ["Q8", "TotalEnergies", "Esso", "Lukoil", "Shell"],
    "NL": ["Shell", "BP", "Tango"],
    "LU": ["Aral", "Shell"],
    "FR": ["TotalEnergies", "Esso"],
    "DE": ["Aral", "Shell", "Esso"],
}
# Legal forms by country and language: (form, weight); "" = none written.
_LEGAL_FORMS = {
    ("BE", "nl"): _Weighted([("bv", 38), ("bvba", 15), ("nv", 15), ("comm.v", 5), ("", 27)]),
    ("BE", "fr"): _Weighted([("srl", 33), ("sprl", 20), ("sa", 20), ("", 27)]),
    ("BE", "de"): _Weighted([("GmbH", 45), ("AG", 8), ("", 47)]),
    ("NL", "nl"): _Weighted([("B.V.", 45), ("bv", 10), ("V.O.F.", 10), ("N.V.", 5), ("", 30)]),
    ("LU", "fr"): _Weighted([("S.à r.l.", 45), ("S.A.", 20), ("", 35)]),
    ("LU", "de"): _Weighted([("S.à r.l.", 45), ("S.A.", 20), ("", 35)]),
    ("FR", "fr"): _Weighted([("SARL", 40), ("SAS", 30), ("", 30)]),
    ("DE", "de"): _Weighted([("GmbH", 50), ("GmbH & Co. KG", 10), ("KG", 10), ("", 30)]),
}
_NON_PROFIT_FORMS = {("BE", "nl"): "vzw", ("BE", "fr"): "asbl", ("BE", "de"): "VoG", ("LU", "fr"): "asbl"}
# How a duplicate may write the legal form instead.
_FORM_VARIANTS = {
    "nv": ["NV", "n.v.", "N.V."], "bv": ["BV", "b.v."], "bvba": ["BVBA", "b.v.b.a.", "bv"],
    "comm.v": ["CommV", "comm. v."], "vzw": ["VZW", "v.z.w."], "sa": ["SA", "s.a.", "S.A."],
    "sprl": ["SPRL", "s.p.r.l.", "srl"], "srl": ["SRL", "s.r.l.", "sprl"], "asbl": ["ASBL", "a.s.b.l."],
    "GmbH": ["gmbh", "G.m.b.H.", "PGmbH"], "AG": ["A.G."], "VoG": ["VOG", "V.o.G."],
    "B.V.": ["BV", "bv", "B.V"], "V.O.F.": ["VOF", "vof"], "N.V.": ["NV", "nv"],
    "S.à r.l.": ["SARL", "Sàrl"], "S.A.": ["SA"], "SARL": ["S.A.R.L.", "sarl"], "SAS": ["S.A.S."],
}

_STREETS = {
    "nl": [
        "Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat", "Schoolstraat",
        "Kapelstraat", "Beukenlaan", "Lindelaan", "Kasteelstraat", "Grote Markt", "Veldstraat", "Hoogstraat",
        "Leuvensesteenweg", "Brusselsesteenweg", "Gentse Steenweg", "Kortrijksesteenweg", "Populierenlaan",
        "Eikenlaan", "Heirbaan", "Processiestraat", "Sint-Jansplein", "Koningin Astridlaan",
        "Koning Albertlaan", "Zandstraat", "Bosstraat", "Heidestraat", "Meersstraat", "Pastorijstraat",
    ],
    "nlnl": [
        "Hoofdstraat", "Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Julianastraat",
        "Beatrixlaan", "Wilhelminastraat", "Oranjestraat", "Prinses Irenestraat", "Nieuwe Binnenweg",
        "Keizersgracht", "Markt", "Stationsweg", "Kastanjelaan",
    ],
    "fr": [
        "Rue de la Station", "Rue du Moulin", "Rue de l'Église", "Rue Haute", "Rue Neuve",
        "Chaussée de Bruxelles", "Avenue Louise", "Rue du Château", "Place Saint-Lambert", "Rue des Écoles",
        "Rue de la Gare", "Avenue des Tilleuls", "Rue du Marché", "Rue Saint-Nicolas", "Chaussée de Namur",
        "Rue de Fléron", "Rue du Général Leman", "Boulevard d'Avroy", "Rue des Déportés", "Rue de la Croix",
        "Rue du Bois", "Rue Émile Vandervelde", "Avenue Albert Ier", "Grand-Rue", "Rue des Champs",
        "Chaussée de Waterloo", "Rue Royale", "Avenue de la Libération",
    ],
    "de": [
        "Hauptstraße", "Kirchstraße", "Bahnhofstraße", "Aachener Straße", "Neustraße", "Gospertstraße",
        "Klosterstraße", "Malmedyer Straße", "Schulstraße", "Mühlenweg", "Am Markt", "Lindenallee",
        "Rathausplatz", "Bergstraße", "Waldstraße", "Talstraße", "Gartenstraße",
    ],
}
_BOX_WORD = {"nl": " bus ", "fr": " bte ", "de": "/"}

_LOCATION_WORDS = {
    # home, head office, warehouse, shop, workshop, holiday home, rental
    "nl": ["Thuis", "Maatschappelijke zetel", "Magazijn", "Winkel", "Atelier", "Vakantiewoning", "Huurwoning"],
    "fr": ["Domicile", "Siège social", "Entrepôt", "Magasin", "Atelier", "Seconde résidence", "Appartement loué"],
    "de": ["Wohnhaus", "Firmensitz", "Lager", "Geschäft", "Werkstatt", "Ferienhaus", "Mietwohnung"],
    "en": ["Home", "Head office", "Warehouse", "Shop", "Workshop", "Holiday home", "Rental flat"],
}
_SECOND_BUILDINGS = {
    "nl": ["Garage", "Bijgebouw", "Magazijn", "Blok B", "Poolhouse", "Stal"],
    "fr": ["Garage", "Annexe", "Bloc B", "Hangar", "Atelier"],
    "de": ["Garage", "Nebengebäude", "Werkstatt", "Halle 2"],
    "en": ["Garage", "Annex", "Block B", "Workshop"],
}
_CUSTOMER_NOTES = {
    "nl": [
        "Sleutel bij de buren (nr. 14).", "Enkel 's voormiddags bereikbaar.", "Betaalt laat: vooraf factureren.",
        "Bellen voor aankomst.", "Parkeren op de oprit.", "Contactpersoon: de zoon.", "Facturen per e-mail.",
    ],
    "fr": [
        "Clé chez le voisin.", "Joignable uniquement le matin.", "Attention chien.",
        "Code portail 4512.", "Prévenir une heure avant.", "Factures par e-mail.",
        "Paie en retard : facturer d'avance.",
    ],
    "de": ["Schlüssel beim Nachbarn.", "Nur vormittags erreichbar.", "Vorsicht, Hund!", "Rechnung per E-Mail."],
    "en": ["Call before coming.", "Invoices by e-mail only.", "Speaks English only."],
}
_LOCATION_NOTES = {
    "nl": ["Ketel in de kelder.", "Toegang via de achterdeur.", "Ketel op zolder, ladder nodig.", "Parking achteraan."],
    "fr": ["Chaudière à la cave.", "Accès par l'arrière.", "Chaufferie au sous-sol, clé à l'accueil."],
    "de": ["Heizung im Keller.", "Zugang über den Hof."],
    "en": ["Boiler in the cellar.", "Access through the back door."],
}
_MISSION_NOTES = {
    "maintenance": {
        "nl": ["Jaarlijks onderhoud ketel.", "Onderhoud + rookgasanalyse.", "Filters vervangen."],
        "fr": ["Entretien annuel chaudière.", "Entretien + analyse de combustion.", "Remplacement des filtres."],
        "de": ["Jährliche Wartung.", "Wartung mit Abgasmessung."],
    },
    "repair": {
        "nl": ["Storing: geen warm water.", "Ketel valt in storing (F28).", "Lek aan de circulatiepomp."],
        "fr": ["Panne : pas de chauffage.", "Fuite circuit frigorifique.", "Code erreur F75, pompe bloquée."],
        "de": ["Störung: kein Warmwasser.", "Brenner startet nicht."],
    },
    "installation": {
        "nl": ["Plaatsing nieuwe warmtepomp.", "Vervanging oude stookolieketel."],
        "fr": ["Installation pompe à chaleur.", "Remplacement chaudière mazout."],
        "de": ["Einbau einer Wärmepumpe."],
    },
    "inspection": {
        "nl": ["Verwarmingsaudit.", "Keuring gasinstallatie."],
        "fr": ["Diagnostic PEB.", "Contrôle périodique."],
        "de": ["Abgasmessung.", "Inspektion."],
    },
}
_INSTALLATION_NOTES = [
    "Filter replaced yearly.", "Access through the garage.", "Pressure drops: check the expansion vessel.",
]

_PROVIDERS = {
    "BE": [
        "gmail.com", "telenet.be", "skynet.be", "proximus.be", "hotmail.com", "outlook.be", "live.be", "voo.be",
        "scarlet.be",
    ],
    "NL": ["gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.com", "outlook.com", "xs4all.nl"],
    "LU": ["pt.lu", "gmail.com", "internet.lu"],
    "FR": ["orange.fr", "free.fr", "gmail.com", "laposte.net"],
    "DE": ["web.de", "gmx.de", "t-online.de", "gmail.com"],
}
_MAIL_PREFIXES = {
    "nl": ["info", "info", "info", "contact", "administratie", "boekhouding"],
    "fr": ["info", "info", "contact", "contact", "comptabilite", "secretariat"],
    "de": ["info", "info", "kontakt", "buero"],
}
_COUNTRY_CALLING = {"BE": "32", "NL": "31", "LU": "352", "FR": "33", "DE": "49"}

# --------------------------------------------------------------------------
# Installations: (brand, model, fuels or refrigerants, power choices, serial prefix, first year).
# --------------------------------------------------------------------------

_NATURAL_GAS, _FUEL_OIL, _PELLETS, _PROPANE, _ELECTRIC = "natural gas", "fuel oil", "pellets", "propane", "electric"
_BOILER_POWER = [18.0, 20.0, 24.0, 25.0, 28.0, 30.0, 32.0, 35.0]
_HEAT_PUMP_POWER = [4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 14.0, 16.0]
_AC_POWER = [2.5, 3.5, 4.2, 5.0, 6.0, 7.1]

_CATALOG: dict[str, list[tuple[str, str, list[str], list[float] | None, str, int]]] = {
    InstallationKind.BOILER.value: [
        ("Vaillant", "ecoTEC plus VC 256/5-5", [_NATURAL_GAS], _BOILER_POWER, "21", 2005),
        ("Vaillant", "ecoTEC exclusive VC 306/5-7", [_NATURAL_GAS], _BOILER_POWER, "21", 2012),
        ("Viessmann", "Vitodens 100-W B1HC", [_NATURAL_GAS], _BOILER_POWER, "7", 2005),
        ("Viessmann", "Vitodens 200-W B2HF", [_NATURAL_GAS, _PROPANE], _BOILER_POWER, "7", 2010),
        ("Viessmann", "Vitoladens 300-C", [_FUEL_OIL], _BOILER_POWER, "7", 2005),
        ("Viessmann", "Vitoligno 300-C", [_PELLETS], _BOILER_POWER, "7", 2008),
        ("Buderus", "Logamax plus GB172-24", [_NATURAL_GAS], _BOILER_POWER, "BU", 2008),
        ("Buderus", "Logano plus GB125", [_FUEL_OIL], _BOILER_POWER, "BU", 2005),
        ("Bulex", "ThemaPlus Condens F 30", [_NATURAL_GAS], _BOILER_POWER, "BX", 2005),
        ("Bulex", "Thema Condens F 25", [_NATURAL_GAS], _BOILER_POWER, "BX", 2008),
        ("Remeha", "Calenta Ace 28c", [_NATURAL_GAS], _BOILER_POWER, "RE", 2014),
        ("Remeha", "Tzerra Ace 39c", [_NATURAL_GAS], _BOILER_POWER, "RE", 2016),
        ("Junkers", "Cerapur Smart ZWB 28-2", [_NATURAL_GAS], _BOILER_POWER, "JU", 2005),
        ("De Dietrich", "Naneo PMC-M 24/28", [_NATURAL_GAS], _BOILER_POWER, "DD", 2010),
        ("ACV", "Prestige 32 Solo", [_NATURAL_GAS, _PROPANE], _BOILER_POWER, "ACV", 2005),
        ("ACV", "Delta Pro 35", [_FUEL_OIL], _BOILER_POWER, "ACV", 2005),
        ("Saint Roch", "Sigma Condens 25", [_FUEL_OIL], _BOILER_POWER, "SR", 2005),
        ("ÖkoFEN", "Pellematic Smart XS", [_PELLETS], [10.0, 12.0, 14.0, 16.0], "OF", 2012),
    ],
    InstallationKind.HEAT_PUMP.value: [
        ("Daikin", "Altherma 3 R ERGA08DV", ["R32"], _HEAT_PUMP_POWER, "D", 2018),
        ("Daikin", "Altherma 3 H HT EPRA14", ["R32"], _HEAT_PUMP_POWER, "D", 2019),
        ("Daikin", "Altherma ERLQ011CV3", ["R410A"], _HEAT_PUMP_POWER, "D", 2010),
        ("Mitsubishi Electric", "Ecodan PUZ-WM85VAA", ["R32"], _HEAT_PUMP_POWER, "ME", 2019),
        ("Mitsubishi Electric", "Ecodan PUHZ-SW75", ["R410A"], _HEAT_PUMP_POWER, "ME", 2011),
        ("Panasonic", "Aquarea T-CAP WH-MXC12", ["R32"], _HEAT_PUMP_POWER, "PA", 2017),
        ("Panasonic", "Aquarea L WH-WDG09", ["R290"], _HEAT_PUMP_POWER, "PA", 2024),
        ("Vaillant", "aroTHERM plus VWL 75/6", ["R290"], _HEAT_PUMP_POWER, "21", 2021),
        ("Viessmann", "Vitocal 250-A", ["R290"], _HEAT_PUMP_POWER, "7", 2022),
        ("Atlantic", "Alfea Excellia A.I. 11", ["R410A", "R32"], _HEAT_PUMP_POWER, "AT", 2012),
        ("NIBE", "S2125-12", ["R290"], _HEAT_PUMP_POWER, "NI", 2021),
        ("Bosch", "Compress 7000i AW", ["R410A"], _HEAT_PUMP_POWER, "BO", 2016),
        ("Stiebel Eltron", "WPL 25 AC", ["R410A"], _HEAT_PUMP_POWER, "SE", 2013),
    ],
    InstallationKind.AIR_CONDITIONING.value: [
        ("Daikin", "Perfera FTXM35R", ["R32"], _AC_POWER, "D", 2019),
        ("Daikin", "Emura FTXJ25AW", ["R32"], _AC_POWER, "D", 2017),
        ("Daikin", "Sensira FTXF35", ["R32"], _AC_POWER, "D", 2018),
        ("Mitsubishi Electric", "MSZ-LN35VG", ["R32"], _AC_POWER, "ME", 2017),
        ("Mitsubishi Electric", "MSZ-SF25VE", ["R410A"], _AC_POWER, "ME", 2008),
        ("Panasonic", "Etherea CS-Z35XKEW", ["R32"], _AC_POWER, "PA", 2019),
        ("LG", "Artcool AC09BK", ["R32"], _AC_POWER, "LG", 2018),
        ("Samsung", "WindFree Comfort AR12", ["R32"], _AC_POWER, "SA", 2019),
        ("Toshiba", "Seiya RAS-B10E2", ["R32"], _AC_POWER, "TO", 2019),
        ("Fujitsu", "ASYG09KMTB", ["R32"], _AC_POWER, "FU", 2018),
        ("Fujitsu", "ASYG12LMCE", ["R410A"], _AC_POWER, "FU", 2008),
    ],
    InstallationKind.VENTILATION.value: [
        ("Zehnder", "ComfoAir Q350", [], None, "ZE", 2014),
        ("Zehnder", "ComfoAir Q450", [], None, "ZE", 2014),
        ("Renson", "Healthbox 3.0", [], None, "RN", 2019),
        ("Renson", "Endura Delta 330", [], None, "RN", 2018),
        ("Itho Daalderop", "CVE-S ECO", [], None, "IT", 2010),
        ("Itho Daalderop", "HRU ECO 350", [], None, "IT", 2012),
        ("Brink", "Flair 325", [], None, "BR", 2016),
        ("Orcon", "MVS-15", [], None, "OR", 2005),
    ],
    InstallationKind.WATER_HEATER.value: [
        ("Bulex", "Opalia C 11/14", [_NATURAL_GAS], [19.0, 24.0], "BX", 2005),
        ("Vaillant", "atmoMAG mini 11-0/1", [_NATURAL_GAS], [19.0, 24.0], "21", 2005),
        ("Atlantic", "Chauffeo Plus 150", [_ELECTRIC], [1.8, 2.2, 2.4], "AT", 2005),
        ("Atlantic", "Explorer V4 200", [_ELECTRIC], [0.5, 1.8], "AT", 2017),
        ("Itho Daalderop", "Aquadomo 150", [_ELECTRIC], [2.2, 3.0], "IT", 2008),
        ("Ariston", "Velis Evo 80", [_ELECTRIC], [1.5, 2.0], "AR", 2014),
        ("Stiebel Eltron", "DHB-E 18 LCD", [_ELECTRIC], [18.0, 21.0], "SE", 2012),
        ("ACV", "Smart 160", [_NATURAL_GAS], [24.0], "ACV", 2005),
    ],
    InstallationKind.SOLAR_THERMAL.value: [
        ("Viessmann", "Vitosol 200-FM", [], None, "7", 2008),
        ("Vaillant", "auroTHERM VFK 145 V", [], None, "21", 2008),
        ("Buderus", "Logasol SKN 4.0", [], None, "BU", 2010),
    ],
    InstallationKind.OTHER.value: [
        ("Honeywell", "Evohome", [], None, "HW", 2012),
        ("Google", "Nest Learning Thermostat", [], None, "NE", 2015),
        ("Roth", "KWT fuel oil tank 1500 l", [], None, "RO", 2005),
        ("Henco", "Underfloor heating manifold", [], None, "HE", 2008),
    ],
}
_INSTALLATION_KINDS = _Weighted(
    [
        (InstallationKind.BOILER.value, 40),
        (InstallationKind.HEAT_PUMP.value, 15),
        (InstallationKind.AIR_CONDITIONING.value, 12),
        (InstallationKind.VENTILATION.value, 12),
        (InstallationKind.WATER_HEATER.value, 12),
        (InstallationKind.SOLAR_THERMAL.value, 5),
        (InstallationKind.OTHER.value, 4),
    ]
)
_BOILER_FUEL_WEIGHTS = {_NATURAL_GAS: 70, _FUEL_OIL: 22, _PELLETS: 5, _PROPANE: 3}

_INSTALLATIONS_PER_LOCATION = _Weighted([(0, 20), (1, 45), (2, 25), (3, 10)])
_PERSON_LOCATIONS = _Weighted([(1, 85), (2, 12), (3, 3)])
_COMPANY_LOCATIONS = _Weighted([(1, 60), (2, 28), (3, 12)])
_MISSIONS_PER_CUSTOMER = _Weighted([(0, 15), (1, 20), (2, 20), (3, 17), (4, 13), (5, 9), (6, 6)])
_MISSION_KINDS = _Weighted(
    [
        (MissionKind.MAINTENANCE.value, 50),
        (MissionKind.REPAIR.value, 28),
        (MissionKind.INSTALLATION.value, 8),
        (MissionKind.INSPECTION.value, 14),
    ]
)
_LABELS_PER_CUSTOMER = _Weighted([(0, 55), (1, 30), (2, 11), (3, 4)])
_DUPLICATE_VARIATIONS = _Weighted([(1, 50), (2, 35), (3, 15)])


# --------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------


def _ascii(text_: str) -> str:
    text_ = text_.replace("ß", "ss").replace("Œ", "Oe").replace("œ", "oe")
    return unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode("ascii")


def _domain_part(text_: str) -> str:
    """'Garage Van den Broeck' -> 'garage-van-den-broeck' (ASCII, lowercase)."""
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text_).lower()).strip("-") or "mail"


def _local_part(text_: str) -> str:
    """'Van den Broeck' -> 'vandenbroeck'."""
    return re.sub(r"[^a-z0-9]+", "", _ascii(text_).lower()) or "x"


def _capitalised(text_: str) -> str:
    return text_[:1].upper() + text_[1:]


def _vat_number(rng: random.Random, country: str) -> str:
    if country == "BE":
        base = (1 if rng.random() < 0.05 else 0) * 10_000_000 + rng.randrange(2_000_000, 10_000_000)
        return f"BE{base:08d}{97 - base % 97:02d}"
    if country == "NL":
        return f"NL{rng.randrange(10**8, 10**9):09d}B{rng.randint(1, 3):02d}"
    if country == "LU":
        return f"LU{rng.randrange(10**7, 10**8)}"
    if country == "FR":
        return f"FR{rng.randrange(10, 100)}{rng.randrange(10**8, 10**9)}"
    return f"DE{rng.randrange(10**8, 10**9)}"


def _digits(rng: random.Random, count: int) -> str:
    return f"{rng.randrange(10**count):0{count}d}"


def _phone_groups(rng: random.Random, country: str, area: str, mobile: bool) -> list[str]:
    """The national significant number in groups, without trunk 0 or country code."""
    if country == "BE":
        if mobile:
            return [f"4{rng.choice('789')}{rng.randrange(10)}", _digits(rng, 2), _digits(rng, 2), _digits(rng, 2)]
        if len(area) == 1:
            return [area, f"{rng.randrange(200, 1000)}", _digits(rng, 2), _digits(rng, 2)]
        return [area, f"{rng.randrange(20, 100)}", _digits(rng, 2), _digits(rng, 2)]
    if country == "NL":
        if mobile:
            return ["6", f"{rng.randrange(10**7, 10**8)}"]
        if len(area) == 2:
            return [area, f"{rng.randrange(200, 1000)}", _digits(rng, 4)]
        return [area, f"{rng.randrange(200_000, 1_000_000)}"]
    if country == "LU":
        if mobile:
            return [f"6{rng.choice('2569')}1", _digits(rng, 3), _digits(rng, 3)]
        return ["26", _digits(rng, 2), _digits(rng, 2), _digits(rng, 2)]
    if country == "FR":
        first = "6" if mobile else "3"
        return [first, f"{rng.randrange(10, 100)}", _digits(rng, 2), _digits(rng, 2), _digits(rng, 2)]
    if mobile:
        return [f"1{rng.choice('567')}{rng.randrange(10)}", f"{rng.randrange(10**6, 10**8)}"]
    return [area, f"{rng.randrange(10**5, 10**7)}"]


def _render_phone(groups: list[str], country: str, style: int) -> str:
    """style 0: international, 1: national with spaces, 2: Belgian 0xx/xx.xx.xx."""
    calling = _COUNTRY_CALLING[country]
    if style == 0:
        return f"+{calling} " + " ".join(groups)
    trunk = "" if country == "LU" else "0"
    if style == 2 and country == "BE":
        return f"{trunk}{groups[0]}/" + ".".join(groups[1:])
    if style == 2:  # elsewhere: one block after the area code
        return f"{trunk}{groups[0]} " + "".join(groups[1:])
    return trunk + " ".join(groups)


def _phone_style(rng: random.Random, country: str) -> int:
    r = rng.random()
    if country == "BE":
        return 0 if r < 0.35 else 1 if r < 0.8 else 2
    return 0 if r < 0.5 else 1


_KEYBOARD_NEIGHBOURS = {
    "a": "zqs", "b": "vn", "c": "xv", "d": "sf", "e": "rz", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "km", "m": "ln", "n": "bm", "o": "ip", "p": "o", "r": "et", "s": "dq",
    "t": "ry", "u": "yi", "v": "cb", "w": "x", "y": "tu", "z": "ae",
}


def _typo(rng: random.Random, name: str) -> str:
    """One slip of the keyboard: swap, drop, double or replace a letter inside a word."""
    letters = [i for i in range(1, len(name)) if name[i].isalpha() and name[i - 1].isalpha()]
    if len(letters) < 3:
        return name + name[-1]
    i = rng.choice(letters)
    action = rng.randrange(4)
    if action == 0 and i + 1 < len(name) and name[i + 1].islower() and name[i].islower() and name[i + 1] != name[i]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if action == 1:
        return name[:i] + name[i + 1 :]
    if action == 2:
        return name[:i] + name[i] + name[i:]
    char = name[i]
    neighbours = _KEYBOARD_NEIGHBOURS.get(_ascii(char).lower()) or "e"
    replacement = rng.choice(neighbours)
    if char.isupper():
        replacement = replacement.upper()
    return name[:i] + replacement + name[i + 1 :]


def _without_accents(rng: random.Random, name: str) -> str:
    if rng.random() < 0.5:
        name = name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn"
    ))


def _abbreviate_street(street: str) -> str:
    for long, short in (("straat", "str."), ("Rue ", "R. "), ("Chaussée ", "Chée "), ("Avenue ", "Av. "),
                        ("laan", "ln."), ("steenweg", "stwg."), ("Straße", "Str."), ("straße", "str.")):
        if long in street:
            return street.replace(long, short, 1)
    return street


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
    ("customer", Customer.__table__),  # type: ignore[attr-defined]
    ("customer_label", CustomerLabel.__table__),  # type: ignore[attr-defined]
    ("location", Location.__table__),  # type: ignore[attr-defined]
    ("building", Building.__table__),  # type: ignore[attr-defined]
    ("installation", Installation.__table__),  # type: ignore[attr-defined]
    ("mission", Mission.__table__),  # type: ignore[attr-defined]
    ("mission_installation", MissionInstallation.__table__),  # type: ignore[attr-defined]
]
_ID_TABLES = ("customer", "location", "building", "installation", "mission", "label")


class _Generator:
    def __init__(
        self, rng: random.Random, next_ids: dict[str, int], label_ids: list[int], label_weights: list[int],
        technicians: list[str],
    ) -> None:
        self.rng = rng
        self.next = next_ids
        self.labels = _Weighted(list(zip(label_ids, label_weights, strict=True)))
        self.technicians = technicians
        self.main_building = default_building_name()
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
            moment = self._moments[days_ago] = _REFERENCE_MOMENT - timedelta(days=days_ago)
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
        return self.rng.choice(_FIRST_NAMES[pool]), self.rng.choice(_LAST_NAMES[pool])

    def _company_name(self, language: str, first: str, last: str, city: str, country: str) -> tuple[str, bool, str]:
        """(name without legal form, non-profit, a possible alias)."""
        rng = self.rng
        template, non_profit, aliases = rng.choice(_COMPANY_TEMPLATES[language])
        values = {
            "last": _capitalised(last), "first": first, "noun": rng.choice(_PLACE_NOUNS[language]), "city": city,
            "brand": rng.choice(_CAR_BRANDS), "shop": rng.choice(_SHOPS[country]),
            "fuel": rng.choice(_FUEL_BRANDS[country]),
        }
        return template.format(**values), non_profit, rng.choice(aliases).format(**values)

    def _address(self, area: _Area, language: str) -> dict[str, Any]:
        rng = self.rng
        place = rng.choice(area.places)
        return self._address_at(place, area, language)

    def _address_at(self, place: _Place, area: _Area, language: str) -> dict[str, Any]:
        rng = self.rng
        if area.country == "NL":
            street_pool = "nlnl"
        elif area.key == "BRU":  # bilingual: streets and communes in the customer's language
            street_pool = language if language in ("nl", "fr") else "fr"
        else:
            street_pool = area.language
        street = rng.choice(_STREETS[street_pool])
        number = str(min(rng.randint(1, 120), rng.randint(1, 250)))
        r = rng.random()
        if r < 0.06:
            number += rng.choice("ABC") if area.country != "NL" else rng.choice("abc")
        elif r < 0.1 and area.country == "BE":
            number += f"{_BOX_WORD.get(language, ' bus ')}{rng.randint(1, 12)}"
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
        area = _AREAS[area_key or _AREA_CHOICE.pick(rng)]
        pool = area.pools.pick(rng)
        language = _NAME_LANGUAGE.get(pool, area.language)
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
                name = f"{_FAMILY_WORD[language]} {_capitalised(last)}"
            elif first_name_first:
                name = f"{first} {last}"
            else:
                name = f"{_capitalised(last)} {first}"
        else:
            company_language = language if (country, language) in _LEGAL_FORMS else area.language
            base, non_profit, alias = self._company_name(company_language, first, last, address["city"], country)
            if non_profit and (country, company_language) in _NON_PROFIT_FORMS:
                form = _NON_PROFIT_FORMS[(country, company_language)]
            elif not non_profit:
                form = _LEGAL_FORMS[(country, company_language)].pick(rng)
            name = f"{base} {form}" if form else base
            if rand() < 0.2:
                internal_name = alias
            if rand() < 0.88:
                vat = _vat_number(rng, country)
                # Distinct companies never share a VAT number; only duplicates do.
                while vat in self._vats_used:
                    vat = _vat_number(rng, country)
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
            phone_groups = _phone_groups(rng, country, address["phone_area"], mobile)
            phone_style = _phone_style(rng, country)
            phone = _render_phone(phone_groups, country, phone_style)
        email = None
        if rand() < 0.8:
            if is_person:
                shape = rand()
                local = (
                    f"{_local_part(first)}.{_local_part(last)}" if shape < 0.6
                    else f"{_local_part(first)[0]}{_local_part(last)}" if shape < 0.8
                    else f"{_local_part(last)}{rng.randint(1, 99)}"
                )
                email = f"{local}@{rng.choice(_PROVIDERS[country])}"
            else:
                tld = country.lower() if rand() < 0.85 else rng.choice(("com", "eu"))
                prefix = rng.choice(_MAIL_PREFIXES.get(language, _MAIL_PREFIXES[area.language]))
                email = f"{prefix}@{_domain_part(base)}.{tld}"
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
            notes = rng.choice(_CUSTOMER_NOTES[customer_language or language])
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
        self, customer_id: int, area: _Area, language: str, is_person: bool, first_address: dict[str, Any],
        created_days: int, count: int | None = None,
    ) -> list[tuple[dict[str, Any], list[tuple[int, str]]]]:
        """The customer's locations with buildings and installations: [(location row, [(installation id, kind)])]."""
        rng = self.rng
        rand = rng.random
        if count is None:
            count = (_PERSON_LOCATIONS if is_person else _COMPANY_LOCATIONS).pick(rng)
        words = _LOCATION_WORDS.get(language, _LOCATION_WORDS["en"])
        result = []
        for index in range(count):
            if index == 0:
                address = first_address
            elif is_person and rand() < 0.5:
                place, area_key = rng.choice(_HOLIDAY_PLACES)
                address = self._address_at(place, _AREAS[area_key], language)
            elif area.country == "BE" and rand() < 0.3:
                other = _AREAS[_OTHER_BELGIAN_AREA.pick(rng)]
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
                    groups = _phone_groups(rng, area.country, rng.choice(area.places).area, True)
                    phone = _render_phone(groups, area.country, _phone_style(rng, area.country))
            notes = rng.choice(_LOCATION_NOTES.get(language, _LOCATION_NOTES["en"])) if rand() < 0.08 else None
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
                    "name": rng.choice(_SECOND_BUILDINGS.get(language, _SECOND_BUILDINGS["en"])),
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
        for _n in range(_INSTALLATIONS_PER_LOCATION.pick(rng)):
            kind = _INSTALLATION_KINDS.pick(rng)
            brand, model, fuels, powers, prefix, first_year = rng.choice(_CATALOG[kind])
            if kind == InstallationKind.BOILER.value and len(fuels) > 1:
                fuel: str | None = fuels[0] if rand() < 0.85 else fuels[1]
            elif kind == InstallationKind.BOILER.value and fuels[0] == _NATURAL_GAS and rand() < 0.1:
                fuel = _PROPANE
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
                "fuel": fuel,
                "power_kw": power,
                "installed_on": installed_on,
                "notes": self._installation_note(installed_on) if rand() < 0.05 else None,
            })
            result.append((installation_id, kind))
        return result

    def _installation_note(self, installed_on: date | None) -> str:
        if installed_on is not None and installed_on.year < 2012:
            return "Old installation, parts hard to find."
        if installed_on is not None and installed_on.year >= 2023:
            return f"Under warranty until {installed_on.year + 5}."
        return self.rng.choice(_INSTALLATION_NOTES)

    def _missions(
        self, customer_id: int, locations: list[tuple[dict[str, Any], list[tuple[int, str]]]],
        customer_language: str | None, language: str, created_days: int,
    ) -> None:
        rng = self.rng
        rand = rng.random
        technicians = self.technicians
        history = max(1, min(_HISTORY_DAYS, created_days))
        for _n in range(_MISSIONS_PER_CUSTOMER.pick(rng)):
            location, installations = locations[0] if len(locations) == 1 or rand() < 0.6 else rng.choice(locations)
            kind = _MISSION_KINDS.pick(rng)
            r = rand()
            technician = rng.choice(technicians) if technicians else None
            if r < 0.05:  # planned in the next month
                days_ago = -rng.randint(1, _FUTURE_DAYS)
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
                notes = rng.choice(_MISSION_NOTES[kind].get(report_language or language, _MISSION_NOTES[kind]["fr"]))
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
        count = _LABELS_PER_CUSTOMER.pick(self.rng)
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
        area = _AREAS[original.area]
        language = _NAME_LANGUAGE.get(original.pool, area.language)
        row = dict(source)
        customer_id = self._id("customer")
        row["id"] = customer_id
        # Which variations: weighted, 1 to 3 different ones.
        options: list[tuple[str, float]] = [("typo", 4), ("number", 2), ("case", 1), ("contact", 1)]
        family = row["name"].startswith(tuple(_FAMILY_WORD.values()))
        if original.is_person and " " in row["name"] and not family:
            options.append(("swap", 3))
        if row["internal_name"]:
            options.append(("alias", 3))
        if original.form:
            options.append(("form", 3))
        if row["phone"]:
            options.append(("phone", 2))
        if _ascii(row["name"]) != row["name"]:
            options.append(("accents", 3))
        wanted = _DUPLICATE_VARIATIONS.pick(rng)
        chosen: list[str] = []
        while len(chosen) < min(wanted, len(options)):
            variation = _Weighted(options).pick(rng)
            options = [option for option in options if option[0] != variation]
            chosen.append(variation)
        name = row["name"]
        for variation in chosen:
            if variation == "swap":
                if original.first_name_first:
                    name = f"{_capitalised(original.last)} {original.first}"
                else:
                    name = f"{original.first} {original.last}"
            elif variation == "alias":
                name, row["internal_name"] = row["internal_name"], None
            elif variation == "form":
                variants = [*_FORM_VARIANTS.get(original.form, [original.form.upper()]), ""]
                form = rng.choice(variants)
                if not form:
                    name = original.base
                elif rand() < 0.2:
                    name = f"{form} {original.base}"
                else:
                    name = f"{original.base} {form}"
            elif variation == "typo":
                name = _typo(rng, name)
            elif variation == "accents":
                name = _without_accents(rng, name)
            elif variation == "case":
                name = name.upper()
            elif variation == "number":
                row["customer_number"] = f"{rng.randrange(100_000, 1_000_000)}" if rand() < 0.8 else None
            elif variation == "phone" and original.phone_groups:
                style = (original.phone_style + rng.randint(1, 2)) % 3
                if style == 2 and original.phone_country != "BE":
                    style = (original.phone_style + 1) % 2
                row["phone"] = _render_phone(original.phone_groups, original.phone_country, style)
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
                address["street"] = _abbreviate_street(address["street"])
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
        "customer": Customer.__table__, "location": Location.__table__,  # type: ignore[attr-defined]
        "building": Building.__table__, "installation": Installation.__table__,  # type: ignore[attr-defined]
        "mission": Mission.__table__, "label": Label.__table__,  # type: ignore[attr-defined]
    }
    result = {}
    for name, table in tables.items():
        largest = connection.execute(select(func.max(table.c.id))).scalar()
        result[name] = (largest or 0) + 1
    return result


def _demo_labels(connection: Connection, next_ids: dict[str, int]) -> list[int]:
    """Ids of the demo labels, creating those that do not exist yet (by name, any case)."""
    table = Label.__table__  # type: ignore[attr-defined]
    existing = {name.lower(): label_id for label_id, name in connection.execute(select(table.c.id, table.c.name))}
    ids = []
    new_rows = []
    for name, colour, kind, _weight in DEMO_LABELS:
        label_id = existing.get(name.lower())
        if label_id is None:
            label_id = next_ids["label"]
            next_ids["label"] += 1
            new_rows.append({"id": label_id, "name": name, "colour": colour, "kind": kind})
        ids.append(label_id)
    if new_rows:
        connection.execute(table.insert(), new_rows)
    return ids


def _insert(connection: Connection, rows: _Rows) -> None:
    for name, table in _TABLES:
        batch = getattr(rows, name)
        if batch:
            connection.execute(table.insert(), batch)


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


def generate_demo(
    engine: Engine,
    customers: int = 2000,
    seed: int = 1,
    technicians: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Add `customers` demo customers (about 5 % of them duplicates) to a migrated database.

    Everything is added in one transaction: on error, nothing is. `progress`
    is called with (customers done, customers) after each batch.
    """
    if customers < 0:
        raise ValueError("customers must be 0 or more")
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
        label_ids = _demo_labels(connection, next_ids)
        generator = _Generator(rng, next_ids, label_ids, [weight for *_rest, weight in DEMO_LABELS], technicians)
        done = 0
        while done < customers:
            batch_end = min(done + _CHUNK, customers)
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
