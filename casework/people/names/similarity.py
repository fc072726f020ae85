"""How alike two name tokens are, and why."""

from functools import lru_cache

from casework.people.names.analysis import osa_distance
from casework.people.names.keyspace import GLIDES, SOFT_CLASSES, NameToken, Slot
from casework.people.names.lexicon import arabic_key, arabic_lexicon, line_keys
from casework.people.names.text import ARABIC, LATIN

GOOD_SIMILARITY = 0.8  # two tokens at or above this are the same name (the matcher uses it too)
# Two different known names one typing error apart (Sara/Saja, Salem/Saleh): a conflict, but a little
# less sure than two names that look nothing alike.
DIFFERENT_LOOKALIKE = 0.4

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
    """How alike two names are (0–1), and why: "same", "known", "transliteration", "typo" or "different".

    Two known names of different canonical keys (both in the lexicon: Sara/Saja, Salem/Saleh, مريم/مرام,
    زهرة/زهراء) are two different names, however alike: not a typing error, not another spelling.
    """
    if not a.alternatives and not b.alternatives:
        result = _form_similarity(a, b)
    else:
        result = max(_form_similarity(x, y) for x in a.forms() for y in b.forms())
    if result[1] in ("typo", "transliteration") and different_known_names(a, b):
        return DIFFERENT_LOOKALIKE, "different"
    return result


def _spells(latin: NameToken, arabic: NameToken) -> bool:
    """True when a Latin form writes an Arabic name letter for letter, by the strictest reading.

    Stricter than the comparison that finds candidates: the same consonant classes (glides too),
    every vowel Arabic writes written with its quality in Latin (the first and last too), a vowel
    written where Arabic has an ʿayn or an initial alif, no vowel at the start where Arabic starts
    with a consonant, no long vowel or final vowel (but French -e) where Arabic writes none. So a
    typing error is rarely taken for another name (Kalil is not جليل, Mmin not أمين, Ysir not إسراء),
    while the usual spellings are (Saja سجى, Sara سارة).
    """
    starts_with_vowel = arabic.text[:1] in ("ا", "ع")
    if starts_with_vowel != bool(latin.slots[0].qualities):
        return False
    consonants = arabic.consonants
    if "ذ" in arabic.text and "th" in latin.text:
        consonants = consonants.replace("D", "T")  # th for ذ in Levantine and Iraqi usage (Munther منذر)
    if latin.consonants not in (arabic.consonants, consonants) or len(latin.slots) != len(arabic.slots):
        # Latin i/u for a glide (Dhiaa ضياء, Aliaa علياء): the glide agrees with the vowels around it.
        penalty = glide_penalty(latin, arabic)
        return penalty is not None and penalty <= 0.2
    last = len(latin.slots) - 1
    for i, (latin_slot, arabic_slot) in enumerate(zip(latin.slots, arabic.slots, strict=True)):
        if not arabic_slot.qualities and arabic_slot.long is None and not latin_slot.qualities:
            return False  # an ʿayn that the Latin spelling does not write at all
        if arabic_slot.qualities and not latin_slot.qualities:
            return False  # a vowel Arabic writes (ا و ي ة, a hamza seat) left out
        if latin_slot.long and not arabic_slot.long:
            return False  # a long vowel (ee, ai, oo) where Arabic writes none
        if i == last and latin_slot.qualities - {"E"} and not arabic_slot.qualities:
            return False  # a final vowel where Arabic ends on a consonant (French -e aside)
        penalty = _slot_penalty(latin_slot, arabic_slot)
        if penalty and not (penalty < 1 and "E" in latin_slot.qualities):
            return False  # a vowel of another quality (e stands for a short or, with imala, a long a/i: Kamel كمال)
    return True


@lru_cache(maxsize=50_000)
def canonical_names(token: NameToken) -> frozenset[str]:
    """The canonical keys of the known given names a token may be (empty: not a known name).

    A spelling the table of known names lists: the names of its lines. Another Arabic spelling: its
    entry in the lexicon. Another Latin spelling: every Arabic name of the lexicon it spells letter
    for letter (`_spells`).
    """
    by_skeleton = arabic_lexicon()[1]
    keys: set[str] = set()
    for form in token.forms():
        if form.kind != "name":
            continue
        if form.known and form.known_exact:
            # The table is the authority on the spellings it lists (Abdullah is not Abd al-Ilah).
            keys.update(line_keys()[line] for line in form.known)
            continue
        if form.script == ARABIC:
            key = arabic_key(form)
            if key:
                keys.add(key)
            continue
        skeletons = {form.skeleton}
        if "th" in form.text:
            skeletons.add(form.skeleton.replace("T", "D"))  # th for ذ (Munther منذر)
        for arabic, key in (pair for skeleton in skeletons for pair in by_skeleton.get(skeleton, ())):
            if _spells(form, arabic):
                keys.add(key)
    return frozenset(keys)


def different_known_names(a: NameToken, b: NameToken) -> bool:
    """True when both tokens are known given names and share no canonical name."""
    keys_a = canonical_names(a)
    keys_b = canonical_names(b)
    return bool(keys_a) and bool(keys_b) and not (keys_a & keys_b)


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
    elif a.skeleton.translate(SOFT_CLASSES) == b.skeleton.translate(SOFT_CLASSES):
        best, why = 0.82, "transliteration"  # g for ق/ك (Gulf, Iraq), kh for ح (Russian registers)
    else:
        distance = Levenshtein.distance(a.skeleton, b.skeleton)
        length = max(len(a.skeleton), len(b.skeleton))
        if distance == 1 and length >= 3:
            best, why = (0.82 if length >= 4 else 0.6), "typo"
    if a.script == b.script == LATIN and min(len(a.text), len(b.text)) == 3 and osa_distance(a.text, b.text) == 1:
        best, why = max((best, why), (0.7, "typo"))  # Isa/Iba, Tai/Tjai: a short name mistyped
    if a.script == b.script:
        length = min(len(a.text), len(b.text))
        shortest = 3 if a.script == ARABIC else 4  # Arabic writes no short vowels: names are short
        if length >= shortest and osa_distance(a.text, b.text) == 1:
            typo = 0.86 if length >= shortest + 1 else 0.8
            if typo > best:
                best, why = typo, "typo"
    return best, why
