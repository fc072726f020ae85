"""Raising reminders (the sweep) and acting on them.

Terms: a *rule* (ReminderRule) says when a reminder of one kind falls due and who is told; the
*effective* rule for an object is the most specific one (organisation + State > organisation >
State > default). The *sweep* evaluates every effective rule for one day and inserts the
reminders that fell due; a reminder already raised for the same kind, subject, due date and
offset is dropped by the database's unique constraint, so sweeping twice raises nothing new.
Reminders that an authority is not answering (not acknowledged, no decision, no response) also
make the sweep draft or refresh the *follow-up* letter to that authority, all of them at once
(`followup_drafts_refresh_many`).
*Acting* on a reminder: acknowledge it (seen, being handled), snooze it to a date, dismiss it with
a reason, or mark it done; each is recorded on the row and in the audit log.

The sweep runs as the *system actor*: the inactive superuser "casework-system", created on first
use. It cannot log in (inactive, unusable password) and holds no permission (Django refuses all
permissions to inactive users), but it sees every organisation's records, which is what
`gov_requests_mark_no_response` checks for the *no response* mark; history and audit rows name it.

*Outbound messages* (e-mails) are recorded, rendered in the recipient's language, before they are
sent: record-then-send. `outbound_message_create` creates one per `idempotency_key` and enqueues
its delivery on commit; the delivery task *claims* it (queued → sending, a conditional update),
sends it, and marks it sent. An SMTP error puts it back to queued for the task's retry, or to
failed after the last one. A message left in "sending" (the worker died between claiming and
marking) is never re-sent automatically: an admin re-sends it (`outbound_message_resend`).
The *daily digest* is one such message per user and day, listing their due reminders. The
*weekly report* is one message per supervisor, organisation and ISO week, with the figures of
`casework.reports.selectors.weekly_summary` and the same figures as an XLSX attachment.
"""

import logging
import smtplib
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.accounts import roles
from casework.core import audit
from casework.core.exceptions import DomainError, TransitionNotAllowed
from casework.govrequests.services import followup_drafts_refresh_many, gov_requests_mark_no_response
from casework.reminders import rules
from casework.reminders.choices import SENSITIVE_KINDS, OutboundStatus, Recipient, ReminderStatus, RuleKind
from casework.reminders.models import OutboundMessage, Reminder, ReminderRule, subject_key_for
from casework.reminders.selectors import reminders_due_for

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
                    "notify_mailbox",
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


# --- Acting on reminders ----------------------------------------------------------------------


def _lock_visible_reminder(reminder: Reminder, actor: Any) -> Reminder:
    """The reminder's row, locked, or PermissionDenied if the actor cannot see it."""
    if not Reminder.objects.visible_to(actor).filter(pk=reminder.pk).exists():
        raise PermissionDenied
    return Reminder.objects.select_for_update().get(pk=reminder.pk)


def _act(reminder: Reminder, *, to: str, actor: Any, reason: str = "", snoozed_until: date | None = None) -> Reminder:
    locked = _lock_visible_reminder(reminder, actor)
    if not locked.can_transition_to(to):
        raise TransitionNotAllowed(current=locked.status, requested=to, labels=ReminderStatus)
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


# --- Outbound messages ------------------------------------------------------------------------

XLSX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Errors that mean "not sent, try again later". SMTPException is an OSError; OSError also covers a
# refused or timed-out connection. Permanent refusals (5xx) are not retried (see `_smtp_code`).
TRANSIENT_MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


class MailNotSent(smtplib.SMTPException):
    """Raised instead of the mail error, whose text may carry the recipient's address (Celery logs it).

    An SMTPException, so the task's `autoretry_for=(SMTPException,)` retries it; its message is
    the error's class and SMTP code only, e.g. "SMTPDataError 451".
    """


def _render(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Subject (one line), text and HTML bodies of templates/email/<template>.*, in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"email/{template}.subject.txt", context).split())
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    return subject[:200], text, html


