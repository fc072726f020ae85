"""The duplicate scan: pairs of persons inside one organisation who may be the same person.

Run nightly by Celery beat (`casework.matching.tasks.find_duplicate_pairs`) and by
`manage.py find_duplicates`. For each organisation:

1. *Blocking* on the stored name keys (`PersonNameKey`, coarse and known keys): two persons are
   compared when they share a key of the given name and a key of the father's or family name.
   A block shared by many persons (a common name) is compared in birth-year order, each person
   with its next `WINDOW` neighbours born at most `MAX_YEAR_GAP` years apart.
2. *Scoring* with the matcher of `selectors` (the same slots, one-to-one assignment, conflicts,
   sex and birth year), in both directions and in each script that writes the whole name (else
   the scripts mixed), plus what the records share: a relative, the facility they are held in, a
   claimed nationality. Two persons linked to each other as family are different people and never
   a pair.
3. *Storing* each pair once (`DuplicatePair`, lower id first). An open pair is updated; an open
   pair no longer found is removed; a decided pair keeps its decision while the fingerprint of
   both records' names and birth dates is unchanged, and is opened again when it changes.

Deterministic: run twice, the same pairs. Nothing here is logged with names.
"""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from casework.accounts.models import Organisation
from casework.matching.choices import SETTLED, PairStatus
from casework.matching.models import DuplicatePair
from casework.matching.selectors import (
    ALIAS_EXTRA_COST,
    EXTRA_COST,
    SUGGESTION_THRESHOLD,
    _birth_factor,
    _reasons,
    _record_views,
    _score_view,
)
from casework.people.choices import Sex
from casework.people.models import Alias, CustodyPeriod, FamilyLink, NationalityClaim, Person, PersonNameKey
from casework.people.names import analyse_name

logger = logging.getLogger(__name__)

# A pair goes into the queue at this score (the matcher's suggestion threshold).
QUEUE_THRESHOLD = SUGGESTION_THRESHOLD
SMALL_BLOCK = 30  # blocks up to this size: every pair; larger ones: a birth-year window
WINDOW = 25
MAX_YEAR_GAP = 6  # the matcher rules out birth years further apart
SHARED_RELATIVE_BONUS = 0.05
SHARED_FACILITY_BONUS = 0.02
SHARED_NATIONALITY_BONUS = 0.02

NAME_FIELDS = tuple(
    f"{part}_name_{suffix}" for part in ("given", "father", "grandfather", "family") for suffix in ("lat", "ar")
)
BIRTH_FIELDS = ("birth_date", "birth_date_precision", "birth_date_earliest", "birth_date_latest")
BLOCK_PARTS = ("given", "father", "family")


@dataclass
class ScanResult:
    organisations: int = 0
    compared: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    removed: int = 0
    pairs: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class _Facts:
    """What the scan knows about the persons of one organisation, loaded once (a few queries)."""

    persons: dict[int, Person]
    aliases: dict[int, list[tuple[str, str]]]
    relatives: dict[int, set[int]]
    facility: dict[int, tuple[int, str]]
    nationalities: dict[int, set[str]]
    _views: dict[int, Any] = field(default_factory=dict)
    _queries: dict[int, Any] = field(default_factory=dict)

    def views(self, pk: int) -> Any:
        if pk not in self._views:
            self._views[pk] = _record_views(self.persons[pk], self.aliases.get(pk, []))
        return self._views[pk]

    def queries(self, pk: int) -> list[Any]:
        """The person's name as queries: in each script that writes every recorded part, else both mixed.

        A rendering that leaves a part out (a Turkish surname has no Arabic form) would match another
        record's different family name as "missing in the query" and hide the conflict.
        """
        if pk not in self._queries:
            person = self.persons[pk]
            parts = [
                (getattr(person, f"{part}_name_lat"), getattr(person, f"{part}_name_ar"))
                for part in ("given", "father", "grandfather", "family")
            ]
            parts = [(lat, ar) for lat, ar in parts if lat or ar]
            texts = [" ".join(names) for names in zip(*parts, strict=True) if all(names)] if parts else []
            if not texts and parts:
                texts = [" ".join(lat or ar for lat, ar in parts)]
            self._queries[pk] = [tokens for tokens in (analyse_name(text) for text in texts) if tokens]
        return self._queries[pk]


