"""Fault drills on the running stack, each with work in flight and a measured recovery time.

For each fault: nothing is lost, nothing is sent twice, the user sees a clear message rather than a
server error, and the system recovers by itself. Work in flight (tests/stack/inflight.py), where the
fault can reach it: e-mails queued; a reminder sweep queued or running, which raises each reminder
once after recovery; an edit a user opened before the fault and saves after it, which is saved or
refused as a conflict, never lost silently and never a server error. Recovery times are printed and written to
test-artifacts/drills.json; docs/operations.md records them from a CI run.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.stack.conftest import log_in, upload_scan
from tests.stack.harness import AS_ROOT, ROOT, record, wait_for
from tests.stack.inflight import OpenEdit, SweepDue

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def queue_mail(stack, to: str, key: str) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "tests.stack.mail", to, key], cwd=ROOT, env=stack.env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.strip().splitlines()[-1])


def status_of(stack, message_id: int) -> str:
    return stack.sql(f"SELECT status FROM outbox_outboundmessage WHERE id = {message_id}")


def delivered_once(stack, address: str, timeout: float) -> None:
    wait_for(lambda: stack.smtp.to(address), timeout=timeout, what=f"delivery to {address}")
    time.sleep(3)  # longer than the retry backoff: a duplicate would have arrived
    assert len(stack.smtp.to(address)) == 1


def test_drill_1_postgresql_restart(stack, page):
    log_in(page, stack)
    key = f"drill-pg-{time.monotonic_ns()}"
    message_id = queue_mail(stack, f"{key}@example.org", key)
    due = SweepDue(stack, key)
    edit = OpenEdit(page.context, stack, due.person_id, "Raqqa")

    stack.stop_postgres()
    down_at = time.monotonic()
    due.enqueue_sweep()  # the worker takes it while the database is down: it must retry, not drop it
    response = page.goto("/persons/")
    assert response.status == 503
    expect(page.locator("#error-message")).to_contain_text("The database is not reachable for a moment")
    assert stack.health()["database"] == "down"
    time.sleep(3)
    stack.start_postgres()

    wait_for(lambda: page.goto("/persons/").status == 200, timeout=60, what="the person list after the restart")
    recovered = time.monotonic() - down_at
    wait_for(lambda: stack.health()["database"] == "ok", timeout=30, what="health database ok")
    delivered_once(stack, f"{key}@example.org", timeout=60)
    assert status_of(stack, message_id) == "sent"
    edit.assert_saved()  # the form opened before the outage saves after it
    due.assert_raised_once(timeout=60)
    record(
        "postgresql_restart",
        recovered,
        outage_seconds=3,
        note="sweep enqueued during the outage retried and raised each reminder once; open edit saved after",
    )


def test_drill_2_redis_restart(stack, page):
    log_in(page, stack)
    due = SweepDue(stack, f"drill-redis-sweep-{time.monotonic_ns()}", count=1)
    edit = OpenEdit(page.context, stack, due.person_id, "Hasakah")
    stack.stop_process("redis")
    down_at = time.monotonic()
    key = f"drill-redis-{time.monotonic_ns()}"
    # Recorded while the broker is down: committed, enqueue failure logged, picked up by the requeue.
    message_id = queue_mail(stack, f"{key}@example.org", key)
    assert status_of(stack, message_id) == "queued"
    assert page.goto("/persons/").status == 200  # pages do not need the broker
    assert stack.health()["broker"] == "down"
    # Someone else saves the same person during the outage (saving needs no broker); the open form's save
    # is then refused as a conflict, and the user's second, deliberate save goes through.
    edit.change_elsewhere("Deir ez-Zor")
    time.sleep(2)
    stack.start_redis()
    edit.assert_refused_as_conflict("Deir ez-Zor")
    edit.assert_saved()

    delivered_once(stack, f"{key}@example.org", timeout=120)
    recovered = time.monotonic() - down_at
    assert status_of(stack, message_id) == "sent"
    wait_for(lambda: stack.health()["broker"] == "ok", timeout=30, what="health broker ok")
    record("redis_restart", recovered, note="e-mail recorded during the outage, delivered by the stale-message requeue")
    # A sweep enqueued once the broker is back (beat's next run) raises each reminder once.
    due.enqueue_sweep()
    due.assert_raised_once(timeout=60)


def test_drill_3_smtp_refuses_for_a_while_then_one_recipient_permanently(stack):
    stack.smtp.refuse_data_with = "451 4.3.0 Try again later"
    before = stack.smtp.attempts
    key = f"drill-smtp-{time.monotonic_ns()}"
    good, refused = f"{key}-ok@example.org", f"{key}-refused@example.org"
    good_id = queue_mail(stack, good, f"{key}-ok")
    wait_for(lambda: stack.smtp.attempts >= before + 2, timeout=60, what="two refused attempts")
    stack.smtp.refuse_data_with = "421 4.7.0 Too busy, closing"
    wait_for(lambda: stack.smtp.attempts >= before + 3, timeout=60, what="an attempt answered 421")
    assert status_of(stack, good_id) in ("queued", "sending")
    stack.smtp.refuse_data_with = None
    accepting_at = time.monotonic()
    delivered_once(stack, good, timeout=60)
    recovered = time.monotonic() - accepting_at
    assert status_of(stack, good_id) == "sent"

    stack.smtp.refused_recipients.add(refused)
    refused_id = queue_mail(stack, refused, f"{key}-refused")
    wait_for(lambda: status_of(stack, refused_id) == "failed", timeout=60, what="a permanent failure on 550")
    assert stack.smtp.to(refused) == []
    error = stack.sql(f"SELECT last_error FROM outbox_outboundmessage WHERE id = {refused_id}")
    assert "550" in error
    record("smtp_4xx_then_550", recovered, note="4xx retried with backoff; 550 failed at once, not retried")


def test_drill_4_worker_killed_with_sigkill(stack):
    stack.smtp.delay_data_seconds = 30  # the worker is inside an SMTP conversation when it dies
    key = f"drill-kill-{time.monotonic_ns()}"
    in_flight = queue_mail(stack, f"{key}-inflight@example.org", f"{key}-inflight")
    wait_for(lambda: status_of(stack, in_flight) == "sending", timeout=60, what="the message being sent")
    stack.stop_process("worker", sig=signal.SIGKILL)
    killed_at = time.monotonic()
    stack.smtp.delay_data_seconds = 0
    queued_meanwhile = queue_mail(stack, f"{key}-later@example.org", f"{key}-later")
    due = SweepDue(stack, key)
    due.enqueue_sweep()  # waits on the broker while no worker runs
    stack.start_worker()  # what systemd's Restart=always does

    delivered_once(stack, f"{key}-later@example.org", timeout=120)
    recovered = time.monotonic() - killed_at
    assert status_of(stack, queued_meanwhile) == "sent"
    due.assert_raised_once(timeout=60)
    # The message the worker died with is redelivered after the visibility timeout (20 s here), finds it
    # "sending" and skips: never sent twice; an admin re-sends it once it counts as stuck.
    time.sleep(25)
    assert status_of(stack, in_flight) == "sending"
    assert stack.smtp.to(f"{key}-inflight@example.org") == []
    record("worker_sigkill", recovered, note="in-flight message left 'sending' for an admin re-send, never twice")


def test_drill_5_beat_restarted_twice_in_a_minute(stack):
    sent_before = len(stack.smtp.messages)
    due = SweepDue(stack, f"drill-beat-{time.monotonic_ns()}")
    due.enqueue_sweep()
    for _ in range(2):
        stack.stop_process("beat")
        stack.start_beat()
        time.sleep(5)
    restarted_at = time.monotonic()
    wait_for(lambda: stack.health()["beat"]["last_seen_seconds_ago"] < 10, timeout=60, what="beat heartbeat")
    recovered = time.monotonic() - restarted_at
    # One beat row per host, no periodic e-mail sent twice by the restarts.
    assert stack.sql("SELECT count(*) FROM core_workerheartbeat WHERE role = 'beat'") == "1"
    assert len(stack.smtp.messages) == sent_before
    due.assert_raised_once(timeout=30)  # no restart ran an extra sweep that raised anything twice
    record("beat_restarted_twice", recovered)


@pytest.mark.skipif(not AS_ROOT, reason="needs root to mount a small tmpfs as the upload directory")
def test_drill_6_upload_disk_full(stack, page):
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0750", "tmpfs", stack.media], capture_output=True
    )
    if mount.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr!r}")
    try:
        filler = Path(stack.media) / "filler"
        filler.write_bytes(b"\0" * (1024 * 1024 - 64 * 1024))
        log_in(page, stack)
        person = stack.seed["waiting_person_id"]
        edit = OpenEdit(page.context, stack, person, "Al-Hol")
        count = f"SELECT count(*) FROM people_identitydocument d JOIN people_person p ON p.id = d.person_id WHERE p.public_id = '{person}'"
        before = stack.sql(count)
        scan = b"%PDF-1.4\n" + b"0" * (200 * 1024) + b"\n%%EOF\n"

        assert upload_scan(page, person, "P0000001", scan).status == 503
        expect(page.locator("#error-message")).to_contain_text("The storage for uploaded files is full")
        assert stack.sql(count) == before  # nothing half-saved
        edit.assert_saved()  # an edit without a file does not need the full disk
        filler.unlink()
        freed_at = time.monotonic()
        assert upload_scan(page, person, "P0000002", scan).status in (200, 302)
        recovered = time.monotonic() - freed_at
        assert int(stack.sql(count)) == int(before) + 1
        record(
            "upload_disk_full", recovered, note="503 with a clear message while full; works as soon as space is freed"
        )
    finally:
        subprocess.run(["umount", stack.media], check=False)
