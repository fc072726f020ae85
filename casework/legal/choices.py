"""Choices of the legal app. Imports nothing from the project, so any app may import it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProceedingKind(models.TextChoices):
    WARRANT = "warrant", _("Arrest warrant in the home State")
    PROSECUTION = "prosecution", _("Prosecution or investigation in the home State")
    TRIAL_ELSEWHERE = "trial_elsewhere", _("Trial in another State (e.g. Iraq)")
    LOCAL_TRIAL = "local_trial", _("Trial by the authority in control in Syria")
    TRANSFER = "transfer", _("Transfer to another jurisdiction")
    APPEAL = "appeal", _("Appeal or review of a State's refusal")
    OTHER = "other", _("Other")


class ProceedingOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Dismissed or dropped")
    TRANSFERRED = "transferred", _("Transferred")
    GRANTED = "granted", _("Appeal granted")
    REJECTED = "rejected", _("Appeal rejected")
    OTHER = "other", _("Other")


# Outcomes after which no more hearings are expected.
CLOSED_OUTCOMES = frozenset(set(ProceedingOutcome.values) - {ProceedingOutcome.PENDING})
