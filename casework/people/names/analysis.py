"""A name as typed becomes its tokens in the shared key space, and the index keys of a person's names."""

import re
from dataclasses import replace
from functools import lru_cache

from casework.people import name_variants
from casework.people.names.keyspace import EMPTY, NameToken, arabic_elements, latin_elements, shape, skeleton_of
from casework.people.names.text import ARABIC, LATIN, MAX_NAME_CHARS
from casework.people.names.tokens import _strip_article, raw_tokens

# --- Known names --------------------------------------------------------------------------------


def _table_key(word: str, script: str) -> str:
    # Latin: without the ʿayn and hamza marks (Ja'far, Sa'id are the table's jafar, said).
    return word.replace("ة", "ه").replace("ى", "ي").replace("ء", "") if script == ARABIC else word.replace("'", "")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=1)
def _known_table() -> tuple[dict[str, frozenset[int]], dict[str, frozenset[int]]]:
    """Spelling → line ids, and one-letter-deleted spelling → line ids (for typos)."""
    exact: dict[str, set[int]] = {}
    for line, (arabic_forms, latin_forms) in enumerate(name_variants.parse()):
        for form in arabic_forms:
            for raw in raw_tokens(form):
                if raw.kind == "name":
                    exact.setdefault(_table_key(("abd" if raw.abd else "") + raw.word, raw.script), set()).add(line)
        for form in latin_forms:
            for raw in raw_tokens(form.replace("-", " ")):
                if raw.kind == "name":
                    exact.setdefault(_table_key(("abd" if raw.abd else "") + raw.word, raw.script), set()).add(line)
    frozen = {k: frozenset(v) for k, v in exact.items()}
    deleted: dict[str, set[int]] = {}
    for spelling, lines in frozen.items():
        if len(spelling) >= 4:
            for d in _deletes(spelling):
                deleted.setdefault(d, set()).update(lines)
    return frozen, {k: frozenset(v) for k, v in deleted.items()}


def osa_distance(a: str, b: str) -> int:
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
        if lines & candidates and abs(len(spelling) - len(key)) <= 1 and osa_distance(spelling, key) <= 1:
            found |= lines
    if len(found) == 1:
        return frozenset(found), False
    return frozenset(), True


@lru_cache(maxsize=50_000)
def analyse_token(word: str, script: str, kind: str = "name", abd: bool = False) -> NameToken | None:
    """One word (already split, article removed) in the shared key space; None if nothing is left."""
    elements = latin_elements(word) if script == LATIN else arabic_elements(word)
    consonants, slots = shape(elements, script)
    if abd:
        consonants = "BD" + consonants
        slots = (EMPTY, EMPTY, *slots)  # before the b, between b and d, then the name's own
    skeleton = skeleton_of(consonants) or consonants  # Aya, Ayah: only glides
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


_JOINED_ABU = re.compile(r"^(?:abu|abou|abo|ebu)(?:[ae]?l)?([^aeiouy'][a-z']{2,})$")
_CONSONANTAL_OU = re.compile(r"(?<=.)ou(?=[aei])")
_SOFT_C = re.compile(r"c(?=[eiy])")
_SPLIT_DIGRAPH = re.compile(r"(?<=[aeiou])([tdz])h(?=[aeiou])")
# Russian-register patronymics and surnames (Abdullayevich, Ismailovna, Magomedova, Aliyev): the name
# they are made from. Longest first.
_RUSSIAN_PATRONYMIC = ("yevich", "yevna", "ievich", "ievna", "ovich", "evich", "ovna", "evna")
_RUSSIAN_SURNAME = ("yeva", "yev", "ova", "eva", "ov", "ev")
RUSSIAN = "ru"
SOMALI = "so"


def _russian_stem(word: str) -> str | None:
    """Ismailov, Magomedova, Aliyev, Abdullayevich, Khasanovna → ismail, magomed, ali, abdulla, khasan."""
    for suffix in (*_RUSSIAN_PATRONYMIC, *_RUSSIAN_SURNAME):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2:
            if suffix in ("ievich", "ievna"):
                stem += "i"  # Alievich: the name is Ali
            return stem
    return None


_ARABIC_NAMES_IN_OV = frozenset({"معروف", "رؤوف", "رءوف", "مألوف"})  # Arabic names, not -ov surnames
_ARABIC_RUSSIAN_SURNAME = re.compile(r"^(.{2,}?)(ييفا|ييف|يفا|يف|وفا|وف)$")


