"""What the read log costs the person list: the same page with and without `AccessLogMiddleware`.

    .venv/bin/python bench/access_log.py [--size 2000] [--repeat 40] [--warmup 3]

Uses PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/casework_access_bench):
creates, migrates and seeds it (`seed_demo --size N`) when it holds no person, then, as a caseworker
of the organisation with the most persons, requests the person list (a full page of 25), a search
and a person page, alternating runs with the middleware on and off, and prints p50/p95 and the
queries of each. With the log on, every page costs exactly one more statement (one INSERT of all
the persons shown), which the query counts show.
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

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    organisation_id = (
        Person.objects.values("organisation_id").annotate(n=Count("pk")).order_by("-n").first()["organisation_id"]
    )
    user = User.objects.filter(organisation_id=organisation_id, groups__name="caseworker", is_active=True).first()
    # One client per mode: a test client loads the middleware once, at its first request.
    clients = {}
    person = Person.objects.filter(organisation_id=organisation_id).order_by("pk").first()
    scenarios = {
        "person list (25 shown)": reverse("people:person_list"),
        "search": reverse("people:person_list") + "?q=" + (person.given_name_lat or "a"),
        "person page": reverse("people:person_detail", args=[person.public_id]),
    }
    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    modes = {"log on": settings.MIDDLEWARE, "log off": without}
    timings: dict[tuple[str, str], list[float]] = {(s, m): [] for s in scenarios for m in modes}
    queries: dict[tuple[str, str], int] = {}
    before = AccessEvent.objects.count()
    for mode, middleware in modes.items():
        with override_settings(MIDDLEWARE=middleware):
            clients[mode] = Client()
            clients[mode].force_login(user)
            for name, path in scenarios.items():
                for _ in range(args.warmup):
                    clients[mode].get(path)
                with CaptureQueriesContext(connection) as captured:
                    assert clients[mode].get(path).status_code == 200
                queries[(name, mode)] = len(captured)
    for _ in range(args.repeat):
        for name, path in scenarios.items():
            for mode in modes:
                started = time.perf_counter()
                clients[mode].get(path)
                timings[(name, mode)].append((time.perf_counter() - started) * 1000)
    print(f"{'scenario':28} {'mode':8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for (name, mode), values in timings.items():
        values.sort()
        p95 = values[max(0, round(0.95 * len(values)) - 1)]
        print(f"{name:28} {mode:8} {statistics.median(values):8.1f} {p95:8.1f} {queries[(name, mode)]:8}")
    print(f"Access events written: {AccessEvent.objects.count() - before:,}")


if __name__ == "__main__":
    main()
