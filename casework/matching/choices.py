"""Choices of the duplicate review queue (imports nothing from the project)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PairStatus(models.TextChoices):
    OPEN = "open", _("To review")
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Different people")
    UNSURE = "unsure", _("Not sure")


# Pairs still in the queue: never looked at, or looked at without a conclusion.
TO_REVIEW = frozenset({PairStatus.OPEN, PairStatus.UNSURE})
# A decision that settles the pair: it is raised again only when a record's names or birth date change.
SETTLED = frozenset({PairStatus.SAME, PairStatus.DIFFERENT})

PAIR_STATUS_BADGE = {
    PairStatus.OPEN: "warning",
    PairStatus.SAME: "success",
    PairStatus.DIFFERENT: "secondary",
    PairStatus.UNSURE: "info",
}
