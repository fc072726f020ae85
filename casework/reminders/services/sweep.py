"""The sweep: raise the reminders that fall due on a day, and mark unanswered requests *no response*.

Terms: a *rule* (ReminderRule) says when a reminder of one kind falls due and who is told; the
*effective* rule for an object is the most specific one (organisation + State > organisation >
State > default). The *sweep* evaluates every effective rule for one day and inserts the
reminders that fell due; a reminder already raised for the same kind, subject, due date and
offset is dropped by the database's unique constraint, so sweeping twice raises nothing new.
Reminders that an authority is not answering (not acknowledged, no decision, no response) also
make the sweep draft or refresh the *follow-up* letter to that authority, all of them at once
(`followup_drafts_refresh_many`).

The sweep runs as the *system actor*: the inactive superuser "casework-system", created on first
use. It cannot log in (inactive, unusable password) and holds no permission (Django refuses all
permissions to inactive users), but it sees every organisation's records, which is what
`gov_requests_mark_no_response` checks for the *no response* mark; history and audit rows name it.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.govrequests.services import followup_drafts_refresh_many, gov_requests_mark_no_response
from casework.reminders import rules
from casework.reminders.choices import Recipient, RuleKind
from casework.reminders.models import Reminder, ReminderRule, subject_key_for
from casework.reminders.services.recheck import reminders_recheck

logger = logging.getLogger(__name__)

# Reminders that mean an authority is not answering: the sweep drafts (or refreshes) one follow-up
# letter per organisation and authority, listing all its pending persons, for a caseworker to send.
FOLLOWUP_KINDS = (RuleKind.REQUEST_NOT_ACKNOWLEDGED, RuleKind.NO_DECISION, RuleKind.MARK_NO_RESPONSE)

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
    # Follow-up drafts to unresponsive authorities created or refreshed (one per organisation and authority).
    followups_drafted: int = 0
    # Open reminders resolved because their condition no longer held.
    resolved: int = 0
    # Filled on a dry run: one dict per reminder that would have been raised.
    raised: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _reminder_from(candidate: rules.Candidate, setting: rules.RuleSetting, *, raised_at: Any) -> Reminder:
    to_caseworker = Recipient.ASSIGNED_CASEWORKER in setting.recipients
    recipient_id = candidate.assignee_id if to_caseworker else None
    # Nobody to tell (no assigned caseworker, or the rule names only the organisation mailbox, which
    # nothing reads): the supervisors get it.
    notify_supervisors = Recipient.SUPERVISORS in setting.recipients or recipient_id is None
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
        due_on=candidate.due_on,
        deadline_on=candidate.deadline_on,
        offset_days=candidate.offset_days,
    )


def _mark_no_response(request_ids: list[int], *, actor: Any) -> set[int]:
    """Move the requests to *no response* (set-based, one transaction); returns the ids moved.

    Requests moved meanwhile by a person or a concurrent sweep are left to a caseworker.
    """
    note = _("No answer from the State: marked automatically by the reminder rule.")
    moved = gov_requests_mark_no_response(request_ids=request_ids, actor=actor, note=note)
    if len(moved) < len(set(request_ids)):
        logger.warning("reminders: %s requests could not be marked no response", len(set(request_ids)) - len(moved))
    return moved


def _raised_before(kind: str, keys: set[tuple]) -> set[tuple]:
    """The (subject key, due date, offset) occurrences among `keys` already raised for `kind`."""
    if not keys:
        return set()
    raised = Reminder.objects.filter(
        kind=kind, subject_key__in=sorted({key[0] for key in keys}), due_on__gte=min(key[1] for key in keys)
    ).values_list("subject_key", "due_on", "offset_days")
    return set(raised) & keys


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
        # First close what stopped holding since (e.g. changed by an import or in the admin).
        result.resolved = reminders_recheck(Reminder.objects.all())
        settings_by_kind = rules.effective_settings(ReminderRule.objects.all())
        actor = None
        for kind in RuleKind.values:
            candidates: dict[tuple, tuple[rules.Candidate, rules.RuleSetting]] = {}
            no_response_ids: list[int] = []
            for setting in settings_by_kind.get(kind, []):
                for candidate in rules.RULES[kind](today=today, setting=setting):
                    subject_key = subject_key_for(
                        person_id=candidate.person_id, gov_request_id=candidate.gov_request_id
                    )
                    candidates[(subject_key, candidate.due_on, candidate.offset_days)] = (candidate, setting)
                    if kind == RuleKind.MARK_NO_RESPONSE:
                        no_response_ids.append(candidate.gov_request_id)
            if no_response_ids:
                actor = actor or system_actor()
                moved = _mark_no_response(no_response_ids, actor=actor)
                result.marked_no_response += len(moved)
                # Tell people only about the requests that were really marked.
                candidates = {key: c for key, c in candidates.items() if c[0].gov_request_id in moved}
            # Most of a day's candidates were raised by an earlier sweep (a rule keeps finding an
            # object until its next offset): skip them here instead of building rows for the
            # database to drop. The unique constraint still drops those of a concurrent sweep.
            for key in _raised_before(kind, set(candidates)):
                del candidates[key]
            reminders = [_reminder_from(c, setting, raised_at=raised_at) for c, setting in candidates.values()]
            if reminders:
                # ON CONFLICT DO NOTHING (PostgreSQL) / INSERT OR IGNORE (SQLite): raised before → dropped.
                Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
        created = Reminder.objects.filter(created_at=raised_at).order_by()
        result.created = dict(created.values_list("kind").annotate(n=Count("pk")))
        unanswered = list(
            created.filter(kind__in=FOLLOWUP_KINDS, gov_request__isnull=False)
            .values_list("organisation_id", "gov_request__authority_id")
            .distinct()
        )
        if unanswered:
            actor = actor or system_actor()
            # One set-based refresh for every (organisation, authority) pair, not one per pair.
            drafts = followup_drafts_refresh_many(pairs=unanswered, actor=actor)
            result.followups_drafted = sum(draft is not None for draft in drafts.values())
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
                )
            )
            transaction.set_rollback(True)
    logger.info(
        "reminders: sweep for %s%s raised %s, marked %s requests no response, drafted %s follow-ups",
        today,
        " (dry run)" if dry_run else "",
        result.total,
        result.marked_no_response,
        result.followups_drafted,
    )
    return result
