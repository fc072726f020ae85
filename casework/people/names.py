"""Names: normalisation for search, and the keys that let the matcher compare names across scripts.

Names are stored as written; everything here is derived. Two families of helpers:

* `normalise_name` / `join_parts`: the plain normalised text kept in `name_search` (word search).
* `analyse_name`: a name as typed (Arabic or Latin script, any order, with particles and kunyas)
  becomes a list of `NameToken`s, each described in one key space shared by both scripts:
  - the *coarse key* (`skeleton`): consonant classes only (ح/ه/h → H, ج/j/dj/g/c → J, ق/ك/q/k → K,
    ش/sh/ch/ş → C, ث/ت/ط/th/t → T, ذ/د/ض/dh/d → D, ص/س/s → S, ظ/ز/z → Z, خ/kh/x → X, غ/gh → G;
    ع, hamza and vowels dropped; w/y and و/ي dropped; doubled letters once): Hassan, Hussein,
    حسن and حسين all give "HSN". It finds candidates;
  - the *vowel-aware key* (`consonants` + `slots`): the same consonants with glides kept and, between
    them, the vowel written there: Arabic writes only long vowels (ا/ى → A, ي → I, و → U), Latin
    writes every vowel but marks length only with digraphs (ee/ei/ai/ay → long I, ou/oo → long U).
    A long vowel on one side where the other has none or another quality is a conflict, so
    حسن/حسين (Hassan/Hussein), سعد/سعيد and محمد/محمود (Mohammed/Mahmoud) do not collapse;
  - the *known names* (`known`): ids of the lines of `name_variants.VARIANTS` that list the token
    (one line = one name in all its spellings; two lines = two different names).
  See docs/matching.md.
"""

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from casework.people import name_variants

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
    "ʿ": "",
    "ʾ": "",
    "ʻ": "",
    "ʼ": "",
    "'": "",
    "’": "",
    "‘": "",
    "`": "",
    "´": "",
}
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
_WORD_SPLIT = re.compile(r"[^\w'’‘ʿʾʻʼ`´]+|_+")


def clean_text(text: str) -> str:
    """The text without format characters (bidi marks, zero-width joiners), symbols and digits, folded.

    Never raises; very long input is cut at MAX_NAME_CHARS.
    """
    if not text or not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[: MAX_NAME_CHARS * 2])[:MAX_NAME_CHARS]
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "CSNZ" and ch not in " \t":
            out.append(" " if category[0] in "ZNS" or ch in "\n\r" else "")
        else:
            out.append(ch)
    text = "".join(out).casefold()
    text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_KEY_FOLD)
    return text


def _script_of(word: str) -> str:
    for ch in word:
        if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f":
            return ARABIC
    return LATIN


def _to_latin(word: str) -> str:
    """Latin (or Cyrillic) word → plain a–z, with Turkish and other special letters spelt out."""
    word = "".join(_LATIN_SPECIAL.get(ch, _CYRILLIC.get(ch, ch)) for ch in word)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


def _to_arabic(word: str) -> str:
    return "".join(ch for ch in word if "\u0621" <= ch <= "\u064a" or ch in "پچژگڤ")


def _words(text: str) -> list[tuple[str, str]]:
    """(word, script) pairs: Arabic words in Arabic letters only, others in a–z only."""
    words = []
    for raw in _WORD_SPLIT.split(clean_text(text)):
        if not raw:
            continue
        # A word mixing scripts is split at each change of script.
        for chunk in re.findall(r"[\u0600-\u06ff\u0750-\u077f]+|[^\u0600-\u06ff\u0750-\u077f]+", raw):
            script = _script_of(chunk)
            word = _to_arabic(chunk) if script == ARABIC else _to_latin(chunk)
            if word:
                words.append((word, script))
    return words


# --- Particles ----------------------------------------------------------------------------------

