"""Load test: 50 concurrent caseworkers for 2 minutes against gunicorn behind nginx, at 100,000 persons.

    .venv/bin/pip install -r bench/requirements.txt      # Locust (bench only)
    .venv/bin/python bench/load.py [--users 50] [--duration 120] [--workers 1,2,3] [--write-docs]

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
from typing import Any

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


def prepare_accounts(url: str, users: int) -> list[int]:
    """Caseworkers (not assigned-only) of the organisation with the most persons, as many as users if there are.

    Bench databases only: their second factor is a device of one-time backup codes that this script
    fills (`backup_codes`), so that logging 50 users in does not wait for authenticator steps.
    """
    from django.db.models import Count

    from casework.accounts.models import Organisation, User

    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("bench/load.py gives second factors to accounts: refused for a database whose name lacks 'bench'.")
    organisation = Organisation.objects.annotate(n=Count("persons")).order_by("-n").first()
    return list(
        User.objects.filter(
            organisation=organisation, is_active=True, sees_assigned_only=False, groups__name="caseworker"
        )
        .order_by("username")
        .values_list("pk", flat=True)[:users]
    )


def backup_codes(account_ids: list[int], users: int) -> list[str]:
    """One fresh "username:backup-code" per simulated user, the accounts taken in turn."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from casework.accounts.models import User

    credentials = []
    for number in range(users):
        user = User.objects.get(pk=account_ids[number % len(account_ids)])
        device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
        code = device.token_set.create(token=StaticToken.random_token()).token
        credentials.append(f"{user.username}:{code}")
    return credentials


def run_once(url: str, *, workers: int, users: int, duration: int, credentials: list[str]) -> dict[str, Any]:
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
        load_before = load_average()
        # The locustfile logs every user in first (warm-up), resets the statistics, then measures `duration`
        # seconds and stops; -t is only a safety net.
        locust = subprocess.run(
            [bin_dir / "locust", "-f", ROOT / "bench/locustfile.py", "--headless", "-u", str(users),
             "-r", str(max(1, users // 5)), "-t", f"{duration + 3600}s", "--host",
             f"https://127.0.0.1:{ports['https']}", "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
            env={**os.environ, "PYTHONWARNINGS": "ignore", "LOAD_CREDENTIALS": ",".join(credentials),
                 "LOAD_USERS": str(users), "LOAD_MEASURE_SECONDS": str(duration),
                 "LOAD_LOGIN_CONCURRENCY": str(2 * workers)},
            check=False, cwd=ROOT,
        )  # fmt: skip
        load_after = load_average()
        with open(f"{prefix}_stats.csv") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
    finally:
        proxy.terminate()
        web.terminate()
        web.wait(timeout=30)
        proxy.wait(timeout=30)
    stats = {
        name: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
        for name, row in rows.items()
        if int(row["Request Count"])  # the warm-up's requests (logins) are reset to zero: left out
    }
    # Non-zero: a failure, or a user not logged in after the warm-up (the locustfile says which).
    return {"pages": stats, "load": f"{load_before} before, {load_after} after", "exit": locust.returncode}


def report(results: dict[int, dict[str, Any]], *, users: int, duration: int, load: str) -> str:
    lines = [
        f"{users} concurrent caseworkers, all logged in first (warm-up, not measured), then {duration} s measured "
        f"per run, through nginx (TLS) and gunicorn (sync workers), at 100,000 persons on PostgreSQL; Locust on the "
        f"same machine. {machine(load)}",
        "",
        "| gunicorn workers | page | requests | failures | p50 ms | p95 ms | p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for workers, result in results.items():
        rows = result["pages"]
        for page in [*PAGES, "Aggregated"]:
            row = rows.get(page)
            if row:
                lines.append(
                    f"| {workers} | {page} | {row['requests']:,} | {row['failures']} | {row['p50']:.0f} | "
                    f"{row['p95']:.0f} | {row['p99']:.0f} |"
                )
    lines += [
        "",
        "| gunicorn workers | throughput (requests/s) | errors | load average (1, 5, 15 min) around the run |",
        "|---|---:|---:|---|",
    ]
    for workers, result in results.items():
        total = result["pages"]["Aggregated"]
        lines.append(f"| {workers} | {total['rps']:.1f} | {int(total['failures'])} | {result['load']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds per run")
    parser.add_argument("--workers", default="1,2,3", help="gunicorn worker counts, comma-separated")
    parser.add_argument("--write-docs", action="store_true", help="write the table into docs/benchmarks.md")
    parser.add_argument("--no-seed", action="store_true", help="use the database as it is (e.g. a smaller one)")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    configure_django(url)  # production settings (DEBUG off), the bench database's field key
    if not args.no_seed:
        ensure_seeded(url, reseed=False)
    import django

    django.setup()
    account_ids = prepare_accounts(url, args.users)
    print(f"{len(account_ids)} caseworker accounts for {args.users} simulated users", flush=True)
    load = load_average()
    results = {}
    for workers in [int(w) for w in args.workers.split(",")]:
        print(f"--- {workers} gunicorn worker(s), {args.users} users, {args.duration} s", flush=True)
        credentials = backup_codes(account_ids, args.users)
        results[workers] = run_once(
            url, workers=workers, users=args.users, duration=args.duration, credentials=credentials
        )
    text = report(results, users=args.users, duration=args.duration, load=load)
    print(text)
    if args.write_docs:
        write_docs(text, start_marker=START_MARKER, end_marker=END_MARKER)
    errors = sum(int(result["pages"]["Aggregated"]["failures"]) for result in results.values())
    return 1 if errors or any(result["exit"] for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
