"""Every page of the caseworker interface against every role.

The URL patterns are enumerated from the URL configuration (everything but the Django admin), so a
new page without an entry in PAGES fails `test_every_page_has_an_access_case`. For each page and
role the expected answer follows from the role's permissions (`casework.accounts.roles`, the source
of truth) and from scope:

- anonymous → redirect to the login page (except the few pages marked public);
- a missing capability → 403, checked before the lookup so that it never tells whether a record exists;
- a record outside the user's scope → 404: the other organisation's caseworker and supervisor, and the
  assigned-only caseworker (the records here are about a case assigned to someone else);
- otherwise the page answers (2xx, or a redirect that is not to the login page).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casework.accounts import roles
from casework.govrequests import services
from casework.govrequests.choices import Decision, HandoverStatus, RequestStatus
from casework.reminders.models import Reminder, subject_key_for
from tests import factories
from tests.legal.factories import (
    CustodyEntryFactory,
    HearingFactory,
    JourneyToSyriaFactory,
    LegalProceedingFactory,
    ReturnAssessmentFactory,
)

pytestmark = pytest.mark.django_db

# A valid 1×1 PNG (the photo view serves what Pillow accepted on upload).
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

OK, LOGIN, REDIRECT = "ok", "login", "redirect"
NO_ROLE = ""  # a user of organisation A who belongs to no role group (created without one, or removed)

# role fixture → (role group, sees the records of organisation A)
ROLES: dict[str, tuple[str | None, bool]] = {
    "caseworker_a": (roles.CASEWORKER, True),
    "fieldworker_a": (roles.CASEWORKER, False),  # assigned-only; the case belongs to caseworker_a
    "supervisor_a": (roles.SUPERVISOR, True),
    "sensitive_supervisor_a": (roles.SUPERVISOR, True),  # also holds the L3 permission
    "orgadmin_a": (roles.ORGANISATION_ADMIN, True),
    "auditor_a": (roles.AUDITOR, True),
    "caseworker_b": (roles.CASEWORKER, False),
    "supervisor_b": (roles.SUPERVISOR, False),
    "norole_a": (NO_ROLE, True),  # logged in, in organisation A, but in no role group
    "anonymous": (None, False),
}

L3_ROLES = {"sensitive_supervisor_a"}

Target = Callable[[Callable[[str], Any]], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Page:
    """How to reach one URL: method, URL and data (built from fixtures), the capability it needs,
    whether it shows a record of organisation A, and answers that do not follow the general rule."""

    method: str
    target: Target
    needs: str = ""
    record: bool = False
    public: bool = False
    l3: bool = False  # a page that exists only for users with the sensitive-data permission (404 otherwise)
    missing: bool = False  # a generated URL with no page behind it: 404 to whoever holds the capability
    special: dict[str, Any] = field(default_factory=dict)


def _get(name: str, *fixtures: str, **data: Any) -> Target:
    def build(fixture: Callable[[str], Any]) -> tuple[str, dict[str, Any]]:
        args = [fixture(f).public_id for f in fixtures]
        return reverse(name, args=args), data

    return build


def _post(name: str, *fixtures: str, data: Callable[[Callable[[str], Any]], dict] | None = None) -> Target:
    def build(fixture: Callable[[str], Any]) -> tuple[str, dict[str, Any]]:
        args = [fixture(f).public_id for f in fixtures]
        return reverse(name, args=args), (data(fixture) if data else {})

    return build


def _person_of(fixture: Callable[[str], Any]) -> dict[str, str]:
    return {"person": str(fixture("person_a").public_id)}


def _followup_of(fixture: Callable[[str], Any]) -> dict[str, str]:
    return {"followup": str(fixture("followup").public_id), "digest": ""}


def _page(method: str, name: str, *fixtures: str, data: Any = None, record: bool | None = None, **flags: Any):
    """The access case of page `name`, reached with `fixtures`' public ids as URL arguments.

    A page reached through a record (fixtures given) shows a record of organisation A unless `record=False`.
    For a GET `data` is a dict of query parameters; for a POST, a function of the fixture getter.
    """
    target = _get(name, *fixtures, **(data or {})) if method == "get" else _post(name, *fixtures, data=data)
    return name, Page(method, target, record=bool(fixtures) if record is None else record, **flags)


def get(name: str, *fixtures: str, **flags: Any) -> tuple[str, Page]:
    return _page("get", name, *fixtures, **flags)


def post(name: str, *fixtures: str, **flags: Any) -> tuple[str, Page]:
    return _page("post", name, *fixtures, **flags)


def custom(name: str, method: str, target: Target, **flags: Any) -> tuple[str, Page]:
    """A page whose URL takes arguments other than public ids."""
    return name, Page(method, target, **flags)


def person_records(
    namespace: str, kind: str, fixture: str, model: str, *, l3: bool = False, missing: bool = False
) -> list[tuple[str, Page]]:
    """A kind of record of person_a: its list, edit and remove pages (`missing`: no edit or remove page)."""
    view, change = f"{namespace}.view_{model}", f"{namespace}.change_{model}"
    return [
        get(f"{namespace}:{kind}_list", "person_a", needs=view, l3=l3),
        get(f"{namespace}:{kind}_update", "person_a", fixture, needs=change, l3=l3, missing=missing),
        post(f"{namespace}:{kind}_remove", "person_a", fixture, needs=change, l3=l3, missing=missing),
    ]


ALL_ROLES = {role: REDIRECT for role in ROLES}
LOGGED_IN = {role: REDIRECT for role in ROLES if role != "anonymous"}  # the second factor is given (force_login)
FIGURES = "accounts.view_organisation_figures"
VIEW_REQUEST, CHANGE_REQUEST = "govrequests.view_governmentrequest", "govrequests.change_governmentrequest"
SEND_FOLLOWUP, CHANGE_HANDOVER = "govrequests.send_followup", "govrequests.change_handoveroperation"
CHANGE_REMINDER, IMPORT, MERGE, REVIEW = (
    "reminders.change_reminder",
    "imports.run_import",
    "people.merge_person",
    "matching.review_duplicates",
)

PAGES: dict[str, Page] = dict(
    [
        # Site and account pages.
        get("home"),
        get("health", public=True),
        get("login", public=True),
        post("logout", public=True, special=ALL_ROLES),
        get("password_change"),
        get("password_change_done"),
        get("profile"),
        # The second-factor step: a session that already gave it is sent on.
        get("second_factor", special=LOGGED_IN),
        get("second_factor_setup", special=LOGGED_IN),
        post("backup_codes_renew"),
        post("session_end", data=lambda f: {"which": "others"}),
        get("admin_login_redirect", public=True, special=ALL_ROLES),
        get("password_reset", public=True),
        get("password_reset_done", public=True),
        custom(
            "password_reset_confirm",
            "get",
            lambda f: (reverse("password_reset_confirm", args=["MQ", "not-a-token"]), {}),
            public=True,
        ),
        get("password_reset_complete", public=True),
        post("set_language", data=lambda f: {"language": "en", "next": "/"}, public=True),
        # The dashboard (aggregates of the user's scope) and a figure's CSV.
        get("dashboard", needs=FIGURES),
        custom("dashboard_csv", "get", lambda f: (reverse("dashboard_csv", args=["waiting"]), {}), needs=FIGURES),
        # Persons.
        get("people:person_list", needs="people.view_person"),
        get("people:person_export", needs="people.view_person"),
        get("people:person_create", needs="people.add_person"),
        get("people:person_detail", "person_a", needs="people.view_person"),
        get("people:person_access_log", "person_a", needs="core.view_access_log"),
        get("people:person_update", "person_a", needs="people.change_person"),
        post("people:person_transition", "person_a", needs="people.transition_person"),
        get("people:person_photo", "person_with_photo", needs="people.view_person"),
        get("people:alias_list", "person_a", needs="people.view_alias"),
        post(
            "people:claim_transition",
            "person_a",
            "claim",
            data=lambda f: {"to": "verified"},
            needs="people.change_nationalityclaim",
        ),
        get("people:document_file", "person_a", "document", needs="people.view_identitydocument"),
        get("retention:review_list", needs="retention.view_retentionreview"),
        custom(
            "retention:review_decide",
            "post",
            lambda f: (reverse("retention:review_decide", args=[f("retention_review").public_id, "keep"]), {}),
            needs="retention.approve_anonymisation",
            record=True,
        ),
        # Records of a person; custody periods are only added (moves): the generated edit and remove URLs have no page.
        *person_records("people", "claim", "claim", "nationalityclaim"),
        *person_records("people", "document", "document", "identitydocument"),
        *person_records("people", "family", "family_link", "familylink"),
        *person_records("people", "custody", "custody", "custodyperiod", missing=True),
        *person_records("people", "dna", "dna_test", "dnatest", l3=True),
        *person_records("screenings", "screening", "screening", "screening", l3=True),
        # What the situation needs recorded (#12): journey, return wish and risk, entry into custody, legal.
        *person_records("people", "journey", "journey", "journeytosyria"),
        *person_records("people", "return", "return_assessment", "returnassessment"),
        *person_records("screenings", "custody_entry", "custody_entry", "custodyentry"),
        *person_records("legal", "proceeding", "proceeding", "legalproceeding", l3=True),
        *person_records("legal", "hearing", "hearing", "hearing", l3=True),
        # Government requests.
        get("govrequests:request_list", needs=VIEW_REQUEST),
        get("govrequests:request_create", needs="govrequests.add_governmentrequest"),
        get("govrequests:request_detail", "sent_request", needs=VIEW_REQUEST),
        post(
            "govrequests:request_transition",
            "sent_request",
            data=lambda f: {"to": RequestStatus.ACKNOWLEDGED},
            needs=CHANGE_REQUEST,
        ),
        post("govrequests:request_record_event", "sent_request", needs="govrequests.add_requestevent"),
        get(
            "govrequests:request_event_document",
            "sent_request",
            "event_with_document",
            needs="govrequests.view_requestevent",
        ),
        post("govrequests:request_record_decisions", "sent_request", needs="govrequests.decide_request"),
        get("govrequests:request_summary", "sent_request", needs=VIEW_REQUEST),
        get("govrequests:request_add_persons", "draft", needs=CHANGE_REQUEST),
        post("govrequests:request_remove_person", "draft", data=_person_of, needs=CHANGE_REQUEST),
        get("govrequests:handover_plan", "accepted", needs="govrequests.add_handoveroperation"),
        get("govrequests:handover_complete", "accepted", "planned", needs=CHANGE_HANDOVER),
        post(
            "govrequests:handover_cancel",
            "accepted",
            "planned",
            data=lambda f: {"reason": "The crossing was closed."},
            needs=CHANGE_HANDOVER,
        ),
        get("govrequests:handover_document", "accepted", "completed", needs="govrequests.view_handoveroperation"),
        get("dossiers:section", "sent_request", needs="dossiers.view_dossier"),
        get("dossiers:preview", "sent_request", needs="dossiers.view_dossier"),
        post(
            "dossiers:generate",
            "sent_request",
            data=lambda f: {"language": "fr", "signing_officer": "A. Officer"},
            needs="dossiers.generate_dossier",
        ),
        get("dossiers:file", "sent_request", "ready_dossier", needs="dossiers.view_dossier"),
        get("govrequests:request_followup", "sent_request", needs=VIEW_REQUEST),
        post("govrequests:request_followup_refresh", "sent_request", needs=SEND_FOLLOWUP),
        post("govrequests:request_followup_send", "sent_request", data=_followup_of, needs=SEND_FOLLOWUP),
        post("govrequests:request_followup_discard", "sent_request", data=_followup_of, needs=SEND_FOLLOWUP),
        # Facilities: reference data, every role reads them.
        get("camps:facility_list", needs="camps.view_facility"),
        get("camps:facility_detail", "facility", needs="camps.view_facility", record=False),
        # Spreadsheet imports (a batch of organisation A, uploaded by its supervisor).
        get("imports:batch_list", needs=IMPORT),
        get("imports:batch_upload", needs=IMPORT),
        get("imports:template_download", needs=IMPORT),
        get("imports:person_export", needs=IMPORT),
        get("imports:batch_detail", "import_batch", needs=IMPORT),
        get("imports:batch_progress", "import_batch", needs=IMPORT),
        post(
            "imports:batch_mapping",
            "import_batch",
            data=lambda f: {"header_row": 1, "col_0": "given_name_lat"},
            needs=IMPORT,
        ),
        post("imports:batch_cancel", "import_batch", needs=IMPORT),
        custom(
            "imports:row_decide",
            "post",
            lambda f: (reverse("imports:row_decide", args=[f("import_batch").public_id, 2]), {"decision": "new"}),
            needs=IMPORT,
            record=True,
        ),
        post("imports:batch_commit", "import_batch", needs=IMPORT),
        post("imports:batch_undo", "import_batch", needs=IMPORT),
        # Merging two records of one person.
        custom(
            "merging:merge",
            "get",
            lambda f: (
                reverse("merging:merge"),
                {"a": str(f("person_a").public_id), "b": str(f("second_record").public_id)},
            ),
            needs=MERGE,
            record=True,
        ),
        get("merging:merge_detail", "person_merge", needs=MERGE),
        post("merging:unmerge", "person_merge", needs=MERGE),
        # State policies: every role reads them, organisation admins write their organisation's.
        get("policies:policy_list", needs="policies.view_statepolicy"),
        get("policies:policy_create", needs="policies.add_statepolicy"),
        get("policies:policy_update", "state_policy", needs="policies.change_statepolicy"),
        # The duplicate review queue (supervisors).
        get("matching:duplicate_list", needs=REVIEW),
        get("matching:duplicate_detail", "duplicate_pair", needs=REVIEW),
        post("matching:duplicate_decide", "duplicate_pair", data=lambda f: {"decision": "different"}, needs=REVIEW),
        # Reminders.
        post("reminders:reminder_acknowledge", "reminder", needs=CHANGE_REMINDER),
        post("reminders:reminder_snooze", "reminder", data=lambda f: {"until": "2999-01-01"}, needs=CHANGE_REMINDER),
        post(
            "reminders:reminder_dismiss",
            "reminder",
            data=lambda f: {"reason": "Handled by phone."},
            needs=CHANGE_REMINDER,
        ),
        post("reminders:reminder_done", "reminder", needs=CHANGE_REMINDER),
    ]
)


def _url_names(patterns: list, namespace: str = "") -> set[str]:
    """Names of every URL pattern outside the Django admin (unnamed patterns fail: they could not be reversed)."""
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


def _callbacks(patterns: list, namespace: str = "") -> dict[str, Any]:
    """URL name → view callback, for every pattern outside the Django admin."""
    found: dict[str, Any] = {}
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found |= _callbacks(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            found[f"{namespace}{entry.name}"] = entry.callback
    return found


# Pages every logged-in user may open whatever their role: their own account, and the home page
# (which shows a user in no role nothing). Every other page declares the capability it needs.
WITHOUT_PERMISSION = {
    "home",
    "profile",
    "logout",
    "password_change",
    "password_change_done",
    "second_factor",
    "second_factor_setup",
    "backup_codes_renew",
    "session_end",
}


def declared_permissions(callback: Any) -> tuple[str, ...]:
    """What a view declares: `core.views.permission_required` on a function, `permission_required` on a class."""
    if hasattr(callback, "required_permissions"):
        return tuple(callback.required_permissions)
    declared = getattr(getattr(callback, "view_class", None), "permission_required", None)
    if isinstance(declared, str):
        return (declared,)
    return tuple(declared or ())


def test_every_page_declares_the_permission_it_needs():
    undeclared = []
    for name, callback in _callbacks(get_resolver().url_patterns).items():
        public = getattr(callback, "login_required", True) is False  # marked @login_not_required
        if public or name in WITHOUT_PERMISSION:
            continue
        declared = declared_permissions(callback)
        if not declared:
            undeclared.append(name)
        # The page's declared capability, or the view permission of the person its records belong to.
        elif PAGES[name].needs not in declared and declared != ("people.view_person",):
            undeclared.append(f"{name}: declares {declared}, the matrix expects {PAGES[name].needs}")

    assert undeclared == []


def test_every_page_has_an_access_case():
    enumerated = _url_names(get_resolver().url_patterns)

    assert enumerated - set(PAGES) == set(), "pages without an access case: add them to PAGES"
    assert set(PAGES) - enumerated == set(), "PAGES lists pages that no longer exist"


def expected(page: Page, role: str) -> str | int:
    if role in page.special:
        return page.special[role]
    group, sees_records = ROLES[role]
    if group is None:
        return OK if page.public else LOGIN
    if page.needs and page.needs not in roles.ROLE_PERMISSIONS.get(group, []):
        return 403
    if page.record and not sees_records:
        return 404
    if page.missing or (page.l3 and role not in L3_ROLES):
        return 404
    return OK


# --- Records of organisation A about a case assigned to caseworker_a ---------------------------


@pytest.fixture
def norole_a(org_a, person_a):
    """A user of organisation A in no role group, to whom the case of person_a is even assigned."""
    user = factories.UserFactory(username="norole_a", organisation=org_a)
    person_a.assigned_to = user
    person_a.save(update_fields=["assigned_to"])
    return user


@pytest.fixture
def retention_review(org_a, person_a):
    from casework.retention.models import RetentionReview

    return RetentionReview.objects.create(organisation=org_a, person=person_a, due_on=date.today())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def authority():
    return factories.GovernmentAuthorityFactory(country="FR")


@pytest.fixture
def draft(org_a, person_a, authority):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    return gov_request


@pytest.fixture
def sent_request(org_a, person_a, authority):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    factories.RequestedPersonFactory(request=gov_request, person=person_a)
    return gov_request


@pytest.fixture
def followup(org_a, sent_request, authority, superuser):
    """The open follow-up draft to the request's authority (drafted as the sweep would)."""
    return services.followup_draft_for(authority=authority, organisation_id=org_a.pk, actor=superuser)