@transaction.atomic
def outbound_message_create(
    *,
    idempotency_key: str,
    organisation_id: int,
    recipient: Any,
    template: str,
    context: dict[str, Any],
    context_ids: dict[str, Any],
    to_email: str = "",
    language: str = "",
    attachment: bytes | None = None,
    attachment_name: str = "",
    disclosure_id: int | None = None,
) -> tuple[OutboundMessage, bool]:
    """Record (rendered) and enqueue one e-mail; the existing one if `idempotency_key` was used before.

    `context` is for the templates only and is not stored; `context_ids` (ids only) is. Returns
    (message, created). Delivery is enqueued after commit, and only for a new message.
    `attachment` (bytes, named `attachment_name`) is stored with the message and sent with it.
    `disclosure_id` links a follow-up letter to an authority to its disclosure record.
    """
    existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    to_email = to_email or getattr(recipient, "email", "")
    if not to_email:
        raise ValueError("an outbound message needs a recipient address")
    language = language or getattr(recipient, "language", "") or settings.LANGUAGE_CODE
    subject, body_text, body_html = _render(template, context, language)
    # get_or_create catches the IntegrityError of a concurrent insert with the same key.
    message, created = OutboundMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "organisation_id": organisation_id,
            "recipient": recipient,
            "to_email": to_email,
            "language": language,
            "template": template,
            "subject": subject,
            "context_ids": context_ids,
            "body_text": body_text,
            "body_html": body_html,
            "attachment": attachment,
            "attachment_name": attachment_name if attachment is not None else "",
            "disclosure_id": disclosure_id,
        },
    )
    if created:
        from casework.reminders.tasks import send_outbound_message

        send_outbound_message.delay_on_commit(message.pk)
    return message, created


def _move(message_id: int, *, from_status: str, **fields: Any) -> int:
    """Conditional update of a message in `from_status`; 1 if it moved, 0 if someone else moved it first.

    `update()` does not touch `auto_now` fields: `updated_at` is set here (stale-queue detection reads it).
    """
    now = timezone.now()
    return OutboundMessage.objects.filter(pk=message_id, status=from_status).update(updated_at=now, **fields)


def outbound_message_claim(*, message_id: int) -> bool:
    """Take a queued message for sending (queued → sending, committed); False if sent, failed or taken."""
    return (
        _move(message_id, from_status=OutboundStatus.QUEUED, status=OutboundStatus.SENDING, claimed_at=timezone.now())
        == 1
    )


def _smtp_code(exc: BaseException) -> int | None:
    code = getattr(exc, "smtp_code", None)
    if code is None and isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _msg in exc.recipients.values()]
        code = max(codes) if codes else None
    return code if isinstance(code, int) else None


def _describe(exc: BaseException) -> str:
    """The error's class and SMTP code only: servers' texts often repeat the recipient's address."""
    code = _smtp_code(exc)
    return f"{exc.__class__.__name__} {code}" if code else exc.__class__.__name__


