"""The person whose case is worked, their other names, and the history of their case status."""

import calendar
from datetime import date
from typing import ClassVar

from django.contrib.contenttypes.fields import GenericForeignKey
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
from casework.core.fields import EncryptedBooleanField, EncryptedTextField
from casework.core.models import PublicModel, StatusChangeModel
from casework.core.userfields import recorded_by_fk, user_fk
from casework.govrequests.choices import ACCEPTED_DECISIONS, UNSUBMITTED_STATUSES, Decision, HandoverStatus
from casework.people.choices import (
    AliasKind,
    CaseStatus,
    ClosureReason,
    DatePrecision,
    Script,
    SeparationStatus,
    Sex,
)
from casework.people.models.scoping import PersonQuerySet, PersonRecord, PersonScopedQuerySet
from casework.people.names import join_parts, normalise_name

NAME_PARTS = ("given_name", "father_name", "grandfather_name", "family_name")


def photo_upload_to(instance: "Person", filename: str) -> str:
    # The file name must not carry the person's name: only the opaque id.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"photos/{instance.public_id}.{extension}"


def birth_date_bounds(precision: str, birth_date: date | None) -> tuple[date | None, date | None]:
    """Earliest and latest plausible birth date for a date given with `precision`."""
    if birth_date is None or precision in (DatePrecision.RANGE, DatePrecision.UNKNOWN):
        return None, None
    if precision == DatePrecision.YEAR:
        return date(birth_date.year, 1, 1), date(birth_date.year, 12, 31)
    if precision == DatePrecision.MONTH:
        last_day = calendar.monthrange(birth_date.year, birth_date.month)[1]
        return birth_date.replace(day=1), birth_date.replace(day=last_day)
    return birth_date, birth_date