LATIN_ARTICLES = frozenset(
    [
        "al",
        "el",
        "ul",
        "il",
        "al-",
        "an",
        "ar",
        "as",
        "ash",
        "at",
        "ath",
        "az",
        "ad",
        "adh",
        "ed",
        "en",
        "er",
        "es",
        "et",
        "ez",
        "ech",
        "ac",
        "ech",
        "al'",
    ]
) - {"al-", "al'"}
ARABIC_ARTICLE = "ال"
FILIATION = frozenset({"bin", "ibn", "bint", "ben", "ould", "wuld", "bn", "binti", "bte", "bnt", "بن", "ابن", "بنت"})
ABU = frozenset({"abu", "abou", "abo", "bou", "ebu", "ابو", "ابي", "ابا"})
UMM = frozenset({"umm", "um", "oum", "om", "omm", "oumm", "ummu", "ام"})
ABD_LATIN = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdur", "abdu", "abdou", "abdi", "abdil", "abdir"}
)
ABD_ARABIC = "عبد"
DIN = frozenset({"din", "dine", "deen", "dinne", "دين"})  # Nur al-Din, Nour Eddine, Salah ad-Din


def _strip_article(word: str, script: str) -> str:
    """Al-Najjar/Alnajjar/El Najjar/النجار → najjar; short words (Ali, Alam) are left alone."""
    if script == ARABIC:
        if word.startswith(ARABIC_ARTICLE) and len(word) > 3:
            return word[2:]
        return word
    match = re.match(r"^(?:al|el)(?=[bcdfghjklmnpqrstvwxz])", word)
    if match and len(word) >= 5:
        return word[2:]
    return word


_DIN_LATIN = re.compile(r"^(.{2,}?)(?:[aeiou]?l|[aeiou]d|[aeiou]r|[aeiou]s|[aeiou])?dd?(?:i|ee|ii|y)nn?e?$")


def _din_fold(word: str, script: str) -> str:
    """Nour Eddine, Noureddine, Nur al-Din, Nuruddin, نور الدين → nurdin / نوردين (one name)."""
    if script == ARABIC:
        if word.endswith("الدين") and len(word) > 6:
            return word[:-5] + "دين"
        return word
    match = _DIN_LATIN.match(word) if len(word) >= 7 else None
    return match.group(1) + "din" if match else word


def _strip_assimilated(word: str) -> str:
    """Latin joined assimilated article: Annajjar, Ashshami, Arrashid → najjar, shami, rashid."""
    match = re.match(r"^[ae]([dnrstz])(h?)\1\2", word)
    if match and len(word) >= 6:
        return word[2 + len(match.group(2)) :]
    return word


def _abd_rest(word: str) -> str:
    """Abdulrahman, Abderrahmane, Abdelkader, Abdullah → the name after "Abd (al-)"."""
    rest = word[3:]
    rest = re.sub(r"^(?:ou|[aeiou])", "", rest)
    if rest.startswith("l") and len(rest) > 3 and rest[1] not in "aeiouy":
        rest = rest[1:]
    return rest


@dataclass(frozen=True)
class RawToken:
    word: str  # letters of one script, article and particles removed
    script: str
    kind: str  # "name", "abu" or "umm" (kunya: father/mother of `word`)
    abd: bool  # a theophoric "Abd X" name: `word` is X


def _tokens(text: str) -> list[RawToken]:
    words = _words(text)
    tokens: list[RawToken] = []
    pending_kind = "name"
    pending_abd = False
    i = 0
    while i < len(words) and len(tokens) < MAX_TOKENS:
        word, script = words[i]
        i += 1
        nxt = words[i][0] if i < len(words) else None
        if word in FILIATION and nxt is not None:
            continue
        if word in ABU and nxt is not None:
            pending_kind = "abu"
            continue
        if word in UMM and nxt is not None:
            pending_kind = "umm"
            continue
        if nxt is not None and (
            (script == LATIN and word in LATIN_ARTICLES) or (script == ARABIC and word == ARABIC_ARTICLE)
        ):
            continue
        is_abd = (script == LATIN and word in ABD_LATIN) or (script == ARABIC and word == ABD_ARABIC)
        if is_abd and nxt is not None:
            pending_abd = True
            continue
        abd = pending_abd
        if not abd and script == LATIN and re.match(r"^abd[aeiou]", word) and len(word) >= 6:
            abd, word = True, _abd_rest(word)
        elif not abd and script == ARABIC and word.startswith(ABD_ARABIC) and len(word) > 4:
            abd, word = True, word[3:]
        word = _din_fold(_strip_article(word, script), script)
        if script == LATIN:
            word = _strip_assimilated(word)
        if word in DIN and tokens and tokens[-1].kind == "name" and tokens[-1].script == script and not abd:
            last = tokens.pop()
            joined = last.word + ("دين" if script == ARABIC else "din")
            tokens.append(RawToken(joined, script, last.kind, last.abd))
        elif word:
            tokens.append(RawToken(word, script, pending_kind, abd))
        pending_kind, pending_abd = "name", False
    return tokens


