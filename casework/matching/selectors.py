"""Identity resolution: who, among the persons a user may see, is the person whose name was typed.

`rank_candidates` is the one entry point (list search, intake duplicate check, pickers, admin
search and the outside evaluation call it). It works in two steps:

1. *Blocking*: the query's tokens give keys (`casework.people.names`); the name-key index
   (`PersonNameKey`) gives the persons sharing the rarest keys, weighted by rarity. No scan.
2. *Scoring*: each candidate's name parts (given, father, grandfather, family; Arabic and Latin
   spellings of a part are alternatives) and aliases are matched one to one with the query's tokens,
   in any order. A conflicting part costs much more than a missing one. Sex conflicts rule a
   candidate out; the distance between birth years counts, estimated dates widened.

A constant number of queries (four), whatever the number of candidates. See docs/matching.md.
"""

import hashlib
import itertools
import logging
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.people.choices import Sex
from casework.people.models import Alias, Person, PersonNameKey
from casework.people.names import GOOD_SIMILARITY, NameToken, analyse_name, token_similarity

logger = logging.getLogger(__name__)

# At or above this score the interface offers a candidate as the same person. Calibrated with
# bench/matching.py: a different given or father's name, all else equal, stays below it.
SUGGESTION_THRESHOLD = 0.75
MAX_CANDIDATES = 80  # persons scored per query, the best of the blocking step
MAX_BLOCKING_ROWS = 12_000  # index rows read per query at most (the rarest keys first)
GOOD_MATCH = GOOD_SIMILARITY  # a token pair at or above this is "the same name"
SOFT_KEY_FACTOR = 0.9  # the weight of a key one register confusion away, against the token's own (blocking)

PART_WEIGHTS = {"given": 0.35, "father": 0.25, "grandfather": 0.1, "family": 0.3}
KUNYA_WEIGHT = 0.25
MISSING_COST = 0.1  # share of a part's weight that a part left out of the query costs
EXTRA_COST = 0.25  # what a query name absent from the record costs (it cannot be checked)
ALIAS_EXTRA_COST = 0.4  # the same against one alias alone: an alias is a whole name
PART_LABELS = {
    "given": gettext_lazy("given name"),
    "father": gettext_lazy("father's name"),
    "grandfather": gettext_lazy("grandfather's name"),
    "family": gettext_lazy("family name"),
    "kunya": gettext_lazy("kunya"),
    "alias": gettext_lazy("other name"),
}
WHY_LABELS = {
    "same": gettext_lazy("same spelling"),
    "known": gettext_lazy("known spelling"),
    "transliteration": gettext_lazy("transliteration"),
    "typo": gettext_lazy("typing error?"),
}


@dataclass
class Candidate:
    """A person who may be the one the query names, with the score and the reasons for it."""

    person: Person
    score: float
    suggested: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Slot:
    part: str
    weight: float
    alternatives: list[tuple[NameToken, str]]  # token, the text as written in the record
    optional: bool = False  # kunyas: absent from the query costs nothing
    role: str = ""  # the place in the name for the chain rules when not `part` (an alias's words by position)

    @property
    def place(self) -> str:
        return self.role or self.part


def _part_slots(part: str, weight: float, latin: str, arabic: str) -> list[_Slot]:
    lat = [(t, latin) for t in analyse_name(latin)]
    ar = [(t, arabic) for t in analyse_name(arabic)]
    if not lat and not ar:
        return []
    if len(lat) == len(ar) or not lat or not ar:
        longest = max(len(lat), len(ar))
        return [
            _Slot(
                part,
                weight / longest,
                [x for x in (lat[i] if i < len(lat) else None, ar[i] if i < len(ar) else None) if x],
            )
            for i in range(longest)
        ]
    longer, shorter = (lat, ar) if len(lat) > len(ar) else (ar, lat)
    return [_Slot(part, weight / len(longer), [token, *shorter]) for token in longer]