class Person(PublicModel):
    """The subject of a case: one person held in a camp or centre, owned by one organisation."""

    # Transitions of the case, the only legal moves. `closed` is terminal.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        CaseStatus.REGISTERED: frozenset({CaseStatus.IDENTITY_IN_PROGRESS, CaseStatus.ON_HOLD, CaseStatus.CLOSED}),
        CaseStatus.IDENTITY_IN_PROGRESS: frozenset(
            {CaseStatus.NATIONALITY_VERIFICATION, CaseStatus.ON_HOLD, CaseStatus.CLOSED}
        ),
        CaseStatus.NATIONALITY_VERIFICATION: frozenset(
            {CaseStatus.ASSESSMENT, CaseStatus.READY_FOR_REQUEST, CaseStatus.ON_HOLD, CaseStatus.CLOSED}
        ),
        CaseStatus.ASSESSMENT: frozenset({CaseStatus.READY_FOR_REQUEST, CaseStatus.ON_HOLD, CaseStatus.CLOSED}),
        CaseStatus.READY_FOR_REQUEST: frozenset({CaseStatus.REQUEST_PENDING, CaseStatus.ON_HOLD, CaseStatus.CLOSED}),
        CaseStatus.REQUEST_PENDING: frozenset(
            {
                CaseStatus.ACCEPTED,
                CaseStatus.REFUSED,
                CaseStatus.READY_FOR_REQUEST,
                CaseStatus.ON_HOLD,
                CaseStatus.CLOSED,
            }
        ),
        CaseStatus.ACCEPTED: frozenset({CaseStatus.HANDOVER_SCHEDULED, CaseStatus.ON_HOLD, CaseStatus.CLOSED}),
        CaseStatus.REFUSED: frozenset(
            {CaseStatus.READY_FOR_REQUEST, CaseStatus.REQUEST_PENDING, CaseStatus.ON_HOLD, CaseStatus.CLOSED}
        ),
        CaseStatus.HANDOVER_SCHEDULED: frozenset({CaseStatus.HANDED_OVER, CaseStatus.ACCEPTED, CaseStatus.ON_HOLD}),
        CaseStatus.HANDED_OVER: frozenset({CaseStatus.REPATRIATED, CaseStatus.CLOSED}),
        CaseStatus.REPATRIATED: frozenset({CaseStatus.CLOSED}),
        CaseStatus.ON_HOLD: frozenset(
            {
                CaseStatus.REGISTERED,
                CaseStatus.IDENTITY_IN_PROGRESS,
                CaseStatus.NATIONALITY_VERIFICATION,
                CaseStatus.ASSESSMENT,
                CaseStatus.READY_FOR_REQUEST,
                CaseStatus.REQUEST_PENDING,
                CaseStatus.CLOSED,
            }
        ),
    }
    # Moves that must say why.
    NOTE_REQUIRED: ClassVar[frozenset[str]] = frozenset({CaseStatus.ON_HOLD, CaseStatus.CLOSED})

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"has_disability", "has_medical_condition", "medical_urgent", "health_notes", "child_protection_notes"}
    )

    organisation = organisation_fk("persons")
    case_number = models.CharField(_("case number"), max_length=20, editable=False)

    # Names as written, per script, in parts: the nasab chain matters for matching Arabic names.
    given_name_ar = models.CharField(_("given name (Arabic)"), max_length=100, blank=True)
    father_name_ar = models.CharField(_("father's name (Arabic)"), max_length=100, blank=True)
    grandfather_name_ar = models.CharField(_("grandfather's name (Arabic)"), max_length=100, blank=True)
    family_name_ar = models.CharField(_("family name (Arabic)"), max_length=100, blank=True)
    given_name_lat = models.CharField(_("given name (Latin)"), max_length=100, blank=True)
    father_name_lat = models.CharField(_("father's name (Latin)"), max_length=100, blank=True)
    grandfather_name_lat = models.CharField(_("grandfather's name (Latin)"), max_length=100, blank=True)
    family_name_lat = models.CharField(_("family name (Latin)"), max_length=100, blank=True)
    # Derived: normalised names of both scripts, for search. Kept in step by `refresh_derived_fields`.
    name_search = models.TextField(_("normalised name"), editable=False, blank=True)

    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, help_text=_("As given."))
    birth_date_precision = models.CharField(
        _("precision of date of birth"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    # Derived from birth_date and precision, or entered directly for an estimated range.
    birth_date_earliest = models.DateField(_("born no earlier than"), null=True, blank=True, db_index=True)
    birth_date_latest = models.DateField(_("born no later than"), null=True, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    country_of_birth = CountryField(_("country of birth"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("ISO 639 codes."))
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)

    separation_status = models.CharField(
        _("accompanied or not"), max_length=20, choices=SeparationStatus.choices, default=SeparationStatus.NONE
    )
    whereabouts_unknown = models.BooleanField(_("whereabouts unknown"), default=False)
    # Children born in the camps are often in no civil register: a risk of statelessness even
    # before (or without) any nationality claim.
    birth_unregistered = models.BooleanField(
        _("born in the camps without a birth registration"),
        default=False,
        help_text=_("No civil registration of the birth anywhere. Counts as a risk of statelessness."),
    )
    # Highly sensitive (L3).
    has_disability = EncryptedBooleanField(_("disability"), default=False)
    has_medical_condition = EncryptedBooleanField(_("medical condition"), default=False)
    medical_urgent = models.BooleanField(_("urgent medical case"), default=False)
    health_notes = EncryptedTextField(_("health notes"), blank=True)
    child_protection_notes = EncryptedTextField(_("child-protection notes"), blank=True)

    photo = models.ImageField(
        _("photo"),
        upload_to=photo_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )

    status = models.CharField(
        _("case status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.REGISTERED, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)
    closure_reason = models.CharField(
        _("closure reason"), max_length=30, choices=ClosureReason.choices, blank=True, editable=False
    )
    assigned_to = user_fk(_("assigned caseworker"), on_delete=models.SET_NULL, related_name="assigned_persons")
    created_by = recorded_by_fk(_("created by"))
    # Set when this record was merged into another (`casework.merging`): a tombstone, never listed
    # or counted; its URL leads to the survivor. Cleared by an unmerge.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        editable=False,
    )

    objects = PersonQuerySet.as_manager()
    # The history table keeps the index on the person's id (a person's history is read by id) and on the
    # date; not those django-simple-history copies from the model's fields, which no query of the history
    # uses. Each was maintained for every history row: an import writes one per person (10,000 rows'
    # insert: 510 ms with the eleven indexes, 257 ms with four).
    # Its user (who made the change) is no database constraint (`user_db_constraint=False`, also on the
    # history of households and of every `PersonRecord`: custody, claims, aliases, documents, family links
    # and the others, so that the rule is one). The constraint was one deferred check per history row at COMMIT (an import of
    # 100,000 rows: about 470,000 of them, a quarter of its foreign-key checks) and checked nothing the
    # application does not already hold: the history user is the acting user, loaded for the request or
    # the task; an import's actor is also its batch's `committed_by` and its audit event's actor, both
    # constraints in the same transaction; and a user is deleted only through the ORM, whose collector
    # sets the history's user to NULL (`on_delete=SET_NULL`) with or without a constraint, as it always did.
    history = HistoricalRecords(
        user_db_constraint=False,
        no_db_index=[
            "public_id",
            "birth_date_earliest",
            "assigned_to",
            "created_by",
            "organisation",
            "household",
            "merged_into",
        ],
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["case_number"]
        permissions = [
            ("transition_person", _("Can move a case to another status")),
            ("assign_case", _("Can assign cases to caseworkers")),
            ("merge_person", _("Can merge two records of the same person and undo a merge")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "case_number"], name="person_case_number_unique_per_org"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="person_status_valid"),
            models.CheckConstraint(
                condition=Q(birth_date_earliest__isnull=True)
                | Q(birth_date_latest__isnull=True)
                | Q(birth_date_latest__gte=F("birth_date_earliest")),
                name="person_birth_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(birth_date_earliest__isnull=True)
                | Q(date_of_death__gte=F("birth_date_earliest")),
                name="person_death_after_birth",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | ~Q(closure_reason=""), name="person_closed_has_reason"
            ),
        ]
        indexes = [
            # With the id, the persons of one status come in id order from the index alone: the list's
            # capped count merges them with a nationality's claims without reading the table.
            models.Index(fields=["organisation", "status", "id"], name="person_org_status_idx"),
            models.Index(fields=["organisation", "assigned_to"], name="person_org_assignee_idx"),
            models.Index(fields=["organisation", "family_name_lat", "given_name_lat"], name="person_org_name_lat_idx"),
            models.Index(fields=["organisation", "updated_at"], name="person_org_updated_idx"),
            # The list's search box takes a case-number prefix or a name (`case_number LIKE 'x%' OR id IN
            # (the matcher's candidates)`). With the pattern operator class PostgreSQL answers the prefix
            # from this index and ORs it with the primary key, instead of reading every person of the
            # organisation: a btree in the database's collation cannot serve LIKE (docs/benchmarks.md,
            # issue #10). Case numbers start with the organisation's code, so no organisation column is
            # needed, and superusers' searches use it too. The operator class is ignored on SQLite.
            models.Index(fields=["case_number"], opclasses=["varchar_pattern_ops"], name="person_case_number_like_idx"),
        ]

    def accessed_person_id(self) -> int:
        """The person a reading of this row is about (the read log, `core.access`)."""
        return self.pk

    def __str__(self) -> str:
        # Case numbers, not names: __str__ ends up in logs, admin messages and audit data.
        return self.case_number or str(self.public_id)

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.public_id])

    @property
    def is_tombstone(self) -> bool:
        return self.merged_into_id is not None

    # --- Names -----------------------------------------------------------------------------
    @property
    def full_name_ar(self) -> str:
        return join_parts(*(getattr(self, f"{part}_ar") for part in NAME_PARTS))

    @property
    def full_name_lat(self) -> str:
        return join_parts(*(getattr(self, f"{part}_lat") for part in NAME_PARTS))

    @property
    def display_name(self) -> str:
        return self.full_name_lat or self.full_name_ar or gettext("(no name recorded)")

    def refresh_derived_fields(self) -> None:
        """Recompute the fields derived from others: search names and the birth-date range."""
        self.name_search = normalise_name(f"{self.full_name_lat} {self.full_name_ar}")
        if self.birth_date_precision != DatePrecision.RANGE:
            self.birth_date_earliest, self.birth_date_latest = birth_date_bounds(
                self.birth_date_precision, self.birth_date
            )

    def save(self, *args, **kwargs) -> None:
        self.refresh_derived_fields()
        super().save(*args, **kwargs)

    # --- Dates -----------------------------------------------------------------------------
    def age_on(self, day: date, *, oldest: bool = True) -> int | None:
        """Age in whole years on `day`; by default from the earliest plausible birth date."""
        born = self.birth_date_earliest if oldest else (self.birth_date_latest or self.birth_date_earliest)
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(date.today())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.full_name_lat or self.full_name_ar):
            errors["given_name_lat"] = gettext("Enter at least one name, in Arabic or Latin script.")
        precision = self.birth_date_precision
        if precision in (DatePrecision.EXACT, DatePrecision.MONTH, DatePrecision.YEAR) and not self.birth_date:
            errors["birth_date"] = gettext("Enter the date of birth, or choose “Unknown” or “Estimated range”.")
        if precision == DatePrecision.RANGE:
            if not (self.birth_date_earliest and self.birth_date_latest):
                errors["birth_date_earliest"] = gettext("Enter both ends of the estimated range.")
            elif self.birth_date_latest < self.birth_date_earliest:
                errors["birth_date_latest"] = gettext("The end of the range is before its start.")
        self.refresh_derived_fields()
        today = date.today()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = gettext("The date of birth is in the future.")
        if self.birth_date_earliest and self.birth_date_earliest < date(1900, 1, 1):
            errors.setdefault("birth_date", gettext("The date of birth is impossibly early."))
        if self.date_of_death:
            if self.date_of_death > today:
                errors["date_of_death"] = gettext("The date of death is in the future.")
            elif self.birth_date_earliest and self.date_of_death < self.birth_date_earliest:
                errors["date_of_death"] = gettext("The date of death is before the date of birth.")
        if errors:
            raise ValidationError(errors)

    # --- Nationality -----------------------------------------------------------------------
    def statelessness_risk_reasons(self, claims: list | None = None) -> list[str]:
        """Why the person risks statelessness: an unregistered birth, or a claim flagged so ([] if none).

        `claims` are the person's nationality claims when already loaded (the person page prefetches them).
        """
        reasons = []
        if self.birth_unregistered:
            reasons.append(gettext("Born in the camps without a birth registration."))
        claims = list(self.nationality_claims.all()) if claims is None else claims
        flagged = [claim for claim in claims if claim.statelessness_risk]
        if flagged:
            reasons.append(
                gettext("Nationality claim flagged: %(states)s.")
                % {"states": ", ".join(str(claim.country.name) for claim in flagged)}
            )
        return reasons

    @property
    def has_statelessness_risk(self) -> bool:
        return bool(self.statelessness_risk_reasons())

    # --- Workflow --------------------------------------------------------------------------
    def can_transition_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, frozenset())

    def allowed_transitions(self) -> list[str]:
        return [s for s in CaseStatus.values if self.can_transition_to(s)]

    def transition_blocker(self, new_status: str) -> str:
        """Why the case cannot move to `new_status` although the move is legal, or "" if it can.

        Reads requests and handovers through reverse relations; their status values come from
        `govrequests.choices`, which imports nothing from the project (style guide §2).
        """
        decisions = self.request_memberships.all()
        if (
            new_status == CaseStatus.REQUEST_PENDING
            and not decisions.exclude(request__status__in=UNSUBMITTED_STATUSES).exists()
        ):
            return gettext("The person is not covered by any submitted government request.")
        if new_status == CaseStatus.ACCEPTED and not decisions.filter(decision__in=ACCEPTED_DECISIONS).exists():
            return gettext("No accepted decision yet.")
        if new_status == CaseStatus.REFUSED and not decisions.filter(decision=Decision.REFUSED).exists():
            return gettext("No refusal has been recorded.")
        if (
            new_status == CaseStatus.HANDOVER_SCHEDULED
            and not self.handover_memberships.exclude(operation__status=HandoverStatus.CANCELLED).exists()
        ):
            return gettext("The person is not on any handover operation.")
        if new_status == CaseStatus.HANDED_OVER:
            if not decisions.filter(decision__in=ACCEPTED_DECISIONS).exists():
                return gettext("No accepted decision yet.")
            if (
                not self.handover_memberships.filter(
                    operation__document_signed_on__isnull=False,
                    operation__status__in=(HandoverStatus.PLANNED, HandoverStatus.COMPLETED),
                )
                .exclude(operation__handover_document="")
                .exists()
            ):
                return gettext("No signed handover document for this person.")
        return ""


