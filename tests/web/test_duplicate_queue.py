"""The duplicate review pages: the queue, the comparison, the decisions, the count on the home page."""

import pytest
from django.urls import reverse

from casework.matching.choices import PairStatus
from casework.matching.duplicates import duplicates_scan
from casework.matching.models import DuplicatePair
from tests import factories
from tests.factories import named_person

pytestmark = pytest.mark.django_db

LIST_URL = reverse("matching:duplicate_list")


def make_pair(org, index: int = 0) -> DuplicatePair:
    a = named_person(org, given_name_lat="Aisha", father_name_lat=f"Omar{index}", family_name_lat="Haddad")
    b = named_person(org, given_name_ar="عائشة", father_name_ar="عمر", family_name_ar="حداد")
    return DuplicatePair.objects.create(
        organisation=org,
        person_a=a,
        person_b=b,
        score=0.8 + index / 100,
        reasons=["given name Aisha"],
        fingerprint="x",
    )


@pytest.fixture
def pair(org_a):
    """The same woman registered twice, with records attached to both, as the scan stores them."""
    camp_record = named_person(org_a, given_name_ar="فاطمة", father_name_ar="حسين", family_name_ar="العلي")
    ngo_record = named_person(org_a, given_name_lat="Fatima", father_name_lat="Hussein", family_name_lat="Al-Ali")
    factories.AliasFactory(person=ngo_record, kind="kunya", name="Umm Yusuf")
    factories.NationalityClaimFactory(person=ngo_record, country="FR")
    factories.CustodyPeriodFactory(person=camp_record, facility=factories.FacilityFactory(name="Camp Roj"))
    factories.IdentityDocumentFactory(person=ngo_record, number="12AB34567")
    factories.RequestedPersonFactory(person=ngo_record, request__organisation=org_a, request__reference="FR-2025-7")
    factories.FamilyLinkFactory(person=camp_record, relative=named_person(org_a, given_name_lat="Yusuf", sex="male"))
    duplicates_scan()
    return DuplicatePair.objects.get(person_a=camp_record, person_b=ngo_record)


def test_queue_lists_pairs_to_review_best_first(client_for, supervisor_a, org_a, org_b):
    low, high = make_pair(org_a, 1), make_pair(org_a, 9)
    decided = make_pair(org_a, 5)
    decided.status = PairStatus.DIFFERENT
    decided.save()
    make_pair(org_b)

    response = client_for(supervisor_a).get(LIST_URL)

    assert response.status_code == 200
    assert list(response.context["page"]) == [high, low]
    assert client_for(supervisor_a).get(LIST_URL, {"status": "different"}).context["page"].object_list[0] == decided
    assert list(client_for(supervisor_a).get(LIST_URL, {"min_score": "0.85"}).context["page"]) == [high]
    by_number = client_for(supervisor_a).get(LIST_URL, {"q": low.person_b.case_number})
    assert list(by_number.context["page"]) == [low]


@pytest.mark.parametrize("pairs", [2, 20])
def test_queue_query_count_does_not_grow_with_pairs(
    client_for, supervisor_a, org_a, django_assert_max_num_queries, pairs
):
    for index in range(pairs):
        make_pair(org_a, index)
    client = client_for(supervisor_a)

    # session, user, 2 × permissions, count, page of pairs with both persons; session save (3); the read
    # log's one INSERT of every person shown.
    with django_assert_max_num_queries(10):
        response = client.get(LIST_URL)

    assert len(response.context["page"]) == pairs


def test_comparison_shows_both_records_with_everything_attached(client_for, supervisor_a, pair):
    response = client_for(supervisor_a).get(reverse("matching:duplicate_detail", args=[pair.public_id]))

    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "فاطمة حسين العلي",
        "Fatima Hussein Al-Ali",
        "Umm Yusuf",
        "France",
        "Camp Roj",
        "12AB34567",
        "FR-2025-7",
        "Yusuf",
    ):
        assert shown in html, shown
    assert any("≈" in reason for reason in response.context["reasons"])
    assert 'id="merge-link"' in html  # to the merging app's page


def test_comparison_query_count_is_bounded(client_for, supervisor_a, pair, django_assert_max_num_queries):
    client = client_for(supervisor_a)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("matching:duplicate_detail", args=[pair.public_id])).status_code == 200


def test_another_organisation_gets_404(client_for, supervisor_b, pair):
    client = client_for(supervisor_b)

    assert client.get(reverse("matching:duplicate_detail", args=[pair.public_id])).status_code == 404
    response = client.post(reverse("matching:duplicate_decide", args=[pair.public_id]), {"decision": "different"})
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_caseworkers_may_not_review(client_for, caseworker_a, pair):
    assert client_for(caseworker_a).get(LIST_URL).status_code == 403


def test_deciding_different_people_is_remembered(client_for, supervisor_a, pair):
    response = client_for(supervisor_a).post(
        reverse("matching:duplicate_decide", args=[pair.public_id]), {"decision": "different", "note": "Cousins"}
    )

    assert response.status_code == 302 and response["Location"] == LIST_URL
    pair.refresh_from_db()
    assert (pair.status, pair.note, pair.decided_by) == (PairStatus.DIFFERENT, "Cousins", supervisor_a)
    duplicates_scan()
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT
    assert pair not in client_for(supervisor_a).get(LIST_URL).context["page"]


def test_not_sure_without_a_note_is_refused(client_for, supervisor_a, pair):
    url = reverse("matching:duplicate_decide", args=[pair.public_id])
    response = client_for(supervisor_a).post(url, {"decision": "unsure", "note": ""}, follow=True)

    assert "Say in a note what is unclear" in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_same_person_goes_on_to_the_merge_page(client_for, supervisor_a, pair):
    client = client_for(supervisor_a)

    detail = client.get(reverse("matching:duplicate_detail", args=[pair.public_id]))
    response = client.post(reverse("matching:duplicate_decide", args=[pair.public_id]), {"decision": "same"})

    expected = f"{reverse('merging:merge')}?a={pair.person_a.public_id}&b={pair.person_b.public_id}"
    assert detail.context["merge_url"] == expected
    assert response["Location"] == expected
    pair.refresh_from_db()
    assert pair.status == PairStatus.SAME


def test_home_page_counts_pairs_to_review_for_supervisors(client_for, supervisor_a, caseworker_a, org_a):
    make_pair(org_a, 1)
    unsure = make_pair(org_a, 2)
    unsure.status = PairStatus.UNSURE
    unsure.save()
    decided = make_pair(org_a, 3)
    decided.status = PairStatus.SAME
    decided.save()

    supervisor_home = client_for(supervisor_a).get(reverse("home"))
    caseworker_home = client_for(caseworker_a).get(reverse("home"))

    assert supervisor_home.context["duplicates_to_review"] == 2
    assert "2 pairs of records to review" in supervisor_home.content.decode()
    assert 'id="duplicates-to-review"' not in caseworker_home.content.decode()
