"""Server-time benchmark of the person pages at 100,000 persons, side by side with the Django admin.

    .venv/bin/python bench/run.py [--repeat 30] [--warmup 3] [--reseed] [--write-docs]

(`make bench` runs it with DATABASE_URL defaulting to postgres://postgres@127.0.0.1:5432/casework_bench.)

1. Makes sure the database of DATABASE_URL exists, is migrated and holds about 100,000 persons:
   on an empty database it runs `manage.py seed_demo --size 100000 --seed 1 --allow-without-debug`
   (about 100 s on a quiet machine) and then VACUUM (ANALYZE); a seeded database is reused;
   `--reseed` drops and re-creates it first (only for a database whose name contains "bench").
2. Sets Django up in this process with DEBUG off, plain static storage (as tests/conftest.py does)
   and no HTTPS redirect, logs in with `force_login` (a caseworker of the organisation holding the
   most persons; a superuser for the admin) and calls the views through Django's test Client.
3. Times each request with `time.perf_counter` (`--warmup` untimed calls per scenario, then
   `--repeat` round-robin rounds of one timed call per scenario), counts its SQL queries in one
   further call (CaptureQueriesContext, so the counting does not slow the timed calls), and prints
   p50/p95 with ratios against a hand-written SQL baseline and against the admin changelist
   measured in the same run.

`--write-docs` also writes the table between the markers of docs/benchmarks.md.
"""

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/casework_bench"
DOCS = ROOT / "docs" / "benchmarks.md"
START_MARKER = "<!-- bench:results:start -->"
END_MARKER = "<!-- bench:results:end -->"

SEED_SIZE = 100_000
SEED = 1
# A database with fewer persons than this is "partly seeded": refuse rather than measure it.
MIN_PERSONS = 90_000
PER_PAGE = 25  # casework.people.views.PER_PAGE, checked at start-up
DEEP_PAGE = 1_000

# Targets of issue #4 (Performance).
LIST_P50_MS = 50.0
LIST_P95_MS = 100.0
LIST_MAX_QUERIES = 8
DETAIL_P95_MS = 100.0


# --- Database: exists, migrated, seeded -----------------------------------------------------------


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _database_exists(url: str) -> bool:
    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_database_name(url)]).fetchone()
    return row is not None


def _create_database(url: str, *, drop: bool) -> None:
    name = sql.Identifier(_database_name(url))
    with psycopg.connect(_admin_url(url), autocommit=True) as connection:
        if drop:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(name))


def _person_count(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        if connection.execute("SELECT to_regclass('people_person')").fetchone()[0] is None:
            return 0
        return connection.execute("SELECT count(*) FROM people_person").fetchone()[0]


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT, env=os.environ)


def ensure_seeded(url: str, *, reseed: bool) -> None:
    """Create, migrate and seed the bench database as needed (see the module docstring)."""
    name = _database_name(url)
    if reseed:
        if "bench" not in name:
            sys.exit(f"--reseed drops the database: refused for {name!r} (its name must contain 'bench').")
        print(f"Dropping and re-creating {name}…", flush=True)
        _create_database(url, drop=True)
    elif not _database_exists(url):
        print(f"Creating {name}…", flush=True)
        _create_database(url, drop=False)
    _manage("migrate", "--noinput", "-v", "0")
    persons = _person_count(url)
    if persons == 0:
        print(f"Seeding {SEED_SIZE:,} persons (seed {SEED}); this takes about 100 s…", flush=True)
        started = time.monotonic()
        _manage("seed_demo", "--size", str(SEED_SIZE), "--seed", str(SEED), "--allow-without-debug")
        # The seed only inserts: VACUUM sets the visibility map (index-only scans, as autovacuum
        # would do on a database in use) and ANALYZE gives the planner its statistics.
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
        print(f"Seeded in {time.monotonic() - started:.0f} s (then VACUUM ANALYZE).", flush=True)
    elif persons < MIN_PERSONS:
        sys.exit(f"{name} holds {persons:,} persons (fewer than {MIN_PERSONS:,}): run with --reseed.")
    else:
        print(f"{name} already holds {persons:,} persons: not seeding (--reseed forces it).", flush=True)


