"""What a dossier says, before rendering: the request, its persons with only the disclosed fields, the family.

Built in the authority's language (`dossier_language`), whatever the user's own interface language, and
from the organisation's disclosure policy for the authority (or its State): a field outside the policy
is absent from the content, so no template can print it.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone, translation

from casework.govrequests.choices import DisclosureField
from casework.govrequests.models import GovernmentRequest, RequestedPerson
from casework.govrequests.selectors import disclosed_person_entry, disclosure_policy_for, with_disclosure_prefetches
from casework.people.models import FamilyLink, IdentityDocument

DOSSIER_LANGUAGES = ("en", "fr", "ar")


def dossier_language(gov_request: GovernmentRequest) -> str:
    """The authority's language when a dossier can be written in it (en, fr, ar), else English."""
    language = (gov_request.authority.language or "").lower().split("-")[0]
    return language if language in DOSSIER_LANGUAGES else "en"


@dataclass(frozen=True)
class Annex:
    number: int
    person_case_number: str
    document_type: str
    document_number: str
    issuing_country: str
    file_name: str  # stored name, for the attachment only; never printed
    is_image: bool


@dataclass(frozen=True)
class DossierContent:
    gov_request: GovernmentRequest
    language: str
    fields: list[str]
    basis: str
    persons: list[dict[str, Any]]
    person_ids: list[int]
    family: list[dict[str, str]]
    annexes: list[Annex] = field(default_factory=list)
    today: date | None = None


def dossier_content(*, gov_request: GovernmentRequest, language: str, today: date | None = None) -> DossierContent:
    """Everything the dossier prints: five queries at most, whatever the number of persons."""
    authority = gov_request.authority
    fields, basis = disclosure_policy_for(organisation_id=gov_request.organisation_id, authority=authority)
    show = set(fields)
    rows = with_disclosure_prefetches(
        RequestedPerson.objects.filter(request=gov_request).select_related("person", "request"),
        show=show,
        authority=authority,
    )
    persons: list[dict[str, Any]] = []
    person_ids: list[int] = []
    labels: dict[int, str] = {}
    with translation.override(language):
        for row in rows:
            person = row.person
            if person.pk in labels:
                continue
            entry = disclosed_person_entry(person, show=show, authority=authority)
            entry["index"] = len(persons) + 1
            persons.append(entry)
            person_ids.append(person.pk)
            labels[person.pk] = person.case_number
        # Family composition among the persons of this request only: who is whose mother, child, sibling.
        links = (
            FamilyLink.objects.filter(person_id__in=person_ids, relative_id__in=person_ids)
            .order_by("person__case_number", "relation", "relative__case_number")
            .values_list("person_id", "relation", "relative_id")
        )
        relation_labels = dict(FamilyLink._meta.get_field("relation").choices)
        family = [
            {"person": labels[p], "relation": str(relation_labels.get(r, r)), "relative": labels[q]}
            for p, r, q in links
        ]
        annexes: list[Annex] = []
        if DisclosureField.IDENTITY_DOCUMENTS in show:
            documents = (
                IdentityDocument.objects.filter(person_id__in=person_ids)
                .order_by("person__case_number", "document_type", "pk")
                .values_list("person__case_number", "document_type", "number", "issuing_country", "file")
            )
            type_labels = dict(IdentityDocument._meta.get_field("document_type").choices)
            for case_number, document_type, number, country, file_name in documents:
                annexes.append(
                    Annex(
                        number=len(annexes) + 1,
                        person_case_number=case_number,
                        document_type=str(type_labels.get(document_type, document_type)),
                        document_number=number,
                        issuing_country=str(country),
                        file_name=file_name or "",
                        is_image=bool(file_name) and file_name.rsplit(".", 1)[-1].lower() in ("jpg", "jpeg", "png"),
                    )
                )
    return DossierContent(
        gov_request=gov_request,
        language=language,
        fields=fields,
        basis=basis,
        persons=persons,
        person_ids=person_ids,
        family=family,
        annexes=annexes,
        today=today or timezone.localdate(),
    )


def dossiers_of_request(*, gov_request: GovernmentRequest, user: Any) -> list[Any]:
    from casework.dossiers.models import Dossier

    return list(
        Dossier.objects.visible_to(user)
        .filter(request=gov_request)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")[:10]
    )
