"""Generating a dossier for sending: one PDF, recorded as one disclosure; and draft previews, recorded as nothing.

A dossier for sending is requested (a row, pending), then rendered: at once for small requests, in the
worker for large ones (`DOSSIER_SYNC_LIMIT` persons). Rendering stores the PDF and records the
disclosure (who, to whom, which persons and fields, on what basis) in one transaction, once: a task
delivered twice finds the dossier ready and does nothing.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from casework.core import audit
from casework.dossiers import rendering
from casework.dossiers.models import Dossier, DossierStatus
from casework.dossiers.selectors import dossier_content
from casework.govrequests.models import DisclosedPerson, Disclosure, GovernmentRequest, RequestedPerson
from casework.people.models import Person

logger = logging.getLogger(__name__)

GENERATE_PERMISSION = "dossiers.generate_dossier"
# Up to this many persons the PDF is made during the request; above, in the worker.
DOSSIER_SYNC_LIMIT = 25


def dossier_preview(*, gov_request: GovernmentRequest, language: str) -> bytes:
    """A watermarked draft of the dossier: not stored, not a disclosure."""
    content = dossier_content(gov_request=gov_request, language=language)
    pdf, _pages = rendering.render_pdf(content, draft=True, organisation=gov_request.organisation)
    return pdf


@transaction.atomic
def dossier_request(
    *, gov_request: GovernmentRequest, actor: Any, language: str, signing_officer: str, signing_title: str = ""
) -> Dossier:
    """Record the wish to send a dossier; rendered now, or after commit in the worker for a large request."""
    if not actor.has_perm(GENERATE_PERMISSION):
        raise PermissionDenied
    if not GovernmentRequest.objects.visible_to(actor).filter(pk=gov_request.pk).exists():
        raise PermissionDenied
    person_count = gov_request.covered.count()
    dossier = Dossier.objects.create(
        organisation_id=gov_request.organisation_id,
        request=gov_request,
        language=language,
        signing_officer=signing_officer.strip(),
        signing_title=signing_title.strip(),
        requested_by=actor,
        person_count=person_count,
    )
    audit.record(actor=actor, action="dossier.requested", target=dossier, data={"language": language})
    if person_count > DOSSIER_SYNC_LIMIT:
        from casework.dossiers.tasks import render_dossier

        render_dossier.delay_on_commit(dossier.pk)
    else:
        dossier_render(dossier_id=dossier.pk)
        dossier.refresh_from_db()
    return dossier


@transaction.atomic
def dossier_render(*, dossier_id: int) -> Dossier:
    """Render a pending dossier, store it and record its disclosure, once (locked; a ready dossier is left as is)."""
    # Only the dossier's row is locked: locking the joined organisation and request for the whole rendering
    # would hold up every write of the organisation (their foreign-key checks) while a large PDF is drawn.
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("request__authority", "organisation")
        .get(pk=dossier_id)
    )
    if dossier.status != DossierStatus.PENDING:
        return dossier
    gov_request = dossier.request
    # The persons are locked before they are read: a merge under way makes this wait, and the dossier then
    # names the survivor, not the merged record's tombstone.
    list(
        Person.objects.select_for_update(of=("self",))
        .filter(pk__in=RequestedPerson.objects.filter(request=gov_request).values("person_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    content = dossier_content(gov_request=gov_request, language=dossier.language)
    pdf, pages = rendering.render_pdf(
        content,
        draft=False,
        organisation=dossier.organisation,
        signing_officer=dossier.signing_officer,
        signing_title=dossier.signing_title,
    )
    authority = gov_request.authority
    disclosure = Disclosure.objects.create(
        organisation_id=dossier.organisation_id,
        authority=authority,
        disclosed_at=timezone.now(),
        disclosed_by=dossier.requested_by,
        channel=gov_request.channel,
        authority_name=authority.name,
        to_email=authority.email or "",
        language=dossier.language,
        fields=content.fields,
        basis=content.basis,
    )
    DisclosedPerson.objects.bulk_create(
        DisclosedPerson(
            disclosure=disclosure,
            person_id=person_id,
            case_number=entry["case_number"],
            request_references=[gov_request.reference],
        )
        for person_id, entry in zip(content.person_ids, content.persons, strict=True)
    )
    disclosure.requests.add(gov_request)
    dossier.file.save(f"{dossier.public_id}.pdf", ContentFile(pdf), save=False)
    dossier.status = DossierStatus.READY
    dossier.disclosure = disclosure
    dossier.page_count = pages
    dossier.person_count = len(content.person_ids)
    dossier.save(update_fields=["file", "status", "disclosure", "page_count", "person_count", "updated_at"])
    audit.record(
        actor=dossier.requested_by,
        action="dossier.generated",
        target=dossier,
        data={"persons": len(content.person_ids), "fields": content.fields},
    )
    return dossier


def dossier_mark_failed(*, dossier_id: int, reason: str) -> None:
    Dossier.objects.filter(pk=dossier_id, status=DossierStatus.PENDING).update(
        status=DossierStatus.FAILED, error=reason[:200], updated_at=timezone.now()
    )
