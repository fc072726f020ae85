"""Evaluation of the identity matcher (`casework.matching.selectors.rank_candidates`), issue #10.

    .venv/bin/python bench/matching.py [--targets 400] [--seed 7] [--seed-size 5000] [--write-docs]

(`make bench-matching` runs it with DATABASE_URL defaulting to
postgres://postgres@127.0.0.1:5432/casework_matching_bench.)

1. Makes sure the database of DATABASE_URL is migrated and seeded (`seed_demo --size <seed-size>`
   on an empty one): the seeded persons are the background the evaluation persons hide in.
2. Adds its own evaluation persons to the organisation with the most persons (case numbers
   EVAL-…, removed and re-created on each run): names drawn from the demo name material
   (`casework/demo/names.py`: Arabic given names with their Latin spellings, family names by
   region, the French spellings), each recorded in Latin only, Arabic only or both, some with a
   kunya alias. The key index is built for them with `person_name_keys_rebuild`.
3. Builds queries of each kind: other transliteration, script swap, reorder, dropped middle
   name, kunya, typo, orthographic variants (positives), and confusers: the same name with the
   given or the father's name replaced by the most similar *different* name of the material.
   A typo query whose error makes another real name, and a confuser that is another spelling of the
   same name, are indistinguishable: counted like namesakes (`another_real_name`).
4. Calls `rank_candidates` as a full-scope caseworker of that organisation and reports per kind
   recall@1, recall@10, the share of positives on top *and* suggested, the share of confusers whose
   top candidate is suggested, and latency p50/p95, under two protocols (`--protocols`):
   `name`, the headline of issue #10: the name only (no sex, no birth year); and `intake`, reported
   alongside: the same queries with the target's sex and birth year, as the intake duplicate check
   passes them (there a namesake is one born within two years of the target).

`--write-docs` writes the tables between the markers `<!-- bench:<--docs-block>:start/end -->`
(name only) and `<!-- bench:<--docs-block>-intake:start/end -->` of docs/benchmarks.md (default
block "matching").
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.namesakes import Namesakes  # noqa: E402
from bench.run import BENCH_FIELD_KEY  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/casework_matching_bench"
DOCS = ROOT / "docs" / "benchmarks.md"
POSITIVE_KINDS = (
    "transliteration",
    "script_swap",
    "reorder",
    "dropped_middle",
    "kunya",
    "typo",
    "orthographic",
)
CONFUSER_KINDS = ("confuser_given", "confuser_father")
# Letters that differ only by their dots (a scanned or hand-copied Arabic name).
DOT_SIBLINGS = ["بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق"]


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT, env=os.environ)


def setup(url: str, seed_size: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-a-secret-" + "b" * 32)
    # A fixed field-encryption key: the seeded database is reused across runs (bench only, not a secret).
    os.environ.setdefault("CASEWORK_FIELD_KEYS", BENCH_FIELD_KEY)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    manage("migrate", "-v0")
    import django

    django.setup()
    from casework.people.models import Person

    if not Person.objects.exists():
        manage("seed_demo", "--size", str(seed_size), "--seed", "1", "--allow-without-debug")


@dataclass
class Target:
    person_id: int
    sex: str
    parts: dict[str, tuple[str, tuple[str, ...]]]  # part → (Arabic, Latin spellings)
    stored: str  # "latn", "arab" or "both"
    latin: dict[str, str]  # the Latin spelling recorded (or that would have been)
    kunya: tuple[str, tuple[str, str], str] | None  # (Umm/Abu, (Arabic, Latin) name, script recorded)
    birth_year: int


@dataclass
class Query:
    kind: str
    text: str
    target: Target
    named: dict[str, str]  # the parts the query names → their Arabic name (for bench/namesakes.py)
    kunya: str | None = None  # the Arabic name after Umm/Abu the query gives
    # A typo that made another real name, or a confuser that is the same name: "material" (the demo
    # name material says so) or "lexicon" (a spelling the matcher's name tables list); "" otherwise.
    indistinguishable: str = ""
    other_name: str = ""  # the Arabic name of the material the typo made (for its namesakes)


def _edit(rng: random.Random, word: str, arabic: bool) -> str:
    """One typing error: a letter dropped, added, swapped with its neighbour or mistyped."""
    letters = list(word)
    i = rng.randrange(1, len(letters) - 1) if len(letters) > 2 else 0
    op = rng.choice(["drop", "add", "swap", "mistype"])
    if arabic:
        siblings = [g for g in DOT_SIBLINGS if letters[i] in g]
        if siblings and rng.random() < 0.6:
            letters[i] = rng.choice([c for c in siblings[0] if c != letters[i]])
            return "".join(letters)
        alphabet = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    else:
        alphabet = "abcdefghijklmnopqrstuvwxyz"
    if op == "drop" and len(letters) > 4:
        del letters[i]
    elif op == "add":
        letters.insert(i, rng.choice(alphabet))
    elif op == "swap" and i + 1 < len(letters):
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        letters[i] = rng.choice([c for c in alphabet if c != letters[i].lower()])
    return "".join(letters)


def _fold(arabic: str) -> str:
    for a, b in (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي"), ("ء", ""), ("ـ", "")):
        arabic = arabic.replace(a, b)
    return arabic


_MATERIAL: dict[str, str] = {}


def _material() -> dict[str, str]:
    """Every spelling of the demo name material (Latin lower case, Arabic folded) → its Arabic name."""
    if not _MATERIAL:
        from bench.namesakes import _canonical_table

        for spelling, arabic in _canonical_table().items():
            _MATERIAL.setdefault(_fold(spelling) if spelling[:1] >= "\u0600" else spelling, arabic)
    return _MATERIAL


def _listed_names(word: str) -> frozenset[str]:
    """The canonical names the matcher's tables list for a word: an Arabic name of the lexicon, or a
    Latin spelling on a line of the table of known names (never the matcher's own transliteration)."""
    from casework.people.names import analyse_name
    from casework.people.names.lexicon import arabic_key, line_keys

    tokens = analyse_name(word)
    if len(tokens) != 1:
        return frozenset()
    keys = set()
    for form in tokens[0].forms():
        if form.known and form.known_exact:
            keys.update(line_keys()[line] for line in form.known)
        elif form.script == "arab" and arabic_key(form):
            keys.add(arabic_key(form))
    return frozenset(keys)


def another_real_name(word: str, original: tuple[str, tuple[str, ...]]) -> tuple[str, str]:
    """("material", its Arabic name) when a changed word is another name of the demo material,
    ("lexicon", "") when the matcher's tables list it as another name, else ("", "")."""
    arabic, spellings = original
    own = {_fold(arabic), *(s.lower() for s in spellings)}
    key = _fold(word) if word[:1] >= "\u0600" else word.lower()
    other = _material().get(key)
    if other and _fold(other) != _fold(arabic) and key not in own:
        return "material", other
    listed = _listed_names(word)
    mine = _listed_names(arabic) | frozenset(k for s in spellings for k in _listed_names(s))
    if listed and not (listed & mine):
        return "lexicon", ""
    return "", ""


def _nearest_other(name: tuple[str, tuple[str, ...]], pool: list) -> tuple[str, tuple[str, ...]]:
    """The name of `pool` whose Latin spelling is closest to `name`'s, but a different name."""
    from rapidfuzz.distance import Levenshtein

    spelling = name[1][0].lower()
    others = [n for n in pool if n[0] != name[0]]
    return min(others, key=lambda n: (Levenshtein.distance(spelling, n[1][0].lower()), n[1][0]))


def _orthographic_arabic(rng: random.Random, text: str) -> str:
    variants = [
        lambda t: t.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا"),
        lambda t: t.replace("ة", "ه"),
        lambda t: t.replace("ى", "ي"),
        lambda t: t.replace(" ال", " ال ", 1),
        lambda t: t.replace(" ال", " ", 1),
        lambda t: t[:2] + "ـ" + t[2:],
        lambda t: t[:2] + "\u064e" + t[2:4] + "\u0651" + t[4:],
    ]
    for _ in range(3):
        changed = rng.choice(variants)(text)
        if changed != text:
            return changed
    return text.replace(" ال", " ال ", 1)


def _orthographic_latin(rng: random.Random, family: str) -> str:
    core = family.split("-", 1)[1] if family.lower().startswith("al-") else family
    sun = core[:1].lower() in "tdrzsnl" and not core.lower().startswith("sh")
    options = [core, "Al" + core.lower(), "El " + core, "El-" + core, "AL " + core.upper()]
    if sun:
        options.append(("a" + core[0].lower() + "-" + core).capitalize())
    return rng.choice(options)


def build(rng: random.Random, organisation, count: int) -> list[Target]:
    from casework.demo import names
    from casework.people.choices import AliasKind, DatePrecision, Script, Sex
    from casework.people.models import Alias, Person
    from casework.people.namekeys import person_name_keys_rebuild

    Person.objects.filter(organisation=organisation, case_number__startswith="EVAL-").delete()
    families = [f for style in sorted(names.FAMILY_ARABIC) for f in names.FAMILY_ARABIC[style]]
    persons, plans = [], []
    for i in range(count):
        female = rng.random() < 0.5
        given = rng.choice(names.FEMALE_ARABIC if female else names.MALE_ARABIC)
        parts = {
            "given": given,
            "father": rng.choice(names.MALE_ARABIC),
            "grandfather": rng.choice(names.MALE_ARABIC) if rng.random() < 0.7 else None,
            "family": rng.choice(families),
        }
        parts = {k: v for k, v in parts.items() if v}
        roll = rng.random()
        stored = "latn" if roll < 0.35 else "arab" if roll < 0.6 else "both"
        latin = {k: rng.choice(v[1]) for k, v in parts.items()}
        fields = {}
        for part, (arabic, _spellings) in parts.items():
            if stored in ("latn", "both"):
                fields[f"{part}_name_lat"] = latin[part]
            if stored in ("arab", "both"):
                fields[f"{part}_name_ar"] = arabic
        year = rng.randrange(1960, 2012)
        person = Person(
            organisation=organisation,
            case_number=f"EVAL-{i:06d}",
            sex=Sex.FEMALE if female else Sex.MALE,
            birth_date=date(year, 1, 1),
            birth_date_precision=DatePrecision.YEAR,
            **fields,
        )
        person.refresh_derived_fields()
        persons.append(person)
        kunya = None
        if rng.random() < 0.35:
            prefix = "umm" if female else "abu"
            kunya = (prefix, rng.choice(names.MALE_ARABIC), rng.choice(["arab", "latn"]))
        plans.append((parts, stored, latin, kunya, female))
    Person.objects.bulk_create(persons, batch_size=1000)
    aliases = []
    targets = []
    for person, (parts, stored, latin, kunya, _female) in zip(persons, plans, strict=True):
        if kunya:
            prefix, name, script = kunya
            text = (
                f"{'أم' if prefix == 'umm' else 'أبو'} {name[0]}"
                if script == "arab"
                else f"{prefix.title()} {name[1][0]}"
            )
            alias = Alias(
                person=person,
                kind=AliasKind.KUNYA,
                name=text,
                script=Script.ARABIC if script == "arab" else Script.LATIN,
            )
            alias.name_search = text.lower()
            aliases.append(alias)
        targets.append(Target(person.pk, person.sex, parts, stored, latin, kunya, person.birth_date.year))
    Alias.objects.bulk_create(aliases, batch_size=1000)
    person_name_keys_rebuild(person_ids=[p.pk for p in persons])
    return targets


def _latin_text(parts: dict, spelling: dict[str, str], order=("given", "father", "grandfather", "family")) -> str:
    return " ".join(spelling[p] for p in order if p in parts)


def _arabic_text(parts: dict, order=("given", "father", "grandfather", "family")) -> str:
    return " ".join(parts[p][0] for p in order if p in parts)


def queries_for(rng: random.Random, target: Target) -> list[Query]:
    from casework.demo import names

    parts, out = target.parts, []
    full = {part: name[0] for part, name in parts.items()}
    has_latin = target.stored in ("latn", "both")
    recorded_text = _latin_text(parts, target.latin) if has_latin else _arabic_text(parts)

    # Other transliteration: a different Latin spelling of each part where there is one.
    if has_latin:
        other = {}
        changed = False
        for part, (arabic, spellings) in parts.items():
            alternatives = [s for s in spellings if s != target.latin[part]]
            french = names.FRENCH_SPELLING.get(arabic)
            if french and french != target.latin[part]:
                alternatives.append(french)
            other[part] = rng.choice(alternatives) if alternatives else target.latin[part]
            changed |= bool(alternatives)
        if changed:
            out.append(Query("transliteration", _latin_text(parts, other), target, full))
    # Script swap: the other script than the one recorded.
    if target.stored == "latn":
        out.append(Query("script_swap", _arabic_text(parts), target, full))
    elif target.stored == "arab":
        out.append(
            Query("script_swap", _latin_text(parts, {k: rng.choice(v[1]) for k, v in parts.items()}), target, full)
        )
    # Reorder: family name first, with a comma.
    if has_latin:
        rest = _latin_text(parts, target.latin, ("given", "father", "grandfather"))
        out.append(Query("reorder", f"{target.latin['family'].upper()}, {rest}", target, full))
    else:
        rest = _arabic_text(parts, ("given", "father", "grandfather"))
        out.append(Query("reorder", f"{parts['family'][0]} {rest}", target, full))
    # Dropped middle name(s).
    keep = ("given", "family") if rng.random() < 0.5 else ("given", "father", "family")
    text = _latin_text(parts, target.latin, keep) if has_latin else _arabic_text(parts, keep)
    out.append(Query("dropped_middle", text, target, {p: full[p] for p in keep if p in parts}))
    # Kunya: the kunya in the other script or another spelling, with the given name.
    if target.kunya:
        prefix, name, script = target.kunya
        if script == "arab":
            kunya = f"{rng.choice(['Umm', 'Oum', 'Um']) if prefix == 'umm' else rng.choice(['Abu', 'Abou'])} {rng.choice(name[1])}"
            given = rng.choice(parts["given"][1])
        else:
            kunya = f"{'أم' if prefix == 'umm' else 'أبو'} {name[0]}"
            given = parts["given"][0]
        text = f"{kunya} {given}" if rng.random() < 0.5 else f"{given} {kunya}"
        out.append(Query("kunya", text, target, {"given": full["given"]}, kunya=name[0]))
    # A typing error in one part.
    part = rng.choice([p for p in parts if p != "grandfather"])
    if has_latin:
        typo = dict(target.latin)
        typo[part] = _edit(rng, typo[part], arabic=False)
        query = Query("typo", _latin_text(parts, typo), target, full)
        changed_word = typo[part]
    else:
        words = {p: parts[p][0] for p in parts}
        words[part] = _edit(rng, words[part], arabic=True)
        query = Query(
            "typo",
            " ".join(words[p] for p in ("given", "father", "grandfather", "family") if p in words),
            target,
            full,
        )
        changed_word = words[part]
    # A typing error that makes another real name (Salem → Salim) is indistinguishable from that name.
    query.indistinguishable, query.other_name = another_real_name(changed_word, parts[part])
    if query.other_name:
        query.named = {**full, part: query.other_name}
    out.append(query)
    # Orthographic variants (hamza seats, ta marbuta, tatweel, diacritics, the article).
    if target.stored in ("arab", "both") and (target.stored == "arab" or rng.random() < 0.5):
        out.append(Query("orthographic", _orthographic_arabic(rng, _arabic_text(parts)), target, full))
    else:
        spelling = dict(target.latin)
        spelling["family"] = _orthographic_latin(rng, spelling["family"])
        out.append(Query("orthographic", _latin_text(parts, spelling), target, full))
    # Confusers: the given or the father's name replaced by the most similar different name.
    for kind, part in (("confuser_given", "given"), ("confuser_father", "father")):
        pool = names.FEMALE_ARABIC if (part == "given" and target.sex == "female") else names.MALE_ARABIC
        changed_parts = dict(parts)
        changed_parts[part] = _nearest_other(parts[part], pool)
        changed = {p: name[0] for p, name in changed_parts.items()}
        if has_latin:
            spelling = dict(target.latin)
            spelling[part] = changed_parts[part][1][0]
            query = Query(kind, _latin_text(changed_parts, spelling), target, changed)
        else:
            query = Query(kind, _arabic_text(changed_parts), target, changed)
        # Fair only if the replacement is another name: not another spelling of the same one.
        word = changed_parts[part][1][0] if has_latin else changed_parts[part][0]
        if not another_real_name(word, parts[part])[0]:
            query.indistinguishable = "same name"
        out.append(query)
    del recorded_text
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _share(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f}" if values else "—"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 1.0


def _table(stats: dict[str, dict[str, list]]) -> tuple[str, dict]:
    """The markdown table: each figure strictly (only the target counts), then with namesakes as right answers."""
    rows = [
        "| Kind | Queries | with a namesake | recall@1 | recall@10 | on top and suggested "
        "| recall@1, namesakes | recall@10, namesakes | on top and suggested, namesakes "
        "| confusers: top suggested | confusers: top suggested, not a namesake |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    positive_keys = ("r1", "r10", "top_suggested", "r1_ns", "r10_ns", "top_suggested_ns")
    pos: dict[str, list] = defaultdict(list)
    for kind in POSITIVE_KINDS:
        s = stats[kind]
        for key in (*positive_keys, "namesake", "namesake_born_near", "ceiling", "tie_lost"):
            pos[key] += s[key]
        figures = " | ".join(_share(s[key]) for key in positive_keys)
        rows.append(f"| {kind} | {len(s['r1'])} | {sum(s['namesake'])} | {figures} | | |")
    figures = " | ".join(f"**{_share(pos[key])}**" for key in positive_keys)
    rows.append(f"| **all positives** | {len(pos['r1'])} | {sum(pos['namesake'])} | {figures} | | |")
    conf: dict[str, list] = defaultdict(list)
    for kind in CONFUSER_KINDS:
        s = stats[kind]
        for key in ("suggested", "suggested_not_namesake", "target_suggested", "namesake", "namesake_born_near"):
            conf[key] += s[key]
        rows.append(
            f"| {kind} | {len(s['suggested'])} | {sum(s['namesake'])} | | | | | | "
            f"| {_share(s['suggested'])} | {_share(s['suggested_not_namesake'])} |"
        )
    rows.append(
        f"| **all confusers** | {len(conf['suggested'])} | {sum(conf['namesake'])} | | | | | | "
        f"| **{_share(conf['suggested'])}** | **{_share(conf['suggested_not_namesake'])}** |"
    )
    totals = {
        "positives": len(pos["r1"]),
        "confusers": len(conf["suggested"]),
        "born_near_pos": sum(pos["namesake_born_near"]),
        "born_near_conf": sum(conf["namesake_born_near"]),
        "target_suggested": sum(conf["target_suggested"]),
        "typo": len(stats["typo"]["r1"]),
        "ceiling": _mean(pos["ceiling"]),
        "tie_lost": sum(pos["tie_lost"]),
        "strict_misses": len(pos["r1"]) - sum(pos["r1"]),
        "ceiling_by_kind": {kind: _mean(stats[kind]["ceiling"]) for kind in POSITIVE_KINDS},
    }
    return "\n".join(rows), totals


PROTOCOLS = {
    "name": "name only (no sex, no birth year)",
    "intake": "with the target's sex and birth year, as the intake duplicate check passes them",
}


def evaluate(queries: list[Query], *, user, namesakes: Namesakes, protocol: str, show_failures: int) -> dict:
    """Runs every query through `rank_candidates` under one protocol; the figures per kind and the timings.

    `name`: the text alone (the headline protocol of issue #10). `intake`: the text with the target's
    sex and birth year (a confuser too: the altered name of the same person); a namesake then is one
    born within two years of the target, the others are told apart by the birth year.
    """
    from casework.matching.selectors import rank_candidates

    stats: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    indistinguishable: dict[tuple[str, str], int] = defaultdict(int)
    timings: list[float] = []
    failures: list[str] = []
    load_before = os.getloadavg()
    cpu_started = time.process_time()
    for q in queries:
        extra = {"sex": q.target.sex, "birth_year": q.target.birth_year} if protocol == "intake" else {}
        started = time.perf_counter()
        found = rank_candidates(user=user, text=q.text, limit=10, **extra)
        timings.append((time.perf_counter() - started) * 1000)
        ids = [c.person.pk for c in found]
        born_near = namesakes.of(
            target_id=q.target.person_id,
            sex=q.target.sex,
            named=q.named,
            kunya=q.kunya,
            birth_year=q.target.birth_year,
        )
        if protocol == "intake":
            twins = set(born_near)
        else:
            twins = namesakes.of(target_id=q.target.person_id, sex=q.target.sex, named=q.named, kunya=q.kunya)
        if q.kind == "typo" and q.indistinguishable:
            # Right answers: the target, or a namesake of the name the typo made; not suggesting is right too.
            twins = set(twins)
            if q.other_name:
                twins |= namesakes.of(
                    target_id=q.target.person_id,
                    sex=q.target.sex,
                    named=q.named,
                    birth_year=q.target.birth_year if protocol == "intake" else None,
                )
            twins.discard(q.target.person_id)
        s = stats[q.kind]
        s["namesake"].append(bool(twins) or bool(q.indistinguishable))
        if q.indistinguishable:
            indistinguishable[q.kind, q.indistinguishable] += 1
        s["namesake_born_near"].append(bool(born_near))
        top_suggested = bool(found) and found[0].suggested
        if q.kind in CONFUSER_KINDS:
            s["suggested"].append(top_suggested)
            # A namesake of the altered name suggested on top is a right answer for a different person.
            s["suggested_not_namesake"].append(top_suggested and ids[0] not in twins and not q.indistinguishable)
            # The record the confuser was made from, suggested on top.
            s["target_suggested"].append(top_suggested and ids[0] == q.target.person_id)
            if top_suggested and ids[0] not in twins and len(failures) < show_failures:
                failures.append(f"{q.kind}: {q.text!r} → top {found[0].score} {found[0].reasons}")
        else:
            right = {q.target.person_id} | twins
            s["r1"].append(bool(ids) and ids[0] == q.target.person_id)
            s["r10"].append(q.target.person_id in ids)
            s["top_suggested"].append(bool(ids) and ids[0] == q.target.person_id and top_suggested)
            # No ranking beats chance among records that fit the query equally well: the namesakes that
            # record every part the query names (or, for a typo that made another name, every right answer).
            ties = right
            if not q.indistinguishable:
                ties = namesakes.of(
                    target_id=q.target.person_id,
                    sex=q.target.sex,
                    named=q.named,
                    kunya=q.kunya,
                    birth_year=q.target.birth_year if protocol == "intake" else None,
                    exact=True,
                ) | {q.target.person_id}
            s["ceiling"].append(1 / len(ties))
            mine = next((c for c in found if c.person.pk == q.target.person_id), None)
            # A strict miss where the top candidate ties with the target: lost to the order of equal scores.
            s["tie_lost"].append(bool(mine) and ids[0] != q.target.person_id and found[0].score == mine.score)
            s["r1_ns"].append(bool(ids) and ids[0] in right)
            s["r10_ns"].append(bool(right & set(ids)))
            s["top_suggested_ns"].append(bool(ids) and ids[0] in right and (top_suggested or bool(q.indistinguishable)))
            if not (ids and ids[0] in right and top_suggested) and len(failures) < show_failures:
                failures.append(
                    f"{q.kind}: {q.text!r} → rank {ids.index(q.target.person_id) + 1 if mine else '-'}"
                    f" score {mine.score if mine else '-'} top {found[0].score if found else '-'}"
                    f" {mine.reasons if mine else ''}"
                )
    return {
        "stats": stats,
        "indistinguishable": indistinguishable,
        "timings": timings,
        "failures": failures,
        "load": (load_before, os.getloadavg()),
        "cpu_ms": (time.process_time() - cpu_started) * 1000 / len(queries),  # bench process, with the namesakes
    }


def _summary(
    result: dict, totals: dict, *, protocol: str, persons: int, all_persons: int, targets: int, seed: int
) -> str:
    from casework.matching.selectors import SUGGESTION_THRESHOLD

    timings, indistinguishable = result["timings"], result["indistinguishable"]
    by_kind = ", ".join(f"{kind} {share:.3f}" for kind, share in totals["ceiling_by_kind"].items() if share < 1)
    load_before, load_after = result["load"]
    text = (
        f"Protocol: {PROTOCOLS[protocol]}. "
        f"`rank_candidates` latency over {len(timings)} calls: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms; CPU of the bench process "
        f"{result['cpu_ms']:.1f} ms per query (the matcher's Python side and the namesake look-ups; not PostgreSQL's). "
        f"{persons:,} persons in the organisation searched ({all_persons:,} in the database), "
        f"{targets} evaluation persons, seed {seed}, threshold {SUGGESTION_THRESHOLD}; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        f"({os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, PostgreSQL). "
    )
    if protocol == "intake":
        text += "Namesakes here are those born within two years of the target (the others the birth year tells apart): "
    else:
        text += "Queries whose target has a namesake of the same sex born within two years of it (indistinguishable even with sex and birth year in the query): "
    return text + (
        f"{totals['born_near_pos']} of {totals['positives']} "
        f"positives, {totals['born_near_conf']} of {totals['confusers']} confusers. "
        f"The record a confuser was altered from suggested on top: {totals['target_suggested']} of "
        f"{totals['confusers']}. "
        f"Typo queries whose error made another real name (counted like namesakes: the target or a namesake of "
        f"that name on top is right, suggested or not): {indistinguishable['typo', 'material']} by the demo "
        f"name material, {indistinguishable['typo', 'lexicon']} more by the spellings the matcher's name tables "
        f"list, of {totals['typo']}. Confusers whose replacement is the same name as the original: "
        f"{sum(n for (kind, why), n in indistinguishable.items() if kind in CONFUSER_KINDS)}. "
        f"Strict recall@1 within reach of any matcher under this protocol (the expected share when a tie between "
        f"the target and a namesake who records every part the query names is won as often by either): "
        f"{totals['ceiling']:.3f} ({by_kind or 'every kind 1.000'}). Strict misses whose top candidate has "
        f"the target's own score (a tie, ordered by the older record first): {totals['tie_lost']} of "
        f"{totals['strict_misses']}."
    )


def _write_docs(name: str, table: str, summary: str) -> None:
    start_marker, end_marker = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = DOCS.read_text()
    block = f"{start_marker}\n{table}\n\n{summary}\n{end_marker}"
    if start_marker in text:
        head, rest = text.split(start_marker, 1)
        text = head + block + rest.split(end_marker, 1)[1]
    else:
        text += "\n" + block + "\n"
    DOCS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seed-size", type=int, default=5000)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--docs-block",
        default="matching",
        help="name of the marked block in docs/benchmarks.md (the intake protocol's: <name>-intake)",
    )
    parser.add_argument(
        "--protocols",
        default="name,intake",
        help="comma-separated: name (the headline: name only), intake (with sex and birth year)",
    )
    parser.add_argument("--show-failures", type=int, default=0)
    args = parser.parse_args()
    protocols = [p for p in args.protocols.split(",") if p]
    if not protocols or set(protocols) - set(PROTOCOLS):
        parser.error(f"--protocols: a comma-separated choice of {', '.join(PROTOCOLS)}")
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    setup(url, args.seed_size)

    from django.db import connection
    from django.db.models import Count

    from casework.accounts.models import Organisation, User
    from casework.matching.selectors import rank_candidates
    from casework.people.models import Person

    organisation = Organisation.objects.annotate(n=Count("persons")).order_by("-n").first()
    user = User.objects.filter(organisation=organisation, sees_assigned_only=False, is_superuser=False).first()
    rng = random.Random(args.seed)
    targets = build(rng, organisation, args.targets)
    queries = [q for t in targets for q in queries_for(rng, t)]
    persons = Person.objects.filter(organisation=organisation).count()
    all_persons = Person.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE people_personnamekey")
    for q in queries[:20]:  # warm-up: caches, connection
        rank_candidates(user=user, text=q.text)

    namesakes = Namesakes(organisation)
    for protocol in protocols:
        result = evaluate(queries, user=user, namesakes=namesakes, protocol=protocol, show_failures=args.show_failures)
        table, totals = _table(result["stats"])
        summary = _summary(
            result,
            totals,
            protocol=protocol,
            persons=persons,
            all_persons=all_persons,
            targets=args.targets,
            seed=args.seed,
        )
        print(f"## {PROTOCOLS[protocol]}")
        print(table)
        print()
        print(summary)
        for line in result["failures"]:
            print(line)
        print()
        if args.write_docs:
            _write_docs(args.docs_block if protocol == "name" else f"{args.docs_block}-intake", table, summary)


if __name__ == "__main__":
    main()
