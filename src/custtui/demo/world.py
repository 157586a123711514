"""The demo's world: places, names, streets, words and how often each occurs."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import accumulate
from typing import Generic, TypeVar

from custtui.models import (
    InstallationKind,
    LabelKind,
    MissionKind,
)

# Every date is relative to this day, so that a seed gives the same data on any day.
REFERENCE_DATE = date(2026, 11, 1)
REFERENCE_MOMENT = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
HISTORY_DAYS = 3 * 365  # missions over the last three years
FUTURE_DAYS = 30  # and a few planned in the next month
CHUNK = 2000  # customers generated and inserted per batch
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

# The words the demo writes into data that are the product's (or the office's)
# own: label names, building and site names, notes, fuels. They come in the
# demo's language (generate_demo(language=...)); names, streets and cities
# of customers stay in their region's language, as real data would.
DEMO_LANGUAGES = ("nl", "fr", "de", "en")
Words = dict[str, str]  # language -> the words in it, for each of DEMO_LANGUAGES


def words(nl: str, fr: str, de: str, en: str) -> Words:
    return {"nl": nl, "fr": fr, "de": de, "en": en}


# name, colour (one of labels.LABEL_COLOURS), kind, how often it is put on a customer
DEMO_LABELS: tuple[tuple[Words, str, str, int], ...] = (
    (words("VIP", "VIP", "VIP", "VIP"), "yellow", LabelKind.ATTENTION.value, 3),
    (words("Contract", "Contrat", "Vertrag", "Contract"), "green", LabelKind.STATUS.value, 6),
    (words("Slechte betaler", "Mauvais payeur", "Schlechter Zahler", "Bad payer"), "red", LabelKind.ATTENTION.value, 3),
    (
        words("Sleutel bij de buren", "Clé chez le voisin", "Schlüssel beim Nachbarn", "Key at neighbour"),
        "cyan", LabelKind.TRAIT.value, 4,
    ),
    (words("Hond ter plaatse", "Chien sur place", "Hund vor Ort", "Dog on site"), "magenta", LabelKind.ATTENTION.value, 4),
    (
        words("Onderhoudscontract", "Contrat d'entretien", "Wartungsvertrag", "Maintenance contract"),
        "green", LabelKind.STATUS.value, 10,
    ),
    (words("Nieuwe klant", "Nouveau client", "Neukunde", "New customer"), "blue", LabelKind.STATUS.value, 5),
    (words("Prospect", "Prospect", "Interessent", "Prospect"), "grey", LabelKind.STATUS.value, 3),
    (words("Sociale woning", "Logement social", "Sozialwohnung", "Social housing"), "white", LabelKind.TRAIT.value, 2),
    (words("Asbest", "Amiante", "Asbest", "Asbestos"), "red", LabelKind.ATTENTION.value, 1),
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


class Weighted(Generic[T]):
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
class Place:
    postal_code: str
    city: str
    area: str
    city_nl: str | None = None  # Dutch name of a Brussels commune


_FLANDERS = [
    Place(*row)
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
    Place(*row)
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
    Place(*row)
    for row in (
        ("4700", "Eupen", "87"), ("4710", "Lontzen", "87"), ("4720", "Kelmis", "87"), ("4730", "Raeren", "87"),
        ("4750", "Bütgenbach", "80"), ("4760", "Büllingen", "80"), ("4770", "Amel", "80"),
        ("4780", "Sankt Vith", "80"), ("4790", "Burg-Reuland", "80"),
    )
]
# The 19 communes of Brussels (and three districts of the City of Brussels).
_BRUSSELS = [
    Place(*row)
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
    Place(*row)
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
    Place(*row)
    for row in (
        ("1212", "Luxembourg", ""), ("2240", "Luxembourg", ""), ("4010", "Esch-sur-Alzette", ""),
        ("9010", "Ettelbruck", ""), ("9530", "Wiltz", ""), ("8080", "Bertrange", ""), ("3401", "Dudelange", ""),
    )
]
_FRANCE = [
    Place(*row)
    for row in (
        ("59000", "Lille", "3"), ("59100", "Roubaix", "3"), ("59200", "Tourcoing", "3"),
        ("59140", "Dunkerque", "3"), ("59600", "Maubeuge", "3"), ("08000", "Charleville-Mézières", "3"),
    )
]
_GERMANY = [
    Place(*row)
    for row in (
        ("52062", "Aachen", "241"), ("52134", "Herzogenrath", "2406"), ("52156", "Monschau", "2472"),
        ("50667", "Köln", "221"), ("54290", "Trier", "651"), ("41061", "Mönchengladbach", "2161"),
        ("47533", "Kleve", "2821"),
    )
]

# Name/language "pools": vl = Flemish, nl = Dutch (Netherlands), fr, de, xx = other origins.
NAME_LANGUAGE = {"vl": "nl", "nl": "nl", "fr": "fr", "de": "de"}


@dataclass(frozen=True)
class Area:
    key: str
    country: str
    region: str
    places: list[Place]
    language: str  # the region's usual language
    pools: Weighted[str]


AREAS = {
    area.key: area
    for area in (
        Area("VLG", "BE", "BE-VLG", _FLANDERS, "nl", Weighted([("vl", 92), ("fr", 2), ("xx", 6)])),
        Area("WAL", "BE", "BE-WAL", _WALLONIA, "fr", Weighted([("fr", 93), ("vl", 1), ("xx", 6)])),
        Area("EAST", "BE", "BE-WAL", _EAST_CANTONS, "de", Weighted([("de", 88), ("fr", 12)])),
        Area("BRU", "BE", "BE-BRU", _BRUSSELS, "fr", Weighted([("fr", 60), ("vl", 25), ("xx", 15)])),
        Area("NL", "NL", "NL", _NETHERLANDS, "nl", Weighted([("nl", 94), ("xx", 6)])),
        Area("LU", "LU", "LU", _LUXEMBOURG, "fr", Weighted([("fr", 55), ("de", 45)])),
        Area("FR", "FR", "FR", _FRANCE, "fr", Weighted([("fr", 100)])),
        Area("DE", "DE", "DE", _GERMANY, "de", Weighted([("de", 100)])),
    )
}
# ~85 % Belgian, ~12 % Dutch, a few from Luxembourg, France and Germany.
AREA_CHOICE = Weighted(
    [("VLG", 49), ("WAL", 20), ("EAST", 3), ("BRU", 13), ("NL", 12), ("LU", 1), ("FR", 1), ("DE", 1)]
)
# Where a second site of a Belgian customer may be: mostly the same area.
OTHER_BELGIAN_AREA = Weighted([("VLG", 5), ("WAL", 3), ("BRU", 2)])
# Holiday homes: at the coast or in the Ardennes.
HOLIDAY_PLACES = [
    (p, "VLG") for p in _FLANDERS if p.city in ("Knokke-Heist", "Blankenberge", "Oostende", "De Panne")
] + [(p, "WAL") for p in _WALLONIA if p.city in ("Durbuy", "La Roche-en-Ardenne", "Spa", "Bastogne", "Malmedy")]

# --------------------------------------------------------------------------
# Names.
# --------------------------------------------------------------------------

LAST_NAMES = {
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
FIRST_NAMES = {
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
FAMILY_WORD = {"nl": "Fam.", "fr": "Famille", "de": "Familie"}

# Company names: (template, non-profit, aliases). {last} a surname, {first} a first
# name, {noun} a name for a place, {city} the company's city, {brand} a car
# brand, {shop} a supermarket franchise, {fuel} a fuel brand. The alias
# (internal_name) is a trade name, a former name or the franchise it runs.
COMPANY_TEMPLATES: dict[str, list[tuple[str, bool, list[str]]]] = {
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
PLACE_NOUNS = {
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
CAR_BRANDS = ["Renault", "Peugeot", "Volkswagen", "Toyota", "Opel", "Citroën", "Škoda", "Kia", "BMW", "Ford"]
SHOPS = {
    "BE": ["Spar", "Proxy Delhaize", "AD Delhaize", "Carrefour Express", "Okay"],
    "NL": ["Albert Heijn", "Jumbo", "Spar", "Plus"],
    "LU": ["Cactus Shoppi", "Spar"],
    "FR": ["Carrefour City", "Intermarché", "Proxi"],
    "DE": ["Edeka", "Rewe", "Netto"],
}
FUEL_BRANDS = {
    "BE": ["Q8", "TotalEnergies", "Esso", "Lukoil", "Shell"],
    "NL": ["Shell", "BP", "Tango"],
    "LU": ["Aral", "Shell"],
    "FR": ["TotalEnergies", "Esso"],
    "DE": ["Aral", "Shell", "Esso"],
}
# Legal forms by country and language: (form, weight); "" = none written.
LEGAL_FORMS = {
    ("BE", "nl"): Weighted([("bv", 38), ("bvba", 15), ("nv", 15), ("comm.v", 5), ("", 27)]),
    ("BE", "fr"): Weighted([("srl", 33), ("sprl", 20), ("sa", 20), ("", 27)]),
    ("BE", "de"): Weighted([("GmbH", 45), ("AG", 8), ("", 47)]),
    ("NL", "nl"): Weighted([("B.V.", 45), ("bv", 10), ("V.O.F.", 10), ("N.V.", 5), ("", 30)]),
    ("LU", "fr"): Weighted([("S.à r.l.", 45), ("S.A.", 20), ("", 35)]),
    ("LU", "de"): Weighted([("S.à r.l.", 45), ("S.A.", 20), ("", 35)]),
    ("FR", "fr"): Weighted([("SARL", 40), ("SAS", 30), ("", 30)]),
    ("DE", "de"): Weighted([("GmbH", 50), ("GmbH & Co. KG", 10), ("KG", 10), ("", 30)]),
}
NON_PROFIT_FORMS = {("BE", "nl"): "vzw", ("BE", "fr"): "asbl", ("BE", "de"): "VoG", ("LU", "fr"): "asbl"}
# How a duplicate may write the legal form instead.
FORM_VARIANTS = {
    "nv": ["NV", "n.v.", "N.V."], "bv": ["BV", "b.v."], "bvba": ["BVBA", "b.v.b.a.", "bv"],
    "comm.v": ["CommV", "comm. v."], "vzw": ["VZW", "v.z.w."], "sa": ["SA", "s.a.", "S.A."],
    "sprl": ["SPRL", "s.p.r.l.", "srl"], "srl": ["SRL", "s.r.l.", "sprl"], "asbl": ["ASBL", "a.s.b.l."],
    "GmbH": ["gmbh", "G.m.b.H.", "PGmbH"], "AG": ["A.G."], "VoG": ["VOG", "V.o.G."],
    "B.V.": ["BV", "bv", "B.V"], "V.O.F.": ["VOF", "vof"], "N.V.": ["NV", "nv"],
    "S.à r.l.": ["SARL", "Sàrl"], "S.A.": ["SA"], "SARL": ["S.A.R.L.", "sarl"], "SAS": ["S.A.S."],
}

STREETS = {
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
BOX_WORD = {"nl": " bus ", "fr": " bte ", "de": "/"}

# --------------------------------------------------------------------------
# The product's own words (site words, second buildings, notes), in the
# demo's language. The lists by the customer's language are kept, with their
# lengths, so that a seed draws the same random numbers (and so the same
# customers) in every demo language; only the words differ.
# --------------------------------------------------------------------------

LOCATION_WORDS = {
    # home, head office, warehouse, shop, workshop, holiday home, rental
    "nl": ["Thuis", "Maatschappelijke zetel", "Magazijn", "Winkel", "Atelier", "Vakantiewoning", "Huurwoning"],
    "fr": ["Domicile", "Siège social", "Entrepôt", "Magasin", "Atelier", "Seconde résidence", "Appartement loué"],
    "de": ["Wohnhaus", "Firmensitz", "Lager", "Geschäft", "Werkstatt", "Ferienhaus", "Mietwohnung"],
    "en": ["Home", "Head office", "Warehouse", "Shop", "Workshop", "Holiday home", "Rental flat"],
}

_GARAGE = words("Garage", "Garage", "Garage", "Garage")
_ANNEX = words("Bijgebouw", "Annexe", "Nebengebäude", "Annex")
_BLOCK_B = words("Blok B", "Bloc B", "Block B", "Block B")
_WORKSHOP = words("Atelier", "Atelier", "Werkstatt", "Workshop")
SECOND_BUILDINGS = {
    "nl": [
        _GARAGE, _ANNEX, words("Magazijn", "Entrepôt", "Lager", "Warehouse"), _BLOCK_B,
        words("Poolhouse", "Pool house", "Poolhaus", "Pool house"), words("Stal", "Écurie", "Stall", "Stable"),
    ],
    "fr": [_GARAGE, _ANNEX, _BLOCK_B, words("Loods", "Hangar", "Halle", "Shed"), _WORKSHOP],
    "de": [_GARAGE, _ANNEX, _WORKSHOP, words("Loods 2", "Hangar 2", "Halle 2", "Shed 2")],
    "en": [_GARAGE, _ANNEX, _BLOCK_B, _WORKSHOP],
}

_MORNINGS = words(
    "Enkel 's voormiddags bereikbaar.", "Joignable uniquement le matin.", "Nur vormittags erreichbar.",
    "Can only be reached in the morning.",
)
_PAYS_LATE = words(
    "Betaalt laat: vooraf factureren.", "Paie en retard\u00a0: facturer d'avance.", "Zahlt spät: im Voraus berechnen.",
    "Pays late: invoice in advance.",
)
_INVOICES_BY_EMAIL = words("Facturen per e-mail.", "Factures par e-mail.", "Rechnungen per E-Mail.", "Invoices by e-mail.")
_KEY_AT_NEIGHBOUR = words(
    "Sleutel bij de buurman.", "Clé chez le voisin.", "Schlüssel beim Nachbarn.", "Key with the neighbour."
)
_DOG = words("Opgelet, hond.", "Attention chien.", "Vorsicht, Hund!", "Beware of the dog.")
_CALL_FIRST = words("Bellen voor aankomst.", "Appeler avant de passer.", "Vor dem Besuch anrufen.", "Call before coming.")
CUSTOMER_NOTES = {
    "nl": [
        words(
            "Sleutel bij de buren (nr. 14).", "Clé chez les voisins (n° 14).", "Schlüssel bei den Nachbarn (Nr. 14).",
            "Key with the neighbours (no. 14).",
        ),
        _MORNINGS, _PAYS_LATE, _CALL_FIRST,
        words("Parkeren op de oprit.", "Se garer dans l'allée.", "In der Einfahrt parken.", "Park in the driveway."),
        words(
            "Contactpersoon: de zoon.", "Personne de contact\u00a0: le fils.", "Ansprechpartner: der Sohn.",
            "Contact person: the son.",
        ),
        _INVOICES_BY_EMAIL,
    ],
    "fr": [
        _KEY_AT_NEIGHBOUR, _MORNINGS, _DOG,
        words("Code van de poort: 4512.", "Code portail 4512.", "Torcode 4512.", "Gate code 4512."),
        words(
            "Een uur vooraf verwittigen.", "Prévenir une heure avant.", "Eine Stunde vorher Bescheid geben.",
            "Give an hour's notice.",
        ),
        _INVOICES_BY_EMAIL, _PAYS_LATE,
    ],
    "de": [_KEY_AT_NEIGHBOUR, _MORNINGS, _DOG, _INVOICES_BY_EMAIL],
    "en": [
        _CALL_FIRST,
        words(
            "Facturen enkel per e-mail.", "Factures uniquement par e-mail.", "Rechnungen nur per E-Mail.",
            "Invoices by e-mail only.",
        ),
        words("Spreekt enkel Engels.", "Ne parle qu'anglais.", "Spricht nur Englisch.", "Speaks English only."),
    ],
}

_BOILER_IN_CELLAR = words("Ketel in de kelder.", "Chaudière à la cave.", "Heizung im Keller.", "Boiler in the cellar.")
_BACK_DOOR = words(
    "Toegang via de achterdeur.", "Accès par la porte arrière.", "Zugang über die Hintertür.",
    "Access through the back door.",
)
LOCATION_NOTES = {
    "nl": [
        _BOILER_IN_CELLAR, _BACK_DOOR,
        words(
            "Ketel op zolder, ladder nodig.", "Chaudière au grenier, prévoir une échelle.",
            "Heizkessel auf dem Dachboden, Leiter nötig.", "Boiler in the attic, ladder needed.",
        ),
        words("Parking achteraan.", "Parking à l'arrière.", "Parkplatz hinten.", "Parking at the back."),
    ],
    "fr": [
        _BOILER_IN_CELLAR,
        words("Toegang langs achteren.", "Accès par l'arrière.", "Zugang von hinten.", "Access from the back."),
        words(
            "Stookplaats in de kelder, sleutel aan het onthaal.", "Chaufferie au sous-sol, clé à l'accueil.",
            "Heizraum im Untergeschoss, Schlüssel am Empfang.", "Boiler room in the basement, key at reception.",
        ),
    ],
    "de": [
        _BOILER_IN_CELLAR,
        words("Toegang via de binnenkoer.", "Accès par la cour.", "Zugang über den Hof.", "Access through the yard."),
    ],
    "en": [_BOILER_IN_CELLAR, _BACK_DOOR],
}

_YEARLY = words("Jaarlijks onderhoud ketel.", "Entretien annuel chaudière.", "Jährliche Wartung.", "Yearly boiler service.")
_FLUE_GAS = words(
    "Onderhoud + rookgasanalyse.", "Entretien + analyse de combustion.", "Wartung mit Abgasmessung.",
    "Service with flue gas analysis.",
)
_FILTERS = words("Filters vervangen.", "Remplacement des filtres.", "Filter ersetzt.", "Filters replaced.")
_NO_HOT_WATER = words(
    "Storing: geen warm water.", "Panne\u00a0: pas d'eau chaude.", "Störung: kein Warmwasser.", "Fault: no hot water."
)
_HEAT_PUMP_FITTED = words(
    "Plaatsing nieuwe warmtepomp.", "Installation pompe à chaleur.", "Einbau einer Wärmepumpe.", "New heat pump fitted."
)
_OIL_BOILER_REPLACED = words(
    "Vervanging oude stookolieketel.", "Remplacement chaudière mazout.", "Austausch des alten Ölkessels.",
    "Old fuel oil boiler replaced.",
)
MISSION_NOTES = {
    "maintenance": {
        "nl": [_YEARLY, _FLUE_GAS, _FILTERS],
        "fr": [_YEARLY, _FLUE_GAS, _FILTERS],
        "de": [_YEARLY, _FLUE_GAS],
    },
    "repair": {
        "nl": [
            _NO_HOT_WATER,
            words(
                "Ketel valt in storing (F28).", "Chaudière en défaut (F28).", "Heizkessel auf Störung (F28).",
                "Boiler locks out (F28).",
            ),
            words(
                "Lek aan de circulatiepomp.", "Fuite au circulateur.", "Leck an der Umwälzpumpe.",
                "Leak at the circulation pump.",
            ),
        ],
        "fr": [
            words("Panne: geen verwarming.", "Panne\u00a0: pas de chauffage.", "Störung: keine Heizung.", "Fault: no heating."),
            words(
                "Lek in het koelcircuit.", "Fuite circuit frigorifique.", "Leck im Kältekreis.",
                "Leak in the refrigerant circuit.",
            ),
            words(
                "Foutcode F75, pomp geblokkeerd.", "Code erreur F75, pompe bloquée.", "Fehlercode F75, Pumpe blockiert.",
                "Error code F75, pump blocked.",
            ),
        ],
        "de": [
            _NO_HOT_WATER,
            words("Brander start niet.", "Le brûleur ne démarre pas.", "Brenner startet nicht.", "Burner does not start."),
        ],
    },
    "installation": {
        "nl": [_HEAT_PUMP_FITTED, _OIL_BOILER_REPLACED],
        "fr": [_HEAT_PUMP_FITTED, _OIL_BOILER_REPLACED],
        "de": [_HEAT_PUMP_FITTED],
    },
    "inspection": {
        "nl": [
            words("Verwarmingsaudit.", "Audit de chauffage.", "Heizungsaudit.", "Heating audit."),
            words(
                "Keuring gasinstallatie.", "Contrôle de l'installation gaz.", "Prüfung der Gasanlage.",
                "Gas installation inspection.",
            ),
        ],
        "fr": [
            words("EPB-diagnose.", "Diagnostic PEB.", "PEB-Diagnose.", "EPB diagnostic."),
            words("Periodieke controle.", "Contrôle périodique.", "Regelmäßige Kontrolle.", "Periodic check."),
        ],
        "de": [
            words("Rookgasmeting.", "Mesure des fumées.", "Abgasmessung.", "Flue gas measurement."),
            words("Inspectie.", "Inspection.", "Inspektion.", "Inspection."),
        ],
    },
}
INSTALLATION_NOTES = [
    words("Filter jaarlijks vervangen.", "Filtre remplacé chaque année.", "Filter jährlich ersetzt.", "Filter replaced yearly."),
    words("Toegang via de garage.", "Accès par le garage.", "Zugang über die Garage.", "Access through the garage."),
    words(
        "Druk zakt: expansievat nakijken.", "La pression baisse\u00a0: vérifier le vase d'expansion.",
        "Druck fällt ab: Ausdehnungsgefäß prüfen.", "Pressure drops: check the expansion vessel.",
    ),
]
OLD_INSTALLATION_NOTE = words(
    "Oude installatie, onderdelen moeilijk te vinden.", "Installation ancienne, pièces difficiles à trouver.",
    "Alte Anlage, Ersatzteile schwer zu finden.", "Old installation, parts hard to find.",
)
WARRANTY_NOTE = words(
    "Onder garantie tot {year}.", "Sous garantie jusqu'en {year}.", "Garantie bis {year}.", "Under warranty until {year}."
)

PROVIDERS = {
    "BE": [
        "gmail.com", "telenet.be", "skynet.be", "proximus.be", "hotmail.com", "outlook.be", "live.be", "voo.be",
        "scarlet.be",
    ],
    "NL": ["gmail.com", "ziggo.nl", "kpnmail.nl", "hotmail.com", "outlook.com", "xs4all.nl"],
    "LU": ["pt.lu", "gmail.com", "internet.lu"],
    "FR": ["orange.fr", "free.fr", "gmail.com", "laposte.net"],
    "DE": ["web.de", "gmx.de", "t-online.de", "gmail.com"],
}
MAIL_PREFIXES = {
    "nl": ["info", "info", "info", "contact", "administratie", "boekhouding"],
    "fr": ["info", "info", "contact", "contact", "comptabilite", "secretariat"],
    "de": ["info", "info", "kontakt", "buero"],
}
COUNTRY_CALLING = {"BE": "32", "NL": "31", "LU": "352", "FR": "33", "DE": "49"}

# --------------------------------------------------------------------------
# Installations: (brand, model, fuels or refrigerants, power choices, serial prefix, first year).
# --------------------------------------------------------------------------

NATURAL_GAS, _FUEL_OIL, _PELLETS, PROPANE, _ELECTRIC = "natural gas", "fuel oil", "pellets", "propane", "electric"
# The fuel as written into the installation, in the demo's language (refrigerants are names: R32 in every language).
FUEL_WORDS: dict[str, Words] = {
    NATURAL_GAS: words("aardgas", "gaz naturel", "Erdgas", "natural gas"),
    _FUEL_OIL: words("stookolie", "mazout", "Heizöl", "fuel oil"),
    _PELLETS: words("pellets", "pellets", "Pellets", "pellets"),
    PROPANE: words("propaan", "propane", "Propan", "propane"),
    _ELECTRIC: words("elektrisch", "électrique", "elektrisch", "electric"),
}
_BOILER_POWER = [18.0, 20.0, 24.0, 25.0, 28.0, 30.0, 32.0, 35.0]
_HEAT_PUMP_POWER = [4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 14.0, 16.0]
_AC_POWER = [2.5, 3.5, 4.2, 5.0, 6.0, 7.1]

CATALOG: dict[str, list[tuple[str, str, list[str], list[float] | None, str, int]]] = {
    InstallationKind.BOILER.value: [
        ("Vaillant", "ecoTEC plus VC 256/5-5", [NATURAL_GAS], _BOILER_POWER, "21", 2005),
        ("Vaillant", "ecoTEC exclusive VC 306/5-7", [NATURAL_GAS], _BOILER_POWER, "21", 2012),
        ("Viessmann", "Vitodens 100-W B1HC", [NATURAL_GAS], _BOILER_POWER, "7", 2005),
        ("Viessmann", "Vitodens 200-W B2HF", [NATURAL_GAS, PROPANE], _BOILER_POWER, "7", 2010),
        ("Viessmann", "Vitoladens 300-C", [_FUEL_OIL], _BOILER_POWER, "7", 2005),
        ("Viessmann", "Vitoligno 300-C", [_PELLETS], _BOILER_POWER, "7", 2008),
        ("Buderus", "Logamax plus GB172-24", [NATURAL_GAS], _BOILER_POWER, "BU", 2008),
        ("Buderus", "Logano plus GB125", [_FUEL_OIL], _BOILER_POWER, "BU", 2005),
        ("Bulex", "ThemaPlus Condens F 30", [NATURAL_GAS], _BOILER_POWER, "BX", 2005),
        ("Bulex", "Thema Condens F 25", [NATURAL_GAS], _BOILER_POWER, "BX", 2008),
        ("Remeha", "Calenta Ace 28c", [NATURAL_GAS], _BOILER_POWER, "RE", 2014),
        ("Remeha", "Tzerra Ace 39c", [NATURAL_GAS], _BOILER_POWER, "RE", 2016),
        ("Junkers", "Cerapur Smart ZWB 28-2", [NATURAL_GAS], _BOILER_POWER, "JU", 2005),
        ("De Dietrich", "Naneo PMC-M 24/28", [NATURAL_GAS], _BOILER_POWER, "DD", 2010),
        ("ACV", "Prestige 32 Solo", [NATURAL_GAS, PROPANE], _BOILER_POWER, "ACV", 2005),
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
        ("Bulex", "Opalia C 11/14", [NATURAL_GAS], [19.0, 24.0], "BX", 2005),
        ("Vaillant", "atmoMAG mini 11-0/1", [NATURAL_GAS], [19.0, 24.0], "21", 2005),
        ("Atlantic", "Chauffeo Plus 150", [_ELECTRIC], [1.8, 2.2, 2.4], "AT", 2005),
        ("Atlantic", "Explorer V4 200", [_ELECTRIC], [0.5, 1.8], "AT", 2017),
        ("Itho Daalderop", "Aquadomo 150", [_ELECTRIC], [2.2, 3.0], "IT", 2008),
        ("Ariston", "Velis Evo 80", [_ELECTRIC], [1.5, 2.0], "AR", 2014),
        ("Stiebel Eltron", "DHB-E 18 LCD", [_ELECTRIC], [18.0, 21.0], "SE", 2012),
        ("ACV", "Smart 160", [NATURAL_GAS], [24.0], "ACV", 2005),
    ],
    InstallationKind.SOLAR_THERMAL.value: [
        ("Viessmann", "Vitosol 200-FM", [], None, "7", 2008),
        ("Vaillant", "auroTHERM VFK 145 V", [], None, "21", 2008),
        ("Buderus", "Logasol SKN 4.0", [], None, "BU", 2010),
    ],
    InstallationKind.OTHER.value: [
        ("Honeywell", "Evohome", [], None, "HW", 2012),
        ("Google", "Nest Learning Thermostat", [], None, "NE", 2015),
        ("Roth", "KWT 1500 l", [], None, "RO", 2005),
        ("Henco", "VS 8", [], None, "HE", 2008),
    ],
}
INSTALLATION_KINDS = Weighted(
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
_BOILER_FUEL_WEIGHTS = {NATURAL_GAS: 70, _FUEL_OIL: 22, _PELLETS: 5, PROPANE: 3}

INSTALLATIONS_PER_LOCATION = Weighted([(0, 20), (1, 45), (2, 25), (3, 10)])
PERSON_LOCATIONS = Weighted([(1, 85), (2, 12), (3, 3)])
COMPANY_LOCATIONS = Weighted([(1, 60), (2, 28), (3, 12)])
MISSIONS_PER_CUSTOMER = Weighted([(0, 15), (1, 20), (2, 20), (3, 17), (4, 13), (5, 9), (6, 6)])
MISSION_KINDS = Weighted(
    [
        (MissionKind.MAINTENANCE.value, 50),
        (MissionKind.REPAIR.value, 28),
        (MissionKind.INSTALLATION.value, 8),
        (MissionKind.INSPECTION.value, 14),
    ]
)
LABELS_PER_CUSTOMER = Weighted([(0, 55), (1, 30), (2, 11), (3, 4)])
DUPLICATE_VARIATIONS = Weighted([(1, 50), (2, 35), (3, 15)])