def _arabic_russian_stem(word: str) -> str | None:
    """عمروف, إسماعيلوف, علييف, ماغوميدوفا, حاجييفا → عمر, إسماعيل, علي, ماغوميد, حاجي (Russian -ov/-ev, -ova/-eva)."""
    match = _ARABIC_RUSSIAN_SURNAME.match(word)
    if not match or word in _ARABIC_NAMES_IN_OV:
        return None
    stem = match.group(1) + ("ي" if match.group(2).startswith("يي") else "")
    return stem if len(stem) >= 3 else None  # شريف, لطيف, حنيف: Arabic names


def reading_context(words: list[str]) -> frozenset[str]:
    """Conventions a whole Latin name shows, which decide how its other words may be read.

    - Russian registers (a patronymic in -ovich/-ovna, or a surname in -ov/-ova/-ev/-eva): г is written
      g for an Arabic h (Gusein, Gasan, Gadzhiev) and дж is dzh.
    - Somali orthography (an x, or a doubled vowel aa/ii/uu: Maxamed, Faadumo, Ibraahim): x is ح and c is ع
      (Cali, Cumar, Cabdullaahi, Ciise).
    """
    context = set()
    if any(
        word.endswith(_RUSSIAN_PATRONYMIC) or (len(word) >= 6 and word.endswith(_RUSSIAN_SURNAME)) for word in words
    ):
        context.add(RUSSIAN)
    if any("x" in word or re.search(r"aa|ii|uu", word) for word in words):
        context.add(SOMALI)
    return frozenset(context)


def _germanic(word: str) -> str:
    """German, Dutch and Scandinavian spellings: dsch/dj for ج, sch for ش, ch for خ, j for ي, Dutch oe for u
    (Dschamal, Scharif, Chalid, Jussuf, Jahja, Ijad, Joesoef)."""
    if "jj" in word:
        return word  # a doubled j is English ج (Najjar, Hajjaj): German writes ddsch
    word = word.replace("dsch", "\x01").replace("dj", "\x01").replace("sch", "\x02")
    word = word.replace("ch", "kh").replace("oe", "u").replace("j", "y")
    return word.replace("\x01", "dj").replace("\x02", "sh")


def _latin_readings(word: str, context: frozenset[str] = frozenset()) -> list[str]:
    """Other readings of an unlisted Latin spelling, by published conventions that collide.

    - French c before e/i is s (Yacine ياسين, Kacemi قاسمي); Turkish c is dj (Cemal): both readings.
      Turkish c before a/o/u is dj too (Casim جاسم, Cuma جمعة), and a final p is a devoiced b (Hatip خطيب).
    - A final -at is a ta marbuta in Turkish, Persian and Central Asian usage (Hayat حياة, Rahmat).
    - th, dh, zh between vowels may be two letters, t/d/z then h (Fathi فتحي, Adham أدهم, Azhar أزهر).
    - French ou before a vowel inside a word is a consonantal w (Marouane مروان) or the vowel u before
      an ʿayn or a hamza, which French usage does not write (Chouaib شعيب, Souad سعاد, Mouawiya معاوية).
    - German, Dutch and Scandinavian usage (`_germanic`): j for y, ch for kh, dsch for j, oe for u.
    - Malay and Indonesian sy for ش (Syukri شكري, Asyraf أشرف).
    - Maghreb family names written joined to ben/bin/ould (Benyoucef بن يوسف, Benaouda بن عودة).
    - Russian registers: the name inside a patronymic or surname (Ismailov, Abdullayevich), and in a
      Russian-register name g for h and dzh for j (Gusein حسين, Gadzhi حاجي); Somali orthography: x for ح
      and c for ع (`reading_context`).
    """
    readings = []
    # One pass of each rule's pattern: a rule gives a reading when it replaced something.
    reading, found = _CONSONANTAL_OU.subn("ou'", word)
    if found:
        readings.append(reading)
    if "ch" not in word:
        reading, found = _SOFT_C.subn("s", word)
        if found:
            readings.append(reading)
    if word.endswith("at") and len(word) >= 5:
        readings.append(word[:-1])
    reading, found = _SPLIT_DIGRAPH.subn(r"\1'h", word, count=1)
    if found:
        readings.append(reading)
    turkish = re.sub(r"c(?=[aou])", "j", word)
    turkish = turkish[:-1] + "b" if turkish.endswith("p") and len(turkish) >= 4 else turkish
    germanic = _germanic(word)
    malay = word.replace("sy", "sh")
    if word.endswith("ullo") and len(word) >= 6:
        readings.append(word[:-1] + "ah")  # Tajik -ullo for -ullah: Sayfullo, Nasrullo
    joined = re.match(r"^(?:ben|bin|ould)(?=[a-z]{3,}$)", word)
    readings += [w for w in (turkish, germanic, malay, word[joined.end() :] if joined else word) if w != word]
    if RUSSIAN in context:
        stem = _russian_stem(word) or word
        russian = re.sub(r"g(?!h)", "h", stem.replace("dzh", "j").replace("kh", "h"))
        readings += [w for w in {stem, russian} if w != word]
    if SOMALI in context and re.search(r"x|c(?!h)", word):
        readings.append(re.sub(r"c(?!h)", "", word.replace("x", "h")))
    return list(dict.fromkeys(readings))


