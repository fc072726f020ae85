"""Display helpers shared by every template. No queries, no permission logic."""

from django import template
from django_countries import countries

register = template.Library()


@register.filter
def country_name(code: str | None) -> str:
    """The (translated) name of the State with ISO code `code`, or "" when there is none."""
    return str(countries.name(code)) if code else ""
