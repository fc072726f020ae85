"""The plug point through which apps left of `reminders` read the States' age limits.

The age under which each State takes children back (`reminders.StateAgeLimit`) is kept by
`reminders`; the dashboard's figures (`casework.reports.dashboard`, beside `reminders` in the app
order) count the children reaching it, but may not import it. `RemindersConfig.ready()` hands a
reader to `register`; `state_age_limits` calls it (no limits while none is registered).
"""

from collections.abc import Callable

_reader: Callable[[], dict[str, int]] | None = None


def register(reader: Callable[[], dict[str, int]]) -> None:
    """Called once, by `casework.reminders.apps.RemindersConfig.ready`."""
    global _reader
    _reader = reader


def state_age_limits() -> dict[str, int]:
    """{ISO country code: age limit in years} of every State that has one (one query)."""
    return _reader() if _reader is not None else {}
