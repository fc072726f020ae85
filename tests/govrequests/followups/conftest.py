"""The fixtures of `fixtures.py`, for every follow-up test module of this package."""

from tests.govrequests.followups.fixtures import authority, draft, world  # noqa: F401  (fixtures)
