"""Server time of the family-unity rule at 100,000 persons (issues #13/#14): the home page's split-families
panel for the demo caseworker (`split_requests_for`) and the dashboard's split-family count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench .venv/bin/python bench/family_unity.py [--repeat 5] [--development-key]

Only reads the database. Prints p50/min per function, its number of SQL queries and the load average.
"""

import argparse
import os
import statistics
import sys
import time

from run import DEFAULT_URL, ROOT, configure_django, load_average

sys.path.insert(0, str(ROOT))


def timed(label: str, call, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    timings = []
    for _i in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"{label}: p50 {statistics.median(timings):.0f} ms, min {min(timings):.0f} ms,"
        f" {len(queries.captured_queries)} queries, result {result}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--user", default="caseworker")
    parser.add_argument(
        "--development-key", action="store_true", help="the database was seeded with the development field key"
    )
    args = parser.parse_args()
    configure_django(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if args.development_key:
        os.environ["DJANGO_DEBUG"] = "1"
        os.environ.pop("CASEWORK_FIELD_KEYS", None)
        os.environ.pop("DJANGO_SECRET_KEY", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from casework.govrequests import family_unity
    from casework.people.models import Person
    from casework.reports.dashboard import counts

    user = get_user_model().objects.get(username=args.user)
    organisation_persons = Person.objects.filter(organisation_id=user.organisation_id)
    print(f"{Person.objects.count():,} persons; user {user.username}; load {load_average()}")
    timed(
        "home panel (split_requests_for)",
        lambda: [(r.reference, len(s)) for r, s in family_unity.split_requests_for(user=user)][:3],
        args.repeat,
    )
    timed(
        "dashboard count (split_families, organisation)",
        lambda: counts.split_families(organisation_persons, timezone.localdate()),
        args.repeat,
    )
    timed(
        "weekly report (split_families_by_state)",
        lambda: sorted(family_unity.split_families_by_state(organisation_id=user.organisation_id).items())[:3],
        args.repeat,
    )
    print(f"load after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
