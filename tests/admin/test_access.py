"""Every registered admin page answers each role as its permissions say, inside its organisation only.

For each role: the changelist, the add form and the change form of a real row of every registered
model of the casework apps answer 200 with the view (or add) permission and 403 without; a row of
the other organisation answers like a missing row (the admin's "doesn't exist" redirect), without
a trace of its data.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from casework.core.admin import AuditedHistoryAdmin
from casework.core.models import AuditEvent, WorkerHeartbeat
from casework.core.sensitivity import can_view_sensitive, sensitive_fields
from casework.govrequests.models import AuthorityFollowUp, Disclosure, RequestStatusChange
from casework.outbox.models import OutboundMessage
from casework.people.models import Household, Person, PersonStatusChange
from casework.reminders.models import Reminder

pytestmark = pytest.mark.django_db

CASEWORK_APPS = {"core", "accounts", "outbox", "camps", "people", "screenings", "govrequests", "legal", "reminders"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in CASEWORK_APPS),
    key=lambda model: model._meta.label,
)
READ_ONLY = {
    AuditEvent,
    WorkerHeartbeat,
    PersonStatusChange,
    RequestStatusChange,
    AuthorityFollowUp,
    Disclosure,
    # Never added in the admin: raised by the sweep, recorded by the services that send e-mail.
    Reminder,
    OutboundMessage,
}
ROLES = [
    "caseworker_a",
    "fieldworker_a",
    "supervisor_a",
    "sensitive_supervisor_a",
    "orgadmin_a",
    "auditor_a",
    "superuser",
]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _perm(user, action, model):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def _can_view(user, model):
    if model._meta.app_label == "legal" and not can_view_sensitive(user):
        return False  # legal proceedings are L3 as a whole: no admin at all without the permission
    return _perm(user, "view", model) or _perm(user, "change", model)


def _row(world, model, org):
    return world[org].get(model) or world["shared"][model]


def test_the_casework_models_are_registered():
    labels = {model._meta.label for model in REGISTERED}
    assert {
        "people.Person",
        "people.CustodyPeriod",
        "govrequests.GovernmentRequest",
        "govrequests.HandoverOperation",
        "screenings.Screening",
        "core.AuditEvent",
        "accounts.User",
        "accounts.Organisation",
        "camps.Facility",
    } <= labels
    assert not any(label.split(".")[1].startswith("Historical") for label in labels)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_as_the_role_permissions_say(role, request, world, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    failures = []

    def check(model, what, url, expected):
        response = client.get(url)
        if response.status_code != expected:
            failures.append(f"{model._meta.label} {what}: {response.status_code} != {expected}")
        return response

    assert client.get(reverse("admin:index")).status_code == 200
    for model in REGISTERED:
        viewable = _can_view(user, model)
        check(model, "changelist", _url(model, "changelist"), 200 if viewable else 403)
        can_add = _perm(user, "add", model) and model not in READ_ONLY and _can_view(user, model)
        check(model, "add", _url(model, "add"), 200 if can_add else 403)
        own = _row(world, model, "a")
        check(model, "change", _url(model, "change", own.pk), 200 if viewable else 403)
        if isinstance(admin.site._registry[model], AuditedHistoryAdmin):
            # The history shows old L3 values: it needs the L3 permission on models that have some.
            readable = viewable and (not sensitive_fields(model) or can_view_sensitive(user))
            check(model, "history", _url(model, "history", own.pk), 200 if readable else 403)

    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "superuser"])
def test_rows_of_the_other_organisation_answer_like_missing_rows(role, request, world, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    failures = []
    for model in REGISTERED:
        other = world["b"].get(model)
        if other is None:
            continue  # shared reference data
        response = client.get(_url(model, "change", other.pk))
        if not _can_view(user, model):
            # No permission: 403 whether the row exists or not.
            if response.status_code != 403:
                failures.append(f"{model._meta.label}: {response.status_code} != 403")
            continue
        if response.status_code != 302 or response["Location"] != reverse("admin:index"):
            failures.append(f"{model._meta.label}: {response.status_code} {response.get('Location')}")
            continue
        page = client.get(response["Location"]).content.decode()
        if "doesn’t exist" not in page:
            failures.append(f"{model._meta.label}: no “doesn’t exist” message")
        for marker in ("ORGB-900001", "ORGB-REQ-1", "ORGB-event", "caseworker_b", "Relief Org B"):
            if marker in page:
                failures.append(f"{model._meta.label}: {marker} leaked")
    assert not failures, "\n".join(failures)


def test_superusers_open_rows_of_every_organisation(superuser, world, client):
    client.force_login(superuser)
    for model, row in world["b"].items():
        assert client.get(_url(model, "change", row.pk)).status_code == 200, model


def test_changelists_list_only_the_users_organisation(supervisor_a, world, client):
    client.force_login(supervisor_a)
    for model, own in world["a"].items():
        if not _can_view(supervisor_a, model):
            continue
        response = client.get(_url(model, "changelist"))
        rows = set(response.context["cl"].result_list)
        assert own in rows, model
        assert world["b"][model] not in rows, model
        # Nor in a filter's choices (the "by organisation" filter listed every organisation).
        assert "Relief Org B" not in response.content.decode(), model


def test_assigned_only_users_list_only_their_cases(fieldworker_a, caseworker_a, world, client):
    from tests import factories

    not_mine = factories.PersonFactory(organisation=caseworker_a.organisation, assigned_to=caseworker_a)
    client.force_login(fieldworker_a)

    rows = set(client.get(_url(Person, "changelist")).context["cl"].result_list)

    assert world["a"][Person] in rows
    assert not_mine not in rows
    assert client.get(_url(Person, "change", not_mine.pk)).status_code == 302


@pytest.mark.parametrize("role", ["caseworker_b", "supervisor_b"])
def test_history_of_a_row_of_another_organisation_is_not_found(role, request, world, client):
    """simple-history falls back to the historical rows of an unseen object: the scoped admin answers 404."""
    client.force_login(request.getfixturevalue(role))
    person, household = world["a"][Person], world["a"][Household]

    for row in (person, household):
        assert client.get(_url(type(row), "history", row.pk)).status_code == 404
        version = row.history.first()
        assert client.get(_url(type(row), "simple_history", row.pk, version.history_id)).status_code == 404


def test_history_of_rows_without_sensitive_fields_is_open_to_viewers(supervisor_a, world, client):
    household = world["a"][Household]
    client.force_login(supervisor_a)

    assert client.get(_url(type(household), "history", household.pk)).status_code == 200