def _load_facts(person_ids: Iterable[int] | None, organisation_id: int) -> _Facts:
    persons_qs = (
        Person.objects.live()
        .filter(organisation_id=organisation_id)
        .only("id", "organisation_id", "sex", *NAME_FIELDS, *BIRTH_FIELDS)
    )
    ids_filter: dict[str, Any] = {"person__organisation_id": organisation_id}
    if person_ids is not None:
        person_ids = list(person_ids)
        persons_qs = persons_qs.filter(pk__in=person_ids)
        ids_filter["person_id__in"] = person_ids
    persons = {person.pk: person for person in persons_qs.iterator(chunk_size=5000)}
    aliases: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for person_id, kind, name in Alias.objects.filter(**ids_filter).values_list("person_id", "kind", "name"):
        aliases[person_id].append((kind, name))
    relatives: dict[int, set[int]] = defaultdict(set)
    for person_id, relative_id in FamilyLink.objects.filter(**ids_filter).values_list("person_id", "relative_id"):
        relatives[person_id].add(relative_id)
        relatives[relative_id].add(person_id)
    facility = {
        person_id: (facility_id, name)
        for person_id, facility_id, name in CustodyPeriod.objects.filter(**ids_filter, end_date__isnull=True)
        .order_by("person_id", "start_date")
        .values_list("person_id", "facility_id", "facility__name")
    }
    nationalities: dict[int, set[str]] = defaultdict(set)
    for person_id, country in NationalityClaim.objects.filter(**ids_filter).values_list("person_id", "country"):
        nationalities[person_id].add(str(country))
    return _Facts(persons, aliases, relatives, facility, nationalities)


def _birth_year(person: Person) -> int | None:
    earliest, latest = person.birth_date_earliest, person.birth_date_latest or person.birth_date_earliest
    return None if earliest is None else (earliest.year + latest.year) // 2


def candidate_pairs(organisation_id: int, persons: dict[int, Person]) -> set[tuple[int, int]]:
    """Pairs of persons (lower id first) sharing a given-name key and a father's or family name key."""
    keys: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    rows = PersonNameKey.objects.filter(
        organisation_id=organisation_id, kind__in=("coarse", "known"), part__in=BLOCK_PARTS
    ).values_list("person_id", "part", "key")
    for person_id, part, key in rows.iterator(chunk_size=20000):
        keys[person_id][part].add(key)
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for person_id, parts in keys.items():
        if person_id not in persons:
            continue
        others = parts["father"] | parts["family"]
        for given in parts["given"]:
            for other in others:
                blocks[given, other].append(person_id)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        if len(members) <= SMALL_BLOCK:
            pairs.update((a, b) if a < b else (b, a) for a, b in combinations(members, 2))
            continue
        # A common name: neighbours in birth-year order (unknown years last, among themselves).
        ordered = sorted(members, key=lambda pk: (_birth_year(persons[pk]) or 9999, pk))
        for i, a in enumerate(ordered):
            year_a = _birth_year(persons[a]) or 9999
            for b in ordered[i + 1 : i + 1 + WINDOW]:
                if (_birth_year(persons[b]) or 9999) - year_a > MAX_YEAR_GAP:
                    break
                pairs.add((a, b) if a < b else (b, a))
    return pairs


def pair_score(facts: _Facts, a: int, b: int) -> tuple[float, list[str]] | None:
    """Score (0–1) and reasons for persons `a` and `b` being one person; None when ruled out."""
    person_a, person_b = facts.persons[a], facts.persons[b]
    if Sex.UNKNOWN not in (person_a.sex, person_b.sex) and person_a.sex != person_b.sex:
        return None
    if b in facts.relatives.get(a, ()):
        return None  # recorded as relatives of each other: two people
    best_score, best_details, best_factor, best_birth = 0.0, [], 1.0, ""
    for query_pk, record_pk in ((a, b), (b, a)):
        factor, birth_reason = _birth_factor(facts.persons[record_pk], _birth_year(facts.persons[query_pk]))
        if factor is None:
            return None
        for tokens in facts.queries(query_pk):
            for view_index, slots in enumerate(facts.views(record_pk)):
                score, details = _score_view(tokens, slots, EXTRA_COST if view_index == 0 else ALIAS_EXTRA_COST)
                if score * factor > best_score * best_factor:
                    best_score, best_details, best_factor, best_birth = score, details, factor, birth_reason
    if best_score <= 0:
        return None
    score = best_score * best_factor
    reasons = _reasons(best_details)
    if best_birth:
        reasons.append(best_birth)
    shared_relatives = facts.relatives.get(a, set()) & facts.relatives.get(b, set())
    if shared_relatives:
        score += SHARED_RELATIVE_BONUS
        reasons.append(_("both linked to the same relative"))
    facility_a, facility_b = facts.facility.get(a), facts.facility.get(b)
    if facility_a and facility_b and facility_a[0] == facility_b[0]:
        score += SHARED_FACILITY_BONUS
        reasons.append(_("both held in %(facility)s") % {"facility": facility_a[1]})
    shared_countries = facts.nationalities.get(a, set()) & facts.nationalities.get(b, set())
    if shared_countries:
        score += SHARED_NATIONALITY_BONUS
        names = ", ".join(sorted(str(countries.name(code)) for code in shared_countries))
        reasons.append(_("both claim the nationality of %(countries)s") % {"countries": names})
    return round(min(score, 1.0), 4), reasons


