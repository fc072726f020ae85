"""Work in flight for the fault drills: a reminder sweep and an edit a user has open.

A drill creates requests that fall due today (`SweepDue`), enqueues the sweep around the fault and,
after recovery, checks that the sweep raised each reminder exactly once. An `OpenEdit` is a person's
edit form opened in its own browser tab before the fault, with the user's input typed in; after
recovery the user saves, and the save either succeeds or is refused as a conflict: never lost
silently, never a server error.
"""

import json
import subprocess
import sys
import time

from tests.stack.harness import ROOT, wait_for

KIND = "request_not_acknowledged"


def run_work(stack, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "tests.stack.work", *args], cwd=ROOT, env=stack.env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


class SweepDue:
    """`count` requests on which the next sweep must raise one reminder each."""

    def __init__(self, stack, key: str, count: int = 3) -> None:
        self.stack = stack
        made = json.loads(run_work(stack, "due", key, str(count)))
        self.request_ids: list[int] = made["request_ids"]
        self.person_id: str = made["person_id"]
        self.ids_sql = ",".join(str(pk) for pk in self.request_ids)

    def enqueue_sweep(self) -> None:
        """Send the sweep task to the stack's broker as beat does; from here, without Django or the database."""
        from celery import Celery

        url = self.stack.env["CELERY_BROKER_URL"]
        app = Celery("drill", broker=url, set_as_current=False)
        try:
            # An explicit connection: Celery prefers a CELERY_BROKER_URL of the environment (CI sets one for the
            # suite) to the broker given to the app, and the message would go to that Redis, not the stack's.
            with app.connection_for_write(url) as connection:
                app.send_task("casework.reminders.tasks.sweep_reminders", queue="casework", connection=connection)
        finally:
            app.close()

    def raised(self) -> int:
        return int(
            self.stack.sql(
                f"SELECT count(*) FROM reminders_reminder WHERE kind = '{KIND}' AND gov_request_id IN ({self.ids_sql})"
            )
        )

    def assert_raised_once(self, *, timeout: float) -> None:
        """Each reminder raised (nothing lost), and once: a second sweep in flight would have raised it again."""
        wait_for(lambda: self.raised() >= len(self.request_ids), timeout=timeout, what="the sweep's reminders")
        time.sleep(2)
        per_request = self.stack.sql(
            f"SELECT string_agg(n::text, ',') FROM (SELECT count(*) AS n FROM reminders_reminder WHERE kind = "
            f"'{KIND}' AND gov_request_id IN ({self.ids_sql}) GROUP BY gov_request_id) AS c"
        )
        assert per_request == ",".join(["1"] * len(self.request_ids))


class OpenEdit:
    """A person's edit form, opened in a tab of the logged-in browser context, with "Place of birth" typed in."""

    FIELD = "Place of birth"

    def __init__(self, context, stack, person_id: str, value: str) -> None:
        self.stack, self.person_id, self.value = stack, person_id, value
        self.tab = context.new_page()
        self.tab.on("dialog", lambda dialog: dialog.accept())
        assert self.tab.goto(f"/persons/{person_id}/edit/").status == 200
        self.tab.get_by_label(self.FIELD, exact=True).fill(value)

    def stored(self) -> str:
        return self.stack.sql(f"SELECT place_of_birth FROM people_person WHERE public_id = '{self.person_id}'")

    def save(self) -> int:
        with self.tab.expect_response(lambda r: r.request.method == "POST") as response:
            self.tab.get_by_role("button", name="Save changes").click()
        return response.value.status

    def assert_saved(self) -> None:
        """Saved now: the redirect to the person page, its success message, the value in the database."""
        from playwright.sync_api import expect

        status = self.save()
        assert status == 302, f"the save answered {status}"
        expect(self.tab.locator(".alert-success")).to_contain_text("Changes saved.")
        assert self.stored() == self.value

    def change_elsewhere(self, other_value: str) -> None:
        """Someone saves the same person in another tab meanwhile (its own form, built from the current version)."""
        other = OpenEdit(self.tab.context, self.stack, self.person_id, other_value)
        other.assert_saved()
        other.tab.close()

    def assert_refused_as_conflict(self, other_value: str) -> None:
        """Refused with the conflict page (409): the other change kept, the user's input shown for a second save."""
        from playwright.sync_api import expect

        status = self.save()
        assert status == 409, f"the stale save answered {status}"
        expect(self.tab.locator("#edit-conflict")).to_contain_text("Nothing was saved")
        expect(self.tab.get_by_label(self.FIELD, exact=True)).to_have_value(self.value)
        assert self.stored() == other_value

    def close(self) -> None:
        self.tab.close()
