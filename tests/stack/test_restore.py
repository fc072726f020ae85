"""Restore drill on the production-like stack: its database and uploads backed up with deploy/backup.sh,
restored with deploy/restore.sh into a new database and media directory, and the app started on the copy.

Runs after the journey and the fault drills (file order), so the stack holds their persons, requests,
e-mails and reminders; the drill adds a scanned document through the browser first. The copy must hold
the same number of rows in every table and the same persons and requests (checksums), and serve the
scan through nginx and its own gunicorn, logged in as a user, byte for byte. The worker and beat are
stopped while the copy is compared (their periodic work would change the source meanwhile), then
started again. The time taken is written to test-artifacts/drills.json.
"""

import os
import subprocess
import time

from django.urls import reverse

from tests.ops.dbcompare import checksums, table_counts
from tests.stack.conftest import log_in, new_page, upload_scan
from tests.stack.harness import ROOT, record

SCAN = b"%PDF-1.4\n% synthetic scan for the stack's restore drill\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


def run(stack, *args, env: dict[str, str]) -> str:
    out = subprocess.run([str(a) for a in args], env={**os.environ, **env}, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def test_restore_drill_backup_restore_and_the_app_on_the_copy(stack, browser, page):
    log_in(page, stack)
    person = stack.seed["waiting_person_id"]
    number = f"R{time.time_ns() % 10**7:07d}"
    assert upload_scan(page, person, number, SCAN).status in (200, 302)
    document = stack.sql(f"SELECT public_id FROM people_identitydocument WHERE number = '{number}'")
    assert document

    stack.stop_process("beat")
    stack.stop_process("worker")
    passphrase = stack.base / "backup-passphrase"
    passphrase.write_text("restore drill passphrase, not for production\n")
    env = {
        "DATABASE_URL": stack.env["DATABASE_URL"],
        "CASEWORK_MEDIA_ROOT": str(stack.media),
        "BACKUP_DIR": str(stack.base / "backups"),
        "BACKUP_PASSPHRASE_FILE": str(passphrase),
    }
    restored_media = stack.base / "media-restored"
    restored_url = stack.env["DATABASE_URL"].rsplit("/", 1)[0] + "/casework_restored"
    copy_page = None
    try:
        started = time.monotonic()
        backup = run(stack, ROOT / "deploy/backup.sh", env=env).splitlines()[-1]
        backed_up = time.monotonic()
        run(stack, ROOT / "deploy/restore.sh", backup, restored_url, restored_media, env=env)
        restored = time.monotonic()

        source_counts = table_counts(stack.env["DATABASE_URL"])
        assert source_counts["people_person"] >= 1 and source_counts["people_identitydocument"] >= 1
        assert table_counts(restored_url) == source_counts
        assert checksums(restored_url) == checksums(stack.env["DATABASE_URL"])

        copy_url = stack.start_copy(database="casework_restored", media=restored_media)
        copy_page = new_page(browser, copy_url)
        log_in(copy_page, stack)
        response = copy_page.request.get(reverse("people:document_file", args=[person, document]))
        assert response.status == 200
        assert response.body() == SCAN
        served = time.monotonic()
    finally:
        if copy_page is not None:
            copy_page.context.close()
        stack.stop_copy()
        stack.start_worker()
        stack.start_beat()

    record(
        "restore",
        served - started,
        backup_seconds=round(backed_up - started, 1),
        restore_seconds=round(restored - backed_up, 1),
        tables=len(source_counts),
        rows=sum(source_counts.values()),
        note="backup.sh, restore.sh into a new database and media directory, app started on the copy: "
        "row counts of every table and checksums of persons and requests equal, the scan served byte for byte",
    )
