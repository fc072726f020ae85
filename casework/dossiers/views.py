"""The dossier section of the request page, the draft preview, generating for sending, and the download.

The preview and generation need a user who sees every person of the request (a dossier lists them all), and
the download one who sees every person in the file; out of scope is a 404, like a missing request.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework.core import access
from casework.core.files import private_file_response
from casework.core.views import permission_required
from casework.dossiers import services
from casework.dossiers.forms import DossierForm
from casework.dossiers.models import Dossier, DossierStatus
from casework.dossiers.selectors import dossier_language, dossiers_of_request
from casework.govrequests.models import DisclosedPerson, GovernmentRequest
from casework.govrequests.selectors import persons_all_visible

VIEW_PERMISSION = "dossiers.view_dossier"


def _request_for(request: HttpRequest, public_id: UUID) -> GovernmentRequest:
    return get_object_or_404(
        GovernmentRequest.objects.visible_to(request.user).select_related("authority", "organisation"),
        public_id=public_id,
    )


def _detail(gov_request: GovernmentRequest) -> str:
    return reverse("govrequests:request_detail", args=[gov_request.public_id]) + "#dossiers"


def _covered_ids(gov_request: GovernmentRequest) -> list[int]:
    return list(gov_request.covered.values_list("person_id", flat=True))


def _sees_everyone(request: HttpRequest, gov_request: GovernmentRequest) -> bool:
    return persons_all_visible(user=request.user, person_ids=gov_request.covered.values_list("person_id", flat=True))


@require_safe
@permission_required(VIEW_PERMISSION)
def dossier_section(request: HttpRequest, public_id: UUID) -> HttpResponse:
    gov_request = _request_for(request, public_id)
    dossiers = dossiers_of_request(gov_request=gov_request, user=request.user)
    can_generate = request.user.has_perm(services.GENERATE_PERMISSION) and _sees_everyone(request, gov_request)
    form = DossierForm(
        initial={"language": dossier_language(gov_request), "signing_officer": request.user.get_full_name()}
    )
    return render(
        request,
        "dossiers/_request_section.html" if getattr(request, "htmx", False) else "dossiers/request_dossiers.html",
        {
            "gov_request": gov_request,
            "dossiers": dossiers,
            "form": form,
            "can_generate": can_generate,
            "pending": any(d.status == DossierStatus.PENDING for d in dossiers),
        },
    )


@require_safe
@permission_required(VIEW_PERMISSION)
def dossier_preview(request: HttpRequest, public_id: UUID) -> HttpResponse:
    gov_request = _request_for(request, public_id)
    if not _sees_everyone(request, gov_request):
        raise PermissionDenied
    language = request.GET.get("language") or dossier_language(gov_request)
    if language not in dict(DossierForm.base_fields["language"].choices):
        raise Http404
    pdf = services.dossier_preview(gov_request=gov_request, language=language)
    access.note(request, kind=access.Kind.EXPORT, persons=_covered_ids(gov_request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draft-{gov_request.public_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required(VIEW_PERMISSION, services.GENERATE_PERMISSION)
def dossier_generate(request: HttpRequest, public_id: UUID) -> HttpResponse:
    gov_request = _request_for(request, public_id)
    if not _sees_everyone(request, gov_request):
        raise PermissionDenied
    form = DossierForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The dossier was not generated: give the language and the signing officer."))
        return redirect(_detail(gov_request))
    dossier = services.dossier_request(gov_request=gov_request, actor=request.user, **form.cleaned_data)
    if dossier.status == DossierStatus.READY:
        messages.success(request, _("Dossier generated and recorded as a disclosure."))
    else:
        messages.info(request, _("The dossier is being prepared; it will appear here when it is ready."))
    return redirect(_detail(gov_request))


@require_safe
@permission_required(VIEW_PERMISSION)
def dossier_file(request: HttpRequest, public_id: UUID, dossier_id: UUID) -> HttpResponse:
    gov_request = _request_for(request, public_id)
    dossier = get_object_or_404(
        Dossier.objects.visible_to(request.user).filter(request=gov_request, status=DossierStatus.READY),
        public_id=dossier_id,
    )
    # The persons in the file are those of its disclosure (the request may cover others by now).
    if dossier.disclosure_id is not None:
        persons = list(
            DisclosedPerson.objects.filter(disclosure_id=dossier.disclosure_id).values_list("person_id", flat=True)
        )
    else:
        persons = _covered_ids(gov_request)
    # The file names every one of them: like the preview, only for a user who sees them all.
    if not persons_all_visible(user=request.user, person_ids=persons):
        raise PermissionDenied
    access.note(request, kind=access.Kind.EXPORT, persons=persons)
    return private_file_response(dossier.file, content_type="application/pdf")
