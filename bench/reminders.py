"""Benchmark of the reminder sweep, the weekly report and the daily digest at 100,000 persons (issue #5).

    .venv/bin/python bench/reminders.py [--rounds 5] [--warmup 1] [--date YYYY-MM-DD] [--reseed] [--write-docs]

(`make bench` runs it after bench/run.py, with DATABASE_URL defaulting to
postgres://postgres@127.0.0.1:5432/casework_bench.)

1. Makes sure the bench database exists, is migrated and seeded, as bench/run.py does (same
   seed, `seed_demo --size 100000 --seed 1`, about 22,000 government requests).
2. Times, with `time.perf_counter`, the real services the beat tasks call, each round inside a
   transaction that is rolled back at its end (Django's autocommit off, so the services' durable
   `atomic` blocks run inside it and commit nothing), so that every round starts from the seeded
   data:
   * the sweep: `reminders.services.reminders_sweep(today=…)`, every rule, as `sweep_reminders`
     runs it: a *first* sweep of the day, then at once a *second* sweep on the same day, which must
     raise nothing and mark nothing (the script stops with an error otherwise);
   * the weekly report of an organisation: `reports.selectors.weekly_summary` + the tables rendered
     + `reports.xlsx.weekly_report_xlsx` (the bytes of the attachment), and the whole
     `reports.services.weekly_report_build` (one e-mail per supervisor, rendered, with the XLSX;
     only for an organisation with a supervisor), for the organisation closest to 10,000 persons
     and for the largest one;
   * the daily digest (`reminders.services.digest_build_for_user`) of the caseworker with the most
     due reminders and of the largest organisation's first supervisor, after a first sweep;
   * the baselines, by hand-written SQL through `connection.cursor()`: `SELECT count(*)` over the
     persons, and one statement counting the due candidates of four main rules.
   The touched tables are vacuumed between rounds (untimed), so that rolled-back rows of one round
   do not slow the next. SQL queries are counted in one further round (an execute wrapper).
3. Prints p50 (median), min and max per scenario with the ratio of p50 to the baselines' p50, the
   numbers of reminders raised and requests marked, and the verdict against the targets of issue #5.

`--write-docs` also writes the report between the reminder markers of docs/benchmarks.md.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# bench/run.py, next to this file (the script's directory is first on sys.path).
from run import DEFAULT_URL, ROOT, configure_django, ensure_seeded, load_average, machine, write_docs

DOCS = ROOT / "docs" / "benchmarks.md"
START_MARKER = "<!-- bench:reminders:start -->"
END_MARKER = "<!-- bench:reminders:end -->"

# Targets of issue #5.
SWEEP_SECONDS = 5.0
WEEKLY_REPORT_SECONDS = 10.0
REPORT_ORGANISATION_SIZE = 10_000

# Tables a sweep, a report or a digest writes to: vacuumed between rounds.
TOUCHED_TABLES = (
    "reminders_reminder",
    "reminders_outboundmessage",
    "govrequests_governmentrequest",
    "govrequests_historicalgovernmentrequest",
    "govrequests_requeststatuschange",
    "core_auditevent",
)


@dataclass
class Result:
    label: str
    timings_ms: list[float]
    queries: int | None
    outcome: str = ""
    target: str = ""  # "sweep" or "report"
    ratio: bool = True  # show the ratio to the baselines

    @property
    def p50(self) -> float:
        return statistics.median(self.timings_ms)

    def verdict(self) -> str:
        limit = {"sweep": SWEEP_SECONDS, "report": WEEKLY_REPORT_SECONDS}.get(self.target)
        if limit is None:
            return ""
        return f"{'met' if self.p50 < limit * 1000 else 'NOT met'} (< {limit:.0f} s)"


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction rolled back at the end, which durable `atomic` blocks of services can run in.

    With autocommit off and no atomic block open, Django's outermost `atomic` (durable or not)
    neither begins nor commits a transaction: it uses a savepoint inside this one.
    """
    from django.db import connection

    connection.set_autocommit(False)
    try:
        yield
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TOUCHED_TABLES:
            cursor.execute(f"VACUUM {table}")


def count_queries(call: Callable[[], object]) -> int:
    """SQL statements of one call, transaction control (SAVEPOINT, RELEASE…) left out.

    Counted with an execute wrapper rather than CaptureQueriesContext, whose log keeps only the
    last 9,000 queries of the connection (a sweep before the set-based mark made more).
    """
    from django.db import connection

    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    statements = 0

    def counting(execute, sql, params, many, context):
        nonlocal statements
        if not sql.strip().upper().startswith(control):
            statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        call()
    return statements


def ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


# --- Scenarios --------------------------------------------------------------------------------


def baselines(today: date, *, warmup: int, rounds: int) -> tuple[Result, Result]:
    """`SELECT count(*)` over the persons, and the due candidates of four main rules, by hand-written SQL."""
    from django.db import connection

    from casework.govrequests.models import GovernmentRequest
    from casework.people.models import Person
    from casework.reminders.rules import INACTIVE_CASE_STATUSES, NO_RESPONSE_FROM

    p, r = Person._meta.db_table, GovernmentRequest._meta.db_table
    # Four rules with their default offsets: no response (90 days after sending), not
    # acknowledged (14/30 days, 7 days' catch-up), case inactive (30/60 days, 7 days' catch-up),
    # urgent medical; the sweep evaluates these and nine more.
    candidates = f"""
        SELECT (SELECT count(*) FROM {r} WHERE status = ANY(%(awaiting)s) AND submitted_on <= %(d90)s),
               (SELECT count(*) FROM {r} WHERE status = 'submitted' AND acknowledged_on IS NULL
                   AND submitted_on BETWEEN %(d37)s AND %(d14)s),
               (SELECT count(*) FROM {p} WHERE date_of_death IS NULL AND NOT (status = ANY(%(inactive)s))
                   AND updated_at >= %(d67)s AND updated_at < %(d29)s),
               (SELECT count(*) FROM {p} WHERE date_of_death IS NULL AND NOT (status = ANY(%(inactive)s))
                   AND medical_urgent)"""
    params = {
        "awaiting": list(NO_RESPONSE_FROM),
        "inactive": list(INACTIVE_CASE_STATUSES),
        **{f"d{n}": today - timedelta(days=n) for n in (90, 37, 14, 67, 29)},
    }

    def run(statement: str, args: dict | None) -> tuple[list[float], tuple]:
        timings, row = [], ()
        for i in range(warmup + rounds):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(statement, args)
                row = cursor.fetchone()
            if i >= warmup:
                timings.append(ms_since(started))
        return timings, row

    count_timings, count_row = run(f"SELECT count(*) FROM {p}", None)
    candidate_timings, candidate_row = run(candidates, params)
    return (
        Result("raw SQL: `SELECT count(*)` of the persons", count_timings, 1, f"{count_row[0]:,} persons", ratio=False),
        Result(
            "raw SQL: due candidates of four main rules (one statement)",
            candidate_timings,
            1,
            f"{sum(candidate_row):,} candidates ({', '.join(f'{n:,}' for n in candidate_row)})",
            ratio=False,
        ),
    )


def sweeps(today: date, *, warmup: int, rounds: int) -> tuple[Result, Result, dict]:
    """A first and a second sweep of `today`, per round, rolled back; checks that the second raises nothing."""
    from casework.reminders.services import reminders_sweep

    firsts, seconds = [], []
    first = second = None
    for i in range(warmup + rounds):
        vacuum()
        with rolled_back():
            started = time.perf_counter()
            first = reminders_sweep(today=today)
            first_ms = ms_since(started)
            started = time.perf_counter()
            second = reminders_sweep(today=today)
            second_ms = ms_since(started)
        if second.total or second.marked_no_response:
            raise SystemExit(
                f"The second sweep of {today} raised {second.total} reminders and marked "
                f"{second.marked_no_response} requests: it must raise nothing new."
            )
        if i >= warmup:
            firsts.append(first_ms)
            seconds.append(second_ms)
    vacuum()
    with rolled_back():
        first_queries = count_queries(lambda: reminders_sweep(today=today))
        second_queries = count_queries(lambda: reminders_sweep(today=today))
    by_kind = dict(sorted(first.created.items(), key=lambda kv: -kv[1]))
    return (
        Result(
            f"sweep of {today}, first of the day (every rule)",
            firsts,
            first_queries,
            f"{first.total:,} reminders raised, {first.marked_no_response:,} requests marked no response",
            target="sweep",
        ),
        Result(
            "sweep again on the same day, right after",
            seconds,
            second_queries,
            f"{second.total} raised, {second.marked_no_response} marked (checked: must be 0)",
        ),
        by_kind,
    )


