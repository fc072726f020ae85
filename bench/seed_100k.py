"""Time `manage.py seed_demo --size 100000` on a fresh PostgreSQL database.

    .venv/bin/python bench/seed_100k.py [--size 100000] [--seed 1] [--limit 300] [--keep]

Drops and re-creates the database named in BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/casework_bench), migrates it, runs the command and prints the
wall time. Exits with status 1 when the seed takes longer than --limit seconds (5 minutes by default,
the target on a 2-core machine). With --keep the seeded database is left in place for other benchmarks.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from run import BENCH_FIELD_KEY

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/casework_bench"


def recreate_database(url: str) -> None:
    """Drop and create the database of `url`, connecting to the server's `postgres` database."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
        )


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=300.0, help="Seconds allowed for the seed.")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    options = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    # The other bench scripts read the data with the bench key (not the development key DEBUG would derive).
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "CASEWORK_FIELD_KEYS": os.environ.get("CASEWORK_FIELD_KEYS") or BENCH_FIELD_KEY,
    }
    print(f"Re-creating {urlsplit(url).path.lstrip('/')} and migrating…", flush=True)
    recreate_database(url)
    manage("migrate", "--noinput", "-v", "0", env=env)

    started = time.monotonic()
    manage("seed_demo", "--size", str(options.size), "--seed", str(options.seed), env=env)
    elapsed = time.monotonic() - started
    verdict = "OK" if elapsed <= options.limit else "TOO SLOW"
    print(f"seed_demo --size {options.size:,}: {elapsed:.1f} s wall time (limit {options.limit:.0f} s): {verdict}")

    if not options.keep:
        parts = urlsplit(url)
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/")))
            )
    return 0 if elapsed <= options.limit else 1


if __name__ == "__main__":
    sys.exit(main())
