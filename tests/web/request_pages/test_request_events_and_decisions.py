"""Recording events on a government request (with documents) and the State's decisions."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.govrequests import services
from casework.govrequests.choices import Decision, EventKind
from casework.govrequests.models import RequestedPerson, RequestEvent
from tests.web.request_pages.helpers import RS, url

pytestmark = pytest.mark.django_db


# --- Events -------------------------------------------------------------------------------------


def _event_data(**overrides):
    data = {
        "event-kind": EventKind.INFORMATION_REQUESTED,
        "event-occurred_on": "2025-02-01",
        "event-due_on": "2025-03-01",
        "event-description": "The ministry asks for birth certificates.",
    }
    data.update(overrides)
    return data


def test_caseworker_records_an_event_with_a_document(client_for, caseworker_a, request_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("letter of Amina Dupont.pdf", b"%PDF-1.4 synthetic", content_type="application/pdf")

    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), {**_event_data(), "event-document": scan}
    )

    assert response.status_code == 302
    event = RequestEvent.objects.get(request=request_a)
    assert event.kind == EventKind.INFORMATION_REQUESTED
    assert event.document.name == f"documents/{event.public_id}.pdf"
    request_a.refresh_from_db()
    assert request_a.status == RS.INFORMATION_REQUESTED
    assert request_a.clock_paused_on == date(2025, 2, 1)  # the clock waits for the information


def test_event_due_before_its_date_is_a_field_error(client_for, caseworker_a, request_a):
    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), _event_data(**{"event-due_on": "2025-01-01"})
    )

    assert response.status_code == 200
    assert "due_on" in response.context["event_form"].errors
    assert not RequestEvent.objects.exists()
    assert "The due date is before the event." in response.content.decode()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"event-kind": "gossip"}, "kind"),
        ({"event-occurred_on": ""}, "occurred_on"),
        ({"event-occurred_on": "2999-01-01", "event-due_on": ""}, "occurred_on"),
    ],
)
def test_bad_event_input_is_a_field_error(client_for, caseworker_a, request_a, override, field):
    response = client_for(caseworker_a).post(url("request_record_event", request_a), _event_data(**override))

    assert field in response.context["event_form"].errors
    assert not RequestEvent.objects.exists()


def test_event_document_with_a_forbidden_extension_is_refused(client_for, caseworker_a, request_a):
    script = SimpleUploadedFile("letter.exe", b"MZ", content_type="application/octet-stream")

    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), {**_event_data(), "event-document": script}
    )

    assert "document" in response.context["event_form"].errors
    assert not RequestEvent.objects.exists()


def test_event_document_over_the_size_limit_is_refused(client_for, caseworker_a, request_a, monkeypatch):
    monkeypatch.setattr("casework.govrequests.forms.MAX_DOCUMENT_BYTES", 10)
    scan = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 more than ten bytes", content_type="application/pdf")

    response = client_for(caseworker_a).post(
        url("request_record_event", request_a), {**_event_data(), "event-document": scan}
    )

    assert response.context["event_form"].errors["document"] == ["The document is larger than 20 MB."]
    assert not RequestEvent.objects.exists()


def test_auditor_cannot_record_an_event(client_for, auditor_a, request_a):
    response = client_for(auditor_a).post(url("request_record_event", request_a), _event_data())

    assert response.status_code == 403
    assert not RequestEvent.objects.exists()


def test_other_organisation_cannot_record_an_event(client_for, caseworker_b, request_a):
    response = client_for(caseworker_b).post(url("request_record_event", request_a), _event_data())

    assert response.status_code == 404
    assert not RequestEvent.objects.exists()


# --- Decisions ----------------------------------------------------------------------------------


def _decision_data(rows_and_decisions, **extra):
    data = {"decisions-decided_on": "2025-04-01", "decisions-note": "Children only."}
    for person, decision in rows_and_decisions:
        data[f"decisions-decision_{person.public_id.hex}"] = decision
    data.update(extra)
    return data


def test_supervisor_records_a_partial_acceptance(client_for, supervisor_a, request_a, family_a):
    mother, *children = family_a
    data = _decision_data([(mother, Decision.REFUSED), *[(child, Decision.ACCEPTED) for child in children]])

    response = client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 302
    decisions = dict(RequestedPerson.objects.filter(request=request_a).values_list("person_id", "decision"))
    assert decisions == {mother.pk: "refused", children[0].pk: "accepted", children[1].pk: "accepted"}
    request_a.refresh_from_db()
    assert request_a.status == RS.PARTIALLY_ACCEPTED
    assert request_a.decided_on == date(2025, 4, 1)


def test_unchanged_decisions_are_not_re_dated(client_for, supervisor_a, request_a, family_a):
    mother, *children = family_a
    services.gov_request_record_decisions(
        gov_request=request_a, decisions={mother: Decision.REFUSED}, decided_on=date(2025, 3, 1), actor=supervisor_a
    )
    data = _decision_data([(mother, Decision.REFUSED), *[(child, Decision.ACCEPTED) for child in children]])

    client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert RequestedPerson.objects.get(request=request_a, person=mother).decided_on == date(2025, 3, 1)


def test_caseworker_cannot_record_decisions(client_for, caseworker_a, request_a, family_a):
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a])

    response = client_for(caseworker_a).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 403
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


def test_other_organisation_cannot_record_decisions(client_for, supervisor_b, request_a, family_a):
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a])

    response = client_for(supervisor_b).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 404
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"decisions-decided_on": ""}, "decided_on"),
        ({"decisions-decided_on": "2999-01-01"}, "decided_on"),
    ],
)
def test_bad_decision_input_is_a_field_error(client_for, supervisor_a, request_a, family_a, extra, field):
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a], **extra)

    response = client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert response.status_code == 200
    assert field in response.context["decisions_form"].errors
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


def test_unknown_decision_value_is_a_field_error(client_for, supervisor_a, request_a, family_a):
    data = _decision_data([(family_a[0], "maybe")])

    response = client_for(supervisor_a).post(url("request_record_decisions", request_a), data)

    assert f"decision_{family_a[0].public_id.hex}" in response.context["decisions_form"].errors
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()


def test_decisions_on_a_draft_show_the_domain_error(client_for, supervisor_a, org_a, family_a, authority):
    draft = services.gov_request_create(authority=authority, persons=family_a, actor=supervisor_a)
    data = _decision_data([(person, Decision.ACCEPTED) for person in family_a])

    response = client_for(supervisor_a).post(url("request_record_decisions", draft), data, follow=True)

    assert "no decision can be recorded" in response.content.decode()
    assert not RequestedPerson.objects.exclude(decision=Decision.PENDING).exists()
