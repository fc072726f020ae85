"""The family-unity check: would a request's decisions, or a planned handover, separate a child from family?

Terms:
- *leaving*: the persons who would leave the camps under a request: those the State accepted
  (decision-based check), or those chosen for a handover operation (handover check).
- *in the camps*: alive and with a case that has not left (not handed over, repatriated or closed).
- a *child* is under 18 on the youngest plausible reading of the date of birth; a person whose age is
  not known counts as a child, so that a missing date never hides a split.
- a *separation* is a child and a parent or sibling (linked by `people.FamilyLink`), both in the
  camps, of whom exactly one is leaving: children accepted and their mother refused, one sibling
  accepted and another refused or not covered, or a mother leaving without her child. A child whose
  parents and siblings are not in the camps (none recorded, deceased, already returned) is not flagged.

Planning a handover that separates a child from a *parent* needs the approval this module checks
(`separation_blockers`): the approving user's permission, the child's completed best-interests
determination that allows it, and the consent of the parent who is present in the camps. A split of
siblings is flagged but not blocked.

Every function reads in a constant number of queries, whatever the number of requests, persons and links.
Which requests split a family, and the children concerned, are found in SQL (`splitting`, `_split_links`:
ids and dates only, no person loaded); the persons are loaded, without their encrypted fields, only for
the requests whose separations are named (`separations_for_requests`). Both forms of the rule live here and
must say the same: `_split_links` is `_separations` seen from the links of the persons who leave.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core.dates import anniversary
from casework.core.fields import EncryptedTextField
from casework.govrequests.choices import ACCEPTED_DECISIONS, Decision, RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestedPerson
from casework.people.choices import AssessmentKind, CaseStatus, Relation, Sex
from casework.people.models import Assessment, FamilyLink, Person

ADULT_AGE = 18
APPROVE_SEPARATION_PERMISSION = "people.approve_family_separation"
PARENT_RELATIONS = frozenset({Relation.MOTHER, Relation.FATHER})
# Cases that have left the camps: a relative in one of these is not left behind.
LEFT_CAMPS_STATUSES = frozenset({CaseStatus.HANDED_OVER, CaseStatus.REPATRIATED, CaseStatus.CLOSED})
# Requests whose decisions may still lead to a handover: the ones the home page checks.
DECIDED_OPEN_STATUSES = frozenset(
    {RequestStatus.ACCEPTED, RequestStatus.PARTIALLY_ACCEPTED, RequestStatus.OPERATION_PLANNED}
)


@dataclass(frozen=True)
class Separation:
    """A child and a parent or sibling of whom exactly one would leave."""

    child: Person
    relative: Person
    relation: str  # the relative's relation to the child: mother, father, sibling (or "parent" if unknown sex)
    child_leaves: bool
    # The decision on the request about the one who stays; None when the request does not cover them.
    staying_decision: str | None

    @property
    def is_parent(self) -> bool:
        return self.relation != Relation.SIBLING

    @property
    def staying(self) -> Person:
        return self.relative if self.child_leaves else self.child

    @property
    def leaving(self) -> Person:
        return self.child if self.child_leaves else self.relative

    def relation_label(self) -> str:
        if self.relation in Relation.values:
            return str(Relation(self.relation).label).lower()
        return _("parent")

    def staying_label(self) -> str:
        """Why the one who stays is not leaving: the State's decision, or not covered by the request."""
        if self.staying_decision is None:
            return _("not covered by the request")
        return str(Decision(self.staying_decision).label).lower()


def is_child(person: Person, on: date) -> bool:
    """Under 18 on the youngest plausible reading of the date of birth; unknown age counts as a child."""
    age = person.age_on(on, oldest=False)
    return age is None or age < ADULT_AGE


def in_camps(person: Person) -> bool:
    return person.date_of_death is None and person.status not in LEFT_CAMPS_STATUSES


def _parent_relation(parent: Person) -> str:
    if parent.sex == Sex.FEMALE:
        return Relation.MOTHER
    if parent.sex == Sex.MALE:
        return Relation.FATHER
    return "parent"


# Never read by the rule nor by its sentences: not loaded (nor decrypted) with the persons it names.
ENCRYPTED_FIELDS = tuple(f.name for f in Person._meta.concrete_fields if isinstance(f, EncryptedTextField))