def rule_queries(today: date, *, warmup: int, rounds: int) -> list[tuple[str, int, float, float]]:
    """(kind, candidates, p50 ms, min ms) of each rule's read alone (no writes): where a sweep's time goes."""
    from casework.reminders import rules
    from casework.reminders.models import ReminderRule

    rows = []
    for kind, settings in rules.effective_settings(ReminderRule.objects.all()).items():
        timings, found = [], 0
        for i in range(warmup + rounds):
            started = time.perf_counter()
            found = sum(len(rules.RULES[kind](today=today, setting=s)) for s in settings)
            if i >= warmup:
                timings.append(ms_since(started))
        rows.append((kind, found, statistics.median(timings), min(timings)))
    return sorted(rows, key=lambda row: -row[2])


def weekly_reports(today: date, organisations: list, *, warmup: int, rounds: int) -> list[Result]:
    """The weekly report of each organisation: summary + XLSX bytes, and the whole e-mail build."""
    from django.utils import translation

    from casework.reports.selectors import weekly_report_recipients, weekly_summary
    from casework.reports.services import weekly_report_build
    from casework.reports.xlsx import weekly_report_xlsx

    results = []
    for organisation, persons in organisations:

        def report(organisation=organisation) -> int:
            with translation.override("en"):
                summary = weekly_summary(organisation=organisation, today=today)
                summary.render(external=False)
                return len(weekly_report_xlsx(summary))

        timings, size = [], 0
        for i in range(warmup + rounds):
            started = time.perf_counter()
            size = report()
            if i >= warmup:
                timings.append(ms_since(started))
        results.append(
            Result(
                f"weekly report of {organisation.code} ({persons:,} persons): figures + XLSX bytes",
                timings,
                count_queries(report),
                f"XLSX of {size:,} bytes",
                target="report",
            )
        )

        supervisors = len(weekly_report_recipients(organisation_id=organisation.pk))
        if not supervisors:
            continue  # nobody to e-mail: weekly_report_build builds nothing
        timings, messages = [], []
        for i in range(warmup + rounds):
            vacuum()
            with rolled_back():
                started = time.perf_counter()
                messages = weekly_report_build(organisation_id=organisation.pk, today=today)
                if i >= warmup:
                    timings.append(ms_since(started))
        with rolled_back():
            queries = count_queries(
                lambda organisation=organisation: weekly_report_build(organisation_id=organisation.pk, today=today)
            )
        results.append(
            Result(
                f"weekly report of {organisation.code}: e-mails built (`weekly_report_build`)",
                timings,
                queries,
                f"{len(messages)} e-mails with the XLSX ({supervisors} supervisors)",
                target="report",
            )
        )
    return results


