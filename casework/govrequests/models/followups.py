"""Follow-ups to authorities, disclosure policies and the disclosure record."""

from typing import Any, Self

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel, TimeStampedModel
from casework.core.querysets import OrganisationScopedQuerySet
from casework.core.sensitivity import sensitive_fields
from casework.core.userfields import user_fk
from casework.govrequests.choices import (
    DISCLOSURE_FIELD_SOURCES,
    Channel,
    DisclosureField,
    FollowUpStatus,
)
from casework.govrequests.models.requests import (
    GovernmentAuthority,
    GovernmentRequest,
    RequestedPerson,
    state_or_authority,
)
from casework.people.models import Person, PersonScopedQuerySet

# --- Follow-ups to authorities and the disclosure record ------------------------------------------


def l3_disclosure_fields() -> set[str]:
    """Names in `DISCLOSURE_FIELD_SOURCES` that read a highly sensitive (L3) field: must stay empty."""
    found = set()
    for key, (model_label, field_names) in DISCLOSURE_FIELD_SOURCES.items():
        if set(field_names) & sensitive_fields(apps.get_model(model_label)):
            found.add(key)
    return found


def validate_disclosure_fields(value: Any) -> list[str]:
    """The chosen fields, checked against the whitelist and put in its order, case number always first."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(gettext("Choose the fields from the list."))
    l3 = {name for model in apps.get_models() for name in sensitive_fields(model) if name in value}
    l3 |= set(value) & l3_disclosure_fields()
    if l3:
        raise ValidationError(
            gettext("Highly sensitive fields can never be disclosed: %(fields)s.") % {"fields": ", ".join(sorted(l3))}
        )
    unknown = set(value) - set(DisclosureField.values)
    if unknown:
        raise ValidationError(
            gettext("Not a field that may be disclosed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    chosen = set(value) | {DisclosureField.CASE_NUMBER}
    return [field for field in DisclosureField.values if field in chosen]


class DisclosurePolicy(TimeStampedModel):
    """Which person fields an organisation shares with the authorities of a State, or with one authority.

    The authority's own policy wins over its State's; without either, `DEFAULT_DISCLOSURE_FIELDS`.
    """

    organisation = organisation_fk("disclosure_policies", on_delete=models.CASCADE)
    country, authority = state_or_authority(
        "disclosure_policies", _("…or this authority only (then leave the State empty).")
    )
    fields = models.JSONField(_("fields disclosed"), default=list)
    basis = models.TextField(
        _("basis"), blank=True, help_text=_("Why these fields may be shared: agreement, consent, legal basis.")
    )

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure policy")
        verbose_name_plural = _("disclosure policies")
        ordering = ["organisation", "country", "authority__name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(authority__isnull=True) & ~Q(country="")) | (Q(authority__isnull=False) & Q(country="")),
                name="disclosure_policy_state_or_authority",
            ),
            models.UniqueConstraint(
                fields=["organisation", "authority"],
                condition=Q(authority__isnull=False),
                name="disclosure_policy_unique_authority",
            ),
            models.UniqueConstraint(
                fields=["organisation", "country"],
                condition=Q(authority__isnull=True),
                name="disclosure_policy_unique_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.authority or self.country.code}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if bool(self.authority_id) == bool(self.country):
            errors["country"] = gettext("Choose either a State or one authority.")
        try:
            self.fields = validate_disclosure_fields(self.fields)
        except ValidationError as exc:
            errors["fields"] = exc.messages
        if errors:
            raise ValidationError(errors)


class AuthorityFollowUpQuerySet(OrganisationScopedQuerySet):
    def narrow_to_assigned(self, user: Any) -> Self:
        """Drafts listing one of the user's cases."""
        return self.linked_to_cases_of(
            user, FollowUpItem.objects.all(), "followup_id", person="requested_person__person"
        )


class DisclosureQuerySet(OrganisationScopedQuerySet):
    def narrow_to_assigned(self, user: Any) -> Self:
        """Disclosures about one of the user's cases."""
        return self.linked_to_cases_of(user, DisclosedPerson.objects.all(), "disclosure_id")


