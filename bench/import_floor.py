"""The floor of the PostgreSQL side of the import's commit (issue #11): what the commit sends to PostgreSQL,
captured once, then replayed without Django and without per-row Python work, with and without the written
tables' foreign keys and non-unique indexes.

    .venv/bin/python bench/import_floor.py prepare [--rows 100000]
    .venv/bin/python bench/import_floor.py capture
    .venv/bin/python bench/import_floor.py replay [--drop-fks] [--drop-indexes] [--writes-only] [--repeat N]
    .venv/bin/python bench/import_floor.py all [--rows 100000]      # the three steps, the four replays
    .venv/bin/python bench/import_floor.py compare                  # CPU per statement, one column per replay

Databases (server FLOOR_SERVER_URL, default postgres://postgres@127.0.0.1:5432; names from FLOOR_PREFIX,
default casework_floor): the seed PREFIX_seed must exist (`BENCH_DATABASE_URL=…/casework_floor_seed
bench/seed_100k.py --keep`, then `VACUUM (ANALYZE)`); the others are made from it and dropped by this script.

1. prepare: PREFIX_pre, a copy of the seed, then in a child process of bench/imports.py the synthetic XLSX,
   upload, mapping, dry run and every duplicate settled as "new": the state just before the commit
   (never committed; every later database is a copy of it, sequences included, so ids replay identically).
2. capture: on PREFIX_cap, a copy of PREFIX_pre, `batch_commit` with psycopg's cursor patched: every
   statement as sent (client-side binding: the text with its parameters merged, `mogrify`) and every COPY's
   payload (the bytes sent, in a file of its own) written in order to var/import-floor/ (log.json). The
   Django commit's wall, CPU and PostgreSQL backend CPU are printed too (capture overhead included).
3. replay: on PREFIX_replay, a fresh copy of PREFIX_pre, optionally with the written tables' foreign keys
   (--drop-fks) and/or their non-unique secondary indexes (--drop-indexes) dropped first (experiment only),
   then a CHECKPOINT; then one psycopg connection replays the log in one transaction (COPY payloads
   streamed from their files, 1 MB at a time) and commits. Wall and the backend's CPU time (from
   /proc/<pid>/stat, as bench/imports.py reads it) of the whole, of the COMMIT (deferred foreign-key checks
   and the WAL flush) and per statement kind and table; rows written per table; indexes and foreign keys per
   written table. With --writes-only the statements that write nothing (reads, row locks, `nextval`) are
   skipped. Results in var/import-floor/replay-<variant>.json (the latest of each variant), which `compare`
   tabulates. Results of 2026-12-07: docs/benchmarks.md, "Commit floor".

The replay needs the PostgreSQL server on this machine for the CPU figures (else wall time only). The payloads
of 100,000 rows take about 300 MB in var/import-floor/.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "import-floor"
SERVER = os.environ.get("FLOOR_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("FLOOR_PREFIX", "casework_floor")
VARIANTS = {
    "as is": (False, False),
    "no FKs": (True, False),
    "no secondary indexes": (False, True),
    "neither": (True, True),
}


def url(name: str) -> str:
    return f"{SERVER}/{name}"


def copy_database(template: str, name: str) -> None:
    """(Re-)create `name` as a file copy of `template` (which must have no connection)."""
    with psycopg.connect(url("postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )


def drop_database(name: str) -> None:
    with psycopg.connect(url("postgres"), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def backend_times(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a local PostgreSQL backend, zeros when /proc does not show it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    return int(fields[11]) / os.sysconf("SC_CLK_TCK"), int(fields[12]) / os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    return sum(backend_times(pid))


def prepare(rows: int) -> dict:
    """PREFIX_pre: the seed with a checked batch of `rows` rows, its duplicates settled, not committed."""
    pre = f"{PREFIX}_pre"
    copy_database(f"{PREFIX}_seed", pre)
    env = {**os.environ, "BENCH_IMPORTS_DATABASE_URL": url(pre)}
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"import-{rows}.xlsx"

    def child(*args: str) -> dict:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "imports.py"), "--child", *args],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    info = child("write", str(path), str(rows))
    checked = child("check", str(path), str(info["organisation_id"]))
    if "problems" in checked:
        sys.exit(f"the dry run reported problems: {checked['problems']}")
    state = {**info, **checked, "rows": rows}
    (OUT / "batch.json").write_text(json.dumps(state, indent=1))
    print(f"prepared {pre}: batch {state['batch_id']}, {state['counts']}", flush=True)
    return state


class Recorder:
    """psycopg's client cursor and COPY patched to write what is sent, in order, while `on`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.log: list[dict] = []
        self.on = False

    def install(self) -> None:
        from django.db.backends.postgresql.base import Cursor

        recorder, execute, executemany, copy = self, Cursor.execute, Cursor.executemany, Cursor.copy

        def recorded_execute(cursor, query, params=None, **kwargs):
            if recorder.on:
                recorder.log.append({"sql": cursor.mogrify(query, params)})
            return execute(cursor, query, params, **kwargs)

        def recorded_executemany(cursor, query, params_seq, **kwargs):
            params_seq = list(params_seq)
            if recorder.on:
                recorder.log.extend({"sql": cursor.mogrify(query, params)} for params in params_seq)
            return executemany(cursor, query, params_seq, **kwargs)

        @contextmanager
        def recorded_copy(cursor, statement, params=None, **kwargs):
            if not recorder.on:
                with copy(cursor, statement, params, **kwargs) as copying:
                    yield copying
                return
            name = f"copy-{len(recorder.log):04d}.dat"
            recorder.log.append({"copy": cursor.mogrify(statement, params), "file": name})
            # The file outlives the COPY block: its end flushes the last buffered rows.
            with (
                (recorder.directory / name).open("wb") as payload,
                copy(cursor, statement, params, **kwargs) as copying,
            ):
                send = copying._write

                def tee(data) -> None:
                    payload.write(data)
                    send(data)

                copying._write = tee
                yield copying

        Cursor.execute, Cursor.executemany, Cursor.copy = recorded_execute, recorded_executemany, recorded_copy
        commit = psycopg.Connection.commit

        def recorded_commit(connection) -> None:
            # The log ends at the COMMIT: on_commit callbacks run after it, in transactions of their own.
            recorder.on = False
            commit(connection)

        psycopg.Connection.commit = recorded_commit


