"""A retention decision sent twice (a double click, two tabs) is refused with a message, not a server error.

Found by the probe: the second "keep" or "approve" of a review answered 500 (the refusal of the move raised a
TypeError while building its error).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.core.exceptions import TransitionNotAllowed
from casework.people.models import Person
from casework.retention import services
from casework.retention.models import RetentionPolicy, RetentionReview, ReviewStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(org_a):
    person = factories.PersonFactory(organisation=org_a, closed=True)
    Person.objects.filter(pk=person.pk).update(status_changed_at=timezone.now() - timedelta(days=400))
    RetentionPolicy.objects.create(organisation=org_a, closure_reason="", retention_days=365)
    services.retention_list_due()
    return RetentionReview.objects.get(person=person)


@pytest.mark.parametrize("action", ["keep", "approve"])
def test_deciding_a_review_twice_is_refused_with_a_message(client_for, supervisor_a, review, action):
    client = client_for(supervisor_a)
    url = reverse("retention:review_decide", args=[review.public_id, action])
    client.post(url)
    status = RetentionReview.objects.get(pk=review.pk).status

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "Cannot move from" in response.content.decode()
    assert RetentionReview.objects.get(pk=review.pk).status == status


def test_the_service_refuses_a_move_from_a_closed_review(supervisor_a, review):
    services.retention_keep(review=review, actor=supervisor_a)

    with pytest.raises(TransitionNotAllowed):
        services.retention_approve(review=review, actor=supervisor_a)
    assert RetentionReview.objects.get(pk=review.pk).status == ReviewStatus.KEPT