# Aliases that are the person's whole name in the usual order (given name first): their words take the
# places of the parts by position, so that the chain rules hold for them as for the record's own parts.
WHOLE_NAME_ALIASES = frozenset({"spelling", "birth_name", "married_name"})


def _places(count: int) -> list[str]:
    """The part each of `count` words of a whole name written in the usual order names."""
    if count < 2:
        return [""] * count
    middle = ["father", "grandfather"] + ["grandfather"] * max(0, count - 4)
    return ["given", *middle[: count - 2], "family"]


def _record_views(person: Person, aliases: list[tuple[str, str]]) -> list[list[_Slot]]:
    """The ways the record can be named: its name parts (with kunyas), then each other alias alone."""
    main: list[_Slot] = []
    for part, weight in PART_WEIGHTS.items():
        main += _part_slots(part, weight, getattr(person, f"{part}_name_lat"), getattr(person, f"{part}_name_ar"))
    views = [main]
    for kind, name in aliases:
        tokens = [(t, name) for t in analyse_name(name)]
        if not tokens:
            continue
        if kind == "kunya" or all(t.kind != "name" for t, _ in tokens):
            main.extend(_Slot("kunya", KUNYA_WEIGHT, [pair], optional=True) for pair in tokens)
        else:
            names = [i for i, (t, _) in enumerate(tokens) if t.kind == "name"]
            roles = dict(zip(names, _places(len(names)), strict=True)) if kind in WHOLE_NAME_ALIASES else {}
            views.append(
                [_Slot("alias", 1.0 / len(tokens), [pair], role=roles.get(i, "")) for i, pair in enumerate(tokens)]
            )
    return views


def _adjusted(similarity: float) -> float:
    """A pair below GOOD_MATCH is a conflict that weighs against the record, steeply (at most its weight again)."""
    if similarity >= GOOD_MATCH:
        return similarity
    return max(-1.0, similarity - 3.0 * (GOOD_MATCH - similarity))


CHAIN = {"given": 0, "father": 1, "grandfather": 2}
CONFLICT_FACTOR = 0.85  # each conflicting part, whatever its weight, makes "the same person" less likely
CHAIN_INVERTED = 0.6  # "Ammar Hussein" is not "Hussein Ammar": the son of one is the father of the other


def _twins(query: list[NameToken]) -> set[int]:
    """Positions of the query's names that it gives twice (Yusuf Yusuf, al-Hassan and Hassan)."""
    return {
        i
        for i, a in enumerate(query)
        for j, b in enumerate(query)
        if i != j and token_similarity(a, b)[0] >= GOOD_MATCH
    }


def _chain_inverted(matched: list[tuple[Any, ...]], twins: set[int]) -> bool:
    """True when the query names the nasab chain in another order than the record (given/father swapped).

    A name the query gives twice (`twins`: Yusuf Yusuf, or al-Hassan and Hassan) says nothing about order.
    """
    chain = sorted(
        (index, CHAIN[slot.place])
        for slot, sim, _why, index, _alt in matched
        if slot.place in CHAIN and sim >= GOOD_MATCH and index not in twins
    )
    return any(later[1] < earlier[1] for earlier, later in itertools.pairwise(chain))


def _family_inside(matched: list[tuple[Any, ...]], twins: set[int]) -> bool:
    """True when the query writes the record's family name between two names of its nasab chain.

    Every convention writes the family name last or first ("Adam Ziad Abdelaziz al-Rawi", "AL-RAWI, Adam
    Ziad"), never between the given and the father's name: "Adam al-Zaidi Abdulaziz" is not that order.
    """
    good = [(qi, slot.place) for slot, sim, _why, qi, _alt in matched if sim >= GOOD_MATCH and qi not in twins]
    chain = [qi for qi, place in good if place in CHAIN]
    return bool(chain) and any(min(chain) < qi < max(chain) for qi, place in good if place == "family")


