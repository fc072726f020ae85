"""Through nginx over HTTPS, as production runs: a caseworker's journey, the headers, and uploads kept private."""

import re
import time

import pytest

from tests.stack.conftest import log_in
from tests.stack.harness import wait_for

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def register(page, given: str, family: str, birth: str, sex: str) -> str:
    page.goto("/persons/new/")
    page.get_by_label("Given name (Latin)", exact=True).fill(given)
    page.get_by_label("Family name (Latin)", exact=True).fill(family)
    page.get_by_label("Sex").select_option(sex)
    page.get_by_label("Date of birth", exact=True).fill(birth)
    page.get_by_label("Precision of date of birth").select_option("year")
    page.get_by_role("button", name="Register").click()
    if page.locator("#duplicate-candidates").count():
        page.get_by_label("This is a new person, not one of the above").check()
        page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/persons/[0-9a-f-]{36}/$"))
    return page.locator("h1").inner_text()


def test_journey_through_nginx_ends_with_one_email_at_the_authority(stack, page):
    log_in(page, stack)
    register(page, "Amina", "Stackfamily", "1994-03-01", "female")
    register(page, "Yusuf", "Stackfamily", "2017-05-01", "male")

    page.goto("/requests/new/")
    page.get_by_label("Name or case number").fill("Stackfamily")
    page.get_by_role("button", name="Search").click()
    for row in page.locator("[data-result]").all():
        row.get_by_role("checkbox").check()
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#id_persons [data-chosen]")).to_have_count(2)
    page.get_by_label("Authority").select_option(stack.seed["authority_id"])
    page.get_by_label("Channel").select_option("note_verbale")
    page.get_by_role("button", name="Draft the request").click()
    expect(page).to_have_url(re.compile(r"/requests/[0-9a-f-]{36}/$"))
    page.locator("#transitions").get_by_role("button", name="Submitted").click()
    expect(page.locator("#request-status")).to_have_text("Submitted")

    decisions = page.locator("#decisions")
    for select in decisions.locator("select[name$='decision'], select[name^='decision']").all():
        select.select_option("accepted")
    decisions.get_by_label("Decided on").fill(time.strftime("%Y-%m-%d"))
    decisions.get_by_role("button", name="Record decisions").click()
    expect(page.locator(".alert-success")).to_contain_text("Decisions recorded.")
    expect(page.locator("#request-status")).to_have_text("Accepted")

    # The ministry still owes an answer on another request: draft the follow-up and send it.
    page.goto(f"/requests/{stack.seed['pending_request_id']}/follow-up/")
    page.get_by_role("button", name=re.compile("Draft a follow-up|Refresh the draft")).click()
    page.get_by_role("button", name="Send the follow-up").click()
    expect(page.locator(".alert-success")).to_be_visible()

    address = stack.seed["authority_email"]
    received = wait_for(lambda: stack.smtp.to(address), timeout=60, what="the follow-up at the SMTP sink")
    time.sleep(5)  # a second delivery would arrive within the retry backoff (2 s)
    assert len(stack.smtp.to(address)) == len(received) == 1
    assert b"Waitingcase" not in received[0].content.split(b"\n\n", 1)[0].split(b"Subject:", 1)[-1].split(b"\n")[0]
    sent = f"SELECT count(*) FROM outbox_outboundmessage WHERE status = 'sent' AND to_email = '{address}'"
    assert stack.sql(sent) == "1"


def test_security_headers_and_cookies(stack):
    status, _body, headers = stack.get("/accounts/login/")

    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["Server"] == "nginx"  # no version
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers.get("X-Frame-Options") == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "default-src 'self'" in csp
    assert "no-store" in headers["Cache-Control"]
    cookie = headers.get("Set-Cookie", "")
    assert "csrftoken" in cookie and "Secure" in cookie
    # Plain HTTP is redirected to HTTPS by nginx.
    import urllib.request

    opener = urllib.request.build_opener(NoRedirect())
    try:
        opener.open(f"http://127.0.0.1:{stack.ports['http']}/", timeout=10)
        raise AssertionError("plain HTTP answered")
    except urllib.error.HTTPError as exc:
        assert exc.code == 301
        assert exc.headers["Location"].startswith("https://")


class NoRedirect(__import__("urllib.request").request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_uploaded_files_are_not_reachable_by_their_storage_path(stack):
    (stack.media / "documents").mkdir(exist_ok=True)
    secret = stack.media / "documents" / "0b7c1d9e-5f3a-4c1e-9a55-2b1f0a6c7d11.pdf"
    secret.write_bytes(b"%PDF-1.4 synthetic")
    try:
        for path in ("/media/documents/" + secret.name, "/media-not-served/documents/" + secret.name,
                     "/static/../media/documents/" + secret.name):  # fmt: skip
            _status, body, _headers = stack.get(path, ok_statuses=(301, 302, 400, 403, 404))
            assert b"synthetic" not in body
    finally:
        secret.unlink()
