"""Benchmark of the spreadsheet import (issue #11): reading + dry run, commit, peak memory, and
django-import-export on the same file as the reference.

    .venv/bin/pip install -r bench/requirements.txt      # the reference importer (bench only)
    .venv/bin/python bench/imports.py [--rows 100000] [--existing 100000] [--reference-rows 10000] [--reseed] [--undo] [--write-docs]

(`make bench-imports` runs it with the defaults.) Steps:

1. Creates (or reuses) the database of BENCH_IMPORTS_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/casework_imports_bench), migrates it and seeds it with
   `seed_demo --size EXISTING --seed 1` (not timed). The import goes into the organisation with the
   most persons; the dry run's duplicate detection reads all of that organisation's persons.
2. Writes a synthetic XLSX of ROWS rows from the demo data (names, sexes, birth years, nationalities,
   facilities of persons of every organisation; households of four; every fourth row a child with
   its mother's external reference; 2 % exact copies of persons already recorded: possible duplicates).
3. In a child process (so that its peak RSS is the import's alone): upload, mapping (guessed from the
   headers), reading + dry run (`batch_check_now`, the task's code), every duplicate settled as
   "new", commit (`batch_commit`, one transaction), and with --undo the undo of the batch. Wall time and the
   process's CPU time of each step, rows per second, SQL queries of the dry run and commit, the peak
   RSS (`ru_maxrss`) up to the end of the dry run and the commit's own (its RSS at the start and its peak:
   the peak is reset before the commit on Linux, `/proc/self/clear_refs`); the headers are read from a
   sample, as the mapping page reads them.
4. In another child process: django-import-export 4 (`ModelResource` of Person with the same name,
   sex and birth fields, the organisation and a case number set per row) importing the first
   REFERENCE_ROWS rows of the same file with `dry_run=True` (every row validated and written, then
   rolled back): rows per second, compared with Casework's commit rate.

Targets of issue #11: dry run ≤ 90 s, commit ≥ 10,000 rows/s, peak RSS ≤ 300 MB, commit ≥ 20× the reference.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import BENCH_FIELD_KEY  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/casework_imports_bench"
DOCS = ROOT / "docs" / "benchmarks.md"
START_MARKER = "<!-- bench:imports:start -->"
END_MARKER = "<!-- bench:imports:end -->"
HEADERS = [
    "ID",
    "Given name",
    "Father name",
    "Family name",
    "الاسم الأول",
    "اسم العائلة",
    "Sex",
    "Date of birth",
    "Nationality",
    "Camp",
    "Household",
    "Mother",
]


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-a-secret-" + "b" * 32)
    # A fixed field-encryption key: the seeded database is reused across runs (bench only, not a secret).
    os.environ.setdefault("CASEWORK_FIELD_KEYS", BENCH_FIELD_KEY)
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
    os.environ.setdefault("CASEWORK_IMPORTS_ROOT", str(ROOT / "var" / "bench-imports"))
    # The bench files are far larger than an organisation's usual upload.
    os.environ.setdefault("CASEWORK_IMPORTS_MAX_FILE_SIZE", str(200 * 1024 * 1024))
    os.environ.setdefault("CASEWORK_IMPORTS_MAX_UNCOMPRESSED_SIZE", str(2000 * 1024 * 1024))


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT, env=os.environ)


def ensure_database(url: str, *, existing: int, reseed: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refused: the bench database's name must contain 'bench' ({name!r})")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if reseed and exists:
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
            )
    manage("migrate", "--noinput", "-v", "0")
    with psycopg.connect(url) as connection:
        persons = connection.execute("SELECT count(*) FROM people_person").fetchone()[0]
    if persons == 0:
        print(f"Seeding {existing:,} persons (not timed)…", flush=True)
        manage("seed_demo", "--size", str(existing), "--seed", "1", "--allow-without-debug")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
    else:
        print(f"The database already holds {persons:,} persons (--reseed to start again).", flush=True)


def write_file(path: Path, rows: int) -> dict:
    """The synthetic XLSX (write-only openpyxl); returns the target organisation's id and code."""
    import django

    django.setup()
    import openpyxl
    from django.db.models import Count

    from casework.accounts.models import Organisation
    from casework.camps.models import Facility
    from casework.people.models import Person

    target = Organisation.objects.annotate(n=Count("persons")).order_by("-n").first()
    facilities = list(Facility.objects.values_list("name", flat=True)) or [""]
    fields = [
        "given_name_lat",
        "father_name_lat",
        "family_name_lat",
        "given_name_ar",
        "family_name_ar",
        "sex",
        "birth_date_earliest",
    ]
    sample = list(Person.objects.order_by("?").values_list(*fields)[: max(rows, 1000)])
    own = list(Person.objects.filter(organisation=target).values_list(*fields)[: rows // 50])
    countries = ["FR", "Tunisia", "Maroc", "روسيا", "DEU", "Belgique", "NL", "Turkey"]
    rng = random.Random(1)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("List")
    sheet.append(HEADERS)
    for n in range(rows):
        # Households of four: a mother (the first row), then three children with her reference.
        child = n % 4 != 0
        duplicate = bool(own) and n % 50 == 0 and not child
        given, father, family, given_ar, family_ar, sex, born = (
            own[(n // 50) % len(own)] if duplicate else sample[n % len(sample)]
        )
        year = 2008 + n % 10 if child else (born.year if duplicate and born else 1975 + n % 15)
        sex = sex if child or duplicate else "female"
        if not duplicate:
            given = f"{given}{'abcdefghij'[n % 10]}"  # spread the names: mostly unique rows
        sheet.append(
            [
                f"B-{n}",
                given,
                father,
                family,
                given_ar,
                family_ar,
                {"female": "F", "male": "M"}.get(sex, ""),
                str(year) if n % 3 else f"15/0{1 + n % 9}/{year}",
                rng.choice(countries),
                rng.choice(facilities),
                f"HH-{n // 4}",
                f"B-{n - n % 4}" if child and not (own and (n - n % 4) % 50 == 0) else "",
            ]
        )
    workbook.save(path)
    return {"organisation_id": target.pk, "organisation_code": target.code, "organisation_persons": target.n}


def cpu_seconds() -> float:
    """CPU time of this process (user + system): on a shared machine, the part of a step's wall time
    that is the import's own Python work (the rest is PostgreSQL's work and waiting for a core)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS since the process started or since `reset_peak_rss`) in MB, from /proc."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def backend_cpu_seconds(connection) -> tuple[int, float] | None:
    """(pid, CPU seconds) of the PostgreSQL backend serving `connection`, read from /proc when the server runs
    on this machine (None otherwise): the part of a step's wall time that is PostgreSQL's own work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu_since(connection, start: tuple[int, float] | None) -> float | None:
    """CPU seconds of the backend since `start` (None if unknown, or if the connection changed meanwhile)."""
    now = backend_cpu_seconds(connection)
    if start is None or now is None or now[0] != start[0]:
        return None
    return now[1] - start[1]


def reset_peak_rss() -> bool:
    """Reset the process's peak RSS (Linux: also `ru_maxrss`), so that a step's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure_casework(path: Path, organisation_id: int, *, commit: bool = True) -> dict:
    """Step 3 of the module docstring, in this process; with commit=False it stops once the duplicates are settled
    (the batch's and actor's ids in the result: `bench/import_floor.py` commits it elsewhere)."""
    import django

    django.setup()
    from django.core.files import File
    from django.db import connection

    from casework.accounts import roles
    from casework.accounts.models import User
    from casework.imports import services
    from casework.imports.mapping import guess_mapping
    from casework.imports.readers import read_table

    actor = User.objects.filter(organisation_id=organisation_id, groups__name=roles.SUPERVISOR, is_active=True).first()
    if actor is None:
        sys.exit("the target organisation has no active supervisor")
    result: dict = {}
    started = time.perf_counter()
    with path.open("rb") as handle:
        batch = services.batch_upload(
            upload=File(handle, name=path.name), actor=actor, source=f"bench {time.time():.0f}"
        )
    # The headers from a sample, as the mapping page reads them (the whole sheet is read by the dry run).
    headers = read_table(Path(batch.file.path), batch.file_name, header_row=1, sample=5).headers
    services.batch_set_mapping(
        batch=batch, actor=actor, sheet_name="", header_row=1, mapping=guess_mapping(headers), value_maps={}
    )
    result["upload_s"] = time.perf_counter() - started
    started = time.perf_counter()
    # Counted by an execute wrapper, not CaptureQueriesContext: keeping every statement's SQL (the
    # 100,000 rows' inserts) would add hundreds of MB to the peak RSS being measured.
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    cpu = cpu_seconds()
    backend = backend_cpu_seconds(connection)
    with connection.execute_wrapper(count):
        batch = services.batch_check_now(batch=batch, actor=actor)
    result["dry_run_s"] = time.perf_counter() - started
    result["dry_run_cpu_s"] = cpu_seconds() - cpu
    result["dry_run_pg_cpu_s"] = backend_cpu_since(connection, backend)
    result["dry_run_queries"] = queries[0]
    # The peak so far: upload, the mapping page's sample and the dry run (the commit's comes on top).
    result["dry_run_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["counts"] = batch.counts
    if batch.file_errors or batch.counts.get("error"):
        result["problems"] = batch.file_errors + [str(r.errors) for r in batch.rows.filter(action="error")[:5]]
        return result
    services.rows_decide_all(batch=batch, decision="new", actor=actor)
    if not commit:
        return result | {"batch_id": batch.pk, "actor_id": actor.pk}
    # The commit's own peak: the process's peak is reset first (the dry run's is kept above).
    result["commit_start_rss_mb"] = rss_mb()[0]
    own_peak = reset_peak_rss()
    started = time.perf_counter()
    cpu = cpu_seconds()
    backend = backend_cpu_seconds(connection)
    queries[0] = 0
    with connection.execute_wrapper(count):
        batch = services.batch_commit(batch=batch, actor=actor)
    result["commit_s"] = time.perf_counter() - started
    result["commit_cpu_s"] = cpu_seconds() - cpu
    result["commit_pg_cpu_s"] = backend_cpu_since(connection, backend)
    result["commit_queries"] = queries[0]
    result["created"] = batch.counts["created"]
    if own_peak:
        result["commit_peak_rss_mb"] = rss_mb()[1]
    result["peak_rss_mb"] = max(
        result["dry_run_peak_rss_mb"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    if os.environ.get("BENCH_IMPORTS_UNDO"):
        started = time.perf_counter()
        services.batch_undo(batch=batch, actor=actor)
        result["undo_s"] = time.perf_counter() - started
    return result


def measure_reference(path: Path, organisation_id: int, rows: int) -> dict:
    import django

    django.setup()
    import tablib
    from import_export import fields, resources

    from casework.people.models import Person

    dataset = tablib.Dataset().load(path.open("rb").read(), format="xlsx")
    dataset = tablib.Dataset(*dataset[:rows], headers=dataset.headers)
    counter = iter(range(1, 10**9))

    class PersonResource(resources.ModelResource):
        given_name_lat = fields.Field(attribute="given_name_lat", column_name="Given name")
        father_name_lat = fields.Field(attribute="father_name_lat", column_name="Father name")
        family_name_lat = fields.Field(attribute="family_name_lat", column_name="Family name")
        given_name_ar = fields.Field(attribute="given_name_ar", column_name="الاسم الأول")
        family_name_ar = fields.Field(attribute="family_name_ar", column_name="اسم العائلة")

        class Meta:
            model = Person
            fields = ("given_name_lat", "father_name_lat", "family_name_lat", "given_name_ar", "family_name_ar")
            import_id_fields = ()

        def before_save_instance(self, instance, row, **kwargs) -> None:
            for name in self._meta.fields:
                if getattr(instance, name) is None:
                    setattr(instance, name, "")
            instance.organisation_id = organisation_id
            instance.case_number = f"REF-{next(counter):07d}"
            instance.birth_date = date(1990, 1, 1)
            instance.birth_date_precision = "year"

    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=True, use_transactions=True, raise_errors=True)
    elapsed = time.perf_counter() - started
    return {
        "rows": len(dataset),
        "seconds": elapsed,
        "errors": result.has_errors(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child(mode: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, *args], check=True, capture_output=True, text=True, env=os.environ
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(info: dict, casework: dict, reference: dict | None, rows: int) -> str:
    lines = [
        f"Import of {rows:,} rows into an organisation of {info['organisation_persons']:,} persons (seed of {info['existing']:,}); {info['machine']}.",
        "",
    ]
    lines += [
        "| Step | Time | CPU of the import process | CPU of its PostgreSQL backend | Rows/s | SQL queries | Target |",
        "|---|---|---|---|---|---|---|",
    ]
    if "problems" in casework:
        return "\n".join([*lines, f"Dry run reported problems: {casework['problems']}"])
    dry, commit = casework["dry_run_s"], casework["commit_s"]

    def pg(key: str) -> str:
        return f"{casework[key]:.1f} s" if casework.get(key) is not None else "(not on this host)"

    lines.append(
        f"| Reading + dry run | {dry:.1f} s | {casework['dry_run_cpu_s']:.1f} s | {pg('dry_run_pg_cpu_s')} | {rows / dry:,.0f} | {casework['dry_run_queries']} | ≤ 90 s: {'OK' if dry <= 90 else 'MISSED'} |"
    )
    rate = casework["created"] / commit
    lines.append(
        f"| Commit (one transaction) | {commit:.1f} s | {casework['commit_cpu_s']:.1f} s | {pg('commit_pg_cpu_s')} | {rate:,.0f} | {casework['commit_queries']} | ≥ 10,000 rows/s: {'OK' if rate >= 10000 else 'MISSED'} |"
    )
    if "undo_s" in casework:
        lines.append(f"| Undo | {casework['undo_s']:.1f} s | | | {casework['created'] / casework['undo_s']:,.0f} | | |")
    lines.append("")
    rss = casework["peak_rss_mb"]
    lines.append(
        f"Peak RSS of the import process: {rss:.0f} MB (target ≤ 300 MB: {'OK' if rss <= 300 else 'MISSED'}), "
        f"{casework['dry_run_peak_rss_mb']:.0f} MB up to the end of the dry run"
        + (
            f", the commit's own {casework['commit_peak_rss_mb']:.0f} MB (from {casework['commit_start_rss_mb']:.0f} MB at its start)"
            if "commit_peak_rss_mb" in casework
            else ""
        )
        + f". Dry run counts: {casework['counts']}."
    )
    if reference:
        ref_rate = reference["rows"] / reference["seconds"]
        lines.append(
            f"django-import-export 4.4.3 (`ModelResource`, dry_run=True: validated, written, rolled back), {reference['rows']:,} rows: "
            f"{reference['seconds']:.1f} s, {ref_rate:,.0f} rows/s, peak RSS {reference['peak_rss_mb']:.0f} MB. "
            f"Casework's commit: {rate / ref_rate:.0f}× faster (target ≥ 20×: {'OK' if rate / ref_rate >= 20 else 'MISSED'})."
        )
    return "\n".join(lines)


def write_docs(text: str) -> None:
    content = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    block = f"{START_MARKER}\n{text}\n{END_MARKER}"
    if START_MARKER in content:
        head, rest = content.split(START_MARKER, 1)
        content = head + block + rest.split(END_MARKER, 1)[1]
    else:
        content = content.rstrip() + "\n\n## Spreadsheet import (issue #11)\n\n`bench/imports.py`.\n\n" + block + "\n"
    DOCS.write_text(content)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=100_000)
    parser.add_argument("--reference-rows", type=int, default=10_000, help="0 skips django-import-export.")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--undo", action="store_true", help="Also time the undo of the batch (slow: per person).")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    url = os.environ.get("BENCH_IMPORTS_DATABASE_URL", DEFAULT_URL)
    configure_django(url)
    if options.child:
        mode, *args = options.child
        if mode == "write":
            print(json.dumps(write_file(Path(args[0]), int(args[1]))))
        elif mode in ("casework", "check"):
            print(json.dumps(measure_casework(Path(args[0]), int(args[1]), commit=mode == "casework")))
        else:
            print(json.dumps(measure_reference(Path(args[0]), int(args[1]), int(args[2]))))
        return 0

    if options.undo:
        os.environ["BENCH_IMPORTS_UNDO"] = "1"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    ensure_database(url, existing=options.existing, reseed=options.reseed)
    path = ROOT / "var" / f"bench-import-{options.rows}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Writing {options.rows:,} rows to {path}…", flush=True)
    info = child("write", str(path), str(options.rows))
    info |= {"existing": options.existing, "machine": f"{os.cpu_count()} cores, load average {load} at start"}
    print(f"File: {path.stat().st_size / 1048576:.1f} MB. Importing into {info['organisation_code']}…", flush=True)
    casework = child("casework", str(path), str(info["organisation_id"]))
    reference = None
    if options.reference_rows:
        try:
            import import_export  # noqa: F401
        except ImportError:
            print("django-import-export is not installed (pip install -r bench/requirements.txt): reference skipped.")
        else:
            reference = child(
                "reference", str(path), str(info["organisation_id"]), str(min(options.reference_rows, options.rows))
            )
    info["machine"] += ", " + " ".join(f"{x:.1f}" for x in os.getloadavg()) + " at the end"
    text = report(info, casework, reference, options.rows)
    print(text)
    if options.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
