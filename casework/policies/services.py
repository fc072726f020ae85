"""State policies: saving them, and checking a person against a State's current policy.

Terms: a person *falls outside* a policy when the State, by its current policy, would not take
them back (an adult for a children-only State, a child at or above the age limit, a child with a
living parent for an orphans-only State…). The check only warns: a caseworker may go on with a
recorded reason (`govrequests` records it with the request).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError
from casework.core.history import save_with_history
from casework.people.choices import Relation, Sex
from casework.people.models import FamilyLink, Person
from casework.policies import selectors
from casework.policies.choices import TakesBack
from casework.policies.models import StatePolicy

ADULT_AGE = 18
PARENT_RELATIONS = frozenset({Relation.MOTHER, Relation.FATHER})


class OutsidePolicy(DomainError):
    """Persons fall outside the State's current policy and no reason to go on was given.

    `warnings` holds (person, reasons) for each person concerned; `policy` is the policy checked.
    """

    def __init__(self, *, policy: StatePolicy, warnings: list[tuple[Person, list[str]]]) -> None:
        self.policy = policy
        self.warnings = warnings
        super().__init__(
            _("%(count)d person(s) fall outside the current policy of %(state)s: give the reason to go on.")
            % {"count": len(warnings), "state": policy.country.name}
        )


def _living_parent_links(person: Person) -> list[FamilyLink]:
    return [
        link
        for link in person.family_links.all()
        if link.relation in PARENT_RELATIONS and link.relative.date_of_death is None
    ]


def _has_child(person: Person) -> bool:
    return any(link.relation == Relation.CHILD for link in person.family_links.all())


def check_person(policy: StatePolicy | None, person: Person, on: date | None = None) -> list[str]:
    """Why `person` falls outside `policy` on `on` (today by default); empty if they do not, or no policy.

    Ages are counted from the earliest plausible date of birth (the oldest the person may be), the
    rule used for every age limit. Reads `person.family_links` (with each relative) for the orphan
    and mother rules: prefetch them when checking many persons (`policy_warnings` does).
    """
    if policy is None or policy.takes_back in (TakesBack.ALL, TakesBack.CASE_BY_CASE):
        return []
    on = on or timezone.localdate()
    context = {
        "state": policy.country.name,
        "since": policy.valid_from.isoformat(),
        "rule": policy.get_takes_back_display(),
    }
    if policy.takes_back == TakesBack.NONE:
        return [_("By its policy since %(since)s, %(state)s takes no one back.") % context]
    age = person.age_on(on)
    if policy.takes_back in (TakesBack.CHILDREN_ONLY, TakesBack.CHILDREN_UNDER_AGE):
        limit = policy.age_limit if policy.takes_back == TakesBack.CHILDREN_UNDER_AGE else ADULT_AGE
        if age is None:
            return [_("The age is not known, and %(state)s takes back only: %(rule)s.") % context]
        if age >= limit:
            return [
                _("Aged %(age)d (oldest plausible age); %(state)s takes back only children under %(limit)d.")
                % {**context, "age": age, "limit": limit}
            ]
        return []
    if policy.takes_back == TakesBack.ORPHANS:
        if age is None:
            return [_("The age is not known, and %(state)s takes back only orphans.") % context]
        if age >= ADULT_AGE:
            return [_("Aged %(age)d: %(state)s takes back only orphaned children.") % {**context, "age": age}]
        parents = _living_parent_links(person)
        if parents:
            return [
                _("A living parent is recorded (%(relations)s): %(state)s takes back only orphans.")
                % {**context, "relations": ", ".join(sorted({str(link.get_relation_display()) for link in parents}))}
            ]
        return []
    if policy.takes_back == TakesBack.MOTHERS_WITH_CHILDREN:
        if age is not None and age < ADULT_AGE:
            return []
        if person.sex == Sex.FEMALE and _has_child(person):
            return []
        if person.sex == Sex.MALE:
            return [_("%(state)s takes back only mothers with their children, not adult men.") % context]
        return [
            _("%(state)s takes back only mothers with their children; no child is recorded for this person.") % context
        ]
    return []


def policy_warnings(
    *, organisation_id: int, country: str, persons: Iterable[Person], on: date | None = None
) -> tuple[StatePolicy | None, list[tuple[Person, list[str]]]]:
    """The State's current policy and, for each person falling outside it, the reasons (two queries)."""
    policy = selectors.current_policy(organisation_id=organisation_id, country=country, on=on)
    persons = list(persons)
    if policy is None or not persons:
        return policy, []
    links = Prefetch("family_links", queryset=FamilyLink.objects.select_related("relative"))
    loaded = {
        person.pk: person for person in Person.objects.filter(pk__in=[p.pk for p in persons]).prefetch_related(links)
    }
    warnings = []
    for person in persons:
        reasons = check_person(policy, loaded.get(person.pk, person), on)
        if reasons:
            warnings.append((person, reasons))
    return policy, warnings


@transaction.atomic
def state_policy_save(*, policy: StatePolicy, actor: Any) -> StatePolicy:
    """Create or change a policy; organisation admins write their organisation's policies only.

    Shared defaults (no organisation) are written by superusers. A changed policy keeps its
    history (django-simple-history); a new policy of the State is a new row with its own date.
    """
    if not actor.is_superuser:
        if not actor.organisation_id:
            raise PermissionDenied
        if policy.pk is not None:
            stored = StatePolicy.objects.filter(pk=policy.pk).values_list("organisation_id", flat=True).first()
            if stored != actor.organisation_id:
                raise PermissionDenied
        policy.organisation_id = actor.organisation_id
    created = policy.pk is None
    if created:
        policy.created_by = actor
    policy.full_clean()
    save_with_history(policy, actor)
    audit.record(
        actor=actor,
        action="policies.policy.created" if created else "policies.policy.changed",
        target=policy,
        data={"country": str(policy.country), "valid_from": policy.valid_from.isoformat()},
    )
    return policy
