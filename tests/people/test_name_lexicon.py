"""The lexicon of known given names: a known name one letter from another known name is a conflict, a typo is not."""

import pytest

from casework.people.names import GOOD_SIMILARITY, analyse_name, token_similarity
from casework.people.names.lexicon import GIVEN_NAMES, arabic_given_names, arabic_lexicon, line_keys
from casework.people.names.similarity import DIFFERENT_LOOKALIKE, canonical_names, different_known_names


def token(text: str):
    tokens = analyse_name(text)
    assert len(tokens) == 1, (text, tokens)
    return tokens[0]


def compare(a: str, b: str) -> tuple[float, str]:
    return token_similarity(token(a), token(b))


# --- Confuser patterns: two different names one edit apart -----------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Latin, a letter mistyped
        ("Sara", "Saja"),
        ("Salem", "Saleh"),
        ("Nuha", "Duha"),
        ("Hala", "Tala"),
        ("Lina", "Lana"),
        ("Imad", "Iyad"),
        ("Amina", "Amira"),
        # Latin, a letter added or dropped
        ("Asma", "Basma"),
        ("Hanaa", "Hanan"),
        ("Maryam", "Maram"),
        # Latin, two letters swapped
        ("Suhaib", "Shuaib"),
        # Latin, consonant classes that registers confuse (ك/ج: Kamel/Jamal), th for ذ (Munther/Mansour)
        ("Kamel", "Jamal"),
        ("Munther", "Mansour"),
        # Arabic, a letter mistyped or a long vowel changed
        ("حنان", "حنين"),
        ("مريم", "مرام"),
        ("رزان", "روان"),
        ("سارة", "سجى"),
        # Arabic, the same consonants: a different ending is a different name
        ("زهرة", "زهراء"),
        # Across scripts
        ("Sara", "سجى"),
        ("Saleh", "سالم"),
    ],
)
def test_two_known_names_one_edit_apart_are_a_conflict(a, b):
    similarity, why = compare(a, b)
    assert similarity < GOOD_SIMILARITY, (a, b, similarity, why)
    assert why == "different"
    assert compare(b, a) == (similarity, why)


def test_a_lookalike_conflict_weighs_a_little_less_than_names_that_look_nothing_alike():
    assert compare("Sara", "Saja") == (DIFFERENT_LOOKALIKE, "different")
    assert compare("Fatima", "Fatin")[0] < DIFFERENT_LOOKALIKE  # two lines of the table: 0.2, as before


# --- Typos: an edit that makes a non-name stays a typo --------------------------------------------


@pytest.mark.parametrize(
    ("name", "typo"),
    [
        ("Khalil", "Kalil"),  # a letter dropped
        ("Nizar", "Nizr"),
        ("Ghazi", "Gohazi"),  # a letter added
        ("Waleed", "Waieed"),  # a letter mistyped
        ("Kassem", "Ksasem"),  # two letters swapped
        ("Ahmad", "Amhad"),
        ("Ziyad", "Ziyda"),
        ("Yasir", "Ysir"),
        ("Mumin", "Mmin"),
        ("Mohammed", "Mohammmed"),
        ("خليل", "خلل"),  # Arabic, a letter dropped
        ("سجى", "سحى"),  # Arabic letters that differ only by their dots
        ("عبير", "غبير"),
    ],
)
def test_an_edit_that_makes_a_non_name_is_a_typo(name, typo):
    similarity, why = compare(name, typo)
    assert similarity >= GOOD_SIMILARITY, (name, typo, similarity, why)
    assert not different_known_names(token(name), token(typo))


# --- Transliteration variants of one name never conflict ------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kamel", "Kamal"),  # e for a long a (Maghreb)
        ("Kamel", "كمال"),
        ("Dia", "Dhiaa"),  # i for the glide of ضياء
        ("Dhiaa", "ضياء"),
        ("Munther", "منذر"),  # th for ذ
        ("Amina", "Amna"),
        ("Hamid", "Hamed"),
        ("Sara", "Sarah"),
        ("Saleh", "Salah"),
        ("Jamila", "Djamila"),
        ("فاطمة", "فاطمه"),
    ],
)
def test_spellings_of_the_same_name_are_not_a_conflict(a, b):
    similarity, why = compare(a, b)
    assert similarity >= GOOD_SIMILARITY, (a, b, similarity, why)
    assert not different_known_names(token(a), token(b))


# --- Canonical names ------------------------------------------------------------------------------


def test_latin_spellings_get_the_names_they_spell_letter_for_letter():
    assert canonical_names(token("Saja")) == {"سجي"}
    assert canonical_names(token("Sara")) == {"ساره"}
    assert canonical_names(token("Kamel")) >= {"كمال", "كامل"}  # e: either name
    # Typing errors spell nothing: a vowel where Arabic has an ʿayn or an initial alif left out, a long
    # vowel where Arabic writes none, a classes that registers confuse.
    for typo in ("Kalil", "Mmin", "Ysir", "Waieed", "Maid"):
        assert canonical_names(token(typo)) == frozenset(), typo


def test_the_table_is_the_authority_on_the_spellings_it_lists():
    # Abdullah is on the line of عبد الله, though its consonants would also spell عبد الإله.
    assert len(canonical_names(token("Abdullah"))) == 1
    assert compare("Abdullah", "Abdulilah")[1] == "different"


def test_unknown_arabic_names_have_no_canonical_name():
    assert canonical_names(token("سحى")) == frozenset()
    assert canonical_names(token("سجى")) == {"سجي"}


def test_the_lexicon_is_built_from_the_table_and_the_list():
    canonical, by_skeleton = arabic_lexicon()
    names = arabic_given_names()
    assert len(names) >= 400
    assert "عبد الفتاح" in names  # compound names kept whole
    assert len(set(GIVEN_NAMES.split())) > 350
    # Every line of the table of known names is in the lexicon under its own key.
    assert set(line_keys()) <= set(canonical.values()) | {k for k in line_keys() if k.startswith("#")}
    assert sum(len(pairs) for pairs in by_skeleton.values()) == len(canonical)
