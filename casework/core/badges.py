"""Badge colours: a status (or any coded value) shown as a Bootstrap badge, coloured from a table of its app's choices."""

from collections.abc import Callable, Mapping

DEFAULT_BADGE_COLOUR = "secondary"


def badge_colour(colours: Mapping[str, str], value: str) -> str:
    """The Bootstrap colour of `value`'s badge in `colours`; the neutral colour for a value not in it."""
    return colours.get(value, DEFAULT_BADGE_COLOUR)


def badge_filter(colours: Mapping[str, str], doc: str) -> Callable[[str], str]:
    """A template filter giving the badge colour of a value in `colours` (no queries)."""

    def colour(value: str) -> str:
        return badge_colour(colours, value)

    colour.__doc__ = doc
    return colour
