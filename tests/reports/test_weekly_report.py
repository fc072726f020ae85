"""The weekly supervisor report: its figures, small-count suppression, the XLSX, and the e-mails."""

import io
import zipfile
from datetime import date, datetime, timedelta
from unittest import mock

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import InterfaceError, OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.accounts import roles
from casework.govrequests.choices import Decision, HandoverStatus, RequestStatus
from casework.outbox.choices import OutboundStatus
from casework.outbox.models import OutboundMessage
from casework.reports import selectors, services, tasks
from casework.reports.selectors import suppress_small, weekly_summary
from casework.reports.xlsx import weekly_report_xlsx
from tests import factories
from tests.dbfaults import database_error_at

pytestmark = pytest.mark.django_db

# A Monday (ISO week 23 of 2025); the report's week runs from May 27 to June 2.
D = date(2025, 6, 2)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = ("Fatima", "Aisha", "Yusuf", "Maryam", "Omar", "Khadija", "Ahmed", "al-Maghribi", "المغربي", "Block 4")


@pytest.fixture
def figures(org_a, org_b):
    """Six persons of org A (and one of org B, never counted), with claims, stays, requests and handovers."""
    persons = [factories.PersonFactory(organisation=org_a) for _ in range(3)]
    persons += [factories.PersonFactory(organisation=org_a, status="ready_for_request") for _ in range(2)]
    persons.append(factories.PersonFactory(organisation=org_a, closed=True))
    other = factories.PersonFactory(organisation=org_b)

    # Main nationality: FR ×2, IQ ×1; a secondary claim is not counted; three without a claim.
    factories.NationalityClaimFactory(person=persons[0], country="FR")
    factories.NationalityClaimFactory(person=persons[1], country="FR")
    factories.NationalityClaimFactory(person=persons[1], country="DE", is_primary=False)
    factories.NationalityClaimFactory(person=persons[2], country="IQ")
    factories.NationalityClaimFactory(person=other, country="FR")

    # Current facility: Roj ×2 (one after leaving Hol); a closed stay only → no current facility.
    roj, hol = factories.FacilityFactory(name="Camp Roj"), factories.FacilityFactory(name="Camp Hol")
    factories.CustodyPeriodFactory(person=persons[0], facility=hol, end_date=date(2020, 1, 1))
    factories.CustodyPeriodFactory(person=persons[0], facility=roj, start_date=date(2020, 1, 1))
    factories.CustodyPeriodFactory(person=persons[1], facility=roj)
    factories.CustodyPeriodFactory(person=persons[2], facility=hol, end_date=date(2021, 1, 1))
    factories.CustodyPeriodFactory(person=other, facility=roj)

    # Requests: FR not acknowledged and past its due date, FR without decision; IQ past its due date;
    # a recent one, a draft, a decided one and org B's are not overdue here.
    france = factories.GovernmentAuthorityFactory(country="FR")
    iraq = factories.GovernmentAuthorityFactory(country="IQ", name="Iraqi MFA")
    factories.GovernmentRequestFactory(
        organisation=org_a, authority=france, submitted=True, answer_due_on=D - timedelta(days=1)
    )
    factories.GovernmentRequestFactory(organisation=org_a, authority=france, acknowledged=True)
    factories.GovernmentRequestFactory(
        organisation=org_a,
        authority=iraq,
        status=RequestStatus.ACKNOWLEDGED,
        submitted_on=D - timedelta(days=5),
        acknowledged_on=D - timedelta(days=3),
        answer_due_on=D - timedelta(days=1),
    )
    factories.GovernmentRequestFactory(
        organisation=org_a, authority=france, status=RequestStatus.SUBMITTED, submitted_on=D - timedelta(days=5)
    )
    factories.GovernmentRequestFactory(organisation=org_a, authority=france)
    decided = factories.GovernmentRequestFactory(
        organisation=org_a, authority=france, status=RequestStatus.ACCEPTED, submitted_on=date(2025, 1, 10)
    )
    factories.GovernmentRequestFactory(organisation=org_b, authority=france, submitted=True)

    # Decisions: this week accepted ×1 and refused ×1; one a day too early, one pending, org B's.
    for person, decision, day in [
        (persons[0], Decision.ACCEPTED, D - timedelta(days=2)),
        (persons[1], Decision.REFUSED, D - timedelta(days=6)),
        (persons[2], Decision.ACCEPTED, D - timedelta(days=7)),
        (persons[3], Decision.PENDING, None),
    ]:
        factories.RequestedPersonFactory(request=decided, person=person, decision=decision, decided_on=day)
    factories.RequestedPersonFactory(
        request=factories.GovernmentRequestFactory(organisation=org_b),
        person=other,
        decision=Decision.ACCEPTED,
        decided_on=D,
    )

    # Handovers: one completed this week (2 handed over of 3), one planned (1 person); others not counted.
    done = factories.HandoverOperationFactory(
        organisation=org_a, planned_on=D - timedelta(days=3), status=HandoverStatus.COMPLETED, document_signed_on=D
    )
    factories.HandoverPersonFactory(operation=done, person=persons[3], handed_over=True)
    factories.HandoverPersonFactory(operation=done, person=persons[4], handed_over=True)
    factories.HandoverPersonFactory(operation=done, person=persons[5], handed_over=False)
    planned = factories.HandoverOperationFactory(organisation=org_a, planned_on=D + timedelta(days=10))
    factories.HandoverPersonFactory(operation=planned, person=persons[0])
    factories.HandoverOperationFactory(organisation=org_a, planned_on=D + timedelta(days=3), status="cancelled")
    factories.HandoverOperationFactory(organisation=org_b, planned_on=D + timedelta(days=3))
    return persons


