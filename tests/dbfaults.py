"""A database error injected at one statement, through Django's own execute-wrapper hook (no mocks)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection


@contextmanager
def database_error_at(statement: str, *, nth: int = 1) -> Iterator[list[str]]:
    """Raise OperationalError, as a restarted server does, instead of running the `nth` statement that
    starts with `statement` (e.g. 'INSERT INTO "outbox_outboundmessage"'); once. Yields the failed SQL."""
    seen: list[str] = []
    failed: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().startswith(statement):
            seen.append(sql)
            if len(seen) == nth:
                failed.append(sql)
                raise OperationalError("server closed the connection unexpectedly (injected by the test)")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failed
