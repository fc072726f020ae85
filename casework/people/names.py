"""Name normalisation for search and duplicate candidates.

Names are stored as written; only the derived `name_search` column is normalised. The
cross-script matcher (transliteration, spelling variants) builds on these helpers.
"""

import re
import unicodedata

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """Lower-case, strip accents and Arabic diacritics, fold Arabic letter variants, squeeze spaces."""
    if not text:
        return ""
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip()


def join_parts(*parts: str) -> str:
    """Join the non-empty name parts with single spaces."""
    return " ".join(p.strip() for p in parts if p and p.strip())
