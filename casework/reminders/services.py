"""Raising reminders (the sweep) and acting on them.

Terms: a *rule* (ReminderRule) says when a reminder of one kind falls due and who is told; the
*effective* rule for an object is the most specific one (organisation + State > organisation >
State > default). The *sweep* evaluates every effective rule for one day and inserts the
reminders that fell due; a reminder already raised for the same kind, subject, due date and
offset is dropped by the database's unique constraint, so sweeping twice raises nothing new.
*Acting* on a reminder: acknowledge it (seen, being handled), snooze it to a date, dismiss it with
a reason, or mark it done; each is recorded on the row and in the audit log.

The sweep runs as the *system actor*: the inactive superuser "casework-system", created on first
use. It cannot log in (inactive, unusable password) and holds no permission (Django refuses all
permissions to inactive users), but it sees every organisation's records, which is what
`gov_request_transition` checks for the *no response* mark; history and audit rows name it.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import GovernmentRequest
from casework.govrequests.services import gov_request_transition
from casework.reminders import rules
from casework.reminders.choices import Recipient, ReminderStatus, RuleKind
from casework.reminders.models import Reminder, ReminderRule, subject_key_for

logger = logging.getLogger(__name__)

SYSTEM_USERNAME = "casework-system"


def system_actor() -> Any:
    """The inactive superuser that automatic changes are recorded under (created on first use)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_superuser": True, "is_staff": False, "is_active": False, "organisation": None},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass
class SweepResult:
    """What one sweep did: reminders created per kind, requests marked *no response*, and (dry run) the rows."""

    today: date
    dry_run: bool
    created: dict[str, int] = field(default_factory=dict)
    marked_no_response: int = 0
    # Filled on a dry run: one dict per reminder that would have been raised.
    raised: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _reminder_from(candidate: rules.Candidate, setting: rules.RuleSetting, *, raised_at: Any) -> Reminder:
    to_caseworker = Recipient.ASSIGNED_CASEWORKER in setting.recipients
    recipient_id = candidate.assignee_id if to_caseworker else None
    notify_mailbox = Recipient.ORGANISATION_MAILBOX in setting.recipients
    # Nobody to tell (no assigned caseworker and no other recipient): the supervisors get it.
    notify_supervisors = Recipient.SUPERVISORS in setting.recipients or (recipient_id is None and not notify_mailbox)
    return Reminder(
        created_at=raised_at,
        kind=setting.kind,
        rule_id=setting.rule_id,
        organisation_id=candidate.organisation_id,
        person_id=candidate.person_id,
        gov_request_id=candidate.gov_request_id,
        subject_key=subject_key_for(person_id=candidate.person_id, gov_request_id=candidate.gov_request_id),
        recipient_id=recipient_id,
        notify_supervisors=notify_supervisors,
        notify_mailbox=notify_mailbox,
        due_on=candidate.due_on,
        deadline_on=candidate.deadline_on,
        offset_days=candidate.offset_days,
    )


def _mark_no_response(request_ids: list[int], *, actor: Any, today: date) -> set[int]:
    """Move each request to *no response* through the ordinary transition service; returns the ids moved."""
    moved: set[int] = set()
    note = _("No answer from the State: marked automatically by the reminder rule.")
    for gov_request in GovernmentRequest.objects.filter(pk__in=request_ids, status__in=rules.NO_RESPONSE_FROM):
        try:
            # A savepoint each: one request that fails validation does not undo the others.
            with transaction.atomic():
                gov_request_transition(
                    gov_request=gov_request, to=RequestStatus.NO_RESPONSE, actor=actor, note=note, on=today
                )
        except (DomainError, ValidationError, PermissionDenied):
            # Moved meanwhile by a person or a concurrent sweep, or invalid data: leave it to a caseworker.
            logger.warning("reminders: could not mark request %s as no response", gov_request.public_id)
            continue
        moved.add(gov_request.pk)
    return moved


