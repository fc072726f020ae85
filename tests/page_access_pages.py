"""The access table of the caseworker pages (`tests/test_page_access.py`): roles, pages, expected answers.

Each page names how to reach it (method, URL, the records it needs as fixtures of
`tests/page_access_records.py`), the capability it needs and whether it reads L3 data.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casework.accounts import roles
from casework.govrequests.choices import RequestStatus

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


def url_patterns(patterns: list | None = None, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern of the URL configuration outside the Django admin, with its name (`namespace:name`; an
    unnamed pattern as `<unnamed …>`, which no page of PAGES is: it could not be reversed)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"), entry


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


# Every page that answers with content: read as the supervisor who also holds the L3 permission.
GET_PAGES = [
    name
    for name, page in PAGES.items()
    if page.method == "get" and name != "health" and expected(page, "sensitive_supervisor_a") == OK
]