class AuthorityFollowUp(PublicModel):
    """The consolidated follow-up letter to one authority: all its pending persons in the organisation's requests.

    At most one open draft per organisation and authority (`followup_one_open_per_authority`); a sent
    or discarded one is kept, and the next follow-up is a new draft.
    """

    organisation = organisation_fk("followups")
    authority = models.ForeignKey(
        GovernmentAuthority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="followups"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN, editable=False
    )
    refreshed_at = models.DateTimeField(_("drafted or refreshed at"), editable=False)
    closed_at = models.DateTimeField(_("sent or discarded at"), null=True, blank=True, editable=False)
    closed_by = user_fk(_("closed by"), editable=False)
    covered = models.ManyToManyField(RequestedPerson, through="FollowUpItem", related_name="followups")

    objects = AuthorityFollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up to an authority")
        verbose_name_plural = _("follow-ups to authorities")
        ordering = ["-refreshed_at", "-pk"]
        permissions = [("send_followup", _("Can draft and send a follow-up to an authority"))]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=FollowUpStatus.values), name="followup_status_valid"),
            models.UniqueConstraint(
                fields=["organisation", "authority"],
                condition=Q(status=FollowUpStatus.OPEN),
                name="followup_one_open_per_authority",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.authority} ({self.get_status_display()})"


class FollowUpItem(models.Model):
    """A pending person of one request, listed in a follow-up draft."""

    followup = models.ForeignKey(
        AuthorityFollowUp, verbose_name=_("follow-up"), on_delete=models.CASCADE, related_name="items"
    )
    requested_person = models.ForeignKey(
        RequestedPerson, verbose_name=_("person in request"), on_delete=models.CASCADE, related_name="followup_items"
    )

    class Meta:
        verbose_name = _("person in follow-up")
        verbose_name_plural = _("persons in follow-up")
        constraints = [
            models.UniqueConstraint(fields=["followup", "requested_person"], name="followup_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.requested_person_id} in {self.followup_id}"


class Disclosure(PublicModel):
    """What was sent to an authority: when, by whom, to which address, which persons, which fields. Immutable.

    Written only by `followup_send`; the admin shows it read-only.
    """

    organisation = organisation_fk("disclosures")
    authority = models.ForeignKey(
        GovernmentAuthority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="disclosures"
    )
    followup = models.OneToOneField(
        AuthorityFollowUp,
        verbose_name=_("follow-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosure",
    )
    disclosed_at = models.DateTimeField(_("disclosed at"), db_index=True)
    disclosed_by = user_fk(_("disclosed by"), required=True)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices, default=Channel.EMAIL)
    # As they were when sent: the authority's record may change later.
    authority_name = models.CharField(_("authority (as sent)"), max_length=200)
    to_email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=8)
    fields = models.JSONField(_("fields disclosed"), default=list)
    basis = models.TextField(_("basis"), blank=True)
    persons = models.ManyToManyField(Person, through="DisclosedPerson", related_name="disclosures")
    requests = models.ManyToManyField(GovernmentRequest, related_name="disclosures", verbose_name=_("requests"))
    # The e-mail that carried it (record-then-send, see `casework.outbox`).
    outbound_message = models.OneToOneField(
        "outbox.OutboundMessage",
        verbose_name=_("outbound message"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosure",
        editable=False,
    )

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-disclosed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.authority_name} {self.disclosed_at:%Y-%m-%d}"

    def field_labels(self) -> list[str]:
        labels = dict(DisclosureField.choices)
        return [str(labels.get(field, field)) for field in self.fields]


class DisclosedPerson(models.Model):
    """One person whose fields went out in a disclosure, with the references of the requests concerned."""

    disclosure = models.ForeignKey(
        Disclosure, verbose_name=_("disclosure"), on_delete=models.CASCADE, related_name="disclosed_persons"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="disclosure_rows"
    )
    case_number = models.CharField(_("case number (as sent)"), max_length=20)
    request_references = models.JSONField(_("request references"), default=list)

    objects = PersonScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosed person")
        verbose_name_plural = _("disclosed persons")
        ordering = ["disclosure", "case_number"]
        constraints = [models.UniqueConstraint(fields=["disclosure", "person"], name="disclosed_person_unique")]

    def __str__(self) -> str:
        return f"{self.case_number} in {self.disclosure}"
