"""What the read log costs the person list: the same page with and without `AccessLogMiddleware`.

    .venv/bin/python bench/access_log.py [--size 2000] [--events 0] [--repeat 40] [--warmup 3]

Uses PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/casework_access_bench):
creates, migrates and seeds it (`seed_demo --size N`) when it holds no person. For the 100,000-person
figures, point it at a copy of the seeded bench database (the bench writes access events):

    createdb -h 127.0.0.1 -U postgres -T casework_bench casework_access_bench
    CASEWORK_FIELD_KEYS=$(.venv/bin/python -c "from casework.core.crypto import development_key; \
        print(development_key('insecure-development-key-do-not-use-in-production-' + 'x' * 16))") \
        .venv/bin/python bench/access_log.py --events 3000000

(`bench/seed_100k.py` seeds with `DJANGO_DEBUG=1`, so the L3 fields of that database are encrypted with
the development key; this script runs with DEBUG off and must be given that key.)

`--events N` first fills the read log up to N rows with one set-based INSERT ... SELECT (readings of
every person by users of its organisation, spread over a year), so that the INSERT of each page and
the "who has seen this case" page run against a table of a realistic size. Then, as a caseworker of
the organisation with the most persons, it requests the person list (a full page of 25), a search
and a person page, and as a supervisor of it the admin's person changelist (100 rows) and the "who
has seen this case" page, alternating runs with the middleware on and off, and prints p50/p95 and
the queries of each. With the log on, every page costs one INSERT of all the persons shown (between
BEGIN and COMMIT), which the query counts show.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import _create_database, _database_exists, _manage, _person_count, configure_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/casework_access_bench"
MIDDLEWARE = "casework.core.access.AccessLogMiddleware"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--events", type=int, default=0, help="fill the read log up to this many rows first")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    configure_django(url)
    if not _database_exists(url):
        _create_database(url, drop=False)
    _manage("migrate", "--noinput", "-v", "0")
    if _person_count(url) == 0:
        print(f"Seeding {args.size:,} persons…", flush=True)
        _manage("seed_demo", "--size", str(args.size), "--seed", "1", "--allow-without-debug")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from casework.accounts.models import User
    from casework.core.models import AccessEvent
    from casework.people.models import Person

    if args.events:
        _fill_read_log(args.events)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    organisation_id = (
        Person.objects.values("organisation_id").annotate(n=Count("pk")).order_by("-n").first()["organisation_id"]
    )
    users = User.objects.filter(organisation_id=organisation_id, is_active=True)
    caseworker = users.filter(groups__name="caseworker").first()
    supervisor = users.filter(groups__name="supervisor", is_staff=True).first()
    person = Person.objects.filter(organisation_id=organisation_id).order_by("pk").first()
    scenarios = {
        "person list (25 shown)": (caseworker, reverse("people:person_list")),
        "search": (caseworker, reverse("people:person_list") + "?q=" + (person.given_name_lat or "a")),
        "person page": (caseworker, reverse("people:person_detail", args=[person.public_id])),
        "admin changelist (100)": (supervisor, reverse("admin:people_person_changelist")),
        "who has seen (page)": (supervisor, reverse("people:person_access_log", args=[person.public_id])),
    }
    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    modes = {"log on": settings.MIDDLEWARE, "log off": without}
    timings: dict[tuple[str, str], list[float]] = {(s, m): [] for s in scenarios for m in modes}
    queries: dict[tuple[str, str], int] = {}
    before = AccessEvent.objects.count()
    print(f"Read log before: {before:,} rows; persons: {Person.objects.count():,}", flush=True)
    # One client per mode and user: a test client loads the middleware once, at its first request.
    clients: dict[tuple[str, int], Client] = {}
    for mode, middleware in modes.items():
        with override_settings(MIDDLEWARE=middleware):
            for user in {caseworker, supervisor}:
                clients[(mode, user.pk)] = _logged_in(Client(), user)
            for name, (user, path) in scenarios.items():
                client = clients[(mode, user.pk)]
                for _ in range(args.warmup):
                    client.get(path)
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(path).status_code == 200, (name, mode)
                queries[(name, mode)] = len(captured)
    for _ in range(args.repeat):
        for name, (user, path) in scenarios.items():
            for mode in modes:
                started = time.perf_counter()
                clients[(mode, user.pk)].get(path)
                timings[(name, mode)].append((time.perf_counter() - started) * 1000)
    print(f"{'scenario':28} {'mode':8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for (name, mode), values in timings.items():
        values.sort()
        p95 = values[max(0, round(0.95 * len(values)) - 1)]
        print(f"{name:28} {mode:8} {statistics.median(values):8.1f} {p95:8.1f} {queries[(name, mode)]:8}")
    print(f"Access events written: {AccessEvent.objects.count() - before:,}")
    print(f"Load average (1, 5, 15 min): {os.getloadavg()}")


def _logged_in(client: "Client", user: "User") -> "Client":  # noqa: F821
    """Log `user` in with the second factor given, as the real step leaves the session (tests' helper)."""
    from tests.conftest import verify_second_factor

    client.force_login(user)
    verify_second_factor(client, user)
    return client


def _fill_read_log(target: int) -> None:
    """Add access events until the read log holds `target` rows: one INSERT ... SELECT, then ANALYZE."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_accessevent")
        missing = target - cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM people_person")
        persons = cursor.fetchone()[0]
        if missing <= 0 or persons == 0:
            return
        print(f"Adding {missing:,} access events…", flush=True)
        started = time.perf_counter()
        cursor.execute(
            """
            WITH readers AS (
                SELECT organisation_id, array_agg(id ORDER BY id) AS ids
                FROM accounts_user WHERE organisation_id IS NOT NULL GROUP BY 1
            )
            INSERT INTO core_accessevent
                (at, user_id, organisation_id, person_id, kind, view, request_id, purpose, search_hash, filters)
            SELECT now() - random() * interval '365 days', r.ids[1 + (p.id + g) %% array_length(r.ids, 1)],
                   p.organisation_id, p.id,
                   (ARRAY['list','list','list','list','search','person_page','person_page','export'])[1 + (p.id * 7 + g) %% 8],
                   'people:person_list', gen_random_uuid(), '', '', '[]'::jsonb
            FROM generate_series(1, %s) AS g CROSS JOIN people_person AS p
            JOIN readers AS r ON r.organisation_id = p.organisation_id
            LIMIT %s
            """,
            [-(-missing // persons), missing],
        )
        cursor.execute("ANALYZE core_accessevent")
        print(f"…in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
