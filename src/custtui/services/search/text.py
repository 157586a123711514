"""Search's folding and phone keys: services.normalise's, so that search compares values as the rest of custtui does.

fold: lower case, without accents, punctuation as single spaces; fold_many:
the same for many values at once (the index is built with it); phone_key and
digits_of_many: the digit keys of phones and VAT numbers.
"""

from __future__ import annotations

from custtui.services.normalise import digits_of_many, fold_many, phone_key
from custtui.services.normalise import fold_words as fold

__all__ = ["digits_of_many", "fold", "fold_many", "phone_key"]
