"""Reads for pages that combine several apps: the person page with its screenings, requests and timeline.

Terms: the *timeline* is one chronological list of everything recorded about a person (status changes,
custody, the journey to Syria and the entry into custody, screenings, return wishes and risks,
nationality claims, documents, DNA tests, assessments, request events and decisions; legal
proceedings, L3 as a whole, are not on it). Every selector starts from `visible_to(user)`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.core.models import AccessEvent
from casework.core.sensitivity import can_view_sensitive
from casework.govrequests.models import GovernmentRequest, HandoverOperation, RequestedPerson
from casework.legal.models import LegalProceeding
from casework.people.models import CustodyPeriod, FamilyLink, Person, PersonStatusChange
from casework.screenings.models import CustodyEntry, Screening


def person_detail_queryset(*, user: Any) -> QuerySet[Person]:
    """Persons the user may see, with every relation the detail page shows prefetched."""
    return (
        Person.objects.visible_to(user)
        .select_related("assigned_to", "household", "organisation", "journey")
        .prefetch_related(
            "aliases",
            Prefetch("family_links", queryset=FamilyLink.objects.select_related("relative").order_by("relation")),
            Prefetch(
                "custody_periods",
                queryset=CustodyPeriod.objects.select_related("facility", "section").order_by("-start_date"),
            ),
            Prefetch(
                "screenings",
                queryset=Screening.objects.select_related("authority", "facility"),
            ),
            Prefetch("custody_entries", queryset=CustodyEntry.objects.select_related("screening")),
            "nationality_claims",
            "documents",
            "dna_tests",
            "assessments",
            "return_assessments",
            Prefetch(
                "request_memberships",
                queryset=RequestedPerson.objects.select_related("request", "request__authority").order_by(
                    "-request__drafted_on"
                ),
            ),
            "request_memberships__request__events",
            Prefetch(
                "status_changes",
                queryset=PersonStatusChange.objects.select_related("actor").prefetch_related("cause"),
            ),
        )
    )


def legal_proceedings_of(*, person: Person, user: Any) -> list[LegalProceeding]:
    """The person's legal proceedings with their hearings and the court deadlines of a request under appeal.

    L3 as a whole: an empty list for users without the sensitive-data permission (no query).
    """
    if not can_view_sensitive(user):
        return []
    proceedings = list(
        LegalProceeding.objects.visible_to(user)
        .filter(person=person)
        .select_related("request")
        .prefetch_related("hearings", "request__events")
    )
    for proceeding in proceedings:
        # Already loaded: the audit of the L3 reading needs it, without a query per row.
        proceeding.person = person
        for hearing in proceeding.hearings.all():
            hearing.person = person
    return proceedings


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing that happened to a person. `sensitive` entries are only built for L3 readers."""

    day: date
    at: datetime | None
    kind: str
    title: str
    detail: str = ""
    sensitive: bool = False
    # What caused it, with a link: the request or handover that moved the case automatically.
    link_text: str = ""
    link_url: str = ""

    @property
    def sort_key(self) -> tuple[date, time]:
        return (self.day, timezone.localtime(self.at).time() if self.at else time.min)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _cause_link(cause: Any) -> tuple[str, str]:
    """(text, url) of what moved a case automatically: a request or a handover operation; ("", "") for a manual move."""
    if isinstance(cause, GovernmentRequest):
        return _("Moved by request %(reference)s") % {"reference": cause.reference}, cause.get_absolute_url()
    if isinstance(cause, HandoverOperation):
        date_text = date_format(cause.planned_on, "SHORT_DATE_FORMAT")
        return _("Moved by the handover of %(day)s") % {"day": date_text}, cause.get_absolute_url()
    return "", ""


