"""Reminder rules (data, editable in the admin) and the reminders raised from them.

A State's age limit (the `state_age_limit` rule) is its policy's: `policies.selectors.age_limits`.

A *rule* says what to watch (its kind), when (offsets in days, whose meaning depends on the kind;
see `casework.reminders.rules`) and who is told. Rules without an organisation and without a
State are the defaults; an organisation and/or a State narrow a rule into an override, and the
most specific rule wins (organisation + State > organisation > State > default). An inactive
override switches the reminder off for its scope.

A *reminder* is one occurrence: one rule kind, about one person or request, falling due on one
day at one offset. The database refuses the same occurrence twice (`reminder_unique_occurrence`).
"""

from datetime import date
from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from casework.accounts.fields import organisation_fk, override_organisation_fk
from casework.core.models import PublicModel, TimeStampedModel
from casework.core.querysets import OrganisationScopedQuerySet, SharedDefaultsQuerySet
from casework.core.sensitivity import can_view_sensitive
from casework.core.userfields import user_fk
from casework.govrequests.models import GovernmentRequest, RequestedPerson
from casework.people.models import Person
from casework.reminders.choices import SENSITIVE_KINDS, Recipient, ReminderStatus, RuleKind

# Kinds that need `threshold`: an age in years, or the validity margin of a travel document in days.
THRESHOLD_KINDS = frozenset({RuleKind.BOY_APPROACHING_11, RuleKind.MINOR_TURNING_18, RuleKind.TRAVEL_DOCUMENT_EXPIRING})
MAX_OFFSET_DAYS = 3650


class ReminderRuleQuerySet(SharedDefaultsQuerySet):
    """Users see the defaults and the overrides of their organisation (all for superusers)."""


class ReminderRule(TimeStampedModel):
    """When to raise a reminder of one kind, and for whom; a default or an override."""

    kind = models.CharField(_("kind"), max_length=40, choices=RuleKind.choices)
    organisation = override_organisation_fk(
        "reminder_rules", _("Empty: applies to every organisation without its own rule.")
    )
    country = CountryField(
        _("State"), blank=True, help_text=_("Empty: any State. For persons, the State of their main nationality claim.")
    )
    offsets = models.JSONField(
        _("offsets (days)"),
        default=list,
        help_text=_("Days after the start date, or before the deadline, depending on the kind; e.g. [14, 30]."),
    )
    recipients = models.JSONField(_("recipients"), default=list, help_text=_("Who is told: a list of recipients."))
    threshold = models.PositiveSmallIntegerField(
        _("threshold"),
        null=True,
        blank=True,
        help_text=_(
            "Age in years for “boy approaching 11” and “minor turning 18”; for travel documents, "
            "the days after the handover the document must still be valid."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("An inactive override switches it off."))
    notes = models.TextField(_("notes"), blank=True)

    objects = ReminderRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["kind", "organisation__name", "country"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RuleKind.values), name="reminder_rule_kind_valid"),
            models.UniqueConstraint(fields=["kind", "organisation", "country"], name="reminder_rule_unique_scope"),
            # NULLs are distinct in unique constraints: the organisation-wide rows need their own.
            models.UniqueConstraint(
                fields=["kind", "country"],
                condition=Q(organisation__isnull=True),
                name="reminder_rule_unique_scope_without_org",
            ),
        ]

    def __str__(self) -> str:
        scope = " / ".join(filter(None, [str(self.organisation or ""), self.country.code or ""])) or gettext("default")
        return f"{self.get_kind_display()} ({scope})"

    @property
    def specificity(self) -> int:
        """3 organisation + State, 2 organisation, 1 State, 0 default."""
        return (2 if self.organisation_id else 0) + (1 if self.country else 0)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        offsets = self.offsets
        if (
            not isinstance(offsets, list)
            or not offsets
            or not all(isinstance(o, int) and not isinstance(o, bool) and 0 <= o <= MAX_OFFSET_DAYS for o in offsets)
        ):
            errors["offsets"] = gettext(
                "Enter a list of whole numbers of days between 0 and %(max)s, e.g. [14, 30]."
            ) % {"max": MAX_OFFSET_DAYS}
        recipients = self.recipients
        if not isinstance(recipients, list) or not recipients or not set(recipients) <= set(Recipient.values):
            errors["recipients"] = gettext("Choose one or more of: %(choices)s.") % {
                "choices": ", ".join(Recipient.values)
            }
        if self.kind in THRESHOLD_KINDS and not self.threshold:
            errors["threshold"] = gettext("This kind of rule needs a threshold.")
        if errors:
            raise ValidationError(errors)