@pytest.fixture
def ready_dossier(sent_request, media, superuser):
    from casework.dossiers import services as dossier_services

    return dossier_services.dossier_request(
        gov_request=sent_request, actor=superuser, language="en", signing_officer="A. Officer"
    )


@pytest.fixture
def event_with_document(sent_request, media):
    event = factories.RequestEventFactory(request=sent_request, kind="answer")
    event.document.save("answer.pdf", ContentFile(b"%PDF-1.4 synthetic"), save=True)
    return event


@pytest.fixture
def accepted(org_a, person_a, authority):
    gov_request = factories.GovernmentRequestFactory(
        organisation=org_a,
        authority=authority,
        status=RequestStatus.ACCEPTED,
        submitted_on=date(2025, 1, 10),
        decided_on=date(2025, 3, 1),
    )
    factories.RequestedPersonFactory(request=gov_request, person=person_a, decision=Decision.ACCEPTED)
    return gov_request


@pytest.fixture
def planned(org_a, accepted, person_a):
    operation = factories.HandoverOperationFactory(organisation=org_a, request=accepted)
    factories.HandoverPersonFactory(operation=operation, person=person_a)
    return operation


@pytest.fixture
def completed(org_a, accepted, person_a, media):
    operation = factories.HandoverOperationFactory(
        organisation=org_a, request=accepted, status=HandoverStatus.COMPLETED, document_signed_on=date(2025, 6, 1)
    )
    operation.handover_document.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    factories.HandoverPersonFactory(operation=operation, person=person_a, handed_over=True)
    return operation


