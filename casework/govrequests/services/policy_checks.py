"""The State-policy check of a request's persons, and the record of going on against it.

When a request is drafted or persons are added to one, each new person is checked against the
current policy of the authority's State (`policies.services.check_person`). A person outside it is
refused with `OutsidePolicy` (which lists why) unless the caller passes the user's reason to go on;
that reason is then recorded on the request as a note event naming the case numbers and the
reasons, and in the audit log (public ids only).
"""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.history import save_with_history
from casework.govrequests.choices import EventKind
from casework.govrequests.models import GovernmentAuthority, GovernmentRequest, RequestEvent
from casework.people.models import Person
from casework.policies.models import StatePolicy
from casework.policies.services import OutsidePolicy, policy_warnings


def check_against_policy(
    *, organisation_id: int, authority: GovernmentAuthority, persons: Iterable[Person], reason: str
) -> tuple[StatePolicy | None, list[tuple[Person, list[str]]]]:
    """The policy and the persons outside it; raises OutsidePolicy if some are and no reason was given."""
    policy, warnings = policy_warnings(organisation_id=organisation_id, country=str(authority.country), persons=persons)
    if warnings and not reason.strip():
        raise OutsidePolicy(policy=policy, warnings=warnings)
    return policy, warnings


def record_policy_override(
    *,
    gov_request: GovernmentRequest,
    policy: StatePolicy | None,
    warnings: list[tuple[Person, list[str]]],
    reason: str,
    actor: Any,
) -> RequestEvent | None:
    """Record on the request why it goes on for persons outside the State's policy (nothing if none are)."""
    if not warnings or policy is None:
        return None
    lines = [
        _("Outside the policy of %(state)s (valid from %(since)s), going on with the reason: %(reason)s")
        % {"state": policy.country.name, "since": policy.valid_from.isoformat(), "reason": reason.strip()}
    ]
    lines += [f"{person.case_number}: {' '.join(reasons)}" for person, reasons in warnings]
    event = RequestEvent(
        request=gov_request,
        kind=EventKind.NOTE,
        occurred_on=timezone.localdate(),
        description="\n".join(lines),
        created_by=actor,
    )
    event.full_clean()
    save_with_history(event, actor)
    audit.record(
        actor=actor,
        action="govrequests.request.outside_policy",
        target=gov_request,
        data={"policy": str(policy.public_id), "persons": [str(person.public_id) for person, _r in warnings]},
    )
    return event