def _sender_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def outbound_message_deliver(*, message_id: int, final_attempt: bool = False) -> OutboundMessage:
    """Send a message claimed by `outbound_message_claim`, then mark it sent.

    On a transient error (SMTPException, connection error) it goes back to queued with one more
    attempt and `MailNotSent` is raised, for the caller's retry; on the `final_attempt`, or when
    the server refuses it for good (5xx), it is marked failed (and a 5xx is not re-raised).
    """
    message = OutboundMessage.objects.get(pk=message_id)
    if message.status != OutboundStatus.SENDING:
        raise DomainError(_("This message was not claimed for sending."))
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        # The same Message-ID on a re-send lets mail clients fold a duplicate away.
        headers={
            "Message-ID": f"<casework.outbound.{message.pk}@{_sender_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.attachment is not None:
        name = message.attachment_name or "attachment"
        mimetype = XLSX_MIME_TYPE if name.endswith(".xlsx") else "application/octet-stream"
        email.attach(name, bytes(message.attachment), mimetype)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        sent = connection.send_messages([email])
    except TRANSIENT_MAIL_ERRORS as exc:
        with suppress(Exception):
            connection.close()
        code = _smtp_code(exc)
        permanent = code is not None and code >= 500
        status = OutboundStatus.FAILED if (final_attempt or permanent) else OutboundStatus.QUEUED
        _move(
            message_id,
            from_status=OutboundStatus.SENDING,
            status=status,
            attempts=F("attempts") + 1,
            last_error=_describe(exc)[:200],
            claimed_at=None,
        )
        logger.warning("outbound: message %s not sent (%s), now %s", message_id, _describe(exc), status)
        if permanent:
            message.refresh_from_db()
            return message
        raise MailNotSent(_describe(exc)) from None
    # Mark it before closing the connection: an error on QUIT must not make it look unsent.
    if sent:
        _move(
            message_id,
            from_status=OutboundStatus.SENDING,
            status=OutboundStatus.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error="",
        )
    else:
        _move(
            message_id,
            from_status=OutboundStatus.SENDING,
            status=OutboundStatus.FAILED,
            attempts=F("attempts") + 1,
            last_error="not accepted by the backend",
        )
    with suppress(Exception):
        connection.close()
    message.refresh_from_db()
    return message


def outbound_stale_queued_ids(*, now: Any = None) -> list[int]:
    """Messages queued for longer than any retry waits: their task was lost (broker down at commit, say).

    Enqueueing them again is safe: a task that finds its message no longer queued does nothing.
    """
    stale_after = timedelta(seconds=settings.CASEWORK_EMAIL_RETRY_BACKOFF_MAX) + timedelta(minutes=10)
    return list(
        OutboundMessage.objects.filter(
            status=OutboundStatus.QUEUED, updated_at__lt=(now or timezone.now()) - stale_after
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def outbound_message_resend(*, message: OutboundMessage, actor: Any) -> OutboundMessage:
    """Queue a failed or stuck ("sending" past any task's time limit) message again, explicitly.

    A stuck message may have reached its recipient before the worker died: the admin confirms.
    """
    if not OutboundMessage.objects.visible_to(actor).filter(pk=message.pk).exists():
        raise PermissionDenied
    locked = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if not locked.can_resend():
        raise DomainError(_("Only a failed message, or one stuck in sending, can be re-sent."))
    old = locked.status
    locked.status = OutboundStatus.QUEUED
    locked.claimed_at = None
    locked.save(update_fields=["status", "claimed_at", "updated_at"])
    audit.record(actor=actor, action="reminders.outbound_message.resent", target=locked, data={"from": old})

    from casework.reminders.tasks import send_outbound_message

    send_outbound_message.delay_on_commit(locked.pk)
    return locked


# --- Daily digest -----------------------------------------------------------------------------

DIGEST_TEMPLATE = "digest"
# Reminders listed per urgency group; the rest are counted, with a link to the home page. A
# supervisor's digest can otherwise list thousands (hundreds of kilobytes of HTML).
DIGEST_GROUP_LIMIT = 50


def digest_is_due(*, user: Any, today: date) -> bool:
    """Whether the user gets a digest on `today`: daily every day, weekly on Mondays, off never."""
    User = get_user_model()
    if not user.is_active or not user.email or not user.organisation_id:
        return False
    if user.digest_frequency == User.DigestFrequency.DAILY:
        return True
    return user.digest_frequency == User.DigestFrequency.WEEKLY and today.weekday() == 0


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _request_url(public_id: Any) -> str:
    try:
        return _absolute(reverse("govrequests:request_detail", args=[public_id]))
    except NoReverseMatch:
        return _absolute(reverse("home"))


def _digest_entry(reminder: Reminder, *, new_since: date) -> dict[str, Any]:
    """What the e-mail shows of one reminder: kind, case number, request reference, dates, link. No names."""
    if reminder.person_id:
        url = _absolute(reverse("people:person_detail", args=[reminder.person.public_id]))
    else:
        url = _request_url(reminder.gov_request.public_id)
    return {
        "kind": reminder.get_kind_display(),
        "case_number": reminder.person.case_number if reminder.person_id else "",
        "reference": reminder.gov_request.reference if reminder.gov_request_id else "",
        "due_on": reminder.due_on,
        "deadline_on": reminder.deadline_on,
        "is_new": reminder.due_on >= new_since,
        "url": url,
    }


def _urgency(reminder: Reminder, today: date) -> str:
    """By the date it counts towards (the deadline, else the day it fell due)."""
    key = reminder.deadline_on or reminder.due_on
    if key < today:
        return "overdue"
    return "today" if key == today else "upcoming"


@transaction.atomic(durable=True)
def digest_build_for_user(*, user: Any, today: date) -> OutboundMessage | None:
    """The user's digest e-mail for `today` (created and enqueued once), or None when nothing is due.

    Lists the reminders due for the user (as on their home page) grouped by urgency: overdue, due
    today, upcoming deadline; those fallen due since the previous digest are marked new. Each group
    lists its `DIGEST_GROUP_LIMIT` most urgent and counts the rest. Case numbers and request
    references only; reminders of a sensitive kind are only counted.
    """
    if not digest_is_due(user=user, today=today):
        return None
    key = f"digest:{user.pk}:{today.isoformat()}"
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    reminders = list(reminders_due_for(user=user, on=today))
    if not reminders:
        return None
    weekly = user.digest_frequency == get_user_model().DigestFrequency.WEEKLY
    new_since = today - timedelta(days=6 if weekly else 0)
    shown = [r for r in reminders if r.kind not in SENSITIVE_KINDS]
    groups: dict[str, list[Reminder]] = {"overdue": [], "today": [], "upcoming": []}
    for reminder in shown:
        groups[_urgency(reminder, today)].append(reminder)
    entries: dict[str, list[dict[str, Any]]] = {}
    # Inside the recipient's language: kind labels and dates are rendered now, not later.
    with translation.override(user.language):
        for urgency, members in groups.items():
            # The most urgent first: by the date each counts towards (sorted() keeps due date and id order on ties).
            listed = sorted(members, key=lambda r: r.deadline_on or r.due_on)[:DIGEST_GROUP_LIMIT]
            entries[urgency] = [_digest_entry(reminder, new_since=new_since) for reminder in listed]
    context = {
        "today": today,
        "weekly": weekly,
        "total": len(reminders),
        "new_count": sum(1 for r in reminders if r.due_on >= new_since),
        "confidential_count": len(reminders) - len(shown),
        "overdue": entries["overdue"],
        "overdue_more": len(groups["overdue"]) - len(entries["overdue"]),
        "due_today": entries["today"],
        "due_today_more": len(groups["today"]) - len(entries["today"]),
        "upcoming": entries["upcoming"],
        "upcoming_more": len(groups["upcoming"]) - len(entries["upcoming"]),
        "home_url": _absolute(reverse("home")),
    }
    message, _created = outbound_message_create(
        idempotency_key=key,
        organisation_id=user.organisation_id,
        recipient=user,
        template=DIGEST_TEMPLATE,
        context=context,
        context_ids={"user": user.pk, "reminders": [r.pk for r in reminders]},
        language=user.language,
    )
    return message


def digest_recipient_ids(*, today: date) -> list[int]:
    """Ids of the users who get a digest on `today` (the digest itself decides whether anything is due)."""
    User = get_user_model()
    frequencies = [User.DigestFrequency.DAILY]
    if today.weekday() == 0:
        frequencies.append(User.DigestFrequency.WEEKLY)
    return list(
        User.objects.filter(is_active=True, organisation__isnull=False, digest_frequency__in=frequencies)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Weekly supervisor report -----------------------------------------------------------------

WEEKLY_REPORT_TEMPLATE = "weekly_report"


def weekly_report_recipients(*, organisation_id: int) -> list[Any]:
    """The organisation's active supervisors with an e-mail address, in a stable order.

    Supervisors limited to their assigned cases are left out: the report has the whole
    organisation's exact figures, which they may not see.
    """
    return list(
        get_user_model()
        .objects.filter(
            organisation_id=organisation_id, is_active=True, sees_assigned_only=False, groups__name=roles.SUPERVISOR
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def weekly_report_key(*, organisation_id: int, user_id: int, today: date) -> str:
    year, week, _day = today.isocalendar()
    return f"weekly:{organisation_id}:{user_id}:{year}-W{week:02d}"


def weekly_report_organisation_ids() -> list[int]:
    """Organisations with at least one recipient of the weekly report (see `weekly_report_recipients`)."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True, organisation__isnull=False, sees_assigned_only=False, groups__name=roles.SUPERVISOR
        )
        .exclude(email="")
        .order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def weekly_report_build(*, organisation_id: int, today: date) -> list[OutboundMessage]:
    """One weekly report e-mail per active supervisor of the organisation for `today`'s ISO week (once each).

    Supervisors are inside the organisation: their e-mail body shows exact counts. The XLSX
    attachment is meant to be shared, so its counts are always suppressed (see `casework.reports`).
    Counts and names of States and facilities only: no person's name, case number or L3 field.
    """
    from casework.accounts.models import Organisation
    from casework.reports.selectors import weekly_summary
    from casework.reports.xlsx import weekly_report_xlsx

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return []
    supervisors = weekly_report_recipients(organisation_id=organisation_id)
    keys = {u.pk: weekly_report_key(organisation_id=organisation_id, user_id=u.pk, today=today) for u in supervisors}
    existing = {m.idempotency_key: m for m in OutboundMessage.objects.filter(idempotency_key__in=keys.values())}
    messages = [existing[keys[u.pk]] for u in supervisors if keys[u.pk] in existing]
    pending = [u for u in supervisors if keys[u.pk] not in existing]
    if not pending:
        return messages
    summary = weekly_summary(organisation=organisation, today=today)
    year, week = summary.iso_week
    xlsx_by_language: dict[str, bytes] = {}
    for user in pending:
        language = user.language or settings.LANGUAGE_CODE
        # Exact counts only for a reader inside the organisation (always so for its supervisors).
        external = user.organisation_id != organisation_id
        with translation.override(language):
            context = {
                "organisation_code": organisation.code,
                "week": week,
                "year": year,
                "week_start": summary.week_start,
                "today": today,
                "tables": summary.render(external=external),
                "external": external,
                "home_url": _absolute(reverse("home")),
            }
            if language not in xlsx_by_language:
                xlsx_by_language[language] = weekly_report_xlsx(summary, external=True)
        with transaction.atomic():
            message, _created = outbound_message_create(
                idempotency_key=keys[user.pk],
                organisation_id=organisation_id,
                recipient=user,
                template=WEEKLY_REPORT_TEMPLATE,
                context=context,
                context_ids={"organisation": organisation_id, "user": user.pk, "week": summary.iso_week_label},
                language=language,
                attachment=xlsx_by_language[language],
                attachment_name=f"casework-weekly-report-{organisation.code}-{summary.iso_week_label}.xlsx",
            )
        messages.append(message)
    return messages