def _chain_shifted(query: list[NameToken], slots: list[_Slot], matched: list[tuple[Any, ...]]) -> bool:
    """True when the record's given name is left out but its father's or grandfather's name matched, or
    when a name the query writes after bin/ben/bint/ould (a father's or a family name) is the record's given name.

    "Said Abdulrahman al-Qahtani" names Said son of Abdulrahman, not a son of Said; "Rachid Ben Salem"
    names Rachid of the Ben Salem, not a man called Salem.
    """
    good = {slot.place for slot, sim, *_rest in matched if sim >= GOOD_MATCH}
    used = {slot.place for slot, *_rest in matched}
    has_given = any(slot.place == "given" for slot in slots)
    if any(
        slot.place == "given" and sim >= GOOD_MATCH and query[qi].filiation for slot, sim, _why, qi, _alt in matched
    ):
        return True
    return has_given and "given" not in used and bool(good & {"father", "grandfather"})


def _named_before_given(query: list[NameToken], matched: list[tuple[Any, ...]], used_q: set[int]) -> bool:
    """True when the query begins with a name the record lacks, and the record's given name comes after it.

    "Rasha Yusuf Mohammad al-Hayali" names Rasha, daughter of Yusuf: not Yusuf Mohammed al-Hayali himself.
    """
    given_at = [qi for slot, sim, _why, qi, _alt in matched if slot.place == "given" and sim >= GOOD_MATCH]
    if not given_at:
        return False
    return any(qi not in used_q and query[qi].kind == "name" for qi in range(given_at[0]))


def _score_view(
    query: list[NameToken], slots: list[_Slot], extra_cost: float = EXTRA_COST, family_first: bool = False
) -> tuple[float, list[tuple[Any, ...]]]:
    """Score of one way of naming the record, and what matched: one-to-one, greedy on similarity."""
    if not slots:
        return 0.0, []
    pairs = []
    for qi, token in enumerate(query):
        for si, slot in enumerate(slots):
            best = (0.0, "different", slot.alternatives[0])
            for alternative in slot.alternatives:
                sim, why = token_similarity(token, alternative[0])
                if sim > best[0]:
                    best = (sim, why, alternative)
            # Ties (a name given twice in the chain) go to the heavier part, then to the query's order.
            pairs.append((best[0], slot.weight, -abs(qi - si) * 1e-3, qi, si, best[1], best[2]))
    pairs.sort(reverse=True)
    used_q: set[int] = set()
    used_s: set[int] = set()
    matched = []
    by_position = {}
    for sim, _weight, _order, qi, si, why, alternative in pairs:
        by_position[qi, si] = (sim, why, alternative)
        if qi in used_q or si in used_s or sim < GOOD_MATCH:
            continue
        used_q.add(qi)
        used_s.add(si)
        matched.append((slots[si], sim, why, qi, alternative))
    # The names left on both sides conflict, paired in the order they were written (given name first).
    left_q = [qi for qi in range(len(query)) if qi not in used_q]
    left_s = [si for si, slot in enumerate(slots) if si not in used_s and not slot.optional]
    for qi, si in zip(left_q, left_s, strict=False):
        sim, why, alternative = by_position[qi, si]
        used_q.add(qi)
        used_s.add(si)
        matched.append((slots[si], sim, why, qi, alternative))
    numerator = 0.0
    denominator = 0.0
    good = 0
    for slot, sim, _why, _token, _alternative in matched:
        numerator += slot.weight * _adjusted(sim)
        denominator += slot.weight
        good += sim >= GOOD_MATCH
    missing = [slot for si, slot in enumerate(slots) if si not in used_s and not slot.optional]
    denominator += sum(slot.weight * MISSING_COST for slot in missing)
    denominator += extra_cost * (len(query) - len(used_q))
    if denominator <= 0:
        return 0.0, []
    score = max(0.0, numerator / denominator)
    if good < 2:
        score *= 0.75  # one matching name is not enough to say "the same person"
    prefixed = not family_first and _named_before_given(query, matched, used_q)
    twins = _twins(query)  # once per view: both order rules leave the query's repeated names aside
    inverted = _chain_inverted(matched, twins) or _family_inside(matched, twins)
    if inverted or _chain_shifted(query, slots, matched) or prefixed:
        score *= CHAIN_INVERTED
    conflicts = sum(1 for slot, sim, *_rest in matched if sim < GOOD_MATCH and not slot.optional)
    score *= CONFLICT_FACTOR**conflicts
    details = [(slot, sim, why, query[qi], alternative) for slot, sim, why, qi, alternative in matched]
    return min(score, 1.0), [*details, *(("missing", slot) for slot in missing)]