@lru_cache(maxsize=50_000)
def _analyse_name(text: str) -> tuple[NameToken, ...]:
    tokens = []
    raws = raw_tokens(text)
    context = reading_context([raw.word for raw in raws if raw.script == LATIN])
    for raw in raws:
        token = analyse_token(raw.word, raw.script, raw.kind, raw.abd)
        if token is None:
            continue
        if raw.script == ARABIC and raw.word.endswith("ه") and len(raw.word) >= 4 and not raw.word.endswith("له"):
            # A final ه is most often a ta marbuta written without its dots (فاطمه): read both ways.
            as_ta = analyse_token(raw.word[:-1] + "ة", raw.script, raw.kind, raw.abd)
            if as_ta is not None:
                token = replace(as_ta, alternatives=(token,))
        stem = _arabic_russian_stem(raw.word) if raw.script == ARABIC and not raw.abd else None
        if stem:
            # A Russian-register surname written in Arabic letters (عمروف, علييف, ماغوميدوفا): the name in it too.
            other = analyse_token(stem, raw.script, raw.kind, raw.abd)
            if other is not None:
                token = replace(token, alternatives=(*token.alternatives, other))
        if raw.script == LATIN:
            readings = []
            # The article joined to a name starting with a vowel or a glide (Alali, Alyamani, Elwadi).
            joined = re.match(r"^(?:al|el)[aeiouyw]", raw.word) and len(raw.word) >= 5
            if joined and not raw.abd and not (token.known and token.known_exact):
                readings.append(raw.word[2:])
            if re.search(r"[aeiou]h$", raw.word) and len(raw.word) > 3 and not raw.word.endswith("llah"):
                readings.append(raw.word[:-1])
            if not (token.known and token.known_exact):
                readings += _latin_readings(raw.word, context)
                if raw is not raws[-1] and raw.word.endswith("ul") and len(raw.word) >= 5:
                    readings.append(raw.word[:-2])  # Malay/Indonesian article joined to the name before: Nurul Huda
            others = [analyse_token(w, raw.script, raw.kind, raw.abd) for w in readings]
            others = [other for other in others if other is not None]
            kunya = _JOINED_ABU.match(raw.word) if raw.kind == "name" and not raw.abd else None
            if kunya:
                # Abu written joined to the name after it is a given or family name made of a kunya
                # (West African Abubakar, Maghreb Aboubakr, Turkish Ebubekir, Egyptian Abouzeid): also the
                # kunya, as أبو بكر / Abu Bakr are read.
                other = analyse_token(_strip_article(kunya.group(1), LATIN), raw.script, "abu")
                others += [other] if other is not None else []
            if others:
                token = replace(token, alternatives=tuple(others))
        if raw.filiation:
            token = replace(token, filiation=True)
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


# --- Keys of a whole record ----------------------------------------------------------------------

NAME_PART_FIELDS = (
    ("given", "given_name"),
    ("father", "father_name"),
    ("grandfather", "grandfather_name"),
    ("family", "family_name"),
)
KUNYA_ALIAS_KIND = "kunya"


@lru_cache(maxsize=50_000)
def _text_keys(text: str) -> tuple[tuple[bool, str, str, str], ...]:
    """The index keys of one name as typed: (is a name token, kind, key, script) in `record_keys`'s order.

    Memoised per name (a file or a seed repeats its names): `record_keys` of a record is then a few
    dictionary inserts per part instead of walking every token's forms again."""
    keys = []
    for token in analyse_name(text):
        is_name = token.kind == "name"
        for form in token.forms():
            # No vowel-aware key: lookups block on coarse and known keys only, and the vowels are
            # compared when scoring (`similarity`); stored, it was 46 % of the index's rows, read by nothing.
            keys.append((is_name, "coarse", form.coarse_key[:64], token.script))
            keys += [(is_name, "known", key[:64], token.script) for key in form.known_keys]
    return tuple(keys)


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
        if not text or not isinstance(text, str):
            continue
        for is_name, kind, key, script in _text_keys(text[: MAX_NAME_CHARS * 2]):
            rows.setdefault((part if is_name else "kunya", kind, key), script)
    return rows
