"""Locust scenario for bench/load.py: caseworkers doing a realistic mix through nginx and gunicorn.

Warm-up, then measurement: each simulated user logs in as a demo caseworker (password, then a one-time
backup code as the second factor, so that users never wait for an authenticator step) and opens the
person and request lists; when the last of LOAD_USERS is in, the statistics are reset and the mix is
measured for LOAD_MEASURE_SECONDS, after which Locust stops. Logins are thus outside the measured
window. The mix, with 0.5–2 s of thinking between actions: the home page, the person list with
filters, a name search, a person page, the edit form opened and saved unchanged (each user edits only its own
share of the persons, as caseworkers edit their own caseload), a request page.
Weights follow what caseworkers do most (reading persons). Every non-2xx/3xx answer is a failure.
"""

import os
import random
import re
from html.parser import HTMLParser

import gevent
from gevent.event import Event
from gevent.lock import Semaphore
from locust import HttpUser, between, events, task

# "username:backup-code" per simulated user (bench/load.py makes them, one code per user and run).
CREDENTIALS = [pair.split(":", 1) for pair in os.environ.get("LOAD_CREDENTIALS", "caseworker:").split(",")]
PASSWORD = os.environ.get("LOAD_PASSWORD", "casework-demo")
USERS = int(os.environ.get("LOAD_USERS", len(CREDENTIALS)))
MEASURE_SECONDS = float(os.environ.get("LOAD_MEASURE_SECONDS", "120"))
# Logins at a time during the warm-up: 50 at once would queue behind one gunicorn worker until nginx gives up
# (504 after 60 s); a password check is deliberately slow.
LOGIN_SLOTS = Semaphore(int(os.environ.get("LOAD_LOGIN_CONCURRENCY", "2")))
PERSON_LINK = re.compile(r'href="/persons/([0-9a-f-]{36})/"')
REQUEST_LINK = re.compile(r'href="/requests/([0-9a-f-]{36})/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ["Fatima", "Mohammed", "Aisha", "Yusuf", "Khadija", "Maryam", "Omar", "Umm", "Hassan", "Amina"]
STATUSES = ["", "registered", "identity_in_progress", "request_pending", "accepted"]


class WarmUp:
    """Counts the users that finished logging in; the last one starts the measured window."""

    started = 0
    ready = 0
    failed = 0
    everyone_in = Event()

    @classmethod
    def take_credentials(cls) -> tuple[int, str, str]:
        """The next user's slot (0, 1, …) and credentials."""
        slot = cls.started
        username, code = CREDENTIALS[slot % len(CREDENTIALS)]
        cls.started += 1
        return slot, username, code

    @classmethod
    def logged_in(cls, environment) -> None:
        cls.ready += 1
        if cls.ready == USERS:
            environment.runner.stats.reset_all()
            print(
                f"warm-up done: {USERS - cls.failed} of {USERS} users logged in; measuring for {MEASURE_SECONDS:.0f} s",
                flush=True,
            )
            if cls.failed:  # a user without a session would measure the login page: the run is void
                environment.process_exit_code = 1
            gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)
            cls.everyone_in.set()
        cls.everyone_in.wait()


@events.test_start.add_listener
def _reset_warm_up(environment, **kwargs) -> None:
    WarmUp.started = WarmUp.ready = WarmUp.failed = 0
    WarmUp.everyone_in.clear()


class FormFields(HTMLParser):
    """The values a browser would submit for the first <form method="post"> that has a csrf token."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None
        self._first_option: str | None = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "file", "button", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            else:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select, self._first_option, self._chosen = a["name"], None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a and not self._chosen:
                self.fields.append((self._select, value))
                self._chosen = True
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if not self._chosen and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside = False


class Caseworker(HttpUser):
    wait_time = between(0.5, 2)
    person_ids: list[str]
    request_ids: list[str]
    own_ids: set[str]  # persons this caseworker edits (see `_own`)
    slot: int

    def on_start(self) -> None:
        self.person_ids, self.request_ids, self.own_ids = [], [], set()
        self.client.verify = False
        try:
            with LOGIN_SLOTS:
                self.slot, username, code = WarmUp.take_credentials()
                self.log_in(username, code)
            if "/accounts/" in self.client.get("/", name="home (after login)").url:
                WarmUp.failed += 1
            self.person_ids = PERSON_LINK.findall(self.client.get("/persons/", name="person list").text) or []
            self._own(self.person_ids)
            self.request_ids = REQUEST_LINK.findall(self.client.get("/requests/", name="request list").text) or []
        finally:
            WarmUp.logged_in(self.environment)

    def log_in(self, username: str, code: str) -> None:
        page = self.client.get("/accounts/login/", name="login form").text
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": CSRF.search(page).group(1), "username": username, "password": PASSWORD,
                  "next": "/"},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            catch_response=True,
        ) as response:  # fmt: skip
            if "/accounts/second-factor/" not in response.url:
                response.failure("login refused")
                return
        with self.client.post(
            "/accounts/second-factor/",
            data={"csrfmiddlewaretoken": CSRF.search(response.text).group(1), "token": code},
            headers={"Referer": self.host + "/accounts/second-factor/"},
            name="second factor",
            catch_response=True,
        ) as response:
            if "/accounts/second-factor/" in response.url:
                response.failure("backup code refused")

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(3)
    def list_with_filters(self) -> None:
        params = {
            "status": random.choice(STATUSES),
            "sex": random.choice(["", "female", "male"]),
            "nationality": random.choice(["", "FR", "DE", "RU", "TN", "MA", "BE"]),
        }
        page = self.client.get("/persons/", params=params, name="person list (filters)").text
        found = PERSON_LINK.findall(page)
        if found:
            self.person_ids = found
            self._own(found)

    def _own(self, person_ids: list[str]) -> None:
        """Caseworkers edit their own caseload: the persons are shared out among the users by id, so that two
        users never save one person at the same moment. (If they did, the app would answer the second save
        409 with its input kept: the conflict detection, tested in the suite, not a failure of the load.)"""
        self.own_ids.update(pk for pk in person_ids if int(pk.replace("-", ""), 16) % USERS == self.slot)

    @task(3)
    def search(self) -> None:
        self.client.get("/persons/", params={"q": random.choice(SEARCHES)}, name="person list (name search)")

    @task(4)
    def person_page(self) -> None:
        if self.person_ids:
            self.client.get(f"/persons/{random.choice(self.person_ids)}/", name="person page")

    @task(1)
    def edit(self) -> None:
        if not self.own_ids:
            return
        url = f"/persons/{random.choice(sorted(self.own_ids))}/edit/"
        form_page = self.client.get(url, name="person edit form")
        if form_page.status_code != 200:
            return
        parser = FormFields("person-form")
        parser.feed(form_page.text)
        fields = parser.fields or [("csrfmiddlewaretoken", CSRF.search(form_page.text).group(1))]
        with self.client.post(
            url, data=fields, headers={"Referer": self.host + url}, name="person edit save", catch_response=True,
            allow_redirects=False,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"save answered {response.status_code}")

    @task(2)
    def request_page(self) -> None:
        if self.request_ids:
            self.client.get(f"/requests/{random.choice(self.request_ids)}/", name="request page")