class ReminderQuerySet(OrganisationScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        """Reminders of the user's organisation; for assigned-only users those of their cases or addressed to them.

        Reminders of a sensitive kind (urgent medical) need the L3 permission.
        """
        queryset = super().visible_to(user)
        if user.is_superuser or can_view_sensitive(user):
            return queryset
        return queryset.exclude(kind__in=SENSITIVE_KINDS)

    def narrow_to_assigned(self, user: Any) -> Self:
        """Reminders of the user's cases, of requests covering one, or addressed to the user.

        A reminder about a person also needs that person to be visible to the user now, and one
        about a request that request: a reminder addressed to the previous caseworker must not
        show the case (or the request) after reassignment.
        """
        covered = RequestedPerson.objects.filter(person__assigned_to_id=user.pk).values("request_id")
        qs = self.filter(Q(recipient_id=user.pk) | Q(person__assigned_to_id=user.pk) | Q(gov_request_id__in=covered))
        qs = qs.filter(Q(person__isnull=True) | Q(person__in=Person.objects.visible_to(user)))
        return qs.filter(Q(gov_request__isnull=True) | Q(gov_request__in=GovernmentRequest.objects.visible_to(user)))

    def open(self) -> Self:
        """Not yet resolved: open, acknowledged or snoozed."""
        return self.filter(status__in=[ReminderStatus.OPEN, ReminderStatus.ACKNOWLEDGED, ReminderStatus.SNOOZED])

    def due(self, *, on: date) -> Self:
        """Needing attention on `on`: fallen due, and open or with a snooze that has ended."""
        return self.filter(due_on__lte=on).filter(
            Q(status=ReminderStatus.OPEN) | Q(status=ReminderStatus.SNOOZED, snoozed_until__lte=on)
        )


class Reminder(PublicModel):
    """One occurrence of a rule about a person or a request, and what was done about it."""

    # The only legal moves; done and dismissed are terminal.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ReminderStatus.OPEN: frozenset(
            {ReminderStatus.ACKNOWLEDGED, ReminderStatus.SNOOZED, ReminderStatus.DONE, ReminderStatus.DISMISSED}
        ),
        ReminderStatus.ACKNOWLEDGED: frozenset({ReminderStatus.SNOOZED, ReminderStatus.DONE, ReminderStatus.DISMISSED}),
        ReminderStatus.SNOOZED: frozenset(
            {ReminderStatus.ACKNOWLEDGED, ReminderStatus.SNOOZED, ReminderStatus.DONE, ReminderStatus.DISMISSED}
        ),
    }

    # Not auto_now_add: the sweep stamps every row it inserts with the same instant, so it can
    # count exactly the rows it created (bulk_create with ignore_conflicts does not say).
    created_at = models.DateTimeField(_("raised at"), default=timezone.now, editable=False, db_index=True)

    kind = models.CharField(_("kind"), max_length=40, choices=RuleKind.choices)
    rule = models.ForeignKey(
        ReminderRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders",
        help_text=_("The rule in force when it was raised."),
    )
    organisation = organisation_fk("reminders")
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    gov_request = models.ForeignKey(
        "govrequests.GovernmentRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    # "person:<id>" or "request:<id>": never NULL, so the unique constraint holds (NULLs are distinct).
    subject_key = models.CharField(_("subject"), max_length=40, editable=False)
    recipient = user_fk(
        _("recipient"),
        on_delete=models.SET_NULL,
        related_name="reminders",
        help_text=_("The assigned caseworker; empty when it goes to the supervisors only."),
    )
    notify_supervisors = models.BooleanField(_("supervisors are told"), default=False)
    due_on = models.DateField(_("due on"))
    deadline_on = models.DateField(
        _("deadline"), null=True, blank=True, help_text=_("The date it counts towards: a court deadline, a birthday…")
    )
    offset_days = models.SmallIntegerField(_("offset (days)"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReminderStatus.choices, default=ReminderStatus.OPEN, editable=False
    )
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True, editable=False)
    acted_by = user_fk(_("acted by"), editable=False)
    acted_at = models.DateTimeField(_("acted at"), null=True, blank=True, editable=False)
    reason = models.TextField(_("reason"), blank=True, editable=False)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "due_on", "offset_days"], name="reminder_unique_occurrence"
            ),
            models.CheckConstraint(condition=Q(kind__in=RuleKind.values), name="reminder_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReminderStatus.values), name="reminder_status_valid"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(gov_request__isnull=False), name="reminder_has_subject"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SNOOZED) | Q(snoozed_until__isnull=False),
                name="reminder_snoozed_has_date",
            ),
        ]
        indexes = [
            # The daily digest: a user's new and still-open reminders.
            models.Index(fields=["recipient", "status", "due_on"], name="reminder_recipient_due_idx"),
            # Supervisors' views.
            models.Index(fields=["organisation", "status", "due_on"], name="reminder_org_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_key} {self.due_on}"

    def can_transition_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, frozenset())


def subject_key_for(*, person_id: int | None, gov_request_id: int | None) -> str:
    """The reminder's subject: the person when there is one, else the request."""
    if person_id is not None:
        return f"person:{person_id}"
    if gov_request_id is not None:
        return f"request:{gov_request_id}"
    raise ValueError("a reminder is about a person or a request")