class PersonStatusChange(StatusChangeModel):
    """Append-only history of a case's status: who moved it, when, from what, to what, and why."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(_("from"), max_length=30, choices=CaseStatus.choices)
    new_status = models.CharField(_("to"), max_length=30, choices=CaseStatus.choices)
    # What moved the case when nobody moved it by hand: a request's decision, a handover…
    # Generic, because those records live in higher apps (see `casework.people.case_moves`).
    cause_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("cause type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    cause_id = models.PositiveBigIntegerField(_("cause id"), null=True, blank=True, editable=False)
    cause = GenericForeignKey("cause_type", "cause_id")

    objects = PersonScopedQuerySet.as_manager()

    class Meta(StatusChangeModel.Meta):
        verbose_name = _("case status change")
        verbose_name_plural = _("case status changes")
        indexes = [
            # A few thousand persons' changes since a date, read from the index alone (PostgreSQL):
            # the dashboard of an assigned-only user, without scanning every person's changes.
            models.Index(
                fields=["person", "created_at"],
                include=["old_status", "new_status"],
                name="status_change_person_at_idx",
            )
        ]


class Alias(PublicModel, PersonRecord):
    """Another name the person is known by: alias, kunya (Abu/Umm X), nom de guerre, birth name."""

    SENSITIVE_FIELDS: ClassVar[frozenset[str]] = frozenset({"armed_group_link"})

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(_("kind"), max_length=20, choices=AliasKind.choices, default=AliasKind.ALIAS)
    name = models.CharField(_("name"), max_length=200)
    script = models.CharField(_("script"), max_length=10, choices=Script.choices, default=Script.LATIN)
    name_search = models.CharField(_("normalised name"), max_length=200, editable=False, blank=True, db_index=True)
    # A kunya linked to an armed group is highly sensitive (L3).
    armed_group_link = EncryptedBooleanField(_("linked to an armed group"), default=False)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["person", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["person", "kind", "name"], name="alias_unique_per_person")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.person})"

    def save(self, *args, **kwargs) -> None:
        self.name_search = normalise_name(self.name)
        super().save(*args, **kwargs)
