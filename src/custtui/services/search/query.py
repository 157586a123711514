"""A query analysed into trigrams, the tuning of matching, and fuzzy scoring of candidates."""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from custtui.services.marks import error_words
from custtui.services.search.text import fold, phone_key

# ---------------------------------------------------------------------------
# Tuning
# ---------------------------------------------------------------------------

CANDIDATES = 2000  # entries ranked with rapidfuzz per query, at most
MIN_SCORE = 60.0  # weaker hits are not shown
NARROW_DIRECT = 3000  # up to this many entries, counting their trigrams beats the postings
DIGIT_MATCH_LIMIT = 20_000  # digit-key matches read per query, at most

# Trigram alphabet: a-z, 0-9, space, anything else, and the separator between entries.
BASE = 39
SPACE, _OTHER, _SEP = 36, 37, 38
_LUT = np.full(256, _OTHER, dtype=np.uint8)
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz0123456789"):
    _LUT[ord(_c)] = _i
_LUT[ord(" ")] = SPACE
_LUT[ord("\n")] = _SEP
N_TRIGRAMS = BASE**3


def char_code(char: str) -> int:
    return int(_LUT[ord(char)]) if ord(char) < 128 else _OTHER


def trigram_codes(padded: str) -> set[int]:
    codes = [char_code(c) for c in padded]
    return {(codes[i] * BASE + codes[i + 1]) * BASE + codes[i + 2] for i in range(len(codes) - 2)}


BUILD_CHUNK = 100_000  # entries whose trigrams are sorted at once while building