def digests(today: date, *, warmup: int, rounds: int) -> list[Result]:
    """The digest of the busiest caseworker and of a supervisor, after a first sweep (all rolled back)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count

    from casework.accounts import roles
    from casework.people.models import Person
    from casework.reminders.models import Reminder
    from casework.reminders.selectors import reminders_due_for
    from casework.reminders.services import digest_build_for_user, reminders_sweep

    User = get_user_model()
    largest = (
        Person.objects.order_by().values("organisation").annotate(n=Count("id")).order_by("-n").first()["organisation"]
    )
    results = []
    vacuum()
    with rolled_back():
        reminders_sweep(today=today)
        busiest = (
            Reminder.objects.due(on=today)
            .filter(recipient__isnull=False)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .order_by("-n", "recipient")
            .first()
        )
        supervisor = (
            User.objects.filter(organisation_id=largest, groups__name=roles.SUPERVISOR, is_active=True)
            .exclude(email="")
            .order_by("pk")
            .first()
        )
        users = [User.objects.get(pk=busiest["recipient"]), supervisor]
        for user in filter(None, users):
            # The digest is sent daily to these users in the bench (weekly ones get it on Mondays only).
            user.digest_frequency = User.DigestFrequency.DAILY
            due = reminders_due_for(user=user, on=today).count()
            timings = []
            message = None
            for i in range(warmup + rounds):
                savepoint = transaction.savepoint()
                started = time.perf_counter()
                message = digest_build_for_user(user=user, today=today)
                elapsed = ms_since(started)
                transaction.savepoint_rollback(savepoint)
                if i >= warmup:
                    timings.append(elapsed)
            savepoint = transaction.savepoint()
            queries = count_queries(lambda user=user: digest_build_for_user(user=user, today=today))
            transaction.savepoint_rollback(savepoint)
            role = "supervisor" if user == supervisor else "caseworker with the most due reminders"
            results.append(
                Result(
                    f"daily digest of {user.username} ({role})",
                    timings,
                    queries,
                    f"{due:,} due reminders listed; e-mail of {len(message.body_html):,} characters (HTML)"
                    if message
                    else "nothing due",
                )
            )
    return results


# --- Report -----------------------------------------------------------------------------------


def table(results: list[Result], count_baseline: Result, candidate_baseline: Result) -> str:
    lines = [
        "| Scenario | p50 ms | min ms | max ms | Queries | p50 × candidates SQL | p50 × count(*) | Result | Target |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        by_candidates = f"{r.p50 / candidate_baseline.p50:,.0f}×" if r.ratio else ""
        by_count = f"{r.p50 / count_baseline.p50:,.0f}×" if r.ratio else ""
        lines.append(
            f"| {r.label} | {r.p50:,.1f} | {min(r.timings_ms):,.1f} | {max(r.timings_ms):,.1f} | "
            f"{'' if r.queries is None else r.queries} | {by_candidates} | {by_count} | {r.outcome} | {r.verdict()} |"
        )
    return "\n".join(lines)


def report(
    results: list[Result],
    by_kind: dict,
    per_rule: list[tuple[str, int, float, float]],
    info: list[str],
    *,
    today: date,
    warmup: int,
    rounds: int,
    load: str,
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    count_baseline, candidate_baseline = results[0], results[1]
    lines = [
        f"Run of {stamp} on {machine(load)}.",
        f"Day swept and reported: {today}. {warmup} untimed round(s), then {rounds} timed rounds per scenario; "
        "each round of a sweep, a report build or a digest is rolled back at its end.",
        "",
        *(f"* {line}" for line in info),
        "",
        table(results, count_baseline, candidate_baseline),
        "",
        "Reminders raised by the first sweep, by kind: "
        + ", ".join(f"{kind} {n:,}" for kind, n in by_kind.items())
        + ".",
        "",
        "Each rule's read alone (no writes), p50 / min ms and candidates: "
        + "; ".join(f"{kind} {p50:,.0f} / {low:,.0f} ({found:,})" for kind, found, p50, low in per_rule)
        + ".",
        "",
        "Queries: SQL statements per call, SAVEPOINT/RELEASE left out. Ratios compare p50 with p50.",
        f"Targets (issue #5): a full sweep under {SWEEP_SECONDS:.0f} s, and a second sweep the same day raises "
        f"nothing new; the weekly report (with XLSX) of an organisation of {REPORT_ORGANISATION_SIZE:,} persons "
        f"under {WEEKLY_REPORT_SECONDS:.0f} s. Verdicts on p50.",
    ]
    return "\n".join(lines)


def main() -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="Timed rounds per scenario (default 5).")
    parser.add_argument("--warmup", type=int, default=1, help="Untimed rounds first (default 1).")
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="Day to sweep (default: today).")
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
    from django.db.models import Count
    from django.utils import timezone

    from casework.accounts.models import Organisation
    from casework.govrequests.models import GovernmentRequest
    from casework.people.models import Person

    today = options.date or timezone.localdate()
    warmup, rounds = options.warmup, options.rounds
    sizes = dict(Person.objects.order_by().values_list("organisation").annotate(n=Count("id")))
    by_code = {o.pk: o for o in Organisation.objects.filter(pk__in=sizes)}
    largest = max(sizes, key=sizes.get)
    # The organisation whose size is closest to the target's 10,000 persons (13,326 in the seed).
    near_target = min(sizes, key=lambda pk: abs(sizes[pk] - REPORT_ORGANISATION_SIZE))
    organisations = [(by_code[pk], sizes[pk]) for pk in dict.fromkeys([near_target, largest])]
    info = [
        f"Database: {Person.objects.count():,} persons, {GovernmentRequest.objects.count():,} government requests, "
        f"organisations of {', '.join(f'{by_code[pk].code} {n:,}' for pk, n in sorted(sizes.items(), key=lambda kv: -kv[1]))} persons.",
    ]

    load = load_average()
    print("Baselines…", flush=True)
    count_baseline, candidate_baseline = baselines(today, warmup=warmup, rounds=max(rounds, 10))
    print("Sweeps…", flush=True)
    first, second, by_kind = sweeps(today, warmup=warmup, rounds=rounds)
    print("Rule reads…", flush=True)
    per_rule = rule_queries(today, warmup=warmup, rounds=rounds)
    print("Weekly reports…", flush=True)
    reports = weekly_reports(today, organisations, warmup=warmup, rounds=rounds)
    print("Digests…", flush=True)
    digest_results = digests(today, warmup=warmup, rounds=rounds)
    results = [count_baseline, candidate_baseline, first, second, *reports, *digest_results]
    text = report(results, by_kind, per_rule, info, today=today, warmup=warmup, rounds=rounds, load=load)
    print()
    print(text)
    if options.write_docs:
        write_docs(text, start_marker=START_MARKER, end_marker=END_MARKER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