def capture() -> dict:
    """Commit the prepared batch on a copy with the recorder on; the log in OUT/log.json."""
    state = json.loads((OUT / "batch.json").read_text())
    cap = f"{PREFIX}_cap"
    copy_database(f"{PREFIX}_pre", cap)
    for old in OUT.glob("copy-*.dat"):
        old.unlink()
    sys.path.insert(0, str(ROOT))
    from bench.imports import backend_cpu_seconds, configure_django, cpu_seconds

    configure_django(url(cap))
    import django

    django.setup()
    from django.db import connection

    from casework.accounts.models import User
    from casework.imports import services
    from casework.imports.models import ImportBatch

    recorder = Recorder(OUT)
    recorder.install()
    batch = ImportBatch.objects.get(pk=state["batch_id"])
    actor = User.objects.get(pk=state["actor_id"])
    cpu, backend = cpu_seconds(), backend_cpu_seconds(connection)
    started = time.perf_counter()
    recorder.on = True
    batch = services.batch_commit(batch=batch, actor=actor)
    recorder.on = False
    result = {
        "wall_s": time.perf_counter() - started,
        "cpu_s": cpu_seconds() - cpu,
        "pg_cpu_s": backend_cpu(backend[0]) - backend[1] if backend else None,
        "created": batch.counts["created"],
        "statements": len(recorder.log),
    }
    connection.close()
    (OUT / "log.json").write_text(json.dumps(recorder.log))
    drop_database(cap)
    print(f"captured the Django commit (recording on): {json.dumps(result)}", flush=True)
    return result


_TARGET = re.compile(r'^\s*(COPY|INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
_READ = re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE)


def label(statement: str) -> tuple[str, str | None]:
    """(kind and table of a statement for the report, the table it writes or None)."""
    if found := _TARGET.match(statement):
        verb, table = found.group(1).upper(), found.group(2)
        return f"{verb} {table}", table
    if "nextval" in statement:
        return "SELECT nextval (ids)", None
    head = statement.lstrip().split(None, 1)[0].upper()
    read = _READ.search(statement)
    return (f"{head} {read.group(1)}" if read else head), None


def written_tables(log: list[dict]) -> list[str]:
    return sorted({table for entry in log if (table := label(entry.get("copy") or entry["sql"])[1])})