def fingerprint(person: Person, aliases: list[tuple[str, str]]) -> str:
    """What a decision about the person rests on: the names (aliases too) and the birth date."""
    values = [str(getattr(person, name) or "") for name in (*NAME_FIELDS, *BIRTH_FIELDS)]
    values += sorted(f"{kind}:{name}" for kind, name in aliases)
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()


def pair_fingerprint(facts: _Facts, a: int, b: int) -> str:
    both = fingerprint(facts.persons[a], facts.aliases.get(a, [])) + fingerprint(
        facts.persons[b], facts.aliases.get(b, [])
    )
    return hashlib.sha256(both.encode()).hexdigest()


def current_fingerprint(pair: DuplicatePair) -> str:
    """The fingerprint of the pair's two records as they are now (for a decision being recorded)."""
    facts = _load_facts([pair.person_a_id, pair.person_b_id], pair.organisation_id)
    return pair_fingerprint(facts, pair.person_a_id, pair.person_b_id)


def duplicates_scan_organisation(*, organisation_id: int, result: ScanResult | None = None) -> ScanResult:
    """Find the likely duplicate pairs of one organisation and bring the queue in step (see module doc)."""
    result = result or ScanResult()
    facts = _load_facts(None, organisation_id)
    found: dict[tuple[int, int], tuple[float, list[str], str]] = {}
    # Reasons are stored in the site's language; the comparison page computes them again in the reader's.
    with translation.override(settings.LANGUAGE_CODE):
        for a, b in sorted(candidate_pairs(organisation_id, facts.persons)):
            result.compared += 1
            scored = pair_score(facts, a, b)
            if scored is not None and scored[0] >= QUEUE_THRESHOLD:
                found[a, b] = (scored[0], scored[1], pair_fingerprint(facts, a, b))
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (pair.person_a_id, pair.person_b_id): pair
            for pair in DuplicatePair.objects.select_for_update().filter(organisation_id=organisation_id)
        }
        to_create, to_update = [], []
        for key, (score, reasons, print_) in found.items():
            pair = existing.get(key)
            if pair is None:
                to_create.append(
                    DuplicatePair(
                        organisation_id=organisation_id,
                        person_a_id=key[0],
                        person_b_id=key[1],
                        score=score,
                        reasons=reasons,
                        fingerprint=print_,
                    )
                )
                continue
            changed = (pair.score, pair.reasons, pair.fingerprint) != (score, reasons, print_)
            if pair.status in SETTLED:
                if pair.fingerprint == print_:
                    continue  # decided, and neither record changed its names or birth date since
                pair.previous_status, pair.status = pair.status, PairStatus.OPEN
                result.reopened += 1
            if changed:
                pair.score, pair.reasons, pair.fingerprint, pair.updated_at = score, reasons, print_, now
                to_update.append(pair)
        stale = [pair.pk for key, pair in existing.items() if key not in found and pair.status == PairStatus.OPEN]
        DuplicatePair.objects.bulk_create(to_create, batch_size=1000)
        DuplicatePair.objects.bulk_update(
            to_update, ["score", "reasons", "fingerprint", "status", "previous_status", "updated_at"], batch_size=1000
        )
        DuplicatePair.objects.filter(pk__in=stale).delete()
    result.organisations += 1
    result.created += len(to_create)
    result.updated += len(to_update)
    result.removed += len(stale)
    result.pairs.update(found)
    return result


def duplicates_scan(*, organisation_ids: Iterable[int] | None = None) -> ScanResult:
    """Scan every organisation (or the given ones), one after the other."""
    ids = list(organisation_ids) if organisation_ids is not None else None
    organisations = Organisation.objects.order_by("pk").values_list("pk", flat=True)
    if ids is not None:
        organisations = organisations.filter(pk__in=ids)
    result = ScanResult()
    for organisation_id in organisations:
        duplicates_scan_organisation(organisation_id=organisation_id, result=result)
    logger.info(
        "duplicate scan: %s organisations, %s pairs compared, %s created, %s updated, %s reopened, %s removed",
        result.organisations,
        result.compared,
        result.created,
        result.updated,
        result.reopened,
        result.removed,
    )
    return result


def pair_reasons(pair: DuplicatePair) -> list[str]:
    """The reasons for the pair as they stand now, in the active language (the comparison page)."""
    facts = _load_facts([pair.person_a_id, pair.person_b_id], pair.organisation_id)
    if len(facts.persons) != 2:
        return []
    scored = pair_score(facts, pair.person_a_id, pair.person_b_id)
    return scored[1] if scored else []