# --- The shared key space -------------------------------------------------------------------------

# Consonant classes. W and Y (glides) count in the vowel-aware key, not in the coarse key.
_ARABIC_CONSONANTS = {
    "ب": "B",
    "پ": "B",
    "ت": "T",
    "ط": "T",
    "ث": "T",
    "ج": "J",
    "چ": "C",
    "ژ": "J",
    "گ": "J",
    "ح": "H",
    "ه": "H",
    "خ": "X",
    "د": "D",
    "ذ": "D",
    "ض": "D",
    "ر": "R",
    "ز": "Z",
    "ظ": "Z",
    "س": "S",
    "ص": "S",
    "ش": "C",
    "غ": "G",
    "ف": "F",
    "ڤ": "F",
    "ق": "K",
    "ك": "K",
    "ل": "L",
    "م": "M",
    "ن": "N",
}
_LATIN_DIGRAPHS = {
    "sch": "C",
    "tch": "C",
    "shch": "C",
    "dj": "J",
    "dh": "D",
    "th": "T",
    "kh": "X",
    "gh": "G",
    "sh": "C",
    "ch": "C",
    "zh": "J",
    "ph": "F",
    "ck": "K",
    "ts": "S",
}
_LATIN_CONSONANTS = {
    "b": "B",
    "p": "B",
    "t": "T",
    "d": "D",
    "j": "J",
    "g": "J",
    "h": "H",
    "x": "X",
    "s": "S",
    "z": "Z",
    "f": "F",
    "v": "W",
    "k": "K",
    "q": "K",
    "l": "L",
    "m": "M",
    "n": "N",
    "r": "R",
}
_VOWEL_QUALITY = {"a": "A", "e": "E", "i": "I", "y": "I", "o": "U", "u": "U"}
_LONG_DIGRAPHS = {
    "ee": "I",
    "ei": "I",
    "ey": "I",
    "ai": "I",
    "ay": "I",
    "ii": "I",
    "iy": "I",
    "ie": "I",
    "oo": "U",
    "uu": "U",
    "au": "U",
    "aw": "U",
}
GLIDES = frozenset("WY")
GOOD_SIMILARITY = 0.8  # two tokens at or above this are the same name (the matcher uses it too)
# Classes that Latin spellings confuse across registers: g for ق (Gulf), kh for ح (Russian), gh for غ/g.
# dh for ظ (Dhafer), z for ذ (Levant): Z and D meet too.
_SOFT = str.maketrans({"J": "K", "G": "K", "X": "H", "Z": "D"})


@dataclass(frozen=True)
class Slot:
    """The vowel between two consonants: its qualities (A, E, I, U) and whether it is long.

    `long` is True for a long vowel (Arabic ا/ي/و, Latin digraphs), False for no vowel or an
    unwritten (short) Arabic vowel, None when Latin leaves it open (a single a/e/i/o/u).
    """

    qualities: frozenset[str]
    long: bool | None


EMPTY = Slot(frozenset(), False)