def test_weekly_summary_counts_the_organisations_figures(org_a, figures):
    summary = weekly_summary(organisation=org_a, today=D)

    assert summary.iso_week_label == "2025-W23"
    assert summary.counts("status") == {"registered": 3, "ready_for_request": 2, "closed": 1}
    assert summary.counts("nationality") == {"": 3, "FR": 2, "IQ": 1}
    assert summary.counts("facility") == {"": 4, "Camp Roj": 2}
    # (overdue, not acknowledged, no decision, answer due date passed)
    assert summary.counts("overdue") == {"FR": (2, 1, 1, 1), "IQ": (1, 0, 0, 1)}
    assert summary.counts("decisions") == {"accepted": 1, "refused": 1}
    # (operations, persons)
    assert summary.counts("handovers") == {"completed": (1, 2), "planned": (1, 1)}


def test_weekly_summary_labels_in_the_readers_language(org_a, figures):
    summary = weekly_summary(organisation=org_a, today=D)

    rendered = {t["key"]: t for t in summary.render(external=False)}
    assert rendered["status"]["columns"] == ["Status", "Persons"]
    assert ["Registered", 3] in rendered["status"]["rows"]
    assert ["France", 2] in rendered["nationality"]["rows"]
    assert ["Unknown", 3] in rendered["nationality"]["rows"]
    assert ["No current facility", 4] in rendered["facility"]["rows"]


def test_suppress_small_shows_counts_below_five_as_less_than_five():
    assert suppress_small({"a": 0, "b": 1, "c": 4, "d": 5, "e": 120}) == {
        "a": 0,
        "b": "<5",
        "c": "<5",
        "d": 5,
        "e": 120,
    }
    assert suppress_small({"a": 9}, threshold=10) == {"a": "<10"}


def test_external_rendering_suppresses_small_counts(org_a, figures):
    summary = weekly_summary(organisation=org_a, today=D)

    external = {t["key"]: t for t in summary.render(external=True)}
    assert ["Registered", "<5"] in external["status"]["rows"]
    assert ["France", "<5", "<5", "<5", "<5"] in external["overdue"]["rows"]
    assert ["Iraq", "<5", 0, 0, "<5"] in external["overdue"]["rows"]


def test_xlsx_has_one_sheet_per_table_with_a_bold_header_and_suppressed_counts(org_a, figures):
    workbook = openpyxl.load_workbook(io.BytesIO(weekly_report_xlsx(weekly_summary(organisation=org_a, today=D))))

    assert workbook.sheetnames == [
        "Cases by status",
        "Cases by main nationality",
        "Cases by current facility",
        "Overdue requests by State",
        "Decisions recorded this week",
        "Handovers",
        "Split families by State",
    ]
    status = workbook["Cases by status"]
    assert all(cell.font.bold for cell in status[1])
    assert [list(row) for row in status.iter_rows(values_only=True)] == [
        ["Status", "Persons"],
        ["Registered", "<5"],
        ["Ready for request", "<5"],
        ["Closed", "<5"],
    ]
    assert list(workbook["Overdue requests by State"].iter_rows(values_only=True))[1:] == [
        ("France", "<5", "<5", "<5", "<5"),
        ("Iraq", "<5", 0, 0, "<5"),
    ]
    assert not status.cell(row=2, column=2).font.bold


def test_xlsx_shows_exact_counts_of_five_and_more(org_a):
    for _ in range(5):
        factories.PersonFactory(organisation=org_a)
    workbook = openpyxl.load_workbook(io.BytesIO(weekly_report_xlsx(weekly_summary(organisation=org_a, today=D))))

    assert list(workbook["Cases by status"].iter_rows(values_only=True)) == [("Status", "Persons"), ("Registered", 5)]
    assert list(workbook["Handovers"].iter_rows(values_only=True))[1:] == [
        ("Completed this week", 0, 0),
        ("Planned", 0, 0),
    ]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3"])