def schema_of(connection: psycopg.Connection, tables: list[str]) -> dict[str, dict]:
    """Per table: unique indexes (primary key included), other indexes (those --drop-indexes drops), non-unique
    ones backing a constraint (exclusion), foreign keys (and how many deferred)."""
    rows = connection.execute(
        """
        SELECT c.relname,
               (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique),
               (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND NOT i.indisunique
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)),
               (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND NOT i.indisunique
                  AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)),
               (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f'),
               (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.condeferred)
        FROM pg_class c WHERE c.relname = ANY(%s) AND c.relkind = 'r'
        """,
        [tables],
    ).fetchall()
    return {
        r[0]: {
            "unique_indexes": r[1],
            "other_indexes": r[2],
            "exclusion_indexes": r[3],
            "fks": r[4],
            "deferred_fks": r[5],
        }
        for r in rows
    }


def drop_for_experiment(connection: psycopg.Connection, tables: list[str], *, fks: bool, indexes: bool) -> int:
    """Drop the written tables' foreign keys and/or non-unique, non-constraint indexes; returns how many."""
    statements = []
    if fks:
        statements += connection.execute(
            """SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', c.relname, k.conname)
               FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
               WHERE k.contype = 'f' AND c.relname = ANY(%s)""",
            [tables],
        ).fetchall()
    if indexes:
        statements += connection.execute(
            """SELECT format('DROP INDEX %%I', x.relname)
               FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
               WHERE c.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
            [tables],
        ).fetchall()
    for (statement,) in statements:
        connection.execute(statement)
    return len(statements)


def replay(*, drop_fks: bool, drop_indexes: bool, writes_only: bool = False) -> dict:
    """Replay the captured log on a fresh copy of PREFIX_pre in one transaction; figures as a dict.

    With `writes_only` the statements that write nothing (reads, row locks, drawing ids) are skipped: the
    rows are the same (their ids are in the payloads), what is left is what any design writing them costs."""
    log = json.loads((OUT / "log.json").read_text())
    tables = written_tables(log)
    name = f"{PREFIX}_replay"
    copy_database(f"{PREFIX}_pre", name)
    with psycopg.connect(url(name), autocommit=True) as connection:
        schema = schema_of(connection, tables)
        dropped = drop_for_experiment(connection, tables, fks=drop_fks, indexes=drop_indexes)
        connection.execute("CHECKPOINT")
    per_label: dict[str, dict] = defaultdict(lambda: {"n": 0, "wall_s": 0.0, "pg_cpu_s": 0.0, "rows": 0})
    load_start = os.getloadavg()
    with psycopg.connect(url(name)) as connection:
        pid = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        connection.execute("SET TIME ZONE 'UTC'")
        connection.commit()
        cursor = connection.cursor()
        started, cpu_start, split_start = time.perf_counter(), backend_cpu(pid), backend_times(pid)
        for entry in log:
            if writes_only and "copy" not in entry and label(entry["sql"])[1] is None:
                continue
            before, cpu = time.perf_counter(), backend_cpu(pid)
            if "copy" in entry:
                with cursor.copy(entry["copy"]) as copy, (OUT / entry["file"]).open("rb") as payload:
                    while chunk := payload.read(1 << 20):
                        copy.write(chunk)
                key = label(entry["copy"])[0]
            else:
                cursor.execute(entry["sql"], prepare=False)
                key = label(entry["sql"])[0]
            figures = per_label[key]
            figures["n"] += 1
            figures["wall_s"] += time.perf_counter() - before
            figures["pg_cpu_s"] += backend_cpu(pid) - cpu
            if not key.startswith("SELECT") and cursor.rowcount > 0:
                figures["rows"] += cursor.rowcount
        before_commit, cpu_before_commit = time.perf_counter(), backend_cpu(pid)
        connection.commit()
        ended, cpu_end, split_end = time.perf_counter(), backend_cpu(pid), backend_times(pid)
    drop_database(name)
    rows = json.loads((OUT / "batch.json").read_text())["rows"]
    result = {
        "variant": {"drop_fks": drop_fks, "drop_indexes": drop_indexes, "writes_only": writes_only, "dropped": dropped},
        "rows": rows,
        "wall_s": ended - started,
        "pg_cpu_s": cpu_end - cpu_start,
        "pg_user_system_s": [split_end[0] - split_start[0], split_end[1] - split_start[1]],
        "commit_wall_s": ended - before_commit,
        "commit_pg_cpu_s": cpu_end - cpu_before_commit,
        "rows_per_s": rows / (ended - started),
        "rows_per_pg_cpu_s": rows / max(cpu_end - cpu_start, 1e-9),
        "statements": len(log),
        "per_label": dict(sorted(per_label.items(), key=lambda item: -item[1]["pg_cpu_s"])),
        "schema": schema,
        "load": [load_start, os.getloadavg()],
    }
    variant = "-".join(
        [
            "replay",
            *(["nofk"] if drop_fks else []),
            *(["noidx"] if drop_indexes else []),
            *(["writes"] if writes_only else []),
        ]
    )
    (OUT / f"{variant}.json").write_text(json.dumps(result, indent=1))
    return result


def show(results: list[tuple[str, dict]]) -> str:
    lines = [
        "| Replay | Wall | PostgreSQL CPU (user / system) | of which COMMIT (wall / CPU) | Rows/s (wall) | Rows/s (PG CPU) | Load average |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results:
        load = f"{r['load'][0][0]:.1f} → {r['load'][1][0]:.1f}"
        user, system = r.get("pg_user_system_s", (0.0, 0.0))
        lines.append(
            f"| {name} | {r['wall_s']:.1f} s | {r['pg_cpu_s']:.1f} s ({user:.1f} / {system:.1f}) | {r['commit_wall_s']:.1f} s / "
            f"{r['commit_pg_cpu_s']:.1f} s | {r['rows_per_s']:,.0f} | {r['rows_per_pg_cpu_s']:,.0f} | {load} |"
        )
    return "\n".join(lines)


def show_details(result: dict) -> str:
    lines = ["| Statement | Count | Rows | Wall | PostgreSQL CPU |", "|---|---|---|---|---|"]
    for key, f in result["per_label"].items():
        lines.append(f"| {key} | {f['n']} | {f['rows']:,} | {f['wall_s']:.2f} s | {f['pg_cpu_s']:.2f} s |")
    lines += [
        "",
        "| Written table | Unique indexes (PK included) | Other indexes | Exclusion | Foreign keys (deferred) |",
    ]
    lines.append("|---|---|---|---|---|")
    for table, s in sorted(result["schema"].items()):
        lines.append(
            f"| {table} | {s['unique_indexes']} | {s['other_indexes']} | {s['exclusion_indexes']} "
            f"| {s['fks']} ({s['deferred_fks']}) |"
        )
    return "\n".join(lines)


def compare(paths: list[Path]) -> str:
    """PostgreSQL CPU seconds per statement kind and table, one column per stored replay (the latest of each)."""
    results = {path.stem: json.loads(path.read_text()) for path in paths}
    keys = sorted(
        {key for r in results.values() for key in r["per_label"]},
        key=lambda key: (-max(r["per_label"].get(key, {}).get("pg_cpu_s", 0) for r in results.values()), key),
    )
    lines = ["| Statement | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    for key in keys:
        cells = [f"{r['per_label'][key]['pg_cpu_s']:.2f}" if key in r["per_label"] else "" for r in results.values()]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines.append("| COMMIT | " + " | ".join(f"{r['commit_pg_cpu_s']:.2f}" for r in results.values()) + " |")
    lines.append("| total | " + " | ".join(f"{r['pg_cpu_s']:.2f}" for r in results.values()) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=("prepare", "capture", "replay", "all", "compare"))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--drop-fks", action="store_true")
    parser.add_argument("--drop-indexes", action="store_true")
    parser.add_argument("--writes-only", action="store_true", help="Replay only the statements that write.")
    parser.add_argument("--repeat", type=int, default=1, help="Replays of each variant.")
    options = parser.parse_args()
    if options.step == "compare":
        print(compare(sorted(OUT.glob("replay*.json"))))
        return 0
    if options.step in ("prepare", "all"):
        prepare(options.rows)
    if options.step in ("capture", "all"):
        capture()
    if options.step == "replay":
        chosen = (options.drop_fks, options.drop_indexes)
        variants = [(name, flags) for name, flags in VARIANTS.items() if flags == chosen]
    elif options.step == "all":
        variants = list(VARIANTS.items())
    else:
        return 0
    results = []
    for name, (fks, indexes) in variants:
        for _ in range(options.repeat):
            result = replay(drop_fks=fks, drop_indexes=indexes, writes_only=options.writes_only)
            results.append((name + (", writes only" if options.writes_only else ""), result))
            print(show(results[-1:]).splitlines()[-1], flush=True)
    print(show(results))
    print()
    print(show_details(results[0][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
