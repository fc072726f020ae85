"""What the person record page tests share: the record kinds, their URLs and a record's version."""

from django.urls import reverse

PEOPLE_KINDS = ["claim", "document", "family", "custody"]
L3_KINDS = [("people", "dna"), ("screenings", "screening")]


def list_url(kind: str, person, namespace: str = "people") -> str:
    return reverse(f"{namespace}:{kind}_list", args=[person.public_id])


def record_url(kind: str, view: str, record, namespace: str = "people") -> str:
    return reverse(f"{namespace}:{kind}_{view}", args=[record.person.public_id, record.public_id])


DOCUMENT_DATES = {"issued_on": "2014-01-01", "expires_on": "2024-01-01"}  # as IdentityDocumentFactory


def version(record) -> str:
    return record.updated_at.isoformat()
