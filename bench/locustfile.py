"""Locust scenario for bench/load.py: caseworkers doing a realistic mix through nginx and gunicorn.

Each simulated user logs in as a demo caseworker (password login; see bench/load.py for the second
factor), then, with 0.5–2 s of thinking between actions: opens the home page, the person list with
filters, searches a name, opens a person, opens and saves the edit form unchanged, and opens a request.
Weights follow what caseworkers do most (reading persons). Every non-2xx/3xx answer is a failure.
"""

import itertools
import os
import random
import re
import time
from html.parser import HTMLParser

from django_otp.oath import totp
from locust import HttpUser, between, task

USERNAMES = os.environ.get("LOAD_USERNAMES", "caseworker").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "casework-demo")
# The demo users' published authenticator key (casework.demo.write.DEMO_TOTP_KEY); bench/load.py gives it to them.
TOTP_KEY = bytes.fromhex(os.environ.get("LOAD_TOTP_KEY", b"casework-demo-totp!!".hex()))
# Each simulated user takes the next account, so that no two share an account while enough exist.
_accounts = itertools.cycle(USERNAMES)
PERSON_LINK = re.compile(r'href="/persons/([0-9a-f-]{36})/"')
REQUEST_LINK = re.compile(r'href="/requests/([0-9a-f-]{36})/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ["Fatima", "Mohammed", "Aisha", "Yusuf", "Khadija", "Maryam", "Omar", "Umm", "Hassan", "Amina"]
STATUSES = ["", "registered", "identity_in_progress", "request_pending", "accepted"]


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

    def on_start(self) -> None:
        self.person_ids, self.request_ids = [], []
        self.client.verify = False
        page = self.client.get("/accounts/login/", name="login form").text
        token = CSRF.search(page).group(1)
        username = next(_accounts)
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/"},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("login refused")
                return
        self.second_factor()
        self.person_ids = PERSON_LINK.findall(self.client.get("/persons/", name="person list").text) or []
        self.request_ids = REQUEST_LINK.findall(self.client.get("/requests/", name="request list").text) or []

    def second_factor(self) -> None:
        """The authenticator code after the password; a code is used once per account, so a second session of the
        same account waits for the next 30-second step."""
        for _attempt in range(3):
            page = self.client.get("/accounts/second-factor/", name="second factor form")
            if "/accounts/second-factor/" not in page.url:
                return
            code = totp(TOTP_KEY, step=30, t0=0, digits=6)
            response = self.client.post(
                "/accounts/second-factor/",
                data={"csrfmiddlewaretoken": CSRF.search(page.text).group(1), "token": f"{code:06d}"},
                headers={"Referer": self.host + "/accounts/second-factor/"},
                name="second factor",
            )
            if "/accounts/second-factor/" not in response.url:
                return
            time.sleep(31 - time.time() % 30)

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

    @task(3)
    def search(self) -> None:
        self.client.get("/persons/", params={"q": random.choice(SEARCHES)}, name="person list (name search)")

    @task(4)
    def person_page(self) -> None:
        if self.person_ids:
            self.client.get(f"/persons/{random.choice(self.person_ids)}/", name="person page")

    @task(1)
    def edit(self) -> None:
        if not self.person_ids:
            return
        url = f"/persons/{random.choice(self.person_ids)}/edit/"
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
