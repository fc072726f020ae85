"""The tokens of a name: particles (articles, bin/bint, Abu/Umm kunyas, Abd, al-Din) taken out or joined."""

import re
from dataclasses import dataclass

from casework.people.names.text import ARABIC, LATIN, MAX_TOKENS, script_words

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
        # South Asian usage writes the article ul/ud/ur/us (Abd-ur-Rahman, Salah-ud-Din, Shams-us-Sami).
        "ud",
        "ur",
        "us",
    ]
) - {"al-", "al'"}
ARABIC_ARTICLE = "ال"
# Tunisian bent, Mauritanian ould/walad (ولد) and mint (منت) too, and the scholarly abbreviations b. and bt.
# (Encyclopaedia of Islam, library headings: Muḥammad b. ʿAlī); ALA-LC/DIN Abū and Dīn (macrons) as `text`
# spells them out (abuu, diin).
FILIATION = frozenset(
    {
        "bin",
        "ibn",
        "bint",
        "ben",
        "bent",
        "ould",
        "wuld",
        "walad",
        "mint",
        "bn",
        "b",
        "bt",
        "binti",
        "bte",
        "bnt",
        "بن",
        "ابن",
        "بنت",
        "ولد",
        "منت",
    }
)
ABU = frozenset({"abu", "abuu", "abou", "abo", "bou", "ebu", "ابو", "ابي", "ابا"})
UMM = frozenset({"umm", "um", "oum", "om", "omm", "oumm", "ummu", "ام"})
ABD_LATIN = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdur", "abdu", "abdou", "abdi", "abdil", "abdir"}
)
ABD_ARABIC = "عبد"
ALLAH = frozenset({"الله", "allah", "ullah", "ullo"})  # Sayf Allah, Saif Ullah, Sayf-ullo
DIN = frozenset({"din", "diin", "dine", "deen", "dinne", "دين"})  # Nur al-Din, Nour Eddine, Salah ad-Din


def _strip_article(word: str, script: str) -> str:
    """Al-Najjar/Alnajjar/El Najjar/النجار → najjar; short words (Ali, Alam) are left alone."""
    if script == ARABIC:
        if word.startswith(ARABIC_ARTICLE) and len(word) > 3:
            return word[2:]
        return word
    # Not before w or y: Alwan (علوان), Elyas are names; the reading without the article (Alwazir,
    # Alyamani) is added as an alternative by `analysis`.
    match = re.match(r"^(?:al|el)(?=[bcdfghjklmnpqrstvxz])", word)
    if match and len(word) >= 5:
        return word[2:]
    return word


# Turkish writes the article assimilated and devoiced: Necmettin, Alaattin, Şemsettin (-ettin, -attin).
_DIN_LATIN = re.compile(r"^(.{2,}?)(?:[aeiou]?l|[aeiou]d|[aeiou]r|[aeiou]s|[aeiou])?(?:dd?|tt)(?:i|ee|ii|y)nn?e?$")


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
    """Abdulrahman, Abderrahmane, Abdelkader, Abdullah, Abdelaziz, Abdulilah → the name after "Abd (al-)".

    The l of a joined article goes, before a consonant (Abdelkader) and before a vowel too: the name
    then starts with ʿayn or hamza (Abdelaziz = Abd al-ʿAziz, Abdulilah = Abd al-Ilah, Abdelouahed = Abd
    al-Wahid), as the article written apart leaves it (ALA-LC ʻAbd al-ʻAzīz). A name that starts with l
    writes it twice (Abdellatif); the table lists the sloppy Abdelatif."""
    rest = word[3:]
    rest = re.sub(r"^(?:ou|[aeiou])", "", rest)
    if rest.startswith("l") and len(rest) > 3:
        rest = rest[1:]
    return rest


@dataclass(frozen=True)
class RawToken:
    word: str  # letters of one script, article and particles removed
    script: str
    kind: str  # "name", "abu" or "umm" (kunya: father/mother of `word`)
    abd: bool  # a theophoric "Abd X" name: `word` is X
    filiation: bool = (
        False  # written after bin/ben/bint/ould: a father's or a family name (Ben Salem), not a given name
    )


def raw_tokens(text: str) -> list[RawToken]:
    words = script_words(text)
    tokens: list[RawToken] = []
    pending_kind = "name"
    pending_abd = False
    pending_filiation = False
    i = 0
    while i < len(words) and len(tokens) < MAX_TOKENS:
        word, script = words[i]
        i += 1
        nxt = words[i][0] if i < len(words) else None
        if word in FILIATION and nxt is not None:
            pending_filiation = True
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
        # العبد الله, Al-Abd Allah: a family name made of a theophoric name with the article.
        is_abd = (script == LATIN and word in ABD_LATIN) or (script == ARABIC and word in (ABD_ARABIC, "العبد"))
        if is_abd and nxt is not None:
            pending_abd = True
            continue
        abd = pending_abd
        if not abd and script == LATIN and re.match(r"^abd[aeiou]", word) and len(word) >= 6:
            abd, word = True, _abd_rest(word)
        elif not abd and script == ARABIC and word.startswith(ABD_ARABIC) and len(word) > 4:
            abd, word = True, word[3:]
        allah = word in ALLAH
        word = _din_fold(_strip_article(word, script), script)
        if script == LATIN:
            word = _strip_assimilated(word)
        if allah and tokens and tokens[-1].script == script and not abd and not tokens[-1].abd:
            # A theophoric compound written in two words is one name: سيف الله = Saifullah = Sayf Allah,
            # هداية الله = Hidayatullah (ة read t before it, as it is said).
            last = tokens.pop()
            if script == ARABIC:
                joined = (last.word[:-1] + "ت" if last.word.endswith("ة") else last.word) + "له"
            else:
                joined = last.word + "ullah"
            tokens.append(RawToken(joined, script, last.kind, last.abd, last.filiation))
        elif word in DIN and tokens and tokens[-1].script == script and not abd:
            # Joined to the name before it, a kunya's too (Abu Nur al-Din, أم نور الدين, Oum Noureddine).
            last = tokens.pop()
            joined = last.word + ("دين" if script == ARABIC else "din")
            tokens.append(RawToken(joined, script, last.kind, last.abd, last.filiation))
        elif word:
            tokens.append(RawToken(word, script, pending_kind, abd, pending_filiation))
        pending_kind, pending_abd, pending_filiation = "name", False, False
    return tokens