@pytest.fixture
def facility():
    return factories.FacilityFactory(name="Roj")


@pytest.fixture
def reminder(org_a, person_a, caseworker_a):
    return Reminder.objects.create(
        kind="boy_approaching_11",
        organisation=org_a,
        person=person_a,
        subject_key=subject_key_for(person_id=person_a.pk, gov_request_id=None),
        recipient=caseworker_a,
        due_on=date(2025, 6, 1),
        deadline_on=date(2025, 12, 1),
        offset_days=180,
    )


@pytest.fixture
def state_policy(org_a):
    return factories.StatePolicyFactory(organisation=org_a)


@pytest.fixture
def import_batch(supervisor_a, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casework.imports.services import batch_upload

    settings.IMPORTS_FILE_ROOT = tmp_path / "imports"
    return batch_upload(upload=SimpleUploadedFile("list.csv", b"Given name\r\nAmina\r\n"), actor=supervisor_a)


@pytest.fixture
def second_record(org_a):
    """Another record in organisation A (of the same person, say), assigned to nobody."""
    return factories.PersonFactory(organisation=org_a)


@pytest.fixture
def person_merge(person_a, second_record, superuser):
    from casework.merging.services import person_merge as merge

    return merge(
        survivor=person_a,
        other=second_record,
        actor=superuser,
        survivor_version=person_a.updated_at,
        other_version=second_record.updated_at,
    )


@pytest.fixture
def duplicate_pair(org_a, person_a, caseworker_a):
    """A possible duplicate of person_a, both assigned to caseworker_a."""
    from casework.matching.models import DuplicatePair

    other = factories.PersonFactory(organisation=org_a, assigned_to=caseworker_a)
    a, b = sorted((person_a, other), key=lambda person: person.pk)
    return DuplicatePair.objects.create(
        organisation=org_a, person_a=a, person_b=b, score=0.9, reasons=["given name Fatima"], fingerprint="x"
    )


# --- Records of person_a ---------------------------------------------------------------------------


@pytest.fixture
def person_with_photo(person_a, media):
    person_a.photo.save("photo.png", ContentFile(PNG_1PX), save=True)
    return person_a


@pytest.fixture
def document(person_a, media):
    document = factories.IdentityDocumentFactory(person=person_a)
    document.file.save("copy.pdf", ContentFile(b"%PDF-1.4 synthetic"), save=True)
    return document


def _record_of_person_a(name: str, factory: Any) -> Any:
    """The fixture `name`: one record of person_a, made by `factory`."""

    def make(person_a: Any) -> Any:
        return factory(person=person_a)

    return pytest.fixture(name=name)(make)


claim = _record_of_person_a("claim", factories.NationalityClaimFactory)
custody = _record_of_person_a("custody", factories.CustodyPeriodFactory)
dna_test = _record_of_person_a("dna_test", factories.DnaTestFactory)
screening = _record_of_person_a("screening", factories.ScreeningFactory)
journey = _record_of_person_a("journey", JourneyToSyriaFactory)
return_assessment = _record_of_person_a("return_assessment", ReturnAssessmentFactory)
custody_entry = _record_of_person_a("custody_entry", CustodyEntryFactory)
proceeding = _record_of_person_a("proceeding", LegalProceedingFactory)


@pytest.fixture
def family_link(org_a, person_a):
    return factories.FamilyLinkFactory(person=person_a, relative=factories.PersonFactory(organisation=org_a))


@pytest.fixture
def hearing(proceeding):
    return HearingFactory(proceeding=proceeding)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_answers_each_role_as_its_permissions_and_scope_say(request, client, name, role):
    page = PAGES[name]
    url, data = page.target(request.getfixturevalue)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = getattr(client, page.method)(url, data)

    want = expected(page, role)
    login_url = resolve_url(settings.LOGIN_URL)
    location = response.get("Location", "")
    if want == LOGIN:
        assert response.status_code == 302 and location.startswith(login_url), (response.status_code, location)
    elif want == REDIRECT:
        assert response.status_code == 302, response.status_code
    elif want == OK:
        assert response.status_code < 400, response.status_code
        assert not (response.status_code == 302 and location.startswith(login_url)), location
    else:
        assert response.status_code == want, response.status_code


# Every page that answers with content: read as the supervisor who also holds the L3 permission.
GET_PAGES = [
    name
    for name, page in PAGES.items()
    if page.method == "get" and name != "health" and expected(page, "sensitive_supervisor_a") == OK
]


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_labels_every_control_and_declares_its_language(request, client, sensitive_supervisor_a, name):
    from tests.web.test_accessibility import parse, unlabelled_controls

    url, data = PAGES[name].target(request.getfixturevalue)
    client.force_login(sensitive_supervisor_a)

    response = client.get(url, data)

    assert response.status_code == 200, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        page = parse(response)
        assert page.html_attrs.get("lang") == "en" and page.html_attrs.get("dir") == "ltr"
        assert unlabelled_controls(page) == []


# --- The organisation's second-factor setting ---------------------------------------------------------

SECOND_FACTOR_STEP = {"second_factor", "second_factor_setup", "logout"}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_password_alone_opens_a_page_only_where_the_organisation_allows_it(request, client, org_a, name):
    """A caseworker without admin access logged in with the password only: every page sends them to the
    second factor while their organisation requires it for everyone (the default); once it does not,
    the same session gets what a caseworker gets."""
    from tests.security.test_second_factor import password_step

    page = PAGES[name]
    url, data = page.target(request.getfixturevalue)
    user = factories.UserFactory(username="plain_caseworker", organisation=org_a, role=roles.CASEWORKER, is_staff=False)
    password_step(client, user)

    strict = getattr(client, page.method)(url, data)
    org_a.require_second_factor_for_all = False
    org_a.save(update_fields=["require_second_factor_for_all"])
    relaxed = getattr(client, page.method)(url, data)

    to_step = (reverse("second_factor"), reverse("second_factor_setup"))
    if not page.public and name not in SECOND_FACTOR_STEP:
        assert strict.status_code == 302 and strict["Location"].startswith(to_step), strict.status_code
        # Not sent to give a code (a user without a factor may be offered to enrol one: new backup codes).
        assert relaxed.get("Location", "").split("?")[0] != reverse("second_factor")
        want = expected(page, "caseworker_a")
        if want == OK:
            assert relaxed.status_code < 400, relaxed.status_code
        elif isinstance(want, int):
            assert relaxed.status_code == want, relaxed.status_code
