"""Server time of the dashboard at 100,000 persons (issue #14): target p95 ≤ 300 ms, constant queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench .venv/bin/python bench/dashboard.py [--repeat 20]

Reads a seeded bench database (see bench/run.py; this script neither seeds nor migrates it) and
calls the dashboard through Django's test Client as the largest organisation's supervisor (a
superuser if it has none): unfiltered, by nationality, by the largest facility, by facility and
nationality together, by a section and nationality, and over periods ending mid-month (this year's,
and two years ago with both filters). All are read from the nightly summary when the database has
one (run `manage.py refresh_dashboard_summary` on it first); each line says where the figures came
from. Then as the caseworker with the most assigned cases, limited to them (`sees_assigned_only`
and the dashboard's permission given for the run, both restored after: use a copy of the bench
database), whose figures are always counted live: unfiltered and over this year's period ending
mid-month (only these with `--assigned-only`). Logs the users in with the second factor given.
Prints p50/p95 per scenario and the number of SQL queries of one further call;
CPU time is this process's (Python), not PostgreSQL's.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date

from run import DEFAULT_URL, ROOT, configure_django, load_average

sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--assigned-only", action="store_true", help="only the assigned-only caseworker's scenarios")
    args = parser.parse_args()
    configure_django(os.environ.get("DATABASE_URL", DEFAULT_URL))
    import django

    django.setup()
    from pathlib import Path

    from django.conf import settings
    from django.test.utils import override_settings

    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        return measure(args)


def measure(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db.models import Count
    from django.urls import reverse

    from casework.accounts import roles
    from casework.people.models import CustodyPeriod, Person

    org_id, persons = Person.objects.values_list("organisation_id").annotate(n=Count("pk")).order_by("-n").first()
    users = get_user_model().objects
    user = (
        users.filter(organisation_id=org_id, groups__name=roles.SUPERVISOR, sees_assigned_only=False).first()
        or users.filter(is_superuser=True).first()
    )
    client = logged_in(user)
    url = reverse("dashboard")
    # The facility and the section where most of the organisation's persons are held now.
    held = CustodyPeriod.objects.filter(person__organisation_id=org_id, end_date__isnull=True)
    by_facility = held.values_list("facility__public_id").annotate(n=Count("pk")).order_by("-n")
    by_section = held.filter(section__isnull=False).values_list("section__public_id").annotate(n=Count("pk"))
    facility, section = f"f:{by_facility.first()[0]}", f"s:{by_section.order_by('-n').first()[0]}"
    today = date.today()
    this_year = {"start": f"{today.year}-01-01", "end": f"{today.year}-{max(1, today.month - 1):02d}-15"}
    past = {"start": f"{today.year - 2}-01-01", "end": f"{today.year - 2}-06-17"}
    scenarios = {
        "unfiltered": {},
        "nationality FR": {"nationality": "FR"},
        "facility": {"location": facility},
        "facility + nationality FR": {"location": facility, "nationality": "FR"},
        "section + nationality IQ": {"location": section, "nationality": "IQ"},
        "mid-month period": this_year,
        "facility + nationality FR, past mid-month period": {"location": facility, "nationality": "FR", **past},
    }
    print(f"Dashboard as {user.get_username()} (organisation {org_id}, {persons:,} persons); load {load_average()}")
    failed = False
    for name, params in scenarios.items() if not args.assigned_only else ():
        failed |= scenario(client, url, name, params, args)
    # The caseworker with the most live cases assigned in the organisation, limited to them.
    caseworker_id, cases = (
        Person.objects.live()
        .filter(organisation_id=org_id, assigned_to__isnull=False)
        .values_list("assigned_to_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    caseworker = users.get(pk=caseworker_id)
    limited = caseworker.sees_assigned_only
    # A caseworker may not open the dashboard: given the permission for the run, as a supervisor
    # limited to assigned cases has it.
    figures = Permission.objects.get(content_type__app_label="accounts", codename="view_organisation_figures")
    had_figures = caseworker.user_permissions.filter(pk=figures.pk).exists()
    users.filter(pk=caseworker.pk).update(sees_assigned_only=True)
    caseworker.user_permissions.add(figures)
    try:
        client = logged_in(users.get(pk=caseworker.pk))
        print(f"As {caseworker.get_username()}, assigned only ({cases:,} cases); load {load_average()}")
        for name, params in {"assigned only": {}, "assigned only, mid-month period": this_year}.items():
            failed |= scenario(client, url, name, params, args)
    finally:
        users.filter(pk=caseworker.pk).update(sees_assigned_only=limited)
        if not had_figures:
            caseworker.user_permissions.remove(figures)
    print("verdict:", "FAIL" if failed else f"p95 within {TARGET_P95_MS:.0f} ms")
    return 1 if failed else 0


def logged_in(user):
    from django.test import Client

    from tests.conftest import verify_second_factor

    client = Client()
    client.force_login(user)
    # The second factor, as after the real login step (writes a code-less backup device for the user).
    verify_second_factor(client, user)
    return client


def scenario(client, url: str, name: str, params: dict, args: argparse.Namespace) -> bool:
    """Time the page with `params`, print the figures; True if p95 is over the target."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _i in range(max(1, args.warmup)):
        response = client.get(url, params)
        assert response.status_code == 200, (response.status_code, response.content[:3000])
    source = "summary" if b'data-summary="refreshed"' in response.content else "live"
    timings = []
    cpu = time.process_time()
    for _i in range(args.repeat):
        started = time.perf_counter()
        client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
    cpu = (time.process_time() - cpu) * 1000 / args.repeat
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(
        f"{name} ({source}): p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, min {timings[0]:.0f} ms,"
        f" CPU {cpu:.0f} ms a call, {len(queries.captured_queries)} queries"
    )
    return p95 > TARGET_P95_MS


if __name__ == "__main__":
    sys.exit(main())
