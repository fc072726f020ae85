"""Moving the test database to given migrations and back, for the tests of data migrations."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class _Executor(MigrationExecutor):
    """Django's executor, except that going backwards does not render every model before computing the states.

    Django renders the project state once and then mutates the rendered models through every later migration of
    the full plan (reloading related models at each step): right when most of the project is unapplied, but
    20-60 s for the few migrations a data-migration test unapplies. Here the states stay unrendered (cheap
    copies) and each is rendered only when its migration is unapplied; the migrations run, and the states they
    see, are the same.
    """

    def _migrate_all_backwards(self, plan, full_plan, fake):
        to_run = {migration for migration, _ in plan}
        applied = {
            self.loader.graph.nodes[key] for key in self.loader.applied_migrations if key in self.loader.graph.nodes
        }
        states = {}
        state = self._create_project_state()
        for migration, _ in full_plan:
            if not to_run:
                break
            if migration in to_run:
                states[migration] = state
                state = migration.mutate_state(state, preserve=True)
                to_run.remove(migration)
            elif migration in applied:
                migration.mutate_state(state, preserve=False)
        for migration, _ in plan:
            self.unapply_migration(states[migration], migration, fake=fake)
        # The caller asks the loader for the state it needs (migrate() below), not this return value.
        return states[plan[-1][0]]


def migrate(targets):
    """Migrate to `targets` ((app, migration) pairs) and return the historical apps of that state."""
    _Executor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def leaves():
    """The latest migration of every app: where each test must leave the database."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
