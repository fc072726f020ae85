"""A State that withdraws its acceptance after the handover was planned: the handover of that person is refused."""

from datetime import date

import pytest
from django.core.files.base import ContentFile

from casework.core.exceptions import DomainError
from casework.govrequests import services
from casework.govrequests.choices import Decision, HandoverStatus
from casework.govrequests.models import HandoverOperation
from casework.people.models import CustodyPeriod
from tests.govrequests.test_services import _sent_request, authority, family_a  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_a_person_whose_acceptance_was_withdrawn_is_not_handed_over(supervisor_a, family_a, authority):  # noqa: F811
    mother, *children = family_a
    request = _sent_request(family_a, supervisor_a, authority)
    services.gov_request_record_decisions(
        gov_request=request,
        decisions={mother: Decision.ACCEPTED, children[0]: Decision.ACCEPTED, children[1]: Decision.ACCEPTED},
        decided_on=date(2025, 4, 1),
        actor=supervisor_a,
    )
    operation = services.handover_plan(
        gov_request=request, persons=family_a, planned_on=date(2025, 5, 1), place="Semalka", actor=supervisor_a
    )
    services.gov_request_record_decisions(
        gov_request=request, decisions={children[1]: Decision.REFUSED}, decided_on=date(2025, 4, 20), actor=supervisor_a
    )
    open_before = CustodyPeriod.objects.filter(person=children[1], end_date__isnull=True).count()

    with pytest.raises(DomainError, match=children[1].case_number):
        services.handover_complete(
            operation=operation,
            signed_on=date(2025, 5, 1),
            document=ContentFile(b"%PDF-1.4 synthetic", name="handover.pdf"),
            handed_over=family_a,
            actor=supervisor_a,
        )

    assert HandoverOperation.objects.get(pk=operation.pk).status == HandoverStatus.PLANNED
    assert CustodyPeriod.objects.filter(person=children[1], end_date__isnull=True).count() == open_before
    # The persons still accepted can be handed over.
    done = services.handover_complete(
        operation=operation,
        signed_on=date(2025, 5, 1),
        document=ContentFile(b"%PDF-1.4 synthetic", name="handover.pdf"),
        handed_over=[mother, children[0]],
        actor=supervisor_a,
    )
    assert done.status == HandoverStatus.COMPLETED
