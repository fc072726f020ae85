"""What the follow-up tests share: a pending person with L3 data, drafting and rendering a letter."""

from datetime import date

from django.urls import reverse

from casework.govrequests import selectors, services
from tests import factories

D = date(2025, 6, 2)
L3_VALUES = ("Synthetic diabetes", "Block 4, tent 12", "Synthetic screening findings", "Synthetic child-protection")


def page_url(name: str, gov_request) -> str:
    return reverse(f"govrequests:{name}", args=[gov_request.public_id])


def reads_of(captured) -> list[dict]:
    """The reading queries (PostgreSQL reads model choices through a server-side cursor: DECLARE)."""
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]


def pending_person(org, request, **person_fields):
    """A person of `org` covered by `request`, with L3 data that must never leave, and a current facility."""
    person = factories.PersonFactory(
        organisation=org,
        health_notes="Synthetic diabetes",
        child_protection_notes="Synthetic child-protection notes",
        medical_urgent=True,
        **person_fields,
    )
    factories.CustodyPeriodFactory(person=person, exact_location="Block 4, tent 12")
    factories.NationalityClaimFactory(person=person, country="FR")
    factories.ScreeningFactory(person=person)
    factories.RequestedPersonFactory(request=request, person=person)
    return person


def draft_for(org, authority, actor):
    return services.followup_draft_for(authority=authority, organisation_id=org.pk, actor=actor)


def listed_persons(draft) -> set[int]:
    return set(draft.items.values_list("requested_person__person_id", flat=True))


def render(draft):
    return selectors.followup_render(selectors.followup_letter(followup=draft, today=D))


def send_post(client, gov_request, draft_obj, digest=None):
    if digest is None:
        digest = render_digest(draft_obj)
    return client.post(
        page_url("request_followup_send", gov_request), {"followup": str(draft_obj.public_id), "digest": digest}
    )


def render_digest(draft_obj) -> str:
    return selectors.followup_render(selectors.followup_letter(followup=draft_obj)).digest


# Reads of the follow-up page: 1 session, 2 user, 3-4 permissions, 5 the request, 6 the open draft,
# 7 the last disclosure, 8 the policy, 9 the draft's rows with persons and requests (their claims and
# current facilities only when disclosed; the default policy discloses neither), 10 the persons the
# user may see, 11 whether the user sees every pending person (may refresh); then the session save
# (UPDATE + 2 transaction statements).
FOLLOWUP_READS = 11