def _birth_years(person: Person) -> tuple[int, int] | None:
    earliest, latest = person.birth_date_earliest, person.birth_date_latest or person.birth_date_earliest
    if earliest is None:
        return None
    return earliest.year, latest.year


def _birth_factor(person: Person, birth_year: int | None) -> tuple[float | None, str]:
    """Factor for the birth year (None rules the candidate out), and a reason line."""
    if birth_year is None:
        return 1.0, ""
    years = _birth_years(person)
    if years is None:
        return 1.0, ""
    low, high = years
    if low != high:  # an estimated date: a year either way is within the estimate
        low, high = low - 1, high + 1
    distance = max(0, low - birth_year, birth_year - high)
    shown = str(low) if years[0] == years[1] else f"{years[0]}–{years[1]}"
    if distance == 0:
        exact = years[0] == years[1] == birth_year
        return (1.02 if exact else 1.0), _("born %(born)s, as the query says") % {"born": shown}
    if distance > 6:
        return None, ""
    reason = _("born %(born)s, query says %(query)s") % {"born": shown, "query": birth_year}
    return 1.0 - 0.05 * distance - 0.01 * distance * distance, reason


def _shown(token: NameToken) -> str:
    return token.text.title() if token.script == "latn" else token.text


def _reasons(details: list[tuple[Any, ...]]) -> list[str]:
    lines = []
    for item in details:
        if item[0] == "missing":
            lines.append(_("%(part)s missing in the query") % {"part": PART_LABELS[item[1].part]})
            continue
        slot, sim, why, token, (_record_token, record_text) = item
        label = PART_LABELS[slot.part]
        if sim >= GOOD_MATCH:
            if why == "same":
                lines.append(_("%(part)s %(name)s") % {"part": label, "name": record_text})
            else:
                lines.append(
                    _("%(part)s %(name)s ≈ %(query)s (%(why)s)")
                    % {"part": label, "name": record_text, "query": _shown(token), "why": WHY_LABELS[why]}
                )
        else:
            lines.append(
                _("%(part)s differs: %(name)s, query says %(query)s")
                % {"part": label, "name": record_text, "query": _shown(token)}
            )
    return lines


FREQUENCY_CACHE_SECONDS = 600


def _frequency_cache_key(scope: Any, key: str) -> str:
    # Hashed: a name key is derived from a person's name and does not belong in a cache key as such.
    return "matching:freq:" + hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:24]


def _key_frequencies(index: Any, *, scope: Any, keys: dict[str, int]) -> dict[str, int]:
    """Persons per key in the scope. Counts of common keys are cached a while (they only weigh keys);
    a key not found is never cached, so that a newly registered name is found at once."""
    cache_keys = {_frequency_cache_key(scope, key): key for key in keys}
    cached = cache.get_many(list(cache_keys))
    frequencies = {cache_keys[ck]: n for ck, n in cached.items()}
    missing = [key for key in keys if key not in frequencies]
    if missing:
        counted = dict(
            index.filter(key__in=missing)
            .values("key")
            .annotate(n=Count("person_id", distinct=True))
            .values_list("key", "n")
        )
        frequencies.update(counted)
        common = {_frequency_cache_key(scope, key): n for key, n in counted.items() if n >= 50}
        if common:
            cache.set_many(common, FREQUENCY_CACHE_SECONDS)
    return frequencies


