"""The key space shared by Arabic and Latin script: consonant classes, vowel slots, and `NameToken`."""

from dataclasses import dataclass

from casework.people.names.text import LATIN

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
# Classes that Latin spellings confuse across registers: g for ق (Gulf), kh for ح (Russian), gh for غ/g.
# dh for ظ (Dhafer), z for ذ (Levant): Z and D meet too.
SOFT_CLASSES = str.maketrans({"J": "K", "G": "K", "X": "H", "Z": "D"})
_SOFT_GROUPS = ("JGK", "XH", "ZD")


def soft_variants(skeleton: str) -> set[str]:
    """The coarse keys one register confusion away (`SOFT_CLASSES`): Gailani JLN → KLN and GLN (الكيلاني),
    Khasan XSN → HSN (حسن). One class changed at a time; the skeleton itself is not included."""
    variants = set()
    for i, letter in enumerate(skeleton):
        for group in _SOFT_GROUPS:
            if letter in group:
                variants.update(skeleton[:i] + other + skeleton[i + 1 :] for other in group if other != letter)
    return {skeleton_of(variant) for variant in variants} - {skeleton}


@dataclass(frozen=True)
class Slot:
    """The vowel between two consonants: its qualities (A, E, I, U) and whether it is long.

    `long` is True for a long vowel (Arabic ا/ي/و, Latin digraphs), False for no vowel or an
    unwritten (short) Arabic vowel, None when Latin leaves it open (a single a/e/i/o/u).
    """

    qualities: frozenset[str]
    long: bool | None


EMPTY = Slot(frozenset(), False)


def latin_elements(word: str) -> list[tuple[str, str]]:
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
                nisba = ch == "w" and nxt == "y" and i + 2 == n  # Egyptian -awy for -awi: Menshawy, Gizawy
                if doubled or nisba or (nxt and nxt in "aeiou" and not (ch == "y" and prev_is_vowel and nxt == "e")):
                    elements.append(("C", "W" if ch == "w" else "Y"))
                else:
                    elements.append(("V", "u" if ch == "w" else "y"))
            elif ch in _VOWEL_QUALITY:
                elements.append(("V", ch))
            elif ch == "'":
                elements.append(("V", ch))  # an ʿayn or hamza mark (Saʿīd, Raʾid): the vowels around it are apart
            elif ch in _LATIN_CONSONANTS:
                elements.append(("C", _LATIN_CONSONANTS[ch]))
            i += 1
    return elements


def _latin_slot(group: str) -> Slot:
    if not group:
        return EMPTY
    if "'" in group:
        # An ʿayn or hamza mark between vowels (Saʿīd, Tha'ir): the vowels on each side are compared as
        # one gap, but make no digraph across the mark; a gap of the mark alone is open, as ع is.
        parts = [_latin_slot(part) for part in group.split("'") if part]
        if not parts:
            return Slot(frozenset(), None)
        return Slot(frozenset().union(*(p.qualities for p in parts)), True if any(p.long for p in parts) else None)
    group = group.replace("ou", "u")  # French ou is any u, short or long (Mouhamed, Souhaib)
    for pair, quality in _LONG_DIGRAPHS.items():
        if pair in group:
            return Slot(frozenset(quality), True)
    return Slot(frozenset(_VOWEL_QUALITY[ch] for ch in group), None)


def arabic_elements(word: str) -> list[tuple[str, str]]:
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
    # Written after bin/ben/bint/ould in the text analysed: a father's or a family name, not the given name.
    # Not part of the token's identity (the comparison of two names does not depend on it).
    filiation: bool = False

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
    def soft_keys(self) -> list[str]:
        """Coarse keys one register confusion away (`soft_variants`): looked up, never stored."""
        prefix = "" if self.kind == "name" else f"{self.kind}:"
        return [prefix + variant for variant in sorted(soft_variants(self.skeleton))]

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


def shape(elements: list[tuple[str, str]], script: str) -> tuple[str, tuple[Slot, ...]]:
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


def skeleton_of(consonants: str) -> str:
    out: list[str] = []
    for c in consonants:
        if c in GLIDES:
            continue
        if out and out[-1] == c:
            continue
        out.append(c)
    return "".join(out)
