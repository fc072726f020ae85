"""Organisations and their users: the source of every access scope."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel
from casework.core.querysets import OrganisationScopedQuerySet


class OrganisationQuerySet(OrganisationScopedQuerySet):
    """Users see their own organisation (all of them for superusers)."""

    organisation_lookup: ClassVar[str] = "pk"


class Organisation(PublicModel):
    """An NGO, UN agency or camp administration that works cases. Owns persons and requests."""

    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        UN_AGENCY = "un_agency", _("UN agency")
        CAMP_ADMINISTRATION = "camp_administration", _("Camp administration")
        RED_CROSS = "red_cross", _("Red Cross / Red Crescent")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,9}$", _("2–10 capital letters or digits."))],
        help_text=_("Prefix of this organisation's case numbers, e.g. NRC → NRC-000123."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.NGO)
    email = models.EmailField(_("organisation mailbox"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    require_second_factor_for_all = models.BooleanField(
        _("second factor for every user"),
        default=True,
        # Also a database default: rows written by code that predates the column (a migration test's historical
        # models, an old release still running during an online upgrade) get the safe value.
        db_default=True,
        help_text=_(
            "When unticked, users with no rights beyond their caseload (no admin access, not an organisation "
            "admin, no access to highly sensitive data, no second factor of their own) log in with their "
            "password alone. Staff, organisation admins and holders of the highly sensitive data permission "
            "always give a second factor."
        ),
    )
    # Last case number handed out; incremented under a row lock by people.services.
    last_case_number = models.PositiveIntegerField(_("last case number"), default=0, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        permissions = [
            ("view_organisation_figures", _("Can see the figures of the whole organisation on the home page")),
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(OrganisationScopedQuerySet):
    """Users see the users of their organisation (all for superusers)."""


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in. Belongs to one organisation; superusers belong to none."""

    class Language(models.TextChoices):
        EN = "en", _("English")
        AR = "ar", _("Arabic")
        FR = "fr", _("French")

    class DigestFrequency(models.TextChoices):
        OFF = "off", _("Off")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    organisation = organisation_fk("users", null=True, blank=True)
    sees_assigned_only = models.BooleanField(
        _("sees assigned cases only"),
        default=False,
        help_text=_("Limit this user to the cases assigned to them."),
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)
    digest_frequency = models.CharField(
        _("reminder digest"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.DAILY
    )

    objects: ClassVar = ScopedUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("view_sensitive_data", _("Can read highly sensitive (L3) fields; every reading is logged")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=True)
                | models.Q(organisation__isnull=False)
                | models.Q(is_active=False),
                name="user_active_needs_organisation",
            ),
        ]


class UserSession(models.Model):
    """One logged-in session of a user: what "where am I logged in" lists and what ending sessions deletes.

    Django's database sessions cannot be found by user; this row is written at login (signal) and
    removed at logout. The IP and browser are the user's own, shown only to them.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("user"))
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("logged in at"), auto_now_add=True)
    verified_at = models.DateTimeField(_("second factor given at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
