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

The modules, in the order they build on each other: `text` (normalised text, cleaned words),
`tokens` (particles), `keyspace` (consonant classes, vowel slots, `NameToken`), `analysis` (a name's
tokens and index keys, known names), `lexicon` (the known given names and their canonical keys),
`similarity` (two tokens compared; two known names one letter apart are a conflict). Import from
this package.
"""

from casework.people.names.analysis import (
    KUNYA_ALIAS_KIND,
    NAME_PART_FIELDS,
    analyse_name,
    analyse_token,
    known_names,
    name_keys,
    record_keys,
)
from casework.people.names.keyspace import NameToken, Slot
from casework.people.names.similarity import GOOD_SIMILARITY, token_similarity, vowel_penalty
from casework.people.names.text import ARABIC, LATIN, MAX_NAME_CHARS, clean_text, join_parts, normalise_name

__all__ = [
    "ARABIC",
    "GOOD_SIMILARITY",
    "KUNYA_ALIAS_KIND",
    "LATIN",
    "MAX_NAME_CHARS",
    "NAME_PART_FIELDS",
    "NameToken",
    "Slot",
    "analyse_name",
    "analyse_token",
    "clean_text",
    "join_parts",
    "known_names",
    "name_keys",
    "normalise_name",
    "record_keys",
    "token_similarity",
    "vowel_penalty",
]
