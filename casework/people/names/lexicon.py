"""The lexicon of known given names: which spellings are real names, and which name each one is.

Used for one decision (`similarity.token_similarity`): two spellings one typing error apart
(Sara/Saja, Salem/Saleh, Amina/Amira, حنان/حنين, مريم/مرام) are a *typo* of one name when at
most one of them is a known name, and a *conflict* (two different names) when both are known
names of different canonical names. An edit that turns a known name into a non-name stays a typo;
two spellings of the same name (the same canonical key) never conflict.

The canonical key of a name is its Arabic spelling (folded: ة as ه, ى as ي, hamza dropped; hamza
seats are folded by the cleaning already), or the line of `name_variants.VARIANTS` that lists it.
The lexicon is built from the name tables already in the repository, plus a list of given names
in Arabic script below:

* every line of `casework.people.name_variants.VARIANTS` (one canonical name per line, with its
  Arabic and Latin spellings);
* `GIVEN_NAMES`: given names in common use across the Arab world, in Arabic script only. Sources:
  the usual reference works on Arabic and Muslim personal names (A. Schimmel, *Islamic Names*,
  Edinburgh 1989; S. Ahmed, *A Dictionary of Muslim Names*, London 1999) and the public lists of
  Arabic given names (Wikipedia, "List of Arabic given names"). Written from those, never from the
  demo data or from the evaluation of `bench/matching.py`.

A Latin spelling is not listed here: it is a known name when the table lists it, or when it spells
one of the lexicon's Arabic names by the matcher's own transliteration rules (the same consonant
classes and no long-vowel conflict: `Saja` spells سجى, `Sara` سارة); its canonical keys are every
name it spells that way (`Hasan` spells حسن and حسان), so a Latin spelling is a conflict only with
a name it cannot spell. To add a name, add its Arabic spelling to `GIVEN_NAMES`.
"""

from functools import lru_cache

from casework.people import name_variants
from casework.people.names.analysis import analyse_name
from casework.people.names.keyspace import NameToken

# Given names, men's then women's, in Arabic script (names common to both are listed once).
GIVEN_NAMES = """
آدم أحمد أدهم أديب أسامة أسد أسعد أشرف أكرم أمجد أمين أنس أنور أوس أيمن أيوب إبراهيم إدريس إسحاق
إسماعيل إلياس إياد إيهاب باسل باسم بدر بدري برهان بسام بشار بشير بكر بلال جابر جاسم جعفر جلال جمال
جميل جهاد حارث حاتم حازم حافظ حامد حبيب حذيفة حرب حسام حسان حسن حسني حسين حمدي حمزة حمود حميد حيدر
خالد خضر خطاب خلف خليل خليفة داود دريد ذياب رائد راشد راضي رافع رامي رامز ربيع رجب رشاد رشيد رضا
رضوان رعد رفيق رمضان رياض ريان زاهر زكريا زكي زياد زيد زين سالم سامر سامي سعد سعود سعيد سفيان سلطان
سلمان سليم سليمان سمير سهيل سيف شادي شاكر شريف شعيب شفيق شكري صابر صادق صالح صباح صبحي صدام صفوان
صقر صلاح صهيب ضياء طارق طالب طاهر طلال طه عادل عاصم عاطف عامر عباس عبيدة عثمان عدنان عدي عرفات عزيز
عزام عصام عقيل علاء علي عماد عمار عمر عمرو عنتر عوض عيسى غازي غسان فادي فارس فاروق فاضل فايز فؤاد
فراس فرج فهد فوزي فيصل قاسم قتيبة قصي كامل كريم كمال لؤي لطفي لقمان ليث مأمون ماجد مالك مازن مبارك
مجدي محسن محمد محمود مختار مراد مرتضى مروان مسعود مصطفى مصعب معاذ معتز منذر منصور منير مهدي مهند
موسى مؤمن ميسرة ناجي ناصر نبيل نجيب نزار نصر نضال نعمان نوح نور نادر نايف هادي هاشم هاني هشام همام
هيثم وائل وليد وسيم وحيد ياسر ياسين يحيى يزن يزيد يعقوب يوسف يونس جبر جبريل حمد رحيم سراج شهاب
عبد الله عبد الرحمن عبد العزيز عبد الكريم عبد القادر عبد الرحيم عبد الحميد عبد الرزاق عبد الستار
عبد الباسط عبد السلام عبد الحكيم عبد اللطيف عبد المجيد عبد الناصر عبد الوهاب عبد الجبار عبد الغني
عبد الهادي عبد الإله عبد الحليم عبد المالك عبد الفتاح عبد المنعم عبد الرؤوف
آمنة آية أريج أسماء أسيل أصالة أفنان ألاء أمال أمل أماني أميرة أمينة أنوار إسراء إيمان إيناس ابتسام
بتول بثينة بسمة بشرى بلقيس بيان تالا تسنيم تغريد تهاني ثريا جميلة جنى جنان جود جيهان حلا حليمة
حسناء حنان حنين حياة خديجة خلود خولة دانة دعاء دلال ديما ربى رحاب رحمة رزان رشا رغد رقية رنا رنيم رهف روان
رولا ريم ريما ريهام زهراء زهرة زينب سارة سجى سحر سعاد سكينة سلمى سلوى سماح سمر سميرة سمية سناء
سندس سهى سهام سوسن شذى شروق شريفة شفاء شهد شيماء صابرين صفاء صفية ضحى عائشة عبير عبلة عزة عفاف علياء
غادة غدير غفران فاتن فاطمة فرح فريدة فجر فدوى كوثر لانا لبنى لطيفة لمى لميس لينا ليلى مايا مرام
مروة مريم منار منال منى مها ميار ميس ميساء ميسون نادية نبيلة نجلاء نجوى نجاح ندى نسرين نهى نهلة
ناجية نوال نورة هاجر هالة هبة هدى هديل هناء هند هيفاء وداد وعد وفاء ولاء ياسمين يسرى يمنى حفصة زكية
""".strip()


