"""Filters of the request list. Every choice list is narrowed to what the user may see.

The list is filtered on top of `GovernmentRequest.objects.visible_to(user)`; filters only narrow it.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from casework.govrequests import selectors
from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import GovernmentAuthority, GovernmentRequest


class GovernmentRequestFilterSet(django_filters.FilterSet):
    """Filters of the request list: reference, State, authority, status, overdue."""

    reference = django_filters.CharFilter(
        label=_("Reference"),
        field_name="reference",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=countries, field_name="authority__country")
    authority = django_filters.ModelChoiceFilter(
        label=_("Authority"), queryset=GovernmentAuthority.objects.none(), to_field_name="public_id"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = GovernmentRequest
        fields = ["reference", "state", "authority", "status", "overdue"]

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        self.filters["authority"].queryset = GovernmentAuthority.objects.visible_to(request.user).order_by(
            "country", "name"
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Requests awaiting an answer past their dates (yes), or all others (no)."""
        if value is None:
            return queryset
        condition = selectors.overdue_condition(today=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)