def person_timeline(*, person: Person, user: Any) -> list[TimelineEntry]:
    """Everything recorded about the person, newest first.

    Reads the person's relations through `.all()`, so a person from `person_detail_queryset`
    costs no further query. L3 details (screening outcomes, DNA results) only appear for users
    with the sensitive-data permission.
    """
    sensitive = can_view_sensitive(user)
    entries = [
        TimelineEntry(
            day=_local_day(person.created_at), at=person.created_at, kind="registered", title=_("Case registered")
        )
    ]

    def add(day: date | None, kind: str, title: str, detail: str = "", **extra: Any) -> None:
        """An entry on `day`, at no recorded time; none where the day is not recorded."""
        if day:
            entries.append(TimelineEntry(day=day, at=None, kind=kind, title=title, detail=detail, **extra))

    for change in person.status_changes.all():
        link_text, link_url = _cause_link(change.cause)
        entries.append(
            TimelineEntry(
                day=_local_day(change.created_at),
                at=change.created_at,
                kind="status",
                title=_("Status: %(old)s → %(new)s")
                % {"old": change.get_old_status_display(), "new": change.get_new_status_display()},
                detail=change.note,
                link_text=link_text,
                link_url=link_url,
            )
        )
    for period in person.custody_periods.all():
        place = str(period.facility) + (f" – {period.section.name}" if period.section else "")
        add(
            period.start_date,
            "custody",
            _("Arrived at %(place)s") % {"place": place},
            period.get_transfer_reason_display(),
        )
        add(period.end_date, "custody", _("Left %(place)s") % {"place": place}, period.get_end_reason_display())
    for screening in person.screenings.all():
        outcome = screening.get_outcome_display() if sensitive else ""
        add(screening.screened_on, "screening", _("Screening"), outcome, sensitive=sensitive)
    journey = getattr(person, "journey", None)  # reverse one-to-one: None when not recorded
    if journey is not None:
        add(journey.travelled_on, "journey", _("Travelled to Syria"))
    for entry in person.custody_entries.all():
        title = _("Came into custody: %(event)s") % {"event": entry.get_event_display()}
        add(entry.occurred_on, "custody_entry", title, entry.get_population_category_display())
    for assessment in person.return_assessments.all():
        title = _("Return to %(state)s: wish and risk recorded") % {"state": assessment.country.name}
        add(
            assessment.assessed_on, "return", title, f"{assessment.get_wish_display()}; {assessment.get_risk_display()}"
        )
    for claim in person.nationality_claims.all():
        add(claim.claimed_on, "nationality", _("Nationality claimed: %(state)s") % {"state": claim.country.name})
        status = {"state": claim.country.name, "status": claim.get_status_display()}
        add(claim.status_changed_on, "nationality", _("Nationality %(state)s: %(status)s") % status)
    for document in person.documents.all():
        document_type = {"type": document.get_document_type_display()}
        add(document.seen_on, "document", _("Document seen: %(type)s") % document_type)
    for test in person.dna_tests.all():
        add(test.requested_on, "dna", _("DNA test requested"))
        add(test.sampled_on, "dna", _("DNA sample taken"))
        outcome = test.get_outcome_display() if sensitive else ""
        add(test.result_received_on, "dna", _("DNA result received"), outcome, sensitive=sensitive)
    for assessment in person.assessments.all():
        add(assessment.assessed_on, "assessment", assessment.get_kind_display())
    for membership in person.request_memberships.all():
        request = membership.request
        for event in request.events.all():
            names = {"reference": request.reference, "event": event.get_kind_display()}
            add(event.occurred_on, "request", _("Request %(reference)s: %(event)s") % names)
        decision = {"reference": request.reference, "decision": membership.get_decision_display()}
        add(membership.decided_on, "decision", _("Decision on request %(reference)s: %(decision)s") % decision)
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries


def person_access_events(*, person: Person, user: Any) -> QuerySet[AccessEvent]:
    """Everyone who was shown `person`, newest first.

    Scoped through the person (the caller looked it up with `visible_to`): every reader counts,
    superusers and readers of another organisation included, not only those of the user's organisation.
    """
    return AccessEvent.objects.for_person(person.pk).select_related("user").order_by("-at", "-pk")