def _latin_elements(word: str) -> list[tuple[str, str]]:
    """("C", class) and ("V", letter) elements of a Latin word."""
    elements: list[tuple[str, str]] = []
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        for size in (4, 3, 2):
            chunk = word[i : i + size]
            if len(chunk) == size and chunk in _LATIN_DIGRAPHS:
                elements.append(("C", _LATIN_DIGRAPHS[chunk]))
                i += size
                break
        else:
            nxt = word[i + 1] if i + 1 < n else ""
            after = word[i + 2] if i + 2 < n else ""
            prev_is_vowel = bool(elements) and elements[-1][0] == "V"
            if ch == "o" and nxt == "u" and after and after in "aei":
                elements.append(("C", "W"))  # French ou before a vowel: Ouarda, Oualid
                i += 2
                continue
            if ch == "c":
                elements.append(("C", "J" if nxt in ("e", "i") else "K"))  # Turkish Cemal, Hatice
            elif ch in "wy":
                doubled = nxt == ch and after and after in "aeiou"  # Khayyat, Sayyid, Tawwab: a doubled glide
                if doubled or (nxt and nxt in "aeiou" and not (ch == "y" and prev_is_vowel and nxt == "e")):
                    elements.append(("C", "W" if ch == "w" else "Y"))
                else:
                    elements.append(("V", "u" if ch == "w" else "y"))
            elif ch in _VOWEL_QUALITY:
                elements.append(("V", ch))
            elif ch in _LATIN_CONSONANTS:
                elements.append(("C", _LATIN_CONSONANTS[ch]))
            i += 1
    return elements


def _latin_slot(group: str) -> Slot:
    if not group:
        return EMPTY
    group = group.replace("ou", "u")  # French ou is any u, short or long (Mouhamed, Souhaib)
    for pair, quality in _LONG_DIGRAPHS.items():
        if pair in group:
            return Slot(frozenset(quality), True)
    return Slot(frozenset(_VOWEL_QUALITY[ch] for ch in group), None)


def _arabic_elements(word: str) -> list[tuple[str, str]]:
    """("C", class) and ("V", quality + "!" for long or "?" for a hamza seat) elements of an Arabic word."""
    elements: list[tuple[str, str]] = []
    n = len(word)
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i + 1 < n else ""
        if ch in _ARABIC_CONSONANTS:
            elements.append(("C", _ARABIC_CONSONANTS[ch]))
        elif ch in "وي":
            nisba = ch == "و" and nxt == "ي" and i + 2 == n  # -awi: al-Alawi, al-Rawi
            if i == 0 or nxt in ("ا", "ى", "ة") or (nxt and nxt in "وي" and i + 2 < n) or nisba:
                elements.append(("C", "W" if ch == "و" else "Y"))
            else:
                elements.append(("V", ("U" if ch == "و" else "I") + "!"))
        elif ch in "اى":
            if i > 0:
                elements.append(("V", "A!"))
        elif ch == "ة":
            elements.append(("V", "A?"))
        elif ch == "ئ":
            elements.append(("V", "I?"))
        elif ch == "ؤ":
            elements.append(("V", "U?"))
        elif ch == "ع":
            elements.append(("V", "?"))  # the vowels around an ʿayn are written any way in Latin (Zoubi, Saad)
        # ء is dropped, like ' in Latin.
    return elements


def _arabic_slot(group: list[str]) -> Slot:
    if not group:
        return EMPTY
    qualities = frozenset(v[0] for v in group if v != "?")
    if not qualities:
        return Slot(frozenset(), None)
    return Slot(qualities, True if any(v.endswith("!") for v in group) else None)


