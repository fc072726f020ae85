"""How alike two name tokens are, and why."""

from functools import lru_cache

from casework.people.names.analysis import osa_distance
from casework.people.names.keyspace import SOFT_CLASSES, NameToken, Slot
from casework.people.names.text import ARABIC, LATIN

GOOD_SIMILARITY = 0.8  # two tokens at or above this are the same name (the matcher uses it too)

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
        # Two different listed names: a conflict, however alike they look.
        return 0.2, "different"
    if a.script == b.script and a.text == b.text:
        return 1.0, "same"
    best, why = 0.0, "different"
    if a.skeleton == b.skeleton:
        penalty = vowel_penalty(a, b)
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
