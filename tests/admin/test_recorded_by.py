"""Records that keep who recorded them (screenings, legal proceedings): one added in the admin is the user's."""

import pytest
from django.urls import reverse

from casework.legal.choices import ProceedingKind, ProceedingOutcome
from casework.legal.models import LegalProceeding
from casework.screenings.models import Screening
from tests.admin.utils import changeform_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Screening, {"screened_on": "2024-03-01", "outcome": Screening.Outcome.PENDING}),
        (LegalProceeding, {"kind": ProceedingKind.WARRANT, "outcome": ProceedingOutcome.PENDING}),
    ],
)
def test_a_record_added_in_the_admin_is_recorded_by_the_user(
    client_for, sensitive_supervisor_a, person_a, model, values
):
    client = client_for(sensitive_supervisor_a)
    add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    data = changeform_data(client.get(add))
    data.update({"person": str(person_a.pk), **values})

    response = client.post(add, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert model.objects.get(person=person_a).recorded_by == sensitive_supervisor_a