@dataclass(frozen=True, eq=False)
class NameToken:
    """One name of a full name, in the shared key space.

    Equal (and hashed) by what it was built from: the analysis is a function of it.
    """

    text: str  # the word as analysed (for reasons shown to the user)
    script: str
    kind: str  # name / abu / umm
    skeleton: str  # coarse key: consonant classes without glides
    consonants: str  # consonant classes with glides W/Y
    slots: tuple[Slot, ...]  # len(consonants) + 1 vowel slots
    known: frozenset[int]  # ids of the known-name lines listing it
    known_exact: bool  # False when `known` comes from a one-letter typo of a listed spelling
    # Other readings of an ambiguous Latin spelling: "Alali" is al-Ali or Alali (the article joined
    # to a name starting with a vowel, or not); a final -ah is a ta marbuta (Aminah) or ح (Salah).
    alternatives: tuple["NameToken", ...] = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameToken) and self._identity == other._identity

    def __hash__(self) -> int:
        return hash(self._identity)

    @property
    def _identity(self) -> tuple[str, str, str]:
        return (self.text, self.script, self.kind)

    def forms(self) -> tuple["NameToken", ...]:
        return (self, *self.alternatives)

    @property
    def coarse_key(self) -> str:
        prefix = "" if self.kind == "name" else f"{self.kind}:"
        return prefix + self.skeleton

    @property
    def vowel_key(self) -> str:
        """Consonants with their long vowels: comparable across scripts where both write them."""
        prefix = "" if self.kind == "name" else f"{self.kind}:"
        out = []
        last = len(self.slots) - 1
        for i, slot in enumerate(self.slots):
            # The final vowel is left out: ى and ي are swapped at the end of a word (مصطفى/مصطفي).
            if i != last and slot.long and len(slot.qualities) == 1:
                out.append(next(iter(slot.qualities)).lower())
            if i < len(self.consonants):
                out.append(self.consonants[i])
        return prefix + "".join(out)

    @property
    def known_keys(self) -> list[str]:
        prefix = "" if self.kind == "name" else f"{self.kind}:"
        return [f"{prefix}={n}" for n in sorted(self.known)] if self.known_exact else []


def _shape(elements: list[tuple[str, str]], script: str) -> tuple[str, tuple[Slot, ...]]:
    consonants: list[str] = []
    groups: list[list[str]] = [[]]
    for kind, value in elements:
        if kind == "C":
            if consonants and consonants[-1] == value and not groups[-1]:
                continue  # a doubled consonant (shadda) counts once
            consonants.append(value)
            groups.append([])
        else:
            groups[-1].append(value)
    if script == LATIN:
        slots = tuple(_latin_slot("".join(g)) for g in groups)
    else:
        slots = tuple(_arabic_slot(g) for g in groups)
    return "".join(consonants), slots


def _skeleton(consonants: str) -> str:
    out: list[str] = []
    for c in consonants:
        if c in GLIDES:
            continue
        if out and out[-1] == c:
            continue
        out.append(c)
    return "".join(out)


# --- Known names --------------------------------------------------------------------------------


def _table_key(word: str, script: str) -> str:
    return word.replace("ة", "ه").replace("ى", "ي").replace("ء", "") if script == ARABIC else word


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=1)
def _known_table() -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]:
    """Spelling → line ids, and one-letter-deleted spelling → line ids (for typos)."""
    exact: dict[str, set[int]] = {}
    for line, (arabic_forms, latin_forms) in enumerate(name_variants.parse()):
        for form in arabic_forms:
            for raw in _tokens(form):
                if raw.kind == "name":
                    exact.setdefault(_table_key(("abd" if raw.abd else "") + raw.word, raw.script), set()).add(line)
        for form in latin_forms:
            for raw in _tokens(form.replace("-", " ")):
                if raw.kind == "name":
                    exact.setdefault(_table_key(("abd" if raw.abd else "") + raw.word, raw.script), set()).add(line)
    frozen = {k: frozenset(v) for k, v in exact.items()}
    deleted: dict[str, set[int]] = {}
    for spelling, lines in frozen.items():
        if len(spelling) >= 4:
            for d in _deletes(spelling):
                deleted.setdefault(d, set()).update(lines)
    return frozen, {k: frozenset(v) for k, v in deleted.items()}


def _osa(a: str, b: str) -> int:
    from rapidfuzz.distance import OSA

    return OSA.distance(a, b)


def known_names(word: str, script: str) -> tuple[frozenset[int], bool]:
    """Line ids of the known-name table for a word: exact, else the one line one typo away (if only one)."""
    exact, deleted = _known_table()
    key = _table_key(word, script)
    if key in exact:
        return exact[key], True
    if len(key) < 5:
        return frozenset(), True
    found: set[int] = set()
    candidates: set[int] = set(deleted.get(key, ()))
    for d in _deletes(key):
        candidates |= exact.get(d, frozenset()) | deleted.get(d, frozenset())
    if not candidates:
        return frozenset(), True
    for spelling, lines in exact.items():
        if lines & candidates and abs(len(spelling) - len(key)) <= 1 and _osa(spelling, key) <= 1:
            found |= lines
    if len(found) == 1:
        return frozenset(found), False
    return frozenset(), True


