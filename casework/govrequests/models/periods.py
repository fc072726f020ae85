"""How long a State's authority has to acknowledge and to answer a request: rules per State and authority.

Precedence, as for reminder rules (`reminders.ReminderRule`): the most specific rule wins, an
organisation's own rule before a rule for everyone, an authority before its State, a State
before the default (organisation + authority > organisation + State > organisation > authority >
State > default). Without any rule, `DEFAULT_ACKNOWLEDGEMENT_DAYS` and `DEFAULT_DECISION_DAYS`.
"""

from typing import Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import override_organisation_fk
from casework.core.models import TimeStampedModel
from casework.core.querysets import SharedDefaultsQuerySet
from casework.govrequests.models.requests import GovernmentAuthority, state_or_authority

# The domain brief's defaults, used when no rule applies.
DEFAULT_ACKNOWLEDGEMENT_DAYS = 14
DEFAULT_DECISION_DAYS = 60


class AnswerPeriodQuerySet(SharedDefaultsQuerySet):
    """Users see the defaults and the rules of their organisation (all for superusers)."""

    def applicable(self, *, organisation_id: int, authority: GovernmentAuthority) -> Self:
        """The rules that may apply to a request of `organisation_id` to `authority`."""
        return self.of_organisation(organisation_id).filter(
            Q(authority__isnull=True, country="") | Q(authority=authority) | Q(country=authority.country)
        )


class AnswerPeriod(TimeStampedModel):
    """Days an authority has to acknowledge a request after it was sent, and to decide after acknowledging it."""

    organisation = override_organisation_fk(
        "answer_periods", _("Empty: applies to every organisation without its own rule.")
    )
    country, authority = state_or_authority(
        "answer_periods", _("…or this authority only (then leave the State empty). Both empty: the default.")
    )
    acknowledgement_days = models.PositiveSmallIntegerField(
        _("days to acknowledge"), default=DEFAULT_ACKNOWLEDGEMENT_DAYS, help_text=_("Counted from the day it was sent.")
    )
    decision_days = models.PositiveSmallIntegerField(
        _("days to decide"), default=DEFAULT_DECISION_DAYS, help_text=_("Counted from the acknowledgement.")
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Source: agreement, practice observed…"))

    objects = AnswerPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer period")
        verbose_name_plural = _("answer periods")
        ordering = ["organisation__name", "country", "authority__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authority__isnull=True) | Q(country=""), name="answer_period_state_or_authority"
            ),
            models.CheckConstraint(
                condition=Q(acknowledgement_days__gte=1) & Q(decision_days__gte=1), name="answer_period_positive"
            ),
            # One rule per scope; NULLs are distinct in unique constraints, hence one per shape.
            models.UniqueConstraint(
                fields=["organisation", "authority"],
                condition=Q(organisation__isnull=False, authority__isnull=False),
                name="answer_period_unique_org_authority",
            ),
            models.UniqueConstraint(
                fields=["organisation", "country"],
                condition=Q(organisation__isnull=False, authority__isnull=True),
                name="answer_period_unique_org_state",
            ),
            models.UniqueConstraint(
                fields=["authority"],
                condition=Q(organisation__isnull=True, authority__isnull=False),
                name="answer_period_unique_authority",
            ),
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(organisation__isnull=True, authority__isnull=True),
                name="answer_period_unique_state",
            ),
        ]

    def __str__(self) -> str:
        scope = " / ".join(filter(None, [str(self.organisation or ""), str(self.authority or self.country.code)]))
        return f"{self.acknowledgement_days}/{self.decision_days} ({scope or gettext('default')})"

    @property
    def specificity(self) -> int:
        """6 organisation + authority, 5 organisation + State, 4 organisation, 2 authority, 1 State, 0 default."""
        return (4 if self.organisation_id else 0) + (2 if self.authority_id else 0) + (1 if self.country else 0)

    def clean(self) -> None:
        if self.authority_id and self.country:
            raise ValidationError({"country": gettext("Choose either a State or one authority.")})


def answer_period_for(*, organisation_id: int, authority: GovernmentAuthority) -> tuple[int, int]:
    """(days to acknowledge, days to decide) for a request of the organisation to the authority (one query)."""
    rules = AnswerPeriod.objects.applicable(organisation_id=organisation_id, authority=authority)
    best = max(rules, key=lambda rule: rule.specificity, default=None)
    if best is None:
        return DEFAULT_ACKNOWLEDGEMENT_DAYS, DEFAULT_DECISION_DAYS
    return best.acknowledgement_days, best.decision_days
