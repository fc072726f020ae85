"""Display helpers shared by every template. No queries, no permission logic."""

from typing import Any

from django import template
from django_countries import countries

register = template.Library()


@register.filter
def country_name(code: str | None) -> str:
    """The (translated) name of the State with ISO code `code`, or "" when there is none."""
    return str(countries.name(code)) if code else ""


@register.filter
def field_anchor(bound_field: Any) -> str:
    """The id an error summary links to: the field's control, or its first option for radio and checkbox lists."""
    anchor = bound_field.id_for_label
    if anchor:
        return anchor
    subwidgets = bound_field.subwidgets
    if subwidgets:
        return subwidgets[0].id_for_label or bound_field.auto_id
    return bound_field.auto_id or ""
