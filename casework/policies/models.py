"""State policies: what a home State's repatriation policy is, dated, with its sources.

A *policy* says whom a State takes back (everyone, children only, children under an age, orphans,
mothers with their children, case by case, no one), whether adults are prosecuted on return, the
channel and language for requests, the usual answer time, the authority to address, and notes with
sources. Policies change: each row is valid from a date, rows are never overwritten by a newer
policy, and the *current* policy of a State on a day is the row with the latest `valid_from` on or
before it (`policies.selectors.current_policy`).

Rows without an organisation are *shared defaults* seen by every organisation; an organisation
may record its own reading of a State's policy, which then replaces the shared line for it.
"""

from typing import ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from casework.accounts.fields import override_organisation_fk
from casework.core.models import PublicModel
from casework.core.querysets import SharedDefaultsQuerySet
from casework.core.userfields import recorded_by_fk
from casework.govrequests.choices import Channel
from casework.policies.choices import TakesBack


class StatePolicyQuerySet(SharedDefaultsQuerySet):
    """Users see the shared defaults and the policies of their own organisation (all for superusers)."""

    def for_state(self, country: str) -> Self:
        """The dated line of one State, newest first."""
        return self.filter(country=country).order_by("-valid_from", "-pk")


class StatePolicy(PublicModel):
    """A home State's repatriation policy from `valid_from` on, as the organisation (or everyone) reads it."""

    # The rules that only make sense with an age limit.
    NEEDS_AGE_LIMIT: ClassVar[frozenset[str]] = frozenset({TakesBack.CHILDREN_UNDER_AGE})

    organisation = override_organisation_fk(
        "state_policies",
        _("Empty: a shared default, seen by every organisation that has no policy of its own for the State."),
    )
    country = CountryField(_("State"), db_index=True)
    valid_from = models.DateField(_("valid from"))
    takes_back = models.CharField(_("takes back"), max_length=30, choices=TakesBack.choices)
    age_limit = models.PositiveSmallIntegerField(
        _("age limit (years)"),
        null=True,
        blank=True,
        help_text=_("For “children under an age limit”: children younger than this are taken back."),
    )
    prosecutes_adults = models.BooleanField(_("adults prosecuted on return"), default=False)
    channel = models.CharField(_("channel for requests"), max_length=30, choices=Channel.choices, blank=True)
    language = models.CharField(
        _("language of requests"), max_length=8, blank=True, help_text=_("ISO 639 code, e.g. fr.")
    )
    usual_answer_days = models.PositiveSmallIntegerField(
        _("usual answer time (days)"), null=True, blank=True, help_text=_("How long the State usually takes to answer.")
    )
    authority = models.CharField(
        _("authority to address"), max_length=300, blank=True, help_text=_("Ministry, embassy or service, as named.")
    )
    notes = models.TextField(_("notes"), blank=True)
    sources = models.TextField(
        _("sources"), blank=True, help_text=_("Where this comes from: statement, law, decision, report, with dates.")
    )
    created_by = recorded_by_fk(_("created by"))

    objects = StatePolicyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("State policy")
        verbose_name_plural = _("State policies")
        ordering = ["country", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(takes_back__in=TakesBack.values), name="state_policy_takes_back_valid"),
            models.CheckConstraint(
                condition=~Q(takes_back=TakesBack.CHILDREN_UNDER_AGE) | Q(age_limit__gte=1, age_limit__lte=25),
                name="state_policy_age_limit_for_age_rule",
            ),
            models.UniqueConstraint(
                fields=["organisation", "country", "valid_from"],
                condition=Q(organisation__isnull=False),
                name="state_policy_unique_day_per_org",
            ),
            models.UniqueConstraint(
                fields=["country", "valid_from"],
                condition=Q(organisation__isnull=True),
                name="state_policy_unique_day_shared",
            ),
        ]
        indexes = [models.Index(fields=["country", "valid_from"], name="state_policy_country_day_idx")]

    def __str__(self) -> str:
        return f"{self.country.code} {self.valid_from}: {self.get_takes_back_display()}"

    def clean(self) -> None:
        if self.takes_back in self.NEEDS_AGE_LIMIT and not self.age_limit:
            raise ValidationError({"age_limit": gettext("Give the age limit for this policy.")})
        if self.age_limit is not None and not 1 <= self.age_limit <= 25:
            raise ValidationError({"age_limit": gettext("An age limit between 1 and 25 years.")})
