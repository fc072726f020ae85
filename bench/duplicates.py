"""The duplicate scan and the person list's name search at 100,000 persons on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_duplicates_bench .venv/bin/python bench/duplicates.py

1. Migrates the database of DATABASE_URL (its name must contain "bench") and, when it holds fewer than
   90,000 persons, seeds 100,000 (`seed_demo --size 100000 --seed 1`, which also runs the scan once).
2. Times `duplicates_scan()` over every organisation (the nightly task's work) twice: the second run
   finds the same pairs and writes nothing.
3. Times the person list with a name search (`/persons/?q=<name>`) through Django's test Client as a
   caseworker of the largest organisation: names of persons of the database in Latin, in Arabic and
   with the father's name left out, `--repeat` rounds after `--warmup`; prints p50/p95, the queries and
   the CPU time of the bench process per request. `--scans 0` times the list only.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import BENCH_FIELD_KEY  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/casework_duplicates_bench"
SEED_SIZE = 100_000
MIN_PERSONS = 90_000


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--queries", type=int, default=20, help="different names searched")
    parser.add_argument("--scans", type=int, default=2, help="scans timed (the second must find the same pairs)")
    options = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if "bench" not in urlsplit(url).path:
        sys.exit("DATABASE_URL must name a database whose name contains 'bench'.")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    # The fixed field-encryption key of the other benches (bench/matching.py): a database seeded by one
    # can be read by the other (bench only, not a secret).
    os.environ.setdefault("CASEWORK_FIELD_KEYS", BENCH_FIELD_KEY)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

    import psycopg

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "-v0")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from casework.accounts.models import User
    from casework.matching.duplicates import duplicates_scan
    from casework.people.models import Person

    if Person.objects.count() < MIN_PERSONS:
        manage("seed_demo", "--size", str(SEED_SIZE), "--seed", "1", "--allow-without-debug", "--flush")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")

    print(f"load average before the scan: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    for run in range(1, options.scans + 1):
        started = time.perf_counter()
        result = duplicates_scan()
        print(
            f"scan {run}: {Person.objects.count():,} persons, {result.compared:,} pairs compared, "
            f"{len(result.pairs):,} pairs, {result.created} new, {result.updated} updated, "
            f"{result.removed} removed: {time.perf_counter() - started:.1f} s"
        )

    settings.ALLOWED_HOSTS = ["*"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    organisation_id = (
        Person.objects.values("organisation_id").order_by().annotate(n=django.db.models.Count("pk")).order_by("-n")[0]
    )["organisation_id"]
    user = User.objects.filter(organisation_id=organisation_id, is_superuser=False, sees_assigned_only=False).filter(
        groups__name="caseworker"
    )[0]
    client = Client()
    client.force_login(user)
    # The second factor, given as the real step gives it (a code-less backup device, in the bench database only).
    from tests.conftest import verify_second_factor

    verify_second_factor(client, user)
    url = reverse("people:person_list")
    rng = random.Random(1)
    persons = list(
        Person.objects.filter(organisation_id=organisation_id)
        .exclude(given_name_lat="")
        .exclude(family_name_ar="")
        .order_by("pk")
        .values_list(
            "given_name_lat", "father_name_lat", "family_name_lat", "given_name_ar", "father_name_ar", "family_name_ar"
        )[:5000]
    )
    texts = []
    for given, father, family, given_ar, father_ar, family_ar in rng.sample(persons, options.queries):
        texts += [f"{given} {father} {family}", f"{given_ar} {father_ar} {family_ar}", f"{given} {family}"]
    for text in texts[: options.warmup * len(texts)]:
        client.get(url, {"q": text})
    timings = []
    if not options.repeat:
        return
    cpu_started = time.process_time()
    for _round in range(options.repeat):
        for text in texts:
            started = time.perf_counter()
            response = client.get(url, {"q": text})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (response.status_code, response.get("Location"))
    # CPU of this process (Django and the matcher's Python; the database's share is not in it) per request:
    # less sensitive than wall times to the other processes on a loaded machine.
    cpu_ms = (time.process_time() - cpu_started) * 1000 / len(timings)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, {"q": texts[0]})
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"person list with a name search: {len(timings)} requests, p50 {statistics.median(timings):.0f} ms, "
        f"p95 {p95:.0f} ms, {len(captured)} queries, {cpu_ms:.0f} ms CPU of the bench process per request; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