# A fixed field-encryption key: the seeded databases are reused across runs and by every bench script
# (bench only, not a secret); bench/seed_100k.py seeds with it too.
BENCH_FIELD_KEY = "YmVuY2gtb25seS1maWVsZC1rZXktbm90LWEtc2VjcmU="


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-a-secret-" + "b" * 32)
    os.environ.setdefault("CASEWORK_FIELD_KEYS", BENCH_FIELD_KEY)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")


# --- Measuring ------------------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    label: str
    kind: str  # "page" (caseworker interface), "admin", "raw"
    timings_ms: list[float]
    queries: int
    transaction_statements: int
    baseline: str | None = None  # key of the raw-SQL result to compare with
    admin: str | None = None  # key of the admin result to compare with
    target: str | None = None  # "list" or "detail"
    notes: list[str] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        return percentile(self.timings_ms, 95)

    def verdict(self) -> str:
        if self.target == "list":
            ok = self.p50 <= LIST_P50_MS and self.p95 <= LIST_P95_MS and self.queries <= LIST_MAX_QUERIES
            return "met" if ok else "NOT met"
        if self.target == "detail":
            return "met" if self.p95 <= DETAIL_P95_MS else "NOT met"
        return ""


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 30 values is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(calls: list[Callable[[int], object]], *, warmup: int, repeat: int) -> list[list[float]]:
    """Milliseconds of `repeat` calls `call(i)` of each of `calls`, after `warmup` untimed calls each.

    The timed calls go round-robin (one call of each scenario, then the next round), so that a
    change of load on the machine during the run spreads over every scenario alike.
    """
    for call in calls:
        for i in range(warmup):
            call(i)
    timings: list[list[float]] = [[] for _call in calls]
    for i in range(repeat):
        for call, times in zip(calls, timings, strict=True):
            started = time.perf_counter()
            call(warmup + i)
            times.append((time.perf_counter() - started) * 1000)
    return timings


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def query_count(call: Callable[[int], object]) -> tuple[int, int]:
    """(SQL queries, transaction-control statements) of one call.

    Django 4.2+ also records BEGIN/COMMIT (here: the session saved at every request); they are
    counted apart, and the query target applies to the queries proper.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call(0)
    statements = [query["sql"].strip().upper() for query in captured.captured_queries]
    control = sum(1 for statement in statements if statement.startswith(TRANSACTION_CONTROL))
    return len(statements) - control, control


def checked_get(client, url: str, *, expect: str | None = None, htmx: bool = False) -> Callable[[int], object]:
    """A call that GETs `url` (as htmx does with `htmx`) and fails on anything but a 200 (containing `expect`)."""
    headers = {"HX-Request": "true"} if htmx else {}

    def call(_i: int) -> object:
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        if expect is not None and expect.encode() not in response.content:
            raise SystemExit(f"GET {url}: {expect!r} is not in the page")
        return response

    return call


# --- The scenarios --------------------------------------------------------------------------------


def run_benchmarks(*, warmup: int, repeat: int) -> tuple[list[Result], dict[str, str]]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from casework.accounts import roles
    from casework.accounts.models import User
    from casework.camps.models import Facility, FacilitySection
    from casework.core.pagination import FORWARD, Cursor
    from casework.people import selectors, views
    from casework.people.filters import PersonFilterSet
    from casework.people.models import CustodyPeriod, NationalityClaim, Person

    if views.PER_PAGE != PER_PAGE:
        raise SystemExit(f"people.views.PER_PAGE is {views.PER_PAGE}, the bench assumes {PER_PAGE}")

    # Who: a full-scope caseworker of the organisation with the most persons, and a superuser.
    biggest = (
        Person.objects.order_by().values("organisation").annotate(n=Count("id")).order_by("-n").first()["organisation"]
    )
    caseworker = (
        User.objects.filter(
            organisation_id=biggest, groups__name=roles.CASEWORKER, sees_assigned_only=False, is_active=True
        )
        .order_by("pk")
        .first()
    )
    superuser = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if caseworker is None or superuser is None:
        raise SystemExit("No full-scope caseworker of the biggest organisation, or no superuser: seed the database.")
    cw_client, su_client = Client(), Client()
    cw_client.force_login(caseworker)
    su_client.force_login(superuser)
    scope = Person.objects.visible_to(caseworker)
    in_scope = scope.count()

    # The two filters: the most common case status and the most common nationality in scope, so
    # that the filtered list is as long as it gets with a status + nationality pair.
    status = scope.order_by().values("status").annotate(n=Count("id")).order_by("-n").first()["status"]
    nationality = (
        NationalityClaim.objects.filter(person__in=scope)
        .order_by()
        .values("country")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["country"]
    )
    filters = {"status": status, "nationality": nationality}

    # The queryset the view builds for the same query string (filter set + sort), to find rows.
    class _Request:
        def __init__(self, user, params):
            from django.http import QueryDict

            self.user = user
            self.GET = QueryDict(urlencode(params))

    def ordered(params: dict[str, str]):
        request = _Request(caseworker, params)
        filterset = PersonFilterSet(
            request.GET or None, queryset=selectors.person_list_base(user=caseworker), request=request
        )
        assert not filterset.is_bound or filterset.is_valid(), filterset.errors
        return filterset.qs.order_by(*selectors.PERSON_SORTS[selectors.DEFAULT_PERSON_SORT])

    filtered_total = ordered(filters).count()
    # Page 1,000 needs 24,975 rows before it. No status + nationality pair selects that many in
    # the demo data (the largest holds ~4,700 of ~60,000 persons), so the deep page then uses the
    # two broadest filters instead: the most common sex and the most common separation status.
    deep_filters = filters
    if filtered_total < DEEP_PAGE * PER_PAGE:

        def most_common(name: str) -> str:
            return scope.order_by().values(name).annotate(n=Count("id")).order_by("-n").first()[name]

        deep_filters = {"sex": most_common("sex"), "separation_status": most_common("separation_status")}
    deep_total = ordered(deep_filters).count()

    def deep_cursor(params: dict[str, str], page: int) -> tuple[str, str, int]:
        """(cursor, case number of its first row, page number) of `page`, or of the last full page.

        The view's cursor is `Cursor(FORWARD, public_id)` of the last row of the previous page
        (KeysetPage.next_cursor); so the cursor of page n is built from the row at position
        (n-1)·25 - 1 of the same filtered, sorted queryset, read here once with OFFSET.
        """
        total = ordered(params).count()
        page = min(page, total // PER_PAGE)
        before = (page - 1) * PER_PAGE
        rows = list(ordered(params).values_list("public_id", "case_number")[before - 1 : before + 1])
        return Cursor(FORWARD, rows[0][0]).encode(), rows[1][1], page

    scenarios: list[tuple[str, str, str, Callable[[int], object], dict]] = []

    def bench(key: str, label: str, kind: str, call: Callable[[int], object], **extra: str) -> None:
        call(0)  # fails now, before any timing, if the page does not answer as expected
        scenarios.append((key, label, kind, call, extra))

    list_url = reverse("people:person_list")
    admin_url = reverse("admin:people_person_changelist")
    first_case = scope.order_by("case_number", "id").values_list("case_number", flat=True).first()
    first_filtered = ordered(filters).values_list("case_number", flat=True).first()
    cursor, deep_first_case, deep_page = deep_cursor(deep_filters, DEEP_PAGE)
    deep_query = urlencode({**deep_filters, "cursor": cursor})

    # Hand-written SQL for the same page: the columns the list shows, the same scope, filters,
    # order and LIMIT (one row more, as the paginator asks), no ORM.
    p, u = Person._meta.db_table, User._meta.db_table
    nc, cp = NationalityClaim._meta.db_table, CustodyPeriod._meta.db_table
    fa, se = Facility._meta.db_table, FacilitySection._meta.db_table
    raw_select = f"""
        SELECT p.public_id, p.case_number, p.given_name_lat, p.father_name_lat, p.grandfather_name_lat,
               p.family_name_lat, p.given_name_ar, p.father_name_ar, p.grandfather_name_ar, p.family_name_ar,
               p.sex, p.birth_date, p.birth_date_precision, p.birth_date_earliest, p.status, p.updated_at,
               u.username, u.first_name, u.last_name,
               (SELECT c.country FROM {nc} c WHERE c.person_id = p.id AND c.is_primary LIMIT 1),
               (SELECT f.name FROM {cp} k JOIN {fa} f ON f.id = k.facility_id
                 WHERE k.person_id = p.id AND k.end_date IS NULL LIMIT 1),
               (SELECT s.name FROM {cp} k JOIN {se} s ON s.id = k.section_id
                 WHERE k.person_id = p.id AND k.end_date IS NULL LIMIT 1)
          FROM {p} p LEFT JOIN {u} u ON u.id = p.assigned_to_id
         WHERE p.organisation_id = %(org)s {{where}}
         ORDER BY p.case_number, p.id
         LIMIT {PER_PAGE + 1}"""
    status_where = "AND p.status = %(status)s "
    nationality_where = f"AND EXISTS (SELECT 1 FROM {nc} c WHERE c.person_id = p.id AND c.country = %(country)s) "
    deep_where = "".join(
        {
            "status": status_where,
            "nationality": nationality_where,
            "sex": "AND p.sex = %(sex)s ",
            "separation_status": "AND p.separation_status = %(separation)s ",
        }[name]
        for name in deep_filters
    )
    seek_where = (
        f"AND p.case_number >= (SELECT case_number FROM {p} WHERE public_id = %(after)s) "
        f"AND (p.case_number, p.id) > (SELECT case_number, id FROM {p} WHERE public_id = %(after)s)"
    )
    org = caseworker.organisation_id
    deep_after = Cursor.decode(cursor).public_id
    raw_params = {
        "org": org,
        "status": status,
        "country": nationality,
        "sex": deep_filters.get("sex"),
        "separation": deep_filters.get("separation_status"),
    }

    def raw(where: str, params: dict) -> Callable[[int], object]:
        statement = raw_select.replace("{where}", where)

        def call(_i: int) -> object:
            with connection.cursor() as cursor_:
                cursor_.execute(statement, params)
                rows = cursor_.fetchall()
            if not rows:
                raise SystemExit("The raw SQL baseline returned no rows")
            return rows

        return call

    def raw_count(where: str, params: dict) -> Callable[[int], object]:
        statement = f"SELECT count(*) FROM {p} p WHERE p.organisation_id = %(org)s {where}"

        def call(_i: int) -> object:
            with connection.cursor() as cursor_:
                cursor_.execute(statement, params)
                return cursor_.fetchone()

        return call

    # Detail: 30+ persons spread evenly over the caseload (one per call), and the person with the
    # most records (status changes, family links, custody periods, requests) on their own.
    step = max(1, in_scope // (warmup + repeat))
    spread = list(scope.order_by("case_number").values_list("public_id", flat=True)[::step][: warmup + repeat])
    changes, links, memberships = (
        Person._meta.get_field(name).related_model._meta.db_table
        for name in ("status_changes", "family_links", "request_memberships")
    )
    with connection.cursor() as cursor_:
        cursor_.execute(
            f"""SELECT p.public_id FROM {p} p WHERE p.organisation_id = %s
                ORDER BY (SELECT count(*) FROM {changes} x WHERE x.person_id = p.id)
                       + (SELECT count(*) FROM {links} x WHERE x.person_id = p.id)
                       + (SELECT count(*) FROM {cp} x WHERE x.person_id = p.id)
                       + 3 * (SELECT count(*) FROM {memberships} x WHERE x.person_id = p.id) DESC,
                         p.id
                LIMIT 1""",
            [org],
        )
        heaviest = cursor_.fetchone()[0]

    def detail(public_ids: list) -> Callable[[int], object]:
        def call(i: int) -> object:
            url = reverse("people:person_detail", kwargs={"public_id": public_ids[i % len(public_ids)]})
            return checked_get(cw_client, url)(i)

        return call

    admin_deep_page = ((deep_page - 1) * PER_PAGE) // 100 + 1  # the admin shows 100 rows a page
    fl = " + ".join(f"{k}={v}" for k, v in filters.items())
    dfl = " + ".join(f"{k}={v}" for k, v in deep_filters.items())

    print("Checking the scenarios…", flush=True)
    bench("raw_first", "raw SQL: first page", "raw", raw("", raw_params))
    bench("raw_filtered", f"raw SQL: first page, {fl}", "raw", raw(status_where + nationality_where, raw_params))
    bench(
        "raw_deep",
        f"raw SQL: page {deep_page:,}, {dfl}",
        "raw",
        raw(deep_where + seek_where, {**raw_params, "after": deep_after}),
    )
    bench(
        "raw_count_filtered",
        f"raw SQL: COUNT(*), {fl}",
        "raw",
        raw_count(status_where + nationality_where, raw_params),
    )
    bench("admin_first", "admin changelist: first page (superuser)", "admin", checked_get(su_client, admin_url))
    bench(
        "admin_filtered",
        f"admin changelist: first page, {fl} (superuser)",
        "admin",
        checked_get(su_client, f"{admin_url}?{urlencode(filters)}"),
    )
    bench(
        "admin_deep",
        f"admin changelist: page {admin_deep_page} (same rows as page {deep_page:,}), {dfl} (superuser)",
        "admin",
        checked_get(su_client, f"{admin_url}?{urlencode({**deep_filters, 'p': admin_deep_page})}"),
    )
    bench(
        "admin_first_cw",
        "admin changelist: first page (the caseworker)",
        "admin",
        checked_get(cw_client, admin_url),
    )
    bench(
        "list_first",
        "person list: first page",
        "page",
        checked_get(cw_client, list_url, expect=first_case),
        baseline="raw_first",
        admin="admin_first",
        target="list",
    )
    bench(
        "list_filtered",
        f"person list: first page, {fl}",
        "page",
        checked_get(cw_client, f"{list_url}?{urlencode(filters)}", expect=first_filtered),
        baseline="raw_filtered",
        admin="admin_filtered",
        target="list",
    )
    bench(
        "list_deep",
        f"person list: page {deep_page:,}, {dfl}",
        "page",
        checked_get(cw_client, f"{list_url}?{deep_query}", expect=deep_first_case),
        baseline="raw_deep",
        admin="admin_deep",
        target="list",
    )
    bench(
        "list_filtered_htmx",
        f"person list: first page, {fl}, htmx partial (table only)",
        "page",
        checked_get(cw_client, f"{list_url}?{urlencode(filters)}", expect=first_filtered, htmx=True),
        baseline="raw_filtered",
        admin="admin_filtered",
    )
    bench(
        "list_deep_htmx",
        f"person list: page {deep_page:,}, {dfl}, htmx partial (table only)",
        "page",
        checked_get(cw_client, f"{list_url}?{deep_query}", expect=deep_first_case, htmx=True),
        baseline="raw_deep",
        admin="admin_deep",
    )
    bench("detail_spread", f"person detail: {len(spread)} persons in turn", "page", detail(spread), target="detail")
    bench("detail_heaviest", "person detail: the person with the most records", "page", detail([heaviest]))

    print(f"Measuring {len(scenarios)} scenarios ({warmup} warm-ups, {repeat} timed rounds)…", flush=True)
    all_timings = timed([call for _k, _l, _kind, call, _e in scenarios], warmup=warmup, repeat=repeat)
    results = [
        Result(key, label, kind, timings, *query_count(call), **extra)
        for (key, label, kind, call, extra), timings in zip(scenarios, all_timings, strict=True)
    ]

    info = {
        "caseworker": f"{caseworker.username} (organisation {caseworker.organisation}, {in_scope:,} persons in scope)",
        "superuser": f"{superuser.username} ({Person.objects.count():,} persons in scope)",
        "filters": f"{fl}: {filtered_total:,} persons in the caseworker's scope",
        "deep": (
            f"{dfl}: {deep_total:,} persons; page {deep_page:,} starts at row {(deep_page - 1) * PER_PAGE + 1:,} "
            f"({deep_first_case})"
        ),
    }
    return results, info


# --- Report ---------------------------------------------------------------------------------------


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def machine(load_at_start: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0].split()[0]
    import django

    return (
        f"{os.cpu_count()} CPU cores ({platform.machine()}), PostgreSQL {server} on the same host, "
        f"Python {platform.python_version()}, Django {django.get_version()}; "
        f"load average (1, 5, 15 min) {load_at_start} at the start of the run, {load_average()} at the end"
    )


def table(results: list[Result]) -> str:
    by_key = {r.key: r for r in results}
    header = "| Scenario | p50 ms | p95 ms | min ms | Queries | p50 × raw SQL | p50 × admin | Target |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        raw = f"{r.p50 / by_key[r.baseline].p50:.1f}×" if r.baseline else ""
        admin = f"{r.p50 / by_key[r.admin].p50:.2f}×" if r.admin else ""
        queries = f"{r.queries} (+{r.transaction_statements})" if r.transaction_statements else str(r.queries)
        lines.append(
            f"| {r.label} | {r.p50:.1f} | {r.p95:.1f} | {min(r.timings_ms):.1f} | {queries} | {raw} | {admin} "
            f"| {r.verdict()} |"
        )
    return "\n".join(lines)


def report(results: list[Result], info: dict[str, str], *, warmup: int, repeat: int, load: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Run of {stamp} on {machine(load)}.",
        f"{warmup} warm-up calls per scenario, then {repeat} timed rounds of one call per scenario; p95 is the nearest-rank 95th percentile.",
        "Server time: `time.perf_counter` around Django's test Client call (in-process, DEBUG off, "
        "no network, no browser).",
        "",
        f"* Caseworker: {info['caseworker']}.",
        f"* Superuser (admin): {info['superuser']}.",
        f"* Filters: {info['filters']}.",
        f"* Deep page: {info['deep']}.",
        "",
        table(results),
        "",
        "Queries: SQL queries per request, with (+n) the BEGIN/COMMIT statements Django also records "
        "(the session is saved at every request). Ratios compare p50 with p50.",
        "",
        f"Targets (issue #4): list p50 ≤ {LIST_P50_MS:.0f} ms, p95 ≤ {LIST_P95_MS:.0f} ms, "
        f"≤ {LIST_MAX_QUERIES} queries; detail p95 ≤ {DETAIL_P95_MS:.0f} ms.",
    ]
    return "\n".join(lines)


def write_docs(text: str, *, start_marker: str = START_MARKER, end_marker: str = END_MARKER) -> None:
    """Replace what stands between the two markers of docs/benchmarks.md with `text`."""
    content = DOCS.read_text(encoding="utf-8")
    start, end = content.find(start_marker), content.find(end_marker)
    if start < 0 or end < start:
        raise SystemExit(f"{DOCS} has no {start_marker} … {end_marker} markers")
    content = content[: start + len(start_marker)] + "\n" + text + "\n" + content[end:]
    DOCS.write_text(content, encoding="utf-8")
    print(f"Written to {DOCS.relative_to(ROOT)}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="Timed calls per scenario (default 30).")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed calls first (default 3).")
    parser.add_argument("--reseed", action="store_true", help="Drop, re-create and re-seed the bench database.")
    parser.add_argument("--write-docs", action="store_true", help=f"Write the results into {DOCS.relative_to(ROOT)}.")
    options = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"The benchmark runs on PostgreSQL; DATABASE_URL is {url!r}.")
    configure_django(url)
    ensure_seeded(url, reseed=options.reseed)

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        assert not settings.DEBUG
        # WhiteNoise warns when STATIC_ROOT is missing (tests/conftest.py creates it too).
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        load = load_average()
        results, info = run_benchmarks(warmup=options.warmup, repeat=options.repeat)
        text = report(results, info, warmup=options.warmup, repeat=options.repeat, load=load)
    print()
    print(text)
    if options.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