@lru_cache(maxsize=50_000)
def analyse_token(word: str, script: str, kind: str = "name", abd: bool = False) -> NameToken | None:
    """One word (already split, article removed) in the shared key space; None if nothing is left."""
    elements = _latin_elements(word) if script == LATIN else _arabic_elements(word)
    consonants, slots = _shape(elements, script)
    if abd:
        consonants = "BD" + consonants
        slots = (EMPTY, EMPTY, *slots)  # before the b, between b and d, then the name's own
    skeleton = _skeleton(consonants) or consonants  # Aya, Ayah: only glides
    if not skeleton:
        return None
    known, known_exact = known_names(("abd" if abd else "") + word, script)
    return NameToken(
        text=("abd " if abd else "") + word,
        script=script,
        kind=kind,
        skeleton=skeleton,
        consonants=consonants,
        slots=slots,
        known=known,
        known_exact=known_exact,
    )


_SPLIT_DIGRAPH = re.compile(r"(?<=[aeiou])([tdz])h(?=[aeiou])")


def _latin_readings(word: str) -> list[str]:
    """Other readings of an unlisted Latin spelling, by published conventions that collide.

    - French c before e/i is s (Yacine ياسين, Kacemi قاسمي); Turkish c is dj (Cemal): both readings.
    - A final -at is a ta marbuta in Turkish, Persian and Central Asian usage (Hayat حياة, Rahmat).
    - th, dh, zh between vowels may be two letters, t/d/z then h (Fathi فتحي, Adham أدهم, Azhar أزهر).
    """
    readings = []
    if re.search(r"c[eiy]", word) and "ch" not in word:
        readings.append(re.sub(r"c(?=[eiy])", "s", word))
    if word.endswith("at") and len(word) >= 5:
        readings.append(word[:-1])
    if _SPLIT_DIGRAPH.search(word):
        readings.append(_SPLIT_DIGRAPH.sub(r"\1'h", word, count=1))
    return readings


@lru_cache(maxsize=50_000)
def _analyse_name(text: str) -> tuple[NameToken, ...]:
    tokens = []
    for raw in _tokens(text):
        token = analyse_token(raw.word, raw.script, raw.kind, raw.abd)
        if token is None:
            continue
        if raw.script == ARABIC and raw.word.endswith("ه") and len(raw.word) >= 4 and not raw.word.endswith("له"):
            # A final ه is most often a ta marbuta written without its dots (فاطمه): read both ways.
            as_ta = analyse_token(raw.word[:-1] + "ة", raw.script, raw.kind, raw.abd)
            if as_ta is not None:
                token = replace(as_ta, alternatives=(token,))
        if raw.script == LATIN:
            readings = []
            joined = re.match(r"^(?:al|el)[aeiou]", raw.word) and len(raw.word) >= 5
            if joined and not raw.abd and not (token.known and token.known_exact):
                readings.append(raw.word[2:])
            if re.search(r"[aeiou]h$", raw.word) and len(raw.word) > 3 and not raw.word.endswith("llah"):
                readings.append(raw.word[:-1])
            if not (token.known and token.known_exact):
                readings += _latin_readings(raw.word)
            others = [analyse_token(w, raw.script, raw.kind, raw.abd) for w in readings]
            others = [other for other in others if other is not None]
            if others:
                token = replace(token, alternatives=tuple(others))
        tokens.append(token)
    return tuple(tokens)


def analyse_name(text: str) -> list[NameToken]:
    """A full name as typed → its tokens in the shared key space (particles out, kunyas marked)."""
    if not isinstance(text, str):
        return []
    return list(_analyse_name(text[: MAX_NAME_CHARS * 2]))


def name_keys(text: str) -> set[tuple[str, str]]:
    """(kind, key) pairs of every token of a name: coarse, vowel-aware and known-name keys."""
    keys: set[tuple[str, str]] = set()
    for token in analyse_name(text):
        for form in token.forms():
            keys.add(("coarse", form.coarse_key))
            keys.add(("vowel", form.vowel_key))
            for key in form.known_keys:
                keys.add(("known", key))
    return keys


