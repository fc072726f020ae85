"""Calendar arithmetic shared by every app."""

from datetime import date


def anniversary(day: date, years: int) -> date:
    """The same calendar day `years` later (earlier when negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)
