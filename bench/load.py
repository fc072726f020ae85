"""Load test: 50 concurrent caseworkers for 2 minutes against gunicorn behind nginx, at 100,000 persons.

    .venv/bin/pip install -r bench/requirements.txt      # Locust (bench only)
    .venv/bin/python bench/load.py [--users 50] [--duration 120] [--workers 1,2,5] [--write-docs]

(`make bench-load` does both.) The database of DATABASE_URL (default the bench database of
`make bench`) is created, migrated and seeded with 100,000 demo persons if needed (bench/run.py's
`ensure_seeded`). For each gunicorn worker count, gunicorn starts with deploy/gunicorn.conf.py and
production settings (DEBUG off), nginx with the shipped site (deploy/nginx/casework.conf, rendered
for loopback with a throw-away certificate, as tests/stack does) and Locust runs the scenario of
bench/locustfile.py headless. Reported per page: requests, failures, p50/p95/p99 (ms), and overall
throughput; the error count must be 0. Locust, nginx, gunicorn and PostgreSQL share the machine's
cores, as they would on a one-server NGO deployment; the machine is described in the output.
"""

import argparse
import csv
import os
import secrets
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import configure_django, ensure_seeded, load_average, machine, write_docs  # noqa: E402

from tests.ops import nginx  # noqa: E402
from tests.stack.harness import free_port, wait_for  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/casework_bench"
START_MARKER = "<!-- load-test:start -->"
END_MARKER = "<!-- load-test:end -->"
PAGES = [
    "home",
    "person list (filters)",
    "person list (name search)",
    "person page",
    "person edit form",
    "person edit save",
    "request page",
]


def app_env(url: str, base: Path, https_port: int, web_port: int, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASEWORK_"))}
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "CASEWORK_FIELD_KEYS": os.environ["CASEWORK_FIELD_KEYS"],  # the bench database's key (bench/run.py)
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
            "CASEWORK_VAR_DIR": str(base / "var"),
            "CASEWORK_MEDIA_ROOT": str(base / "media"),
            "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13"),
            "GUNICORN_BIND": f"127.0.0.1:{web_port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": str(base / "access.log"),
        }
    )
    return env


def prepare_accounts(url: str, users: int) -> list[str]:
    """Caseworkers (not assigned-only) of the organisation with the most persons, each with the demo second factor.

    A database seeded before second factors existed has none: they are given here (bench databases only).
    """
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casework.accounts.models import Organisation, User
    from casework.demo.write import DEMO_TOTP_KEY

    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("bench/load.py gives demo second factors: refused for a database whose name lacks 'bench'.")
    organisation = Organisation.objects.annotate(n=Count("persons")).order_by("-n").first()
    accounts = list(
        User.objects.filter(
            organisation=organisation, is_active=True, sees_assigned_only=False, groups__name="caseworker"
        )
        .order_by("username")
        .values_list("pk", "username")[:users]
    )
    have = set(TOTPDevice.objects.filter(user_id__in=[pk for pk, _ in accounts]).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user_id=pk, name="app", key=DEMO_TOTP_KEY, confirmed=True) for pk, _ in accounts if pk not in have
    )
    return [username for _, username in accounts]


def run_once(url: str, *, workers: int, users: int, duration: int, usernames: list[str]) -> dict[str, dict[str, float]]:
    base = Path(tempfile.mkdtemp(prefix="casework-load-"))
    (base / "nginx").mkdir()
    ports = {name: free_port() for name in ("http", "https", "web")}
    env = app_env(url, base, ports["https"], ports["web"], workers)
    subprocess.run([sys.executable, ROOT / "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    conf = nginx.render(
        base / "nginx", http_port=ports["http"], https_port=ports["https"], upstream_port=ports["web"],
        static_root=base / "var" / "staticfiles",
    )  # fmt: skip
    bin_dir = Path(sys.executable).parent
    web = subprocess.Popen(
        [bin_dir / "gunicorn", "--config", ROOT / "deploy/gunicorn.conf.py", "casework.wsgi:application"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(base / "gunicorn.log", "wb"),  # noqa: SIM115
    )  # fmt: skip
    proxy = subprocess.Popen(["nginx", "-c", conf, "-p", base / "nginx", "-g", "daemon off;"])
    try:
        # As nginx sends it: gunicorn trusts X-Forwarded-Proto from loopback, so there is no HTTPS redirect.
        health = urllib.request.Request(
            f"http://127.0.0.1:{ports['web']}/health/", headers={"X-Forwarded-Proto": "https"}
        )
        wait_for(lambda: urllib.request.urlopen(health, timeout=5).status == 200, timeout=60, what="gunicorn")
        prefix = base / "locust"
        subprocess.run(
            [bin_dir / "locust", "-f", ROOT / "bench/locustfile.py", "--headless", "-u", str(users),
             "-r", str(max(1, users // 5)), "-t", f"{duration}s", "--host", f"https://127.0.0.1:{ports['https']}",
             "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
            env={**os.environ, "PYTHONWARNINGS": "ignore", "LOAD_USERNAMES": ",".join(usernames)}, check=False, cwd=ROOT,
        )  # fmt: skip
        with open(f"{prefix}_stats.csv") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
    finally:
        proxy.terminate()
        web.terminate()
        web.wait(timeout=30)
        proxy.wait(timeout=30)
    return {
        name: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
        for name, row in rows.items()
    }


def report(results: dict[int, dict[str, dict[str, float]]], *, users: int, duration: int, load: str) -> str:
    lines = [
        f"{users} concurrent caseworkers for {duration} s per run, through nginx (TLS) and gunicorn (sync workers), "
        f"at 100,000 persons on PostgreSQL; Locust on the same machine. {machine(load)}",
        "",
        "| gunicorn workers | page | requests | failures | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for workers, rows in results.items():
        for page in [*PAGES, "Aggregated"]:
            row = rows.get(page)
            if row:
                lines.append(
                    f"| {workers} | {page} | {row['requests']:,} | {row['failures']} | {row['p50']:.0f} | "
                    f"{row['p95']:.0f} | {row['p99']:.0f} |"
                )
    lines += ["", "| gunicorn workers | throughput (requests/s) | errors |", "|---|---:|---:|"]
    for workers, rows in results.items():
        total = rows["Aggregated"]
        lines.append(f"| {workers} | {total['rps']:.1f} | {int(total['failures'])} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds per run")
    parser.add_argument("--workers", default="1,2,5", help="gunicorn worker counts, comma-separated")
    parser.add_argument("--write-docs", action="store_true", help="write the table into docs/benchmarks.md")
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is (e.g. a smaller one)")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    configure_django(url)  # production settings (DEBUG off), the bench database's field key
    if not args.no_seed:
        ensure_seeded(url, reseed=False)
    import django

    django.setup()
    usernames = prepare_accounts(url, args.users)
    print(f"{len(usernames)} caseworker accounts for {args.users} simulated users", flush=True)
    load = load_average()
    results = {}
    for workers in [int(w) for w in args.workers.split(",")]:
        print(f"--- {workers} gunicorn worker(s), {args.users} users, {args.duration} s", flush=True)
        results[workers] = run_once(url, workers=workers, users=args.users, duration=args.duration, usernames=usernames)
    text = report(results, users=args.users, duration=args.duration, load=load)
    print(text)
    if args.write_docs:
        write_docs(text, start_marker=START_MARKER, end_marker=END_MARKER)
    errors = sum(int(rows["Aggregated"]["failures"]) for rows in results.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