def _expected_parts(query: list[NameToken], *, family_first: bool) -> list[str]:
    """The part each query token most likely names, from its position (a tie-breaker for blocking)."""
    names = [i for i, token in enumerate(query) if token.kind == "name"]
    order = ["given", "father", "grandfather"]
    expected = ["kunya"] * len(query)
    if family_first and names:
        expected[names[0]] = "family"
        names = names[1:]
    elif len(names) >= 2:
        expected[names[-1]] = "family"
        names = names[:-1]
    for position, i in enumerate(names):
        expected[i] = order[min(position, len(order) - 1)]
    return expected


def _blocking_ids(*, user: Any, query: list[NameToken], sex: str | None, family_first: bool = False) -> list[int]:
    """Persons sharing the query's rarest keys, best first.

    A person's weight is, for each query token, the rarity of the rarest of its keys the person
    has (a name written in several parts or scripts counts once), summed over the tokens.
    """
    token_of: dict[str, int] = {}
    for index_, token in enumerate(query):
        for form in token.forms():
            for key in (form.coarse_key, *form.known_keys):
                token_of.setdefault(key, index_)
    # Keys one register confusion away (Gailani for الكيلاني/Kilani, Khasan for Hasan): the scoring takes
    # such spellings for the same name, so blocking must find them. Read only while the rows read stay
    # under half the budget, and weighed below the token's own keys.
    soft: dict[str, int] = {}
    for index_, token in enumerate(query):
        for form in token.forms():
            for key in form.soft_keys:
                if key not in token_of:
                    soft.setdefault(key, index_)
    token_of.update(soft)
    index = PersonNameKey.objects.filter(key__in=token_of, kind__in=("coarse", "known"))
    scope_sql, scope_params = "", []
    if not user.is_superuser:
        index = index.filter(organisation_id=user.organisation_id)
        scope_sql, scope_params = " AND k.organisation_id = %s", [user.organisation_id]
        if getattr(user, "sees_assigned_only", False):
            visible = Person.objects.visible_to(user).values("pk")
            index = index.filter(person__in=visible)
            visible_sql, visible_params = visible.query.sql_with_params()
            scope_sql += f" AND k.person_id IN ({visible_sql})"
            scope_params += list(visible_params)
    frequencies = _key_frequencies(index, scope=user.organisation_id if not user.is_superuser else "all", keys=token_of)
    if not frequencies:
        return []
    total = max((n for k, n in frequencies.items() if k not in soft), default=max(frequencies.values())) + 1
    chosen: set[str] = set()
    rows = 0
    for position in range(len(query)):  # the rarest key of each token, always
        present = [k for k, t in token_of.items() if t == position and k in frequencies and k not in soft]
        if present:
            rarest = min(present, key=frequencies.__getitem__)
            chosen.add(rarest)
            rows += frequencies[rarest]
    for key in sorted((k for k in frequencies if k not in soft), key=frequencies.__getitem__):
        if key not in chosen and rows + frequencies[key] <= MAX_BLOCKING_ROWS:
            chosen.add(key)
            rows += frequencies[key]
    for key in sorted((k for k in frequencies if k in soft), key=frequencies.__getitem__):
        if rows + frequencies[key] <= MAX_BLOCKING_ROWS // 2:  # a bounded extra: at most half the rows
            chosen.add(key)
            rows += frequencies[key]
    expected = _expected_parts(query, family_first=family_first)
    rarity = {key: 1.0 + math.log(total / frequencies[key]) for key in chosen}
    # A key one register confusion away never weighs more than the token's own keys (a rare Khasanov must
    # not outweigh the common Hassan that the query wrote), and a little less.
    own_best: dict[int, float] = {}
    for key in chosen:
        if key not in soft:
            own_best[token_of[key]] = max(own_best.get(token_of[key], 0.0), rarity[key])
    for key in chosen:
        if key in soft:
            rarity[key] = SOFT_KEY_FACTOR * min(rarity[key], own_best.get(token_of[key], rarity[key]))
    weights = sorted((key, token_of[key], max(0.1, rarity[key]), expected[token_of[key]]) for key in chosen)
    sex_sql, sex_params = "", []
    if sex in (Sex.FEMALE, Sex.MALE):
        sex_sql = f" JOIN {Person._meta.db_table} p ON p.id = k.person_id AND p.sex IN (%s, %s)"
        sex_params = [sex, Sex.UNKNOWN]
    values_sql = ", ".join(["(%s, %s, %s, %s)"] * len(weights))
    # Only placeholders, table names and the compiled scope query go into the text; values are parameters
    # (reviewed: hence the `nosec B608` for bandit).
    sql = (
        f"WITH w(key, tok, weight, part) AS (VALUES {values_sql}) "  # noqa: S608  # nosec B608
        "SELECT person_id, SUM(best) AS score FROM ("
        # A key found in the part the query's word order suggests counts a little more (a tie-breaker
        # among the many persons who share common names in some part).
        " SELECT k.person_id AS person_id, w.tok AS tok,"
        " MAX(CASE WHEN k.part = w.part THEN w.weight * 1.25 ELSE w.weight END) AS best"
        f" FROM {PersonNameKey._meta.db_table} k JOIN w ON w.key = k.key{sex_sql}"
        f" WHERE k.kind IN (%s, %s){scope_sql}"
        " GROUP BY k.person_id, w.tok"
        ") t GROUP BY person_id ORDER BY score DESC, person_id LIMIT %s"
    )
    params = [value for row in weights for value in row] + sex_params + ["coarse", "known", *scope_params]
    params.append(MAX_CANDIDATES)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def rank_candidates(
    *, user: Any, text: str, sex: str | None = None, birth_year: int | None = None, limit: int = 10
) -> list[Candidate]:
    """The persons `user` may see whose name may be `text`, best first (at most `limit`).

    `text` is a full name as typed, in either script and any order, with or without particles and
    kunya; `sex` a `Sex` value or None; `birth_year` an int or None. Never raises on bad input:
    text with no usable name gives [].
    """
    try:
        query = analyse_name(text if isinstance(text, str) else "")
        limit = max(1, min(int(limit), 100))
        birth_year = int(birth_year) if birth_year not in (None, "") else None
    except (TypeError, ValueError):
        return []
    if not query:
        return []
    if sex not in (Sex.FEMALE, Sex.MALE):
        sex = None
    # "AL-ALI, Fatima"; a passport's machine-readable zone writes the family name first and "<<" after it
    # (ICAO Doc 9303: AL<ALI<<FATIMA<HUSSEIN).
    family_first = isinstance(text, str) and ("," in text or "،" in text or "<<" in text)
    ids = _blocking_ids(user=user, query=query, sex=sex, family_first=family_first)
    if not ids:
        return []
    persons = list(Person.objects.visible_to(user).filter(pk__in=ids))
    aliases: dict[int, list[tuple[str, str]]] = {}
    for person_id, kind, name in Alias.objects.filter(person_id__in=ids).values_list("person_id", "kind", "name"):
        aliases.setdefault(person_id, []).append((kind, name))
    candidates = []
    for person in persons:
        if sex and person.sex not in (sex, Sex.UNKNOWN):
            continue
        factor, birth_reason = _birth_factor(person, birth_year)
        if factor is None:
            continue
        best_score, best_details = 0.0, []
        for view, slots in enumerate(_record_views(person, aliases.get(person.pk, []))):
            extra_cost = EXTRA_COST if view == 0 else ALIAS_EXTRA_COST
            score, details = _score_view(query, slots, extra_cost, family_first=family_first)
            if score > best_score:
                best_score, best_details = score, details
        if best_score <= 0:
            continue
        score = round(min(1.0, best_score * factor), 4)
        reasons = _reasons(best_details)
        if birth_reason:
            reasons.append(birth_reason)
        candidates.append(
            Candidate(person=person, score=score, suggested=score >= SUGGESTION_THRESHOLD, reasons=reasons)
        )
    candidates.sort(key=lambda c: (-c.score, c.person.pk))
    return candidates[:limit]