def _fold(text: str) -> str:
    """The lexicon's key of an analysed Arabic spelling (the same folding as the table of known names)."""
    return text.replace("ة", "ه").replace("ى", "ي").replace("ء", "")


def arabic_given_names() -> list[str]:
    """Every Arabic given name of `GIVEN_NAMES`, as written (`عبد X` kept as two words)."""
    words = GIVEN_NAMES.split()
    names: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "عبد" and i + 1 < len(words):
            names.append(f"{words[i]} {words[i + 1]}")
            i += 2
        else:
            names.append(words[i])
            i += 1
    return names


def _analysed(name: str) -> list[NameToken]:
    return [form for token in analyse_name(name) if token.kind == "name" for form in token.forms()]


@lru_cache(maxsize=1)
def line_keys() -> tuple[str, ...]:
    """The canonical key of each line of the table of known names (the ids in `NameToken.known`)."""
    keys = []
    for line, (arabic_forms, _latin_forms) in enumerate(name_variants.parse()):
        analysed = [t for form in arabic_forms for t in _analysed(form)]
        keys.append(_fold(analysed[0].text) if analysed else f"#{line}")
    return tuple(keys)


@lru_cache(maxsize=1)
def arabic_lexicon() -> tuple[dict[str, str], dict[str, tuple[tuple[NameToken, str], ...]]]:
    """Folded Arabic spelling → canonical key, and skeleton → (Arabic token, canonical key) pairs."""
    canonical: dict[str, str] = {}
    tokens: dict[str, NameToken] = {}
    keys = line_keys()
    entries = [
        (token, keys[line])
        for line, (forms, _latin) in enumerate(name_variants.parse())
        for form in forms
        for token in _analysed(form)
    ]
    entries += [(token, None) for name in arabic_given_names() for token in _analysed(name)]
    for token, key in entries:
        folded = _fold(token.text)
        if folded not in canonical:
            canonical[folded] = key or folded
            tokens[folded] = token
    by_skeleton: dict[str, list[tuple[NameToken, str]]] = {}
    for folded, token in tokens.items():
        by_skeleton.setdefault(token.skeleton, []).append((token, canonical[folded]))
    return canonical, {skeleton: tuple(pairs) for skeleton, pairs in by_skeleton.items()}


def arabic_key(token: NameToken) -> str | None:
    """The canonical key of an Arabic token that is a known given name, else None."""
    return arabic_lexicon()[0].get(_fold(token.text))