def _links_of(person_ids: Iterable[int]) -> dict[int, list[FamilyLink]]:
    """Parent, child and sibling links of the persons, with each relative, in one query."""
    links: dict[int, list[FamilyLink]] = defaultdict(list)
    rows = (
        FamilyLink.objects.filter(
            person_id__in=list(person_ids), relation__in=[*PARENT_RELATIONS, Relation.CHILD, Relation.SIBLING]
        )
        .select_related("relative")
        .defer(*(f"relative__{f}" for f in ENCRYPTED_FIELDS))
    )
    for link in rows.order_by("pk"):
        links[link.person_id].append(link)
    return links


def _separations(
    *,
    persons: dict[int, Person],
    decisions: dict[int, str],
    leaving: set[int],
    links: dict[int, list[FamilyLink]],
    on: date,
) -> list[Separation]:
    """The separations among `persons` (the request's) and their relatives, for the `leaving` set."""
    found: dict[tuple[int, int], Separation] = {}
    for person_id, person in persons.items():
        for link in links.get(person_id, []):
            relative = link.relative
            if link.relation == Relation.CHILD:
                child, other, relation = relative, person, _parent_relation(person)
            elif link.relation == Relation.SIBLING and not is_child(person, on):
                # An adult sibling leaving (or staying) splits their younger sibling from them.
                child, other, relation = relative, person, Relation.SIBLING
            else:
                child, other, relation = person, relative, link.relation
            child_leaves, other_leaves = child.pk in leaving, other.pk in leaving
            if child_leaves == other_leaves:
                continue
            if relation == Relation.SIBLING and child_leaves and is_child(other, on):
                # Two children split: name the one left behind as the child, once per pair.
                child, other, child_leaves = other, child, False
            if (child.pk, other.pk) in found or not is_child(child, on):
                continue
            staying = other if child_leaves else child
            if not in_camps(staying) or not in_camps(child if child_leaves else other):
                continue
            found[(child.pk, other.pk)] = Separation(
                child=child,
                relative=other,
                relation=relation,
                child_leaves=child_leaves,
                staying_decision=decisions.get(staying.pk),
            )
    return sorted(found.values(), key=lambda s: (not s.is_parent, s.child.case_number, s.relative.case_number))


def _covered_rows(request_ids: Iterable[int]) -> list[RequestedPerson]:
    rows = RequestedPerson.objects.filter(request_id__in=list(request_ids)).select_related("person")
    return list(rows.defer(*(f"person__{f}" for f in ENCRYPTED_FIELDS)))


def separations_for_requests(request_ids: Iterable[int], *, on: date | None = None) -> dict[int, list[Separation]]:
    """For each request, the separations its decisions would cause (persons accepted leave), with the
    persons to name them; two queries (one while no one is accepted). For a few requests: to find or count
    the splitting ones among many, `splitting` and `_split_links` ask the database."""
    on = on or timezone.localdate()
    rows = _covered_rows(request_ids)
    if not any(row.decision in ACCEPTED_DECISIONS for row in rows):
        return {}
    links = _links_of({row.person_id for row in rows})
    by_request: dict[int, list[RequestedPerson]] = defaultdict(list)
    for row in rows:
        by_request[row.request_id].append(row)
    result = {}
    for request_id, request_rows in by_request.items():
        leaving = {row.person_id for row in request_rows if row.decision in ACCEPTED_DECISIONS}
        if not leaving:
            continue
        found = _separations(
            persons={row.person_id: row.person for row in request_rows},
            decisions={row.person_id: row.decision for row in request_rows},
            leaving=leaving,
            links=links,
            on=on,
        )
        if found:
            result[request_id] = found
    return result


def request_separations(gov_request: GovernmentRequest, *, on: date | None = None) -> list[Separation]:
    """The separations the request's decisions would cause (two queries)."""
    return separations_for_requests([gov_request.pk], on=on).get(gov_request.pk, [])


def handover_separations(
    gov_request: GovernmentRequest, leaving: Iterable[Person], *, on: date | None = None
) -> list[Separation]:
    """The separations a handover of `leaving` persons of the request would cause (two queries)."""
    on = on or timezone.localdate()
    rows = _covered_rows([gov_request.pk])
    leaving_ids = {person.pk for person in leaving}
    persons = {row.person_id: row.person for row in rows}
    return _separations(
        persons=persons,
        decisions={row.person_id: row.decision for row in rows},
        leaving=leaving_ids,
        links=_links_of(persons),
        on=on,
    )