def test_xlsx_writes_a_formula_like_facility_name_as_a_plain_string(org_a, name):
    facility = factories.FacilityFactory(name=name)
    factories.CustodyPeriodFactory(person=factories.PersonFactory(organisation=org_a), facility=facility)
    content = weekly_report_xlsx(weekly_summary(organisation=org_a, today=D))

    sheet = openpyxl.load_workbook(io.BytesIO(content))["Cases by current facility"]

    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == f"'{name}"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert b"<f>" not in _sheet_xml(content)


def _sheet_xml(content: bytes) -> bytes:
    """Every worksheet's XML of the workbook, concatenated."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_weekly_summary_queries_do_not_grow_with_the_number_of_persons(org_a):
    roj = factories.FacilityFactory(name="Camp Roj")

    def queries_for(count: int) -> int:
        for index in range(count):
            person = factories.PersonFactory(organisation=org_a)
            factories.NationalityClaimFactory(person=person, country=["FR", "IQ", "DE"][index % 3])
            factories.CustodyPeriodFactory(person=person, facility=roj)
            request = factories.GovernmentRequestFactory(organisation=org_a, submitted=True)
            factories.RequestedPersonFactory(request=request, person=person, decision="accepted", decided_on=D)
        with CaptureQueriesContext(connection) as captured:
            weekly_summary(organisation=org_a, today=D)
        return len(captured)

    assert queries_for(5) == queries_for(45)  # 5 persons, then 50


def test_each_active_supervisor_gets_one_report_with_the_xlsx_attached(
    org_a, org_b, supervisor_a, caseworker_a, supervisor_b, figures, django_capture_on_commit_callbacks, send_in_process
):
    french = factories.UserFactory(organisation=org_a, username="superviseur", language="fr", role=roles.SUPERVISOR)
    factories.UserFactory(organisation=org_a, username="gone", is_active=False, role=roles.SUPERVISOR)

    with django_capture_on_commit_callbacks(execute=True):
        messages = services.weekly_report_build(organisation_id=org_a.pk, today=D)

    assert [m.recipient for m in messages] == [supervisor_a, french]
    assert [m.idempotency_key for m in messages] == [
        f"weekly:{org_a.pk}:{supervisor_a.pk}:2025-W23",
        f"weekly:{org_a.pk}:{french.pk}:2025-W23",
    ]
    english = messages[0]
    english.refresh_from_db()
    assert (english.status, english.template, english.language) == (OutboundStatus.SENT, "weekly_report", "en")
    assert english.subject == "Casework weekly report: ORGA week 23"
    # Internal: the supervisor's own e-mail shows exact counts.
    assert "- Registered: 3" in english.body_text
    assert "- France: 2 / 1 / 1 / 1" in english.body_text
    assert messages[1].language == "fr"
    assert '<html lang="fr" dir="ltr">' in messages[1].body_html

    assert len(mail.outbox) == 2
    email = next(e for e in mail.outbox if e.to == [supervisor_a.email])
    assert email.subject == "Casework weekly report: ORGA week 23"
    assert email.alternatives[0][1] == "text/html"
    [(name, content, mimetype)] = email.attachments
    assert (name, mimetype) == ("casework-weekly-report-ORGA-2025-W23.xlsx", XLSX)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert ("Registered", "<5") in list(workbook["Cases by status"].iter_rows(values_only=True))
    # The attachment is also in the message as sent (the MIME part).
    assert XLSX in email.message().as_string()

    for message in messages:
        for text in (message.subject, message.body_text, message.body_html):
            for secret in (*NAMES, *(p.case_number for p in figures)):
                assert secret not in text


def test_weekly_report_task_run_twice_sends_one_email_per_supervisor(
    org_a, supervisor_a, sensitive_supervisor_a, figures, django_capture_on_commit_callbacks, send_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.build_weekly_report(org_a.pk, D.isoformat())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = tasks.build_weekly_report(org_a.pk, D.isoformat())
    # Later in the same ISO week: still the same messages.
    with django_capture_on_commit_callbacks(execute=True):
        third = tasks.build_weekly_report(org_a.pk, (D + timedelta(days=3)).isoformat())

    assert first == second == third
    assert callbacks == []
    assert OutboundMessage.objects.count() == 2
    assert sorted(e.to[0] for e in mail.outbox) == sorted([supervisor_a.email, sensitive_supervisor_a.email])
    assert send_in_process.call_count == 2


def test_assigned_only_supervisor_gets_no_organisation_wide_report(
    org_a, org_b, supervisor_a, figures, django_capture_on_commit_callbacks, send_in_process
):
    limited = factories.UserFactory(
        organisation=org_a, username="limited_supervisor", role=roles.SUPERVISOR, sees_assigned_only=True
    )
    factories.UserFactory(
        organisation=org_b, username="limited_supervisor_b", role=roles.SUPERVISOR, sees_assigned_only=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        messages = services.weekly_report_build(organisation_id=org_a.pk, today=D)

    assert limited not in selectors.weekly_report_recipients(organisation_id=org_a.pk)
    assert [m.recipient for m in messages] == [supervisor_a]
    assert [e.to for e in mail.outbox] == [[supervisor_a.email]]
    assert not OutboundMessage.objects.filter(recipient=limited).exists()
    # An organisation whose only supervisor is limited to assigned cases gets no report task at all.
    assert selectors.weekly_report_organisation_ids() == [org_a.pk]


def test_email_weekly_reports_fans_out_per_organisation_and_runs_twice_without_duplicates(
    org_a, org_b, supervisor_a, supervisor_b, caseworker_a, figures, django_capture_on_commit_callbacks, send_in_process
):
    factories.OrganisationFactory(code="ORGC")  # no supervisor: no task
    with (
        mock.patch.object(tasks.build_weekly_report, "delay", side_effect=tasks.build_weekly_report) as fan_out,
        time_machine.travel(timezone.make_aware(datetime(2025, 6, 2, 7, 0)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.email_weekly_reports() == 2
        assert tasks.email_weekly_reports() == 2

    assert fan_out.call_args_list == [mock.call(org_a.pk, "2025-06-02"), mock.call(org_b.pk, "2025-06-02")] * 2
    assert sorted(e.to[0] for e in mail.outbox) == sorted([supervisor_a.email, supervisor_b.email])
    assert {e.subject for e in mail.outbox} == {
        "Casework weekly report: ORGA week 23",
        "Casework weekly report: ORGB week 23",
    }


def test_unknown_organisation_or_no_supervisor_builds_nothing(org_a, caseworker_a):
    assert services.weekly_report_build(organisation_id=org_a.pk, today=D) == []
    assert services.weekly_report_build(organisation_id=0, today=D) == []
    assert not OutboundMessage.objects.exists()


def test_weekly_reports_are_scheduled_on_monday_mornings():
    entry = settings.CELERY_BEAT_SCHEDULE["email-weekly-reports"]
    assert entry["task"] == tasks.email_weekly_reports.name == "casework.reports.tasks.email_weekly_reports"
    assert (entry["schedule"].hour, entry["schedule"].minute, entry["schedule"].day_of_week) == ({7}, {0}, {1})


def test_split_families_appear_in_the_weekly_report_by_state(org_a, org_b, superuser):
    from casework.people import services as people_services
    from casework.people.choices import Relation

    def split_family(org, country):
        mother = factories.PersonFactory(organisation=org)
        children = [factories.PersonFactory(organisation=org, child=True) for _ in range(2)]
        request = factories.GovernmentRequestFactory(
            organisation=org,
            authority=factories.GovernmentAuthorityFactory(country=country),
            acknowledged=True,
            status=RequestStatus.PARTIALLY_ACCEPTED,
        )
        factories.RequestedPersonFactory(request=request, person=mother, decision=Decision.REFUSED)
        for child in children:
            people_services.family_link_create(person=child, relative=mother, relation=Relation.MOTHER, actor=superuser)
            factories.RequestedPersonFactory(request=request, person=child, decision=Decision.ACCEPTED)

    split_family(org_a, "FR")
    split_family(org_b, "FR")  # another organisation's: never counted

    summary = weekly_summary(organisation=org_a, today=D)

    assert summary.counts("split_families") == {"FR": (1, 2)}
    assert summary.table("split_families").render(external=True)["rows"] == [["France", "<5", "<5"]]


def test_weekly_report_retried_after_a_database_error_part_way_sends_one_email_per_supervisor(
    org_a, supervisor_a, sensitive_supervisor_a, figures, django_capture_on_commit_callbacks, send_in_process
):
    assert tasks.build_weekly_report.autoretry_for == tasks.email_weekly_reports.autoretry_for
    assert tasks.build_weekly_report.autoretry_for == (OperationalError, InterfaceError)
    # The first supervisor's message is committed; the second's insert fails and its transaction rolls back.
    # The retry finds the first by its key and creates only the second.
    with (
        database_error_at('INSERT INTO "outbox_outboundmessage"', nth=2) as failed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = tasks.build_weekly_report.apply(args=[org_a.pk, D.isoformat()])

    assert len(failed) == 1
    assert result.successful(), result.traceback
    assert sorted(result.get()) == sorted(OutboundMessage.objects.values_list("pk", flat=True))
    assert OutboundMessage.objects.count() == 2
    assert sorted(e.to[0] for e in mail.outbox) == sorted([supervisor_a.email, sensitive_supervisor_a.email])
    assert send_in_process.call_count == 2
