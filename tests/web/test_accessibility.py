"""Accessibility of the main forms: error summaries linked to existing fields, a label for every field,
the page's language and direction, a visible focus style.

Each main form is posted with bad input; the summary's links must point at elements of the page,
and every visible control must have a label.
"""

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from casework.govrequests import services
from casework.govrequests.choices import Decision, RequestStatus
from tests import factories
from tests.web.test_person_intake import intake_data

pytestmark = pytest.mark.django_db

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageParser(HTMLParser):
    """Ids, labels, controls and the error summary's links of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.summary_links: list[str] = []
        self.html_attrs: dict[str, str] = {}
        self._in_summary = 0
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.html_attrs = attributes
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if attributes.get("id") == "error-summary":
            self._in_summary = 1
        elif self._in_summary and tag not in ("br", "img", "input"):
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.summary_links.append(attributes.get("href", ""))
        if tag == "label":
            self._label_depth += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        if tag in ("input", "select", "textarea"):
            if tag == "input" and attributes.get("type", "text") in UNLABELLED_TYPES:
                return
            self.controls.append({**attributes, "_tag": tag, "_wrapped": "yes" if self._label_depth else ""})

    def handle_endtag(self, tag: str) -> None:
        if self._in_summary:
            self._in_summary -= 1
        if tag == "label" and self._label_depth:
            self._label_depth -= 1


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def assert_accessible_errors(response) -> None:
    page = parse(response)
    assert page.summary_links, "no error linked to a field in the error summary"
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, f"summary link {href!r} points at no element"
    assert unlabelled_controls(page) == []


def unlabelled_controls(page: PageParser) -> list[dict[str, str]]:
    """Visible form controls without a label (a <label for>, a wrapping <label>, or an ARIA label)."""
    return [
        control
        for control in page.controls
        if not (
            control.get("id") in page.label_for
            or control.get("aria-label")
            or control.get("aria-labelledby")
            or control["_wrapped"]
        )
    ]


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR")


@pytest.fixture
def sent_request(org_a, person_a, authority):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    return gov_request


@pytest.fixture
def draft(caseworker_a, person_a, authority):
    return services.gov_request_create(authority=authority, persons=[person_a], actor=caseworker_a)


@pytest.fixture
def accepted(supervisor_a, sent_request, person_a):
    services.gov_request_record_decisions(
        gov_request=sent_request, decisions={person_a: Decision.ACCEPTED}, decided_on=date.today(), actor=supervisor_a
    )
    sent_request.refresh_from_db()
    assert sent_request.status == RequestStatus.ACCEPTED
    return sent_request


@pytest.fixture
def planned(supervisor_a, accepted, person_a):
    return services.handover_plan(
        gov_request=accepted, persons=[person_a], planned_on=date.today(), place="Semalka", actor=supervisor_a
    )


def _url(name, *args):
    return reverse(name, args=[getattr(a, "public_id", a) for a in args])


# (name, user fixture, url builder, data): each main form posted with bad input.
FORMS = [
    ("login", None, lambda f: reverse("login"), {"username": "caseworker_a", "password": ""}),
    (
        "password change",
        "caseworker_a",
        lambda f: reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
    ),
    ("profile", "caseworker_a", lambda f: reverse("profile"), {"language": "xx"}),
    ("person intake", "caseworker_a", lambda f: reverse("people:person_create"), {"sex": "bogus"}),
    (
        "person edit",
        "caseworker_a",
        lambda f: _url("people:person_update", f("person_a")),
        {"sex": "bogus"},
    ),
    ("request create", "caseworker_a", lambda f: reverse("govrequests:request_create"), {"action": "create"}),
    (
        "request event",
        "caseworker_a",
        lambda f: _url("govrequests:request_record_event", f("sent_request")),
        {"event-kind": "gossip", "event-occurred_on": ""},
    ),
    (
        "request decisions",
        "supervisor_a",
        lambda f: _url("govrequests:request_record_decisions", f("sent_request")),
        {"decisions-decided_on": "2999-01-01"},
    ),
    ("add persons", "caseworker_a", lambda f: _url("govrequests:request_add_persons", f("draft")), {}),
    (
        "handover plan",
        "caseworker_a",
        lambda f: _url("govrequests:handover_plan", f("accepted")),
        {"handover-place": ""},
    ),
    (
        "handover completion",
        "caseworker_a",
        lambda f: reverse("govrequests:handover_complete", args=[f("accepted").public_id, f("planned").public_id]),
        {"complete-signed_on": "2999-01-01"},
    ),
]


@pytest.mark.parametrize(("name", "role", "target", "data"), FORMS, ids=[form[0] for form in FORMS])
def test_form_with_errors_links_its_summary_to_existing_fields_and_labels_every_field(
    request, client, caseworker_a, name, role, target, data
):
    if role:
        client.force_login(request.getfixturevalue(role))

    response = client.post(target(request.getfixturevalue), data)

    assert response.status_code == 200, name
    assert 'id="error-summary"' in response.content.decode()
    assert_accessible_errors(response)


INTAKE_ROW_ERRORS = [
    ("alias row", intake_data(aliases=[{"kind": "bogus", "name": "Umm Khalid", "script": "latn"}]), "aliases-0-kind"),
    ("claim row", intake_data(claims=[{"country": "XX", "basis": "declaration"}]), "claims-0-country"),
    (
        "claim row of the second row",
        intake_data(claims=[{"country": "FR", "basis": "declaration"}, {"country": "XX", "basis": "declaration"}]),
        "claims-1-country",
    ),
]


@pytest.mark.parametrize(("name", "data", "field"), INTAKE_ROW_ERRORS, ids=[row[0] for row in INTAKE_ROW_ERRORS])
def test_intake_lists_the_errors_of_formset_rows_in_its_summary_linked_to_their_fields(
    client_for, caseworker_a, name, data, field
):
    response = client_for(caseworker_a).post(reverse("people:person_create"), data)

    assert response.status_code == 200, name
    page = parse(response)
    assert f"#id_{field}" in page.summary_links
    assert_accessible_errors(response)


def test_intake_family_search_lists_no_row_errors_in_a_summary(client_for, caseworker_a):
    data = intake_data(aliases=[{"kind": "bogus", "name": "Umm Khalid", "script": "latn"}])

    response = client_for(caseworker_a).post(
        reverse("people:person_create"), {**data, "family_q": "nobody", "action": "family_search"}
    )

    assert 'id="error-summary"' not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "params"),
    [("people:person_list", {"status": "nonsense"}), ("govrequests:request_list", {"status": "nonsense"})],
)
def test_list_filters_with_errors_link_their_summary_to_the_fields(client_for, caseworker_a, name, params):
    response = client_for(caseworker_a).get(reverse(name), params)

    assert_accessible_errors(response)


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fr", "ltr"), ("ar", "rtl")])
def test_every_page_declares_its_language_and_direction(client_for, caseworker_a, language, direction):
    caseworker_a.language = language
    caseworker_a.save()

    page = parse(client_for(caseworker_a).get("/"))

    assert page.html_attrs == {"lang": language, "dir": direction}


def test_focus_is_always_visible():
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "casework.css").read_text()

    assert ":focus-visible" in css
    rule = css.split(":focus-visible", 1)[1].split("}", 1)[0]
    assert "outline:" in rule and "none" not in rule
