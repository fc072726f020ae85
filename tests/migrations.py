"""Moving the test database to given migrations and back, for the tests of data migrations."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` ((app, migration) pairs) and return the historical apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def leaves():
    """The latest migration of every app: where each test must leave the database."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