# --- Comparing two tokens -----------------------------------------------------------------------


def _slot_penalty(a: Slot, b: Slot) -> float:
    if not a.qualities and not b.qualities:
        return 0.0
    if (not a.qualities and a.long is None) or (not b.qualities and b.long is None):
        return 0.0  # next to an ʿayn: anything goes
    if not a.qualities or not b.qualities:
        filled = a if a.qualities else b
        return 1.0 if filled.long else 0.0
    if a.qualities & b.qualities:
        return 0.0
    for x, y in ((a, b), (b, a)):
        if "E" in x.qualities and not y.qualities <= {"U"}:
            return 0.3 if y.long else 0.0  # e is a short a or i (Ahmed, Mehmet), a long one with imala (Chebbi)
    return 1.0 if (a.long or b.long) else 0.3


def vowel_penalty(a: NameToken, b: NameToken) -> float | None:
    """Sum of the vowel conflicts between two tokens with the same consonants (None if they differ)."""
    if a.consonants != b.consonants or len(a.slots) != len(b.slots):
        return None
    total = 0.0
    last = len(a.slots) - 1
    for i, (x, y) in enumerate(zip(a.slots, b.slots, strict=True)):
        penalty = _slot_penalty(x, y)
        total += penalty * (0.3 if i == last or i == 0 else 1.0)  # endings and initial vowels vary
    return total


def _unglided(token: NameToken) -> tuple[str, list[tuple[set[str], bool | None, list[tuple[str, frozenset[str]]]]]]:
    """The token's consonants without glides, each glide folded into its vowel slot as I (y) or U (w).

    Each slot is (qualities, long, glides folded in: (I or U, the qualities of the vowel after it)).
    """
    consonants = []
    slots = [(set(token.slots[0].qualities), token.slots[0].long, [])]
    for i, consonant in enumerate(token.consonants):
        after = token.slots[i + 1]
        if consonant in GLIDES:
            qualities, long, glides = slots[-1]
            quality = "I" if consonant == "Y" else "U"
            glides.append((quality, after.qualities))
            slots[-1] = (qualities | {quality} | set(after.qualities), bool(long or after.long), glides)
        else:
            consonants.append(consonant)
            slots.append((set(after.qualities), after.long, []))
    return "".join(consonants), slots


def glide_penalty(a: NameToken, b: NameToken) -> float | None:
    """Vowel conflicts between two tokens whose consonants differ only by a glide written in one of them.

    Latin writes a consonantal y as i before a vowel (Riahi رياحي, Ziani زياني, Bouziane بوزيان) and
    Arabic writes ي/و for long vowels that Latin may spell with y/w (Maryam مريم): a glide on one side
    matches the same vowel on the other, and, where the other side writes its vowels (Latin), the
    vowel after the glide too (Huda is not Huwayda, Rida is not Riyad). None when they do not match.
    Not between two Arabic spellings: there a glide written in one and not the other is a different name.
    """
    if a.script == b.script == ARABIC:
        return None
    consonants_a, slots_a = _unglided(a)
    consonants_b, slots_b = _unglided(b)
    if consonants_a != consonants_b or len(slots_a) != len(slots_b):
        return None
    total = 0.0
    last = len(slots_a) - 1
    for i, (x, y) in enumerate(zip(slots_a, slots_b, strict=True)):
        for (own, _own_script), (other, other_script) in (
            ((x, a.script), (y, b.script)),
            ((y, b.script), (x, a.script)),
        ):
            for quality, after in own[2]:
                if not other[0] and other[1] is None:
                    continue  # next to an ʿayn: anything goes
                if quality not in other[0]:
                    return None
                if other_script == LATIN and after and not other[2] and not (after & other[0] - {quality}):
                    return None
        penalty = _slot_penalty(Slot(frozenset(x[0]), x[1]), Slot(frozenset(y[0]), y[1]))
        total += penalty * (0.3 if i in (0, last) else 1.0)
    return total + 0.2


