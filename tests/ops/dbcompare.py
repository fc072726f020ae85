"""Compare a restored PostgreSQL database with its source (the restore drills: tests/ops and tests/stack)."""

import subprocess

# Persons and requests, the people on requests and family links: checksummed row by row.
CHECKSUMMED = ("people_person", "govrequests_governmentrequest", "govrequests_requestedperson", "people_familylink")


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the public schema, by table name."""
    sql = (
        "SELECT string_agg(format('%s=%s', c.relname,"
        " (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text),"
        " ' ' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'r' AND n.nspname = 'public'"
    )
    out = subprocess.run(["psql", url, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()
    return {name: int(n) for name, n in (pair.split("=") for pair in out.split())}


def checksum(url: str, table: str) -> str:
    """md5 of the table's rows as text, in id order: equal only if every column of every row is."""
    sql = f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t"
    return subprocess.run(["psql", url, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


def checksums(url: str) -> dict[str, str]:
    return {table: checksum(url, table) for table in CHECKSUMMED}
