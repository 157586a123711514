"""Text helpers of the demo: VAT numbers, phones as stored, and the typos of duplicates."""

from __future__ import annotations

import random
import re
import unicodedata

import phonenumbers
from stdnum import luhn
from stdnum.eu import vat as eu_vat

from custtui.demo.world import COUNTRY_CALLING

# Every date is relative to this day, so that a seed gives the same data on any day.
# --------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------


def ascii_folded(text_: str) -> str:
    text_ = text_.replace("ß", "ss").replace("Œ", "Oe").replace("œ", "oe")
    return unicodedata.normalize("NFKD", text_).encode("ascii", "ignore").decode("ascii")


def domain_part(text_: str) -> str:
    """'Garage Van den Broeck' -> 'garage-van-den-broeck' (ASCII, lowercase)."""
    return re.sub(r"[^a-z0-9]+", "-", ascii_folded(text_).lower()).strip("-") or "mail"


def local_part(text_: str) -> str:
    """'Van den Broeck' -> 'vandenbroeck'."""
    return re.sub(r"[^a-z0-9]+", "", ascii_folded(text_).lower()) or "x"


def capitalised(text_: str) -> str:
    return text_[:1].upper() + text_[1:]


def vat_number(rng: random.Random, country: str) -> str:
    """A VAT number of `country` with valid check digits, as python-stdnum checks them."""
    if country == "BE":
        base = (1 if rng.random() < 0.05 else 0) * 10_000_000 + rng.randrange(2_000_000, 10_000_000)
        return f"BE{base:08d}{97 - base % 97:02d}"
    if country == "LU":
        base = rng.randrange(10**5, 10**6)
        return f"LU{base}{base % 89:02d}"
    if country == "FR":
        while True:  # a SIREN passes the Luhn check one time in ten
            siren = str(rng.randrange(10**8, 10**9))
            if luhn.is_valid(siren):
                return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    while True:  # NL and DE: about one number in ten has valid check digits
        if country == "NL":
            candidate = f"NL{rng.randrange(10**8, 10**9):09d}B{rng.randint(1, 3):02d}"
        else:
            candidate = f"DE{rng.randrange(10**8, 10**9)}"
        if eu_vat.is_valid(candidate):
            return candidate


def _digits(rng: random.Random, count: int) -> str:
    return f"{rng.randrange(10**count):0{count}d}"


def draw_phone_groups(rng: random.Random, country: str, area: str, mobile: bool) -> list[str]:
    """The national significant number in groups, without trunk 0 or country code.

    Drawn again until phonenumbers takes it for a number in service (a
    block that is allocated), as a real customer's number is.
    """
    for _attempt in range(50):
        groups = _phone_groups(rng, country, area, mobile)
        number = phonenumbers.parse("+" + COUNTRY_CALLING[country] + "".join(groups))
        if phonenumbers.is_valid_number(number):
            break
    return groups


def _phone_groups(rng: random.Random, country: str, area: str, mobile: bool) -> list[str]:
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


def stored_phone(groups: list[str], country: str) -> str:
    """The phone as custtui stores it, however it was typed: E.164, "+32471083221".

    Built from the groups, which phonenumbers already took for a number in
    service (services.normalise.stored_phone gives the same).
    """
    return "+" + COUNTRY_CALLING[country] + "".join(groups)


def draw_phone_style(rng: random.Random, country: str) -> int:
    r = rng.random()
    if country == "BE":
        return 0 if r < 0.35 else 1 if r < 0.8 else 2
    return 0 if r < 0.5 else 1


_KEYBOARD_NEIGHBOURS = {
    "a": "zqs", "b": "vn", "c": "xv", "d": "sf", "e": "rz", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "km", "m": "ln", "n": "bm", "o": "ip", "p": "o", "r": "et", "s": "dq",
    "t": "ry", "u": "yi", "v": "cb", "w": "x", "y": "tu", "z": "ae",
}


def typo(rng: random.Random, name: str) -> str:
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
    neighbours = _KEYBOARD_NEIGHBOURS.get(ascii_folded(char).lower()) or "e"
    replacement = rng.choice(neighbours)
    if char.isupper():
        replacement = replacement.upper()
    return name[:i] + replacement + name[i + 1 :]


def without_accents(rng: random.Random, name: str) -> str:
    if rng.random() < 0.5:
        name = name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", name) if unicodedata.category(c) != "Mn"
    ))


def abbreviate_street(street: str) -> str:
    for long, short in (("straat", "str."), ("Rue ", "R. "), ("Chaussée ", "Chée "), ("Avenue ", "Av. "),
                        ("laan", "ln."), ("steenweg", "stwg."), ("Straße", "Str."), ("straße", "str.")):
        if long in street:
            return street.replace(long, short, 1)
    return street