@lru_cache(maxsize=200_000)
def token_similarity(a: NameToken, b: NameToken) -> tuple[float, str]:
    """How alike two names are (0–1), and why: "same", "known", "transliteration", "typo" or "different"."""
    if not a.alternatives and not b.alternatives:
        return _form_similarity(a, b)
    return max(_form_similarity(x, y) for x in a.forms() for y in b.forms())


def _form_similarity(a: NameToken, b: NameToken) -> tuple[float, str]:
    from rapidfuzz.distance import Levenshtein

    if a.kind != b.kind:
        return 0.0, "different"
    if a.script == b.script and a.text == b.text:
        return 1.0, "same"
    if a.known and b.known:
        if a.known & b.known:
            if a.known_exact and b.known_exact:
                # The very same spelling is a little more telling than another spelling of the name.
                return (1.0, "same") if a.text == b.text else (0.985, "known")
            return 0.88, "typo"
        if a.known_exact and b.known_exact:
            # Two different listed names: a conflict, however alike they look.
            return 0.2, "different"
        # One of them only looks like a listed name (a letter away from it): compare the letters.
    if a.script == b.script and a.text == b.text:
        return 1.0, "same"
    best, why = 0.0, "different"
    if a.skeleton == b.skeleton:
        penalty = vowel_penalty(a, b)
        if penalty is None:
            penalty = glide_penalty(a, b)
        if penalty is None:
            penalty = 0.6  # glides differ (w/y written or not)
        phonetic = max(0.0, 0.98 - 0.5 * min(penalty, 2.0))
        best, why = phonetic, "transliteration"
    elif a.skeleton.translate(_SOFT) == b.skeleton.translate(_SOFT):
        best, why = 0.82, "transliteration"  # g for ق/ك (Gulf, Iraq), kh for ح (Russian registers)
    else:
        distance = Levenshtein.distance(a.skeleton, b.skeleton)
        length = max(len(a.skeleton), len(b.skeleton))
        if distance == 1 and length >= 3:
            best, why = (0.82 if length >= 4 else 0.6), "typo"
    if a.script == b.script == LATIN and min(len(a.text), len(b.text)) == 3 and _osa(a.text, b.text) == 1:
        best, why = max((best, why), (0.7, "typo"))  # Isa/Iba, Tai/Tjai: a short name mistyped
    if a.script == b.script:
        length = min(len(a.text), len(b.text))
        shortest = 3 if a.script == ARABIC else 4  # Arabic writes no short vowels: names are short
        if length >= shortest and _osa(a.text, b.text) == 1:
            typo = 0.86 if length >= shortest + 1 else 0.8
            if typo > best:
                best, why = typo, "typo"
    return best, why


# --- Keys of a whole record ----------------------------------------------------------------------

NAME_PART_FIELDS = (
    ("given", "given_name"),
    ("father", "father_name"),
    ("grandfather", "grandfather_name"),
    ("family", "family_name"),
)
KUNYA_ALIAS_KIND = "kunya"


def record_keys(names: dict[str, str], aliases: list[tuple[str, str]]) -> dict[tuple[str, str, str], str]:
    """Index rows of one person: (part, kind, key) → script.

    `names` maps the Person name fields (`given_name_ar`, `given_name_lat`, …) to their values;
    `aliases` are (alias kind, name) pairs. Kunya tokens are filed under "kunya" wherever they occur.
    """
    rows: dict[tuple[str, str, str], str] = {}
    sources = [
        (part, names.get(f"{field}_{suffix}", "")) for part, field in NAME_PART_FIELDS for suffix in ("lat", "ar")
    ]
    sources += [(KUNYA_ALIAS_KIND if kind == KUNYA_ALIAS_KIND else "alias", name) for kind, name in aliases]
    for part, text in sources:
        for token in analyse_name(text or ""):
            token_part = "kunya" if token.kind != "name" else part
            keys = []
            for form in token.forms():
                keys += [("coarse", form.coarse_key), ("vowel", form.vowel_key)]
                keys += [("known", key) for key in form.known_keys]
            for kind, key in keys:
                rows.setdefault((token_part, kind, key[:64]), token.script)
    return rows
