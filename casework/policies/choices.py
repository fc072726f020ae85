"""Choices of State policies: whom a State takes back."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TakesBack(models.TextChoices):
    """Whom a State's policy takes back from the camps."""

    ALL = "all", _("Everyone (whole families)")
    CHILDREN_ONLY = "children_only", _("Children only")
    CHILDREN_UNDER_AGE = "children_under_age", _("Children under an age limit")
    ORPHANS = "orphans", _("Orphans only")
    MOTHERS_WITH_CHILDREN = "mothers_with_children", _("Mothers with their children")
    CASE_BY_CASE = "case_by_case", _("Case by case")
    NONE = "none", _("No one (refuses all returns)")


TAKES_BACK_BADGE = {
    TakesBack.ALL: "success",
    TakesBack.CHILDREN_ONLY: "warning",
    TakesBack.CHILDREN_UNDER_AGE: "warning",
    TakesBack.ORPHANS: "warning",
    TakesBack.MOTHERS_WITH_CHILDREN: "info",
    TakesBack.CASE_BY_CASE: "secondary",
    TakesBack.NONE: "danger",
}
