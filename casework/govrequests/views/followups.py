"""The follow-up letter to a request's authority: the draft, refreshing it, sending it (a disclosure), discarding it."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework.core import access
from casework.core.exceptions import DomainError
from casework.core.views import permission_required
from casework.govrequests import selectors, services
from casework.govrequests.choices import AWAITING_ANSWER_STATUSES, DisclosureField, FollowUpStatus
from casework.govrequests.forms import FollowUpActionForm
from casework.govrequests.models import AuthorityFollowUp, Disclosure, GovernmentRequest
from casework.govrequests.services import SEND_FOLLOWUP_PERMISSION
from casework.govrequests.views.common import VIEW_PERMISSION, detail_url
from casework.people.models import Person


def _followup_url(gov_request: GovernmentRequest) -> str:
    return reverse("govrequests:request_followup", args=[gov_request.public_id])


def _request_for_followup(request: HttpRequest, public_id: UUID) -> GovernmentRequest:
    return get_object_or_404(
        GovernmentRequest.objects.visible_to(request.user).select_related("authority", "organisation"),
        public_id=public_id,
    )


@require_safe
@permission_required(VIEW_PERMISSION)
def request_followup(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The follow-up draft to the request's authority: recipient, fields disclosed, persons, the letter itself.

    The letter is shown only to a user who sees every person in it; others see their own persons
    and how many more the draft lists, and cannot send it.
    """
    user = request.user
    gov_request = _request_for_followup(request, public_id)
    draft = (
        AuthorityFollowUp.objects.visible_to(user)
        .filter(
            organisation_id=gov_request.organisation_id,
            authority_id=gov_request.authority_id,
            status=FollowUpStatus.OPEN,
        )
        .select_related("authority", "organisation")
        .first()
    )
    last_disclosure = (
        Disclosure.objects.visible_to(user)
        .filter(organisation_id=gov_request.organisation_id, authority_id=gov_request.authority_id)
        .select_related("disclosed_by")
        .order_by("-disclosed_at", "-pk")
        .first()
    )
    letter = rendered = None
    persons: list[dict[str, Any]] = []
    hidden_count = 0
    if draft is not None:
        letter = selectors.followup_letter(followup=draft)
        visible = set(Person.objects.visible_to(user).filter(pk__in=letter.person_ids).values_list("pk", flat=True))
        persons = [entry for pk, entry in zip(letter.person_ids, letter.persons, strict=True) if pk in visible]
        hidden_count = len(letter.person_ids) - len(persons)
        # The persons listed (and, when the letter is shown, named in it): those the user sees.
        access.note(request, kind=access.Kind.LIST, persons=[pk for pk in letter.person_ids if pk in visible])
        if not hidden_count:
            rendered = selectors.followup_render(letter)
    can_act = user.has_perm(SEND_FOLLOWUP_PERMISSION)
    labels = dict(DisclosureField.choices)
    context = {
        "gov_request": gov_request,
        "authority": gov_request.authority,
        "draft": draft,
        "letter": letter,
        "rendered": rendered,
        "persons": persons,
        "hidden_count": hidden_count,
        "field_labels": [labels[field] for field in letter.fields] if letter else [],
        "last_disclosure": last_disclosure,
        # Refreshing and discarding, like sending, need the user to see every person in the draft
        # (and, for a refresh, every person pending with the authority).
        "can_refresh": (
            can_act
            and gov_request.status in AWAITING_ANSWER_STATUSES
            and not hidden_count
            and selectors.followup_pending_all_visible(
                user=user, organisation_id=gov_request.organisation_id, authority_id=gov_request.authority_id
            )
        ),
        "can_send": can_act and rendered is not None and bool(gov_request.authority.email),
        "can_discard": can_act and draft is not None and not hidden_count,
        "action_form": (
            FollowUpActionForm(initial={"followup": draft.public_id, "digest": rendered.digest if rendered else ""})
            if draft is not None
            else None
        ),
    }
    return render(request, "govrequests/request_followup.html", context)


@require_POST
@permission_required(SEND_FOLLOWUP_PERMISSION)
def request_followup_refresh(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Draft, or refresh, the follow-up to the request's authority from the persons pending now."""
    gov_request = _request_for_followup(request, public_id)
    try:
        draft = services.followup_draft_for(
            authority=gov_request.authority, organisation_id=gov_request.organisation_id, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if draft is None:
            messages.info(request, _("No person is waiting for a decision from this authority."))
        else:
            messages.success(request, _("Follow-up draft updated: review it before sending."))
    return HttpResponseRedirect(_followup_url(gov_request))


def _followup_from_post(request: HttpRequest, public_id: UUID) -> tuple[GovernmentRequest, AuthorityFollowUp, str]:
    """The request, the draft named in the POST (of the request's organisation and authority, in the user's
    scope; else 404) and the digest the user reviewed. The pages calling it require the permission to send."""
    gov_request = _request_for_followup(request, public_id)
    form = FollowUpActionForm(request.POST)
    if not form.is_valid():
        raise Http404
    followup = get_object_or_404(
        AuthorityFollowUp.objects.visible_to(request.user),
        public_id=form.cleaned_data["followup"],
        organisation_id=gov_request.organisation_id,
        authority_id=gov_request.authority_id,
    )
    return gov_request, followup, form.cleaned_data["digest"]


@require_POST
@permission_required(SEND_FOLLOWUP_PERMISSION)
def request_followup_send(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Send the reviewed follow-up and record the disclosure; a second POST sends nothing more."""
    gov_request, followup, digest = _followup_from_post(request, public_id)
    try:
        disclosure, sent_now = services.followup_send(followup=followup, actor=request.user, reviewed_digest=digest)
    except DomainError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(_followup_url(gov_request))
    if sent_now:
        messages.success(
            request,
            _("Follow-up to %(authority)s queued for sending to %(email)s; the disclosure is recorded.")
            % {"authority": disclosure.authority_name, "email": disclosure.to_email},
        )
    else:
        messages.info(request, _("This follow-up was already sent."))
    return HttpResponseRedirect(detail_url(gov_request))


@require_POST
@permission_required(SEND_FOLLOWUP_PERMISSION)
def request_followup_discard(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Drop the follow-up draft without sending it."""
    gov_request, followup, _digest = _followup_from_post(request, public_id)
    try:
        services.followup_discard(followup=followup, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Follow-up draft discarded."))
    return HttpResponseRedirect(_followup_url(gov_request))
