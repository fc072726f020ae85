"""Names as text: the plain normalised form kept for word search, and the cleaned words (each in one script)
that the name keys are built from."""

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


# --- Cleaning and words ------------------------------------------------------------------------

MAX_NAME_CHARS = 300  # a name longer than this is not a name: the rest is ignored
MAX_TOKENS = 8

ARABIC = "arab"
LATIN = "latn"

# Hamza seats fold to their base; ؤ/ئ/ء and ة/ى stay distinct (they carry vowel information).
_ARABIC_KEY_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ی": "ي", "ک": "ك", "ۀ": "ه", "ھ": "ه"})
# Letters of other alphabets written inside Latin names, before accents are stripped.
_LATIN_SPECIAL = {
    "ş": "sh",
    "ș": "sh",
    "š": "sh",
    "ç": "ch",
    "č": "ch",
    "ğ": "",
    "ı": "i",
    "ž": "zh",
    "ß": "ss",
    "ə": "a",
    "ø": "o",
    "æ": "ae",
    "đ": "d",
    "ḫ": "kh",
    "ẖ": "kh",
    "ṯ": "th",
    "ḏ": "dh",
    "ġ": "gh",
    "ī": "ii",  # ALA-LC macrons mark long vowels: Ḥusayn, Saʿīd, Maḥmūd
    "ū": "uu",
    "ā": "a",
    "ẗ": "h",  # ISO 233: ta marbuta (Fāṭimaẗ), read as ALA-LC's -ah
    "ỳ": "a",  # ISO 233: alif maqsura (Mūsỳ)
}
# Marks that romanizations write for ʿayn and hamza (ALA-LC ʻ ʼ, DIN ʿ ʾ, UNGEGN ‘ ’, IPA ʕ ʔ, typed ' ` ´ ′):
# part of the word (Saʿīd, Sa`id, Sa′id are one word), written ' inside it and dropped at its ends. Inside,
# the mark keeps the letters around it apart (Rubayʿī: y before ʿayn is a vowel, not a consonant).
AYN_HAMZA_MARKS = "'’‘ʿʾʻʼ`´ʹ′‛ʕʔˁˀ"
_LATIN_SPECIAL.update(dict.fromkeys(AYN_HAMZA_MARKS, "'"))
_MARKS_RUN = re.compile("'+")
# BGN/PCGN and UNGEGN write the emphatics with a cedilla (Ḩimş, Ţarţūs, Z̧āfir, Ḑāḩī): in a name that
# shows one of them, or a macron of these romanizations, ş is ص (s), not the Turkish ş (sh).
_CEDILLA_EMPHATICS = re.compile("[ḩḑţ]|z̧|[āīū]")
# Russian-register transliteration of Cyrillic (birth names of nationals of the former USSR).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
_CYRILLIC["ъ"] = _CYRILLIC["ь"] = ""
_ALEF_MADDA_LAM = re.compile("(?<![\u0621-\u064a])آل(?=[\u0621-\u064a])")
# Combining marks stay in their word (z̧ of UNGEGN has no precomposed form).
_WORD_SPLIT = re.compile("[^\\w\u0300-\u036f" + re.escape(AYN_HAMZA_MARKS) + "]+|_+")


def clean_text(text: str) -> str:
    """The text without format characters (bidi marks, zero-width joiners), symbols and digits, folded.

    Never raises; very long input is cut at MAX_NAME_CHARS.
    """
    if not text or not isinstance(text, str):
        return ""
    # NFKC would make the acute accent typed for an ʿayn (Sa´id) a space and a combining mark.
    text = unicodedata.normalize("NFKC", text[: MAX_NAME_CHARS * 2].replace("´", "'"))[:MAX_NAME_CHARS]
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "CSNZ" and ch not in " \t" and ch not in AYN_HAMZA_MARKS:
            out.append(" " if category[0] in "ZNS" or ch in "\n\r" else "")
        else:
            out.append(ch)
    # Turkish İ folds to i and a combining dot, which would split the word (İbrahim, İdlibi): a plain i.
    # Composed again after folding: a capital with no precomposed form (H̱ in ISO 233's H̱adīǧa) folds to
    # a letter that has one (ẖ).
    text = unicodedata.normalize("NFC", "".join(out).replace("İ", "I").casefold())
    text = _ARABIC_DIACRITICS.sub("", text)
    # آ at the start of a word before ل is a long ā, not the article (آلاء): kept apart from ال.
    text = _ALEF_MADDA_LAM.sub("اال", text).translate(_ARABIC_KEY_FOLD)
    return text


def _script_of(word: str) -> str:
    for ch in word:
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
            return ARABIC
    return LATIN


def _to_latin(word: str, cedillas: bool = False) -> str:
    """Latin (or Cyrillic) word → plain a–z, with Turkish and other special letters spelt out.

    `cedillas`: the name is written in the BGN/PCGN-UNGEGN romanization, where ş is ص (s)."""
    if cedillas:
        word = word.replace("ş", "s")
    word = "".join(_LATIN_SPECIAL.get(ch, _CYRILLIC.get(ch, ch)) for ch in word)
    decomposed = unicodedata.normalize("NFKD", word)
    return _MARKS_RUN.sub("'", "".join(ch for ch in decomposed if "a" <= ch <= "z" or ch == "'")).strip("'")


def _to_arabic(word: str) -> str:
    return "".join(ch for ch in word if "\u0621" <= ch <= "\u064a" or ch in "پچژگڤ")


def script_words(text: str) -> list[tuple[str, str]]:
    """(word, script) pairs: Arabic words in Arabic letters only, others in a–z only."""
    words = []
    cleaned = clean_text(text)
    cedillas = "ş" in cleaned and bool(_CEDILLA_EMPHATICS.search(cleaned))
    for raw in _WORD_SPLIT.split(cleaned):
        if not raw:
            continue
        # A word mixing scripts is split at each change of script.
        for chunk in re.findall(r"[\u0600-\u06ff\u0750-\u077f]+|[^\u0600-\u06ff\u0750-\u077f]+", raw):
            script = _script_of(chunk)
            word = _to_arabic(chunk) if script == ARABIC else _to_latin(chunk, cedillas)
            if word:
                words.append((word, script))
    return words