def reminders_sweep(*, today: date, dry_run: bool = False) -> SweepResult:
    """Raise every reminder that falls due on `today`, and mark unanswered requests *no response*.

    Safe to run twice (the second run raises nothing). With `dry_run` everything is done inside a
    transaction that is rolled back: the result says truthfully what would have been raised.
    """
    result = SweepResult(today=today, dry_run=dry_run)
    with transaction.atomic(durable=True):
        # The instant stamped on every row of this sweep, so that it can count what it created;
        # kept distinct from earlier sweeps even when the clock is frozen (tests) or coarse.
        raised_at = timezone.now()
        while Reminder.objects.filter(created_at=raised_at).exists():
            raised_at += timedelta(microseconds=1)
        settings_by_kind = rules.effective_settings(ReminderRule.objects.all())
        actor = None
        for kind in RuleKind.values:
            reminders: dict[tuple, Reminder] = {}
            no_response_ids: list[int] = []
            for setting in settings_by_kind.get(kind, []):
                for candidate in rules.RULES[kind](today=today, setting=setting):
                    reminder = _reminder_from(candidate, setting, raised_at=raised_at)
                    reminders[(reminder.subject_key, reminder.due_on, reminder.offset_days)] = reminder
                    if kind == RuleKind.MARK_NO_RESPONSE:
                        no_response_ids.append(candidate.gov_request_id)
            if no_response_ids:
                actor = actor or system_actor()
                moved = _mark_no_response(no_response_ids, actor=actor, today=today)
                result.marked_no_response += len(moved)
                # Tell people only about the requests that were really marked.
                reminders = {key: r for key, r in reminders.items() if r.gov_request_id in moved}
            if reminders:
                # ON CONFLICT DO NOTHING (PostgreSQL) / INSERT OR IGNORE (SQLite): raised before → dropped.
                Reminder.objects.bulk_create(reminders.values(), ignore_conflicts=True)
        created = Reminder.objects.filter(created_at=raised_at).order_by()
        result.created = dict(created.values_list("kind").annotate(n=Count("pk")))
        if dry_run:
            result.raised = list(
                created.order_by("kind", "due_on", "pk").values(
                    "kind",
                    "subject_key",
                    "person__case_number",
                    "gov_request__reference",
                    "due_on",
                    "deadline_on",
                    "offset_days",
                    "recipient__username",
                    "notify_supervisors",
                    "notify_mailbox",
                )
            )
            transaction.set_rollback(True)
    logger.info(
        "reminders: sweep for %s%s raised %s, marked %s requests no response",
        today,
        " (dry run)" if dry_run else "",
        result.total,
        result.marked_no_response,
    )
    return result


# --- Acting on reminders ----------------------------------------------------------------------


def _lock_visible_reminder(reminder: Reminder, actor: Any) -> Reminder:
    """The reminder's row, locked, or PermissionDenied if the actor cannot see it."""
    if not Reminder.objects.visible_to(actor).filter(pk=reminder.pk).exists():
        raise PermissionDenied
    return Reminder.objects.select_for_update().get(pk=reminder.pk)


def _act(reminder: Reminder, *, to: str, actor: Any, reason: str = "", snoozed_until: date | None = None) -> Reminder:
    locked = _lock_visible_reminder(reminder, actor)
    if not locked.can_transition_to(to):
        raise TransitionNotAllowed(current=locked.status, requested=to)
    old = locked.status
    locked.status = to
    locked.snoozed_until = snoozed_until
    locked.acted_by = actor
    locked.acted_at = timezone.now()
    locked.reason = reason
    locked.save(update_fields=["status", "snoozed_until", "acted_by", "acted_at", "reason", "updated_at"])
    data: dict[str, Any] = {"from": old, "to": to}
    if snoozed_until:
        data["until"] = snoozed_until.isoformat()
    audit.record(actor=actor, action=f"reminders.reminder.{to}", target=locked, data=data)
    return locked


@transaction.atomic
def reminder_acknowledge(*, reminder: Reminder, actor: Any) -> Reminder:
    """Mark a reminder as seen and being handled."""
    return _act(reminder, to=ReminderStatus.ACKNOWLEDGED, actor=actor)


@transaction.atomic
def reminder_snooze(
    *, reminder: Reminder, until: date, actor: Any, reason: str = "", today: date | None = None
) -> Reminder:
    """Hide a reminder until `until` (a later day); it is due again on that day."""
    if until <= (today or timezone.localdate()):
        raise DomainError(_("Snooze until a later day."))
    return _act(reminder, to=ReminderStatus.SNOOZED, actor=actor, reason=reason, snoozed_until=until)


@transaction.atomic
def reminder_dismiss(*, reminder: Reminder, reason: str, actor: Any) -> Reminder:
    """Close a reminder that needs no action, saying why."""
    if not reason.strip():
        raise DomainError(_("Give a reason for dismissing this reminder."))
    return _act(reminder, to=ReminderStatus.DISMISSED, actor=actor, reason=reason.strip())


@transaction.atomic
def reminder_complete(*, reminder: Reminder, actor: Any, note: str = "") -> Reminder:
    """Close a reminder whose action was taken."""
    return _act(reminder, to=ReminderStatus.DONE, actor=actor, reason=note.strip())