def trigram_table(parts: list[str], owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct trigrams of each part, each part padded with spaces; `owners` is ascending.

    Returns the count of entries per trigram and the owners grouped by
    trigram (ascending within each).
    """
    if not parts:
        return np.zeros(N_TRIGRAMS, dtype=np.int64), np.zeros(0, dtype=np.int32)
    part_lengths = np.array(list(map(len, parts)), dtype=np.int64) + 3  # " " text " " "\n"
    codes = _LUT[np.frombuffer((" " + " \n ".join(parts) + " ").encode("ascii", "replace"), dtype=np.uint8)]
    owner = np.repeat(owners, part_lengths)[: len(codes)]
    a, b, c = codes[:-2], codes[1:-1], codes[2:]
    valid = (a != _SEP) & (b != _SEP) & (c != _SEP)
    trigrams = ((a.astype(np.uint16) * BASE + b) * BASE + c)[valid]
    owner = owner[:-2][valid]
    del codes, a, b, c, valid
    # Owners are ascending here; a stable (radix) sort by trigram keeps them ascending
    # within each trigram, so repeats of a trigram in one entry are neighbours.
    order = np.argsort(trigrams, kind="stable")
    by_trigram, by_trigram_owner = trigrams[order], owner[order]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (by_trigram[1:] != by_trigram[:-1]) | (by_trigram_owner[1:] != by_trigram_owner[:-1])
    counts = np.bincount(by_trigram[keep], minlength=N_TRIGRAMS).astype(np.int64)
    postings = by_trigram_owner[keep]
    return counts, postings


# ---------------------------------------------------------------------------
# Query analysis
# ---------------------------------------------------------------------------

_VAT_LIKE = re.compile(r"^[a-z]{2}\d{2,}$")


class Query(NamedTuple):
    kind: str  # "text", "short", "digits"
    text: str  # folded
    compact: str  # folded, without spaces
    digits: str  # key for the digit path
    narrowable: bool  # whether a longer query matches a subset (False for "+3" -> "+32")
    phones_only: bool = False  # "+32 4...", "0032 4...": an international phone number


def analyse_query(query: str) -> Query | None:
    text = fold(query)
    if not text:
        return None
    compact = text.replace(" ", "")
    stripped = query.strip()
    if compact.isdigit() or _VAT_LIKE.match(compact):
        if stripped.startswith("+") or compact.startswith("00"):
            return Query("digits", text, compact, phone_key(stripped), False, phones_only=True)
        return Query("digits", text, compact, compact, True)
    if len(compact) <= 2:
        return Query("short", text, compact, "", True)
    return Query("text", text, compact, "", True)


@cache
def _mark_words() -> frozenset[str]:
    return frozenset(fold(word) for word in error_words())


def split_mark_words(query: str) -> tuple[str, bool]:
    """'FEHLER peeters' -> ('peeters', True): the ERROR word of any catalog, as a whole word, in any case.

    The mark is a flag (services.marks), not part of the name: a query that
    names it asks for the marked records, the rest of the query searched
    among them. 'fehle' (a word being typed) is not the word yet.
    """
    words = query.split()
    rest = [word for word in words if fold(word) not in _mark_words()]
    if len(rest) == len(words):
        return query, False
    tail = " " if rest and query[-1:].isspace() else ""
    return " ".join(rest) + tail, True


def query_trigrams(query: Query, complete: bool) -> set[int]:
    """The trigrams of each query word, padded with spaces (the last word at its end only if complete).

    None spans two words, so the prefilter ignores word order ("broeck van den");
    entries are indexed with their no-space forms too, so "vandenbroek" finds
    "Van den Broeck", and "van den broek" still shares most trigrams with "Vandenbroeck".
    """
    words = query.text.split()
    codes: set[int] = set()
    for position, word in enumerate(words):
        end = " " if complete or position < len(words) - 1 else ""
        codes |= trigram_codes(f" {word}{end}")
    return codes


def word_trigrams_needed(word: str, count: int) -> int:
    """How many of one word's `count` trigrams an entry must have to hold that word (cross-field matching).

    Stricter than for a whole query: a short word must be there as typed
    ("gent" is not "gert"), a longer one may carry one typo.
    """
    return count if len(word) <= 4 else count - (3 if len(word) <= 6 else 4)


# Trigram matching. One typo destroys up to 4 of the query's trigrams (a swap
# of two letters), so an entry matches when it has all but `_slack(T)` of the
# query's T trigrams (one typo; two from 12 trigrams, three from 24). Survivors, kept for narrowing,
# have all but MAX_SLACK: a longer query only adds trigrams, so whatever it
# matches had all but MAX_SLACK of the shorter query's trigrams, and narrowing
# finds exactly what a full scan finds. Below MAX_SLACK + 1 trigrams everything
# survives (no narrowing yet).
MAX_SLACK = 12


def _slack(count: int) -> int:
    return 4 if count < 12 else 8 if count < 24 else MAX_SLACK


def trigrams_needed(count: int) -> int:
    return max(1, count - _slack(count))


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


def fuzzy_scores(query: Query, texts: list[str], lengths: np.ndarray, compact_lengths: np.ndarray) -> np.ndarray:
    """0..90 per text: the best of a compact substring match and a word-order-free match, plus closeness."""
    compacts = [t.replace(" ", "") for t in texts]
    qc, q = query.compact, query.text
    substring = process.cdist([qc], compacts, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
    whole_compact = process.cdist([qc], compacts, scorer=fuzz.ratio, dtype=np.float32)[0]
    substring = np.where(compact_lengths >= len(qc), substring, whole_compact)
    if " " in q:
        words = process.cdist([q], texts, scorer=fuzz.partial_token_sort_ratio, dtype=np.float32)[0]
        words_whole = process.cdist([q], texts, scorer=fuzz.token_sort_ratio, dtype=np.float32)[0]
        words = np.where(lengths >= len(q), words, words_whole)
        primary = np.maximum(substring, words)
    else:
        primary = substring
    closeness = process.cdist([q], texts, scorer=fuzz.ratio, dtype=np.float32)[0]
    scores: np.ndarray = 0.8 * primary + 0.1 * closeness
    return scores


def refined_score(query: Query, text: str, fuzzy: float) -> float:
    """The final score of one entry: exact 100, every query word starting a word 90-99.9, else fuzzy."""
    if text == query.text or text.replace(" ", "") == query.compact:
        return 100.0
    words = text.split()
    query_words = query.text.split()
    if all(any(w.startswith(qw) for w in words) for qw in query_words):
        whole = sum(qw in words for qw in query_words) / len(query_words)
        return max(fuzzy, prefix_score(whole, len(query.compact) / max(1, len(text) - text.count(" "))))
    return fuzzy


def prefix_score(whole: float, coverage: float) -> float:
    """90-99.9 for a text in which every query word starts a word.

    More for the share of query words that are whole words there ("peeters"
    is Peeters rather than Peetersstraat), then for how much of the text the
    query covers (Jan Peeters before Jan Peeters-Claes).
    """
    return 90.0 + 6.0 * whole + 3.9 * min(1.0, coverage)


def fuzzy_one(query: Query, text: str) -> float:
    """The final score of one text, as fuzzy_scores + refined_score give it."""
    if not text:
        return 0.0
    q, qc, tc = query.text, query.compact, text.replace(" ", "")
    primary = fuzz.partial_ratio(qc, tc) if len(tc) >= len(qc) else fuzz.ratio(qc, tc)
    if " " in q:
        words = fuzz.partial_token_sort_ratio(q, text) if len(text) >= len(q) else fuzz.token_sort_ratio(q, text)
        primary = max(primary, words)
    return refined_score(query, text, 0.8 * primary + 0.1 * fuzz.ratio(q, text))