# --- The rule in SQL: which requests split a family, and the children concerned ---------------------


def _child(on: date, prefix: str) -> Q:
    """`is_child` in SQL: born after the day 18 years before `on` on the youngest reading, or age unknown."""
    cutoff = anniversary(on, -ADULT_AGE)
    latest, earliest = f"{prefix}birth_date_latest", f"{prefix}birth_date_earliest"
    return Q(**{f"{latest}__gt": cutoff}) | Q(**{f"{latest}__isnull": True}) & (
        Q(**{f"{earliest}__isnull": True}) | Q(**{f"{earliest}__gt": cutoff})
    )


def _in_camps(prefix: str) -> Q:
    """`in_camps` in SQL."""
    return Q(**{f"{prefix}date_of_death__isnull": True}) & ~Q(**{f"{prefix}status__in": LEFT_CAMPS_STATUSES})


def _split_links(on: date) -> QuerySet[FamilyLink]:
    """The links from a person a request's decisions let leave to a relative who stays, that separate a
    child (`_separations`), annotated with the `request_id` and the `child_id` (the one `_separations`
    names as the child). Links are stored both ways: the one from the person who leaves is enough.

    From the leaver's side: the relative is their child (the relative must be a child), their parent (the
    leaver must be), or their sibling (one of the two must be; the child is the relative if a child).
    """
    rule = (
        Q(person__request_memberships__decision__in=ACCEPTED_DECISIONS)
        & _in_camps("person__")
        & _in_camps("relative__")
        & (
            Q(relation=Relation.CHILD) & _child(on, "relative__")
            | Q(relation__in=PARENT_RELATIONS) & _child(on, "person__")
            | Q(relation=Relation.SIBLING) & (_child(on, "person__") | _child(on, "relative__"))
        )
    )
    relative_leaves = RequestedPerson.objects.filter(
        request_id=OuterRef("request_id"), person_id=OuterRef("relative_id"), decision__in=ACCEPTED_DECISIONS
    )
    return (
        FamilyLink.objects.filter(rule)
        .annotate(
            request_id=F("person__request_memberships__request_id"),
            child_id=Case(
                When(relation=Relation.CHILD, then=F("relative_id")),
                When(relation__in=PARENT_RELATIONS, then=F("person_id")),
                When(_child(on, "relative__"), then=F("relative_id")),
                default=F("person_id"),
            ),
        )
        .filter(~Exists(relative_leaves))
        .order_by()
    )


def splitting(requests: QuerySet[GovernmentRequest], *, on: date | None = None) -> QuerySet[GovernmentRequest]:
    """The `requests` whose decisions would split a family (those `separations_for_requests` finds
    separations for), as a query: to count them or take the first few, no person loaded."""
    on = on or timezone.localdate()
    return requests.filter(Exists(_split_links(on).filter(request_id=OuterRef("pk"))))


SplitRequests = list[tuple[GovernmentRequest, list[tuple[Separation, str]]]]


def split_requests_for(*, user: Any, limit: int = 20) -> SplitRequests:
    """The user's requests whose decisions would split a family (home page), newest decision first, at
    most `limit`, each separation with its sentence for the user; four queries whatever the numbers."""
    return split_requests_and_named(user=user, limit=limit)[0]


def split_requests_and_named(*, user: Any, limit: int = 20) -> tuple[SplitRequests, set[int]]:
    """`split_requests_for`, and the persons its sentences name for the user (`named_person_ids`, for the
    read log), from the same query."""
    on = timezone.localdate()
    decided = GovernmentRequest.objects.visible_to(user).filter(status__in=DECIDED_OPEN_STATUSES)
    requests = list(splitting(decided, on=on).select_related("authority").order_by("-decided_on", "-pk")[:limit])
    found = separations_for_requests([r.pk for r in requests], on=on)
    split = [(r, found[r.pk]) for r in requests if r.pk in found]
    separations = [s for _r, of_request in split for s in of_request]
    named = named_person_ids(separations, user=user)
    sentences = iter(described(separations, user=user, named=named))
    return [(r, [next(sentences) for _s in of_request]) for r, of_request in split], named


