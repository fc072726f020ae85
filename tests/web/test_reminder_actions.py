"""Reminders on the home, person and request pages, and acting on them: acknowledge, snooze, dismiss, done."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.core.models import AuditEvent
from casework.reminders.choices import ReminderStatus, RuleKind
from casework.reminders.models import Reminder, subject_key_for
from tests import factories
from tests.web.test_person_detail import DETAIL_QUERIES_MAX

pytestmark = pytest.mark.django_db

ACTIONS = ["reminder_acknowledge", "reminder_snooze", "reminder_dismiss", "reminder_done"]


def make_reminder(org, *, person=None, gov_request=None, recipient=None, kind=RuleKind.CASE_INACTIVE, days_ago=1):
    today = timezone.localdate()
    return Reminder.objects.create(
        kind=kind,
        organisation=org,
        person=person,
        gov_request=gov_request,
        subject_key=subject_key_for(
            person_id=person.pk if person else None, gov_request_id=gov_request.pk if gov_request else None
        ),
        recipient=recipient,
        due_on=today - timedelta(days=days_ago),
        offset_days=30,
    )


def action_url(name, reminder):
    return reverse(f"reminders:{name}", args=[reminder.public_id])


def valid_data(name):
    return {
        "reminder_snooze": {"until": (timezone.localdate() + timedelta(days=7)).isoformat()},
        "reminder_dismiss": {"reason": "Handled by phone"},
    }.get(name, {})


@pytest.fixture
def reminder_a(org_a, person_a, caseworker_a):
    return make_reminder(org_a, person=person_a, recipient=caseworker_a)


def person_url(person):
    return reverse("people:person_detail", args=[person.public_id])


# --- Acting -------------------------------------------------------------------------------------


def test_acknowledge_is_recorded_and_redirects_back(client_for, caseworker_a, person_a, reminder_a):
    response = client_for(caseworker_a).post(
        action_url("reminder_acknowledge", reminder_a), {"next": person_url(person_a)}
    )

    assert response.status_code == 302
    assert response["Location"] == person_url(person_a)
    reminder_a.refresh_from_db()
    assert reminder_a.status == ReminderStatus.ACKNOWLEDGED
    assert reminder_a.acted_by == caseworker_a
    assert reminder_a.acted_at is not None
    event = AuditEvent.objects.get(action="reminders.reminder.acknowledged")
    assert event.actor == caseworker_a
    assert event.target_id == str(reminder_a.public_id)


def test_snooze_records_the_date(client_for, caseworker_a, reminder_a):
    until = timezone.localdate() + timedelta(days=7)

    response = client_for(caseworker_a).post(action_url("reminder_snooze", reminder_a), {"until": until.isoformat()})

    assert response.status_code == 302
    reminder_a.refresh_from_db()
    assert (reminder_a.status, reminder_a.snoozed_until, reminder_a.acted_by) == (
        ReminderStatus.SNOOZED,
        until,
        caseworker_a,
    )
    assert AuditEvent.objects.get(action="reminders.reminder.snoozed").data["until"] == until.isoformat()


def test_dismiss_records_the_reason(client_for, caseworker_a, reminder_a):
    response = client_for(caseworker_a).post(action_url("reminder_dismiss", reminder_a), {"reason": " Duplicate "})

    assert response.status_code == 302
    reminder_a.refresh_from_db()
    assert (reminder_a.status, reminder_a.reason, reminder_a.acted_by) == (
        ReminderStatus.DISMISSED,
        "Duplicate",
        caseworker_a,
    )
    assert AuditEvent.objects.filter(action="reminders.reminder.dismissed", actor=caseworker_a).count() == 1


def test_done_is_recorded(client_for, caseworker_a, reminder_a):
    response = client_for(caseworker_a).post(action_url("reminder_done", reminder_a))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    reminder_a.refresh_from_db()
    assert (reminder_a.status, reminder_a.acted_by) == (ReminderStatus.DONE, caseworker_a)
    assert AuditEvent.objects.filter(action="reminders.reminder.done").exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_reminder_of_another_organisation_is_not_found(client_for, caseworker_b, reminder_a, name):
    response = client_for(caseworker_b).post(action_url(name, reminder_a), valid_data(name))

    assert response.status_code == 404
    reminder_a.refresh_from_db()
    assert reminder_a.status == ReminderStatus.OPEN
    assert not AuditEvent.objects.filter(action__startswith="reminders.reminder.").exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_user_without_change_permission_is_refused(client_for, auditor_a, reminder_a, name):
    response = client_for(auditor_a).post(action_url(name, reminder_a), valid_data(name))

    assert response.status_code == 403
    reminder_a.refresh_from_db()
    assert reminder_a.status == ReminderStatus.OPEN


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_need_post(client_for, caseworker_a, reminder_a, name):
    assert client_for(caseworker_a).get(action_url(name, reminder_a)).status_code == 405


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("reminder_snooze", {"until": (timezone.localdate() - timedelta(days=1)).isoformat()}),
        ("reminder_snooze", {"until": timezone.localdate().isoformat()}),
        ("reminder_snooze", {"until": ""}),
        ("reminder_snooze", {"until": "not a date"}),
        ("reminder_dismiss", {"reason": ""}),
        ("reminder_dismiss", {"reason": "   "}),
    ],
)
def test_bad_input_is_an_error_and_changes_nothing(client_for, caseworker_a, person_a, reminder_a, name, data):
    client = client_for(caseworker_a)

    response = client.post(action_url(name, reminder_a), {**data, "next": person_url(person_a)}, follow=True)

    assert response.redirect_chain[-1][0] == person_url(person_a)
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1
    reminder_a.refresh_from_db()
    assert (reminder_a.status, reminder_a.acted_by, reminder_a.snoozed_until, reminder_a.reason) == (
        ReminderStatus.OPEN,
        None,
        None,
        "",
    )
    assert not AuditEvent.objects.filter(action__startswith="reminders.reminder.").exists()


def test_closed_reminder_cannot_be_acted_on_again(client_for, caseworker_a, reminder_a):
    client = client_for(caseworker_a)
    client.post(action_url("reminder_done", reminder_a), follow=True)

    response = client.post(action_url("reminder_acknowledge", reminder_a), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    reminder_a.refresh_from_db()
    assert reminder_a.status == ReminderStatus.DONE


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_unsafe_next_falls_back_to_home(client_for, caseworker_a, reminder_a, unsafe):
    response = client_for(caseworker_a).post(action_url("reminder_acknowledge", reminder_a), {"next": unsafe})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_htmx_action_re_renders_the_list_of_the_page(client_for, caseworker_a, org_a, person_a, reminder_a):
    other = make_reminder(org_a, person=person_a, recipient=caseworker_a, kind=RuleKind.UASC_REVIEW)

    response = client_for(caseworker_a).post(
        action_url("reminder_done", reminder_a),
        {"scope": "person", "next": person_url(person_a)},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reminders-person"' in html
    assert str(other.public_id) in html
    assert str(reminder_a.public_id) not in html
    assert "<html" not in html


def test_htmx_error_is_shown_in_the_list(client_for, caseworker_a, reminder_a):
    response = client_for(caseworker_a).post(
        action_url("reminder_dismiss", reminder_a), {"reason": "", "scope": "home"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    reminder_a.refresh_from_db()
    assert reminder_a.status == ReminderStatus.OPEN


# --- The lists on the pages ---------------------------------------------------------------------


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_home_lists_my_due_reminders_by_case_number_never_by_name(client_for, caseworker_a, org_a, person_a):
    mine = make_reminder(org_a, person=person_a, recipient=caseworker_a)
    snoozed = make_reminder(org_a, person=person_a, recipient=caseworker_a, kind=RuleKind.UASC_REVIEW)
    Reminder.objects.filter(pk=snoozed.pk).update(
        status=ReminderStatus.SNOOZED, snoozed_until=timezone.localdate() + timedelta(days=3)
    )
    not_yet = make_reminder(
        org_a, person=person_a, recipient=caseworker_a, kind=RuleKind.DNA_RESULT_OVERDUE, days_ago=-5
    )
    other_person = factories.PersonFactory(organisation=org_a)
    not_mine = make_reminder(org_a, person=other_person)

    html = client_for(caseworker_a).get("/").content.decode()

    reminders = section(html, 'id="my-reminders"', 'id="my-caseload"')
    assert str(mine.public_id) in reminders
    assert person_a.case_number in reminders
    assert person_url(person_a) in reminders
    assert person_a.given_name_lat not in reminders
    assert person_a.given_name_ar not in reminders
    assert "Case inactive" in reminders
    for hidden in (snoozed, not_yet, not_mine):
        assert str(hidden.public_id) not in reminders
    for name in ACTIONS:
        assert action_url(name, mine) in reminders


def test_person_page_lists_open_reminders_about_the_person(client_for, caseworker_a, org_a, person_a):
    about = make_reminder(org_a, person=person_a)
    acknowledged = make_reminder(org_a, person=person_a, kind=RuleKind.UASC_REVIEW)
    Reminder.objects.filter(pk=acknowledged.pk).update(status=ReminderStatus.ACKNOWLEDGED)
    done = make_reminder(org_a, person=person_a, kind=RuleKind.DNA_RESULT_OVERDUE)
    Reminder.objects.filter(pk=done.pk).update(status=ReminderStatus.DONE)
    elsewhere = make_reminder(org_a, person=factories.PersonFactory(organisation=org_a))

    html = client_for(caseworker_a).get(person_url(person_a)).content.decode()

    reminders = section(html, 'id="reminders"', "</section>")
    assert str(about.public_id) in reminders
    assert str(acknowledged.public_id) in reminders
    assert action_url("reminder_acknowledge", acknowledged) not in reminders  # already acknowledged
    assert str(done.public_id) not in reminders
    assert str(elsewhere.public_id) not in reminders


def test_sensitive_kinds_only_for_users_with_the_l3_permission(
    client_for, supervisor_a, sensitive_supervisor_a, org_a, person_a
):
    medical = make_reminder(org_a, person=person_a, kind=RuleKind.URGENT_MEDICAL)

    plain = client_for(supervisor_a).get(person_url(person_a)).content.decode()
    sensitive = client_for(sensitive_supervisor_a).get(person_url(person_a)).content.decode()

    assert str(medical.public_id) not in plain
    assert str(medical.public_id) in sensitive


def test_request_page_lists_open_reminders_of_the_request(client_for, supervisor_a, org_a):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    about = make_reminder(org_a, gov_request=gov_request, kind=RuleKind.REQUEST_NOT_ACKNOWLEDGED)
    other = make_reminder(
        org_a, gov_request=factories.GovernmentRequestFactory(organisation=org_a), kind=RuleKind.NO_DECISION
    )

    html = client_for(supervisor_a).get(reverse("govrequests:request_detail", args=[gov_request.public_id]))
    reminders = section(html.content.decode(), 'id="reminders"', "</section>")

    assert str(about.public_id) in reminders
    assert gov_request.reference in reminders
    assert "Request not acknowledged" in reminders
    assert str(other.public_id) not in reminders


@pytest.mark.parametrize("count", [1, 8])
def test_home_query_count_does_not_grow_with_reminders(
    client_for, caseworker_a, org_a, django_assert_max_num_queries, count
):
    for _ in range(count):
        make_reminder(org_a, person=factories.PersonFactory(organisation=org_a), recipient=caseworker_a)
        make_reminder(org_a, gov_request=factories.GovernmentRequestFactory(organisation=org_a), recipient=caseworker_a)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(14):  # the read log's one INSERT included
        response = client.get("/")

    assert response.content.decode().count("data-reminder=") == 2 * count


@pytest.mark.parametrize("count", [1, 8])
def test_request_page_query_count_does_not_grow_with_reminders(
    client_for, supervisor_a, org_a, django_assert_max_num_queries, count
):
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
    for offset in range(count):
        reminder = make_reminder(org_a, gov_request=gov_request, kind=RuleKind.REQUEST_NOT_ACKNOWLEDGED)
        Reminder.objects.filter(pk=reminder.pk).update(offset_days=offset)
    client = client_for(supervisor_a)

    # 13 before the State policy shown on the page and the family-unity check (2 reads).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("govrequests:request_detail", args=[gov_request.public_id]))

    assert response.content.decode().count("data-reminder=") == count


@pytest.mark.parametrize("count", [1, 8])
def test_person_page_query_count_does_not_grow_with_reminders(
    client_for, caseworker_a, org_a, person_a, django_assert_max_num_queries, count
):
    for offset in range(count):
        reminder = make_reminder(org_a, person=person_a)
        Reminder.objects.filter(pk=reminder.pk).update(offset_days=offset)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(DETAIL_QUERIES_MAX):
        response = client.get(person_url(person_a))

    assert response.content.decode().count("data-reminder=") == count


def test_supervisors_see_reminders_addressed_to_supervisors(client_for, supervisor_a, caseworker_a, org_a):
    for_supervisors = make_reminder(org_a, person=factories.PersonFactory(organisation=org_a))
    Reminder.objects.filter(pk=for_supervisors.pk).update(notify_supervisors=True)

    supervisor_home = client_for(supervisor_a).get("/").content.decode()
    caseworker_home = client_for(caseworker_a).get("/").content.decode()

    assert str(for_supervisors.public_id) in section(supervisor_home, 'id="my-reminders"', 'id="my-caseload"')
    assert str(for_supervisors.public_id) not in section(caseworker_home, 'id="my-reminders"', 'id="my-caseload"')
