"""Display helpers shared by every template. No queries, no permission logic."""

from typing import Any

from django import template
from django.urls import reverse
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


@register.inclusion_tag("includes/_manage_link.html")
def manage_link(url_name: str, record: Any, label: str = "") -> dict[str, Any]:
    """The button of a panel heading to the page where its records are edited ("Manage", or `label`).

    `url_name` (e.g. "people:alias_list") is reversed with the public id of `record` (the person); the
    button's id is "manage-" and the URL name without its namespace ("manage-alias_list").
    """
    return {
        "url": reverse(url_name, args=[record.public_id]),
        "link_id": url_name.rpartition(":")[2],
        "label": label,
    }
