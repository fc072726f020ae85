"""Government authorities, requests to them, the persons they cover with their decisions, events and status history.

A request goes to one authority of one State and may cover several persons (a family, a batch);
each covered person gets their own decision. The request's status is moved only by services.
"""

from typing import Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel, StatusChangeModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.core.userfields import recorded_by_fk
from casework.govrequests.choices import (
    ACCEPTED_DECISIONS,
    DECISION_STATUSES,
    HANDOVER_PLANNABLE_STATUSES,
    UNSUBMITTED_STATUSES,
    AuthorityKind,
    Channel,
    Decision,
    EventKind,
    HandoverStatus,
    RequestStatus,
)
from casework.people.models import Person, PersonRecord
from casework.people.models.identity import SCAN_EXTENSIONS, document_upload_to

RS = RequestStatus


class GovernmentAuthorityQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """Authorities are reference data: every logged-in user sees them."""
        return self if user.is_authenticated else self.none()


class GovernmentAuthority(PublicModel):
    """A ministry, embassy, consulate or service of a home State that receives requests."""

    country = CountryField(_("State"), db_index=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=30, choices=AuthorityKind.choices, default=AuthorityKind.FOREIGN_MINISTRY
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(_("language of correspondence"), max_length=8, default="en")
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = GovernmentAuthorityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("government authority")
        verbose_name_plural = _("government authorities")
        ordering = ["country", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="authority_unique_name_per_state")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


def state_or_authority(related_name: str, authority_help: Any) -> tuple[CountryField, models.ForeignKey]:
    """The `country` and `authority` fields of a rule about authorities: every authority of one State, or one
    authority (then the State stays empty); each model says whether both may be empty."""
    country = CountryField(_("State"), blank=True, help_text=_("Every authority of this State…"))
    authority = models.ForeignKey(
        GovernmentAuthority,
        verbose_name=_("authority"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name=related_name,
        help_text=authority_help,
    )
    return country, authority


class GovernmentRequestQuerySet(OrganisationScopedQuerySet):
    def narrow_to_assigned(self, user: Any) -> Self:
        """Requests covering one of the user's cases."""
        return self.linked_to_cases_of(user, RequestedPerson.objects.all(), "request_id")

    def awaiting_answer(self) -> Self:
        """Requests a State still owes an answer on."""
        from casework.govrequests.choices import AWAITING_ANSWER_STATUSES

        return self.filter(status__in=AWAITING_ANSWER_STATUSES)


class GovernmentRequest(PublicModel):
    """A request to one authority to take back one or more persons."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        RS.DRAFT: frozenset({RS.SUBMITTED, RS.WITHDRAWN}),
        RS.SUBMITTED: frozenset(
            {RS.ACKNOWLEDGED, RS.INFORMATION_REQUESTED, RS.NO_RESPONSE, *DECISION_STATUSES, RS.WITHDRAWN}
        ),
        RS.ACKNOWLEDGED: frozenset(
            {RS.UNDER_REVIEW, RS.INFORMATION_REQUESTED, RS.NO_RESPONSE, *DECISION_STATUSES, RS.WITHDRAWN}
        ),
        RS.UNDER_REVIEW: frozenset({RS.INFORMATION_REQUESTED, RS.NO_RESPONSE, *DECISION_STATUSES, RS.WITHDRAWN}),
        RS.INFORMATION_REQUESTED: frozenset({RS.UNDER_REVIEW, RS.NO_RESPONSE, *DECISION_STATUSES, RS.WITHDRAWN}),
        RS.NO_RESPONSE: frozenset({RS.ACKNOWLEDGED, RS.UNDER_REVIEW, *DECISION_STATUSES, RS.WITHDRAWN, RS.LAPSED}),
        RS.ACCEPTED: frozenset({RS.OPERATION_PLANNED, RS.WITHDRAWN}),
        RS.PARTIALLY_ACCEPTED: frozenset({RS.OPERATION_PLANNED, RS.REVIEW_REQUESTED, RS.WITHDRAWN}),
        RS.REFUSED: frozenset({RS.REVIEW_REQUESTED, RS.LAPSED}),
        RS.REVIEW_REQUESTED: frozenset({RS.UNDER_REVIEW, *DECISION_STATUSES, RS.LAPSED, RS.WITHDRAWN}),
        RS.OPERATION_PLANNED: frozenset({RS.COMPLETED, RS.PARTIALLY_COMPLETED, RS.ACCEPTED}),
    }

    organisation = organisation_fk("gov_requests")
    reference = models.CharField(_("reference"), max_length=60)
    authority = models.ForeignKey(
        GovernmentAuthority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="requests"
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(_("status"), max_length=30, choices=RS.choices, default=RS.DRAFT, editable=False)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    drafted_on = models.DateField(_("drafted on"))
    submitted_on = models.DateField(_("sent on"), null=True, blank=True, db_index=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    # The deadline clock (`casework.govrequests.clock`), stored so that "overdue" stays a query;
    # recomputed by `services.clock.request_clock_refresh` whenever a date or a clock event changes.
    acknowledgement_due_on = models.DateField(
        _("acknowledgement due on"), null=True, blank=True, db_index=True, editable=False
    )
    answer_due_on = models.DateField(_("answer due on"), null=True, blank=True, db_index=True, editable=False)
    answer_due_extended = models.BooleanField(_("due date extended"), default=False, editable=False)
    clock_paused_on = models.DateField(_("clock paused since"), null=True, blank=True, editable=False)
    clock_paused_days = models.PositiveIntegerField(_("days paused"), default=0, editable=False)
    # Days the current due date lies beyond its base period (pauses, an extension): the reminder
    # rules count their offsets from the shifted start.
    clock_shift_days = models.IntegerField(_("clock shift (days)"), default=0, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    persons = models.ManyToManyField(Person, through="RequestedPerson", related_name="gov_requests")
    notes = models.TextField(_("notes"), blank=True)
    created_by = recorded_by_fk(_("created by"))

    objects = GovernmentRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("government request")
        verbose_name_plural = _("government requests")
        ordering = ["-drafted_on", "reference"]
        permissions = [("decide_request", _("Can record a State's decision on a request"))]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="request_reference_unique_per_org"),
            models.CheckConstraint(condition=Q(status__in=RS.values), name="request_status_valid"),
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=True) | Q(submitted_on__gte=F("drafted_on")),
                name="request_sent_after_drafted",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True)
                | (Q(submitted_on__isnull=False) & Q(acknowledged_on__gte=F("submitted_on"))),
                name="request_acknowledged_after_sent",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="request_org_status_idx"),
            models.Index(fields=["authority", "status"], name="request_authority_status_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("govrequests:request_detail", args=[self.public_id])

    def clean(self) -> None:
        errors = {}
        if self.submitted_on and self.drafted_on and self.submitted_on < self.drafted_on:
            errors["submitted_on"] = gettext("The request was sent before it was drafted.")
        if self.acknowledged_on and not self.submitted_on:
            errors["acknowledged_on"] = gettext("A request must be sent before it is acknowledged.")
        elif self.acknowledged_on and self.submitted_on and self.acknowledged_on < self.submitted_on:
            errors["acknowledged_on"] = gettext("The acknowledgement is dated before the request was sent.")
        if errors:
            raise ValidationError(errors)

    def can_transition_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, frozenset())

    def allowed_transitions(self) -> list[str]:
        return [s for s in RS.values if self.can_transition_to(s)]

    @property
    def can_record_decisions(self) -> bool:
        """Whether the State's decisions can be recorded: the request was sent and is not closed."""
        return self.status not in UNSUBMITTED_STATUSES

    @property
    def can_plan_handover(self) -> bool:
        """Whether a handover operation can be planned: the State accepted someone."""
        return self.status in HANDOVER_PLANNABLE_STATUSES

    def transition_blocker(self, new_status: str) -> str:
        """Why the request cannot move to `new_status` although the move is legal, or "" if it can."""
        # Read the covered persons only for the moves that depend on them: other moves (e.g. the
        # sweep's bulk "no response" mark) check their guard without a query.
        if new_status == RS.SUBMITTED and not self.covered.exists():
            return gettext("The request covers no person yet.")
        if new_status in DECISION_STATUSES:
            decisions = list(self.covered.values_list("decision", flat=True))
            positive = sum(d in ACCEPTED_DECISIONS for d in decisions)
            refused = sum(d == Decision.REFUSED for d in decisions)
            if not positive and not refused:
                return gettext("Record the decision for each person first.")
            if new_status == RS.ACCEPTED and positive != len(decisions):
                return gettext("Not every person was accepted: use “partially accepted”.")
            if new_status == RS.REFUSED and refused != len(decisions):
                return gettext("Not every person was refused.")
            if new_status == RS.PARTIALLY_ACCEPTED and not (positive and positive < len(decisions)):
                return gettext("A partial acceptance needs some persons accepted and some not.")
        if new_status == RS.OPERATION_PLANNED and not self.handovers.exclude(status=HandoverStatus.CANCELLED).exists():
            return gettext("Plan a handover operation first.")
        return ""


class RequestedPerson(PersonRecord):
    """A person covered by a request, with the State's decision about that person."""

    request = models.ForeignKey(
        GovernmentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="covered"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="request_memberships"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("person in request")
        verbose_name_plural = _("persons in request")
        ordering = ["request", "person__case_number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="requested_person_unique"),
            models.CheckConstraint(condition=Q(decision__in=Decision.values), name="requested_person_decision_valid"),
        ]
        indexes = [models.Index(fields=["person", "decision"], name="requested_person_decision_idx")]

    def __str__(self) -> str:
        return f"{self.person} in {self.request}"


class RequestScopedQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """Rows about requests the user can see (events, status changes): the request's scope."""
        return self.filter(request__in=GovernmentRequest.objects.visible_to(user))


class RequestEvent(PublicModel):
    """Something that happened on a request: sent, acknowledged, information asked, answer, appeal…"""

    request = models.ForeignKey(
        GovernmentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)
    document = models.FileField(
        _("document"), upload_to=document_upload_to, blank=True, validators=[FileExtensionValidator(SCAN_EXTENSIONS)]
    )
    created_by = recorded_by_fk(_("created by"))

    objects = RequestScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["request", "-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("occurred_on")), name="request_event_due_after_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on} ({self.request})"

    def clean(self) -> None:
        if self.due_on and self.occurred_on and self.due_on < self.occurred_on:
            raise ValidationError({"due_on": gettext("The due date is before the event.")})


class RequestStatusChange(StatusChangeModel):
    """Append-only history of a request's status."""

    request = models.ForeignKey(
        GovernmentRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(_("from"), max_length=30, choices=RS.choices)
    new_status = models.CharField(_("to"), max_length=30, choices=RS.choices)

    objects = RequestScopedQuerySet.as_manager()

    class Meta(StatusChangeModel.Meta):
        verbose_name = _("request status change")
        verbose_name_plural = _("request status changes")