def split_families_by_state(*, organisation_id: int, on: date | None = None) -> dict[str, tuple[int, int]]:
    """Per State, the organisation's open decided requests that would split a family and the children
    concerned (weekly report); one query, no person loaded."""
    on = on or timezone.localdate()
    decided = GovernmentRequest.objects.filter(organisation_id=organisation_id, status__in=DECIDED_OPEN_STATUSES)
    rows = (
        _split_links(on)
        .filter(request_id__in=decided.values("pk"))
        .values_list("person__request_memberships__request__authority__country", "request_id", "child_id")
        .distinct()
    )
    requests: dict[str, set[int]] = defaultdict(set)
    children: dict[str, set[int]] = defaultdict(set)
    for country, request_id, child_id in rows:
        requests[str(country)].add(request_id)
        children[str(country)].add(child_id)
    return {country: (len(requests[country]), len(children[country])) for country in requests}


# --- Approval of a separation from a parent ----------------------------------------------------------


def separation_blockers(separations: Iterable[Separation], *, actor: Any, on: date | None = None) -> list[str]:
    """Why a handover with these separations cannot be planned by `actor`; empty if it can.

    Each separation of a child from a parent needs: the actor's permission to approve it, a
    completed best-interests determination of the child that allows it (valid on the day), and the
    recorded consent of the parent who is present (a consent record on the parent, given, valid).
    Splits of siblings are flagged to the user but need no approval. Two queries at most.
    """
    on = on or timezone.localdate()
    parental = [separation for separation in separations if separation.is_parent]
    if not parental:
        return []
    if not actor.has_perm(APPROVE_SEPARATION_PERMISSION):
        return [_("This handover separates a child from a parent: only a user allowed to approve it can plan it.")]
    person_ids = {s.child.pk for s in parental} | {s.relative.pk for s in parental}
    by_person: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in Assessment.objects.filter(
        person_id__in=person_ids, kind__in=[AssessmentKind.BID, AssessmentKind.CONSENT]
    ):
        by_person[assessment.person_id].append(assessment)
    blockers = []
    for separation in parental:
        child, parent = separation.child, separation.relative
        context = {"child": child.case_number, "parent": parent.case_number, "relation": separation.relation_label()}
        if not any(a.allows_separation_on(on) for a in by_person[child.pk]):
            blockers.append(
                _(
                    "%(child)s would be separated from their %(relation)s %(parent)s: record a completed "
                    "best-interests determination of the child that allows it."
                )
                % context
            )
        if not any(a.records_consent_on(on) for a in by_person[parent.pk]):
            blockers.append(
                _("%(child)s would be separated from their %(relation)s %(parent)s: record the parent's consent.")
                % context
            )
    return blockers


def separation_approval_data(separations: Iterable[Separation]) -> list[dict[str, str]]:
    """What the audit log keeps of an approved separation: public ids and the relation, no names."""
    return [
        {"child": str(s.child.public_id), "relative": str(s.relative.public_id), "relation": s.relation}
        for s in separations
        if s.is_parent
    ]


# --- Naming who would be separated ----------------------------------------------------------------


def _name(person: Person, visible_ids: set[int]) -> str:
    if person.pk not in visible_ids:
        return _("a person outside your caseload")
    return f"{person.case_number} {person.display_name}"


def describe(separation: Separation, visible_ids: set[int]) -> str:
    """One sentence naming who would be separated; persons the user cannot see are not named."""
    context = {
        "child": _name(separation.child, visible_ids),
        "relative": _name(separation.relative, visible_ids),
        "relation": separation.relation_label(),
        "staying": separation.staying_label(),
    }
    if separation.child_leaves:
        return _("%(child)s would leave without their %(relation)s %(relative)s (%(staying)s).") % context
    return _("%(child)s (%(staying)s) would stay in the camp while their %(relation)s %(relative)s leaves.") % context


def named_person_ids(separations: Iterable[Separation], *, user: Any) -> set[int]:
    """The persons the sentences of `described` name for `user`: those of `separations` the user may see
    (for the read log; one query, none without separations)."""
    ids = {s.child.pk for s in separations} | {s.relative.pk for s in separations}
    if not ids:
        return set()
    return set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def described(
    separations: list[Separation], *, user: Any, named: set[int] | None = None
) -> list[tuple[Separation, str]]:
    """Each separation with its sentence for `user` (one query to know whom the user may see, unless the
    caller read it already with `named_person_ids` and passes it as `named`)."""
    if not separations:
        return []
    visible = named if named is not None else named_person_ids(separations, user=user)
    return [(separation, describe(separation, visible)) for separation in separations]
