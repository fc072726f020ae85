"""The merge pages: form, preview, confirm, the merge record, unmerge; the old URL of a merged record."""

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.merging.models import PersonMerge
from casework.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(org_a):
    first = factories.PersonFactory(organisation=org_a, given_name_lat="Fatima", place_of_birth="Mosul")
    second = factories.PersonFactory(organisation=org_a, given_name_lat="Fatma", place_of_birth="Raqqa")
    factories.DnaTestFactory(person=second)
    return first, second


def _form_data(first, second, **extra):
    data = {
        "a": str(first.public_id),
        "b": str(second.public_id),
        "a_version": first.updated_at.isoformat(),
        "b_version": second.updated_at.isoformat(),
        "survivor": "a",
        "value_given_name_lat": "a",
        "value_place_of_birth": "b",
        "value_given_name_ar": "a",
        "value_family_name_lat": "a",
    }
    data.update(extra)
    return data


def test_the_form_shows_both_records_and_what_differs(client_for, supervisor_a, two):
    first, second = two
    response = client_for(supervisor_a).get(reverse("merging:merge"), {"a": first.public_id, "b": second.public_id})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mosul" in page and "Raqqa" in page
    assert first.case_number in page and second.case_number in page
    assert 'name="value_place_of_birth"' in page
    assert 'name="value_sex"' not in page  # the same on both: no choice


def test_the_other_record_can_be_named_by_case_number(client_for, supervisor_a, two):
    first, second = two
    response = client_for(supervisor_a).get(
        reverse("merging:merge"), {"a": first.public_id, "case": second.case_number}
    )
    assert response.status_code == 200
    assert 'name="value_place_of_birth"' in response.content.decode()


def test_preview_then_confirm(client_for, supervisor_a, two):
    first, second = two
    client = client_for(supervisor_a)
    data = _form_data(first, second)

    preview = client.post(reverse("merging:merge"), {**data, "preview": "1"})
    assert preview.status_code == 200
    assert 'id="merge-preview"' in preview.content.decode()
    assert not PersonMerge.objects.exists()
    second.refresh_from_db()
    assert second.merged_into is None

    done = client.post(reverse("merging:merge"), {**data, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == first.get_absolute_url()
    first.refresh_from_db()
    assert first.place_of_birth == "Raqqa" and first.given_name_lat == "Fatima"
    assert first.dna_tests.count() == 1


def test_a_record_changed_since_the_page_was_opened_is_refused(client_for, supervisor_a, two):
    first, second = two
    data = _form_data(first, second)
    second.place_of_birth = "Hasakah"
    second.save()
    response = client_for(supervisor_a).post(reverse("merging:merge"), {**data, "confirm": "1"})
    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_another_organisations_record_is_404(client_for, supervisor_a, two, person_b):
    first, _second = two
    response = client_for(supervisor_a).get(reverse("merging:merge"), {"a": first.public_id, "b": person_b.public_id})
    assert response.status_code == 404


def test_a_caseworker_may_not_merge(client_for, caseworker_a, two):
    first, second = two
    response = client_for(caseworker_a).post(reverse("merging:merge"), {**_form_data(first, second), "confirm": "1"})
    assert response.status_code == 403
    assert not PersonMerge.objects.exists()


def test_the_old_url_leads_to_the_survivor_with_a_notice(client_for, supervisor_a, two):
    first, second = two
    client = client_for(supervisor_a)
    client.post(reverse("merging:merge"), {**_form_data(first, second), "confirm": "1"})

    response = client.get(second.get_absolute_url(), follow=True)
    assert response.redirect_chain == [(first.get_absolute_url(), 302)]
    assert f"merged into {first.case_number}" in response.content.decode()


def test_the_old_url_is_404_out_of_scope(client_for, supervisor_a, supervisor_b, two):
    first, second = two
    client_for(supervisor_a).post(reverse("merging:merge"), {**_form_data(first, second), "confirm": "1"})
    assert client_for(supervisor_b).get(second.get_absolute_url()).status_code == 404


def test_the_tombstone_is_not_listed_or_counted(client_for, supervisor_a, two):
    first, second = two
    client = client_for(supervisor_a)
    client.post(reverse("merging:merge"), {**_form_data(first, second), "confirm": "1"}, follow=True)
    page = client.get(reverse("people:person_list")).content.decode()
    assert first.case_number in page and second.case_number not in page
    assert Person.objects.visible_to(supervisor_a).count() == 1


def test_unmerge_from_the_merge_page(client_for, supervisor_a, two):
    first, second = two
    client = client_for(supervisor_a)
    client.post(reverse("merging:merge"), {**_form_data(first, second), "confirm": "1"})
    record = PersonMerge.objects.get()

    survivor_page = client.get(first.get_absolute_url()).content.decode()
    assert record.get_absolute_url() in survivor_page
    detail = client.get(record.get_absolute_url()).content.decode()
    assert reverse("merging:unmerge", args=[record.public_id]) in detail

    response = client.post(reverse("merging:unmerge", args=[record.public_id]))
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.merged_into is None and second.dna_tests.count() == 1
    assert first.place_of_birth == "Mosul"
    assert AuditEvent.objects.filter(action="merging.person.unmerged").count() == 1


def test_the_merge_page_says_why_an_unmerge_is_refused(client_for, supervisor_a, two):
    first, second = two
    client = client_for(supervisor_a)
    client.post(reverse("merging:merge"), {**_form_data(first, second), "confirm": "1"})
    record = PersonMerge.objects.get()
    first.refresh_from_db()
    first.place_of_birth = "Deir ez-Zor"
    first.save()

    detail = client.get(record.get_absolute_url()).content.decode()
    assert 'id="unmerge-refusals"' in detail
    response = client.post(reverse("merging:unmerge", args=[record.public_id]), follow=True)
    assert "changed since the merge" in response.content.decode()
    second.refresh_from_db()
    assert second.merged_into == first


def test_the_form_page_reads_a_constant_number_of_queries(client_for, supervisor_a, two, django_assert_max_num_queries):
    first, second = two
    client = client_for(supervisor_a)
    # The preview is a dry run: a few queries per related model (relations.MOVED), none per row.
    with django_assert_max_num_queries(66):
        response = client.get(reverse("merging:merge"), {"a": first.public_id, "b": second.public_id})
    assert response.status_code == 200
