"""What the draft and handover page tests share: URLs, the covered persons, plan and completion form data."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from casework.govrequests.choices import RequestStatus
from casework.govrequests.models import GovernmentRequest, RequestedPerson

RS = RequestStatus


def url(name: str, gov_request: GovernmentRequest, *extra) -> str:
    return reverse(f"govrequests:{name}", args=[gov_request.public_id, *extra])


def covered_ids(gov_request) -> set[int]:
    return set(RequestedPerson.objects.filter(request=gov_request).values_list("person_id", flat=True))


def _plan_data(persons, **extra):
    return {
        "handover-persons": [p.public_id.hex for p in persons],
        "handover-planned_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "handover-place": "Semalka crossing",
        "handover-receiving_delegation": "Consular delegation",
        **extra,
    }


def _complete_data(persons, **extra):
    return {
        "complete-handed_over": [p.public_id.hex for p in persons],
        "complete-signed_on": timezone.localdate().isoformat(),
        "complete-document": SimpleUploadedFile(
            "handover of Yusuf.pdf", b"%PDF-1.4 signed", content_type="application/pdf"
        ),
        **extra,
    }
