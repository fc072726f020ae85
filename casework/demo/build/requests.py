"""Government requests: their dates, persons, status history, events, and handover operations."""

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta

from django_countries import countries

from casework.demo import data
from casework.demo.build.base import Draw
from casework.demo.plan import DEMO_DOCUMENT, Member, Unit
from casework.demo.scenarios import CHANNEL_WEIGHTS, DECISIONS, FIRST_REQUEST, SENT, Scenario
from casework.govrequests import models as govrequests
from casework.govrequests.choices import ACCEPTED_DECISIONS, Decision, EventKind, HandoverStatus
from casework.govrequests.choices import RequestStatus as RS
from casework.govrequests.clock import CLOCK_EVENT_KINDS, clock_dates
from casework.govrequests.models.periods import DEFAULT_ACKNOWLEDGEMENT_DAYS, DEFAULT_DECISION_DAYS


class Requests(Draw):
    """Request dates, requests, events and handovers."""

    # --- Dates of requests ------------------------------------------------------------------------
    # Days between a request's previous status and the given one.
    _GAPS: dict[str, tuple[int, int]] = {
        RS.SUBMITTED: (1, 20),
        RS.ACKNOWLEDGED: (5, 30),
        RS.UNDER_REVIEW: (3, 30),
        RS.INFORMATION_REQUESTED: (10, 60),
        RS.NO_RESPONSE: (90, 120),
        RS.ACCEPTED: (20, 150),
        RS.PARTIALLY_ACCEPTED: (20, 150),
        RS.REFUSED: (20, 150),
        RS.REVIEW_REQUESTED: (5, 25),
        RS.OPERATION_PLANNED: (3, 12),
        RS.COMPLETED: (10, 60),
        RS.PARTIALLY_COMPLETED: (10, 60),
        RS.WITHDRAWN: (20, 300),
        RS.LAPSED: (60, 200),
    }

    def _path_dates(self, path: tuple[str, ...], last: date) -> list[date]:
        """Dates of drafting and of each status of `path`, counted back from the last one."""
        dates = [last]
        for status in reversed(path):
            dates.append(dates[-1] - self._days(*self._GAPS[status]))
        dates.reverse()  # [drafted, path[0], path[1], ...]
        if dates[0] < FIRST_REQUEST:
            shift = FIRST_REQUEST - dates[0]
            dates = [d + shift for d in dates]
        return dates

    def _request_dates(self, scenario: Scenario) -> dict:
        path = scenario.request or ()
        last = self.today - self._days(*scenario.window)
        dates = self._path_dates(path, last)
        result = {"drafted": dates[0], "statuses": list(zip(path, dates[1:], strict=True))}
        for status, day in result["statuses"]:
            result.setdefault(status, day)
        if RS.INFORMATION_REQUESTED in path:
            result["information_due"] = result[RS.INFORMATION_REQUESTED] + timedelta(days=30)
        if RS.REVIEW_REQUESTED in path:
            result["court_set"] = self._between(result[RS.REVIEW_REQUESTED], self.today)
            result["court_due"] = self.today + self._days(1, 60)
        if scenario.name == "operation_planned":
            result["operation"] = self.today + self._days(5, 60)
        elif RS.COMPLETED in path or RS.PARTIALLY_COMPLETED in path:
            result["operation"] = dates[-1]
        elif (
            scenario.name == "accepted" and result[RS.ACCEPTED] <= self.today - timedelta(days=30) and self._chance(0.3)
        ):
            # A handover was planned, then cancelled: the request went back to "accepted".
            scheduled = result[RS.ACCEPTED] + self._days(3, 12)
            cancelled = self._between(scheduled + timedelta(days=5), self.today)
            result["statuses"] += [(RS.OPERATION_PLANNED, scheduled), (RS.ACCEPTED, cancelled)]
            result[RS.OPERATION_PLANNED] = scheduled
            result["cancelled_operation"] = cancelled
        return result

    def _earlier_request_dates(self, before: date) -> dict | None:
        """A request to the same State that went nowhere, before the current one."""
        end = before - timedelta(days=30)
        if (end - FIRST_REQUEST).days < 400:
            return None
        outcome = self.rng.choice(
            [
                (RS.SUBMITTED, RS.NO_RESPONSE, RS.LAPSED),
                (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.WITHDRAWN),
                (*SENT, RS.REFUSED),
            ]
        )
        dates = self._path_dates(outcome, self._between(FIRST_REQUEST + timedelta(days=400), end))
        result = {"drafted": dates[0], "statuses": list(zip(outcome, dates[1:], strict=True))}
        for status, day in result["statuses"]:
            result.setdefault(status, day)
        return result

    def _requests(self, unit: Unit) -> None:
        covered = [m for m in unit.members if m.role != "father"]
        if unit.earlier:
            earlier = unit.earlier
            final = earlier["statuses"][-1][0]
            decision = {RS.LAPSED: Decision.NO_ANSWER, RS.REFUSED: Decision.REFUSED}.get(final, Decision.PENDING)
            self._request(unit, earlier, covered, lambda m, d=decision: d)
        request = self._request(unit, unit.dates, covered, lambda m: m.decision)
        dates = unit.dates
        if "operation" in dates or "cancelled_operation" in dates:
            self._handover(unit, request, covered)

    def _request(
        self, unit: Unit, dates: dict, covered: list[Member], decision_of: Callable
    ) -> govrequests.GovernmentRequest:
        org, code = unit.org, unit.country.code
        statuses: list[tuple[str, date]] = dates["statuses"]
        status = statuses[-1][0] if statuses else RS.DRAFT
        self.request_seq[org.code] += 1
        authorities = self.state_authorities[code]
        submitted = dates.get(RS.SUBMITTED)
        acknowledged = dates.get(RS.ACKNOWLEDGED)
        decided = next((day for s, day in statuses if s in DECISIONS), None)
        partial = any(s == RS.PARTIALLY_ACCEPTED for s, _day in statuses)
        drafted = dates["drafted"]
        created = self._at(drafted)
        request = govrequests.GovernmentRequest(
            organisation=org,
            reference=f"REQ-{drafted.year}-{self.request_seq[org.code]:06d}",
            authority=authorities[0] if len(authorities) == 1 or self._chance(0.7) else authorities[1],
            channel=self._weighted(CHANNEL_WEIGHTS),
            status=status,
            status_changed_at=created,
            drafted_on=drafted,
            submitted_on=submitted,
            acknowledged_on=acknowledged,
            decided_on=decided,
            notes=f"Covers household {unit.household.reference}." if unit.household else "",
            created_by=unit.assignee,
            created_at=created,
            updated_at=created,
        )
        self.plan.requests.append(request)
        for member in covered:
            decision = decision_of(member)
            answered = decision in (Decision.ACCEPTED, Decision.REFUSED, Decision.PARTIALLY_ACCEPTED)
            note = (
                "Children accepted; the mother's case is refused." if partial and decision == Decision.REFUSED else ""
            )
            self.plan.requested_persons.append(
                govrequests.RequestedPerson(
                    request=request,
                    person=member.person,
                    decision=decision,
                    decided_on=decided if answered else None,
                    decision_note=note,
                )
            )
        old, at = RS.DRAFT, request.created_at
        for new, day in statuses:
            at = max(self._at(day), at + timedelta(minutes=1))
            self.plan.request_status_changes.append(
                govrequests.RequestStatusChange(
                    request=request, old_status=old, new_status=new, actor=unit.assignee, created_at=at
                )
            )
            old = new
        request.status_changed_at = request.updated_at = at
        first_event = len(self.plan.request_events)
        self._events(unit, request, dates, statuses, decided)
        # The deadline clock, as `services.clock.request_clock_refresh` stores it (default answer periods):
        # requests waiting for information show a paused clock.
        events = sorted(self.plan.request_events[first_event:], key=lambda e: e.occurred_on)
        clock = clock_dates(
            submitted_on=submitted,
            acknowledged_on=acknowledged,
            events=[(e.kind, e.occurred_on, e.due_on) for e in events if e.kind in CLOCK_EVENT_KINDS],
            acknowledgement_days=DEFAULT_ACKNOWLEDGEMENT_DAYS,
            decision_days=DEFAULT_DECISION_DAYS,
        )
        for name, value in asdict(clock).items():
            setattr(request, name, value)
        return request

    def _events(
        self, unit: Unit, request: govrequests.GovernmentRequest, dates: dict, statuses: list, decided: date | None
    ) -> None:
        def event(kind: str, day: date, due: date | None = None, text: str = "") -> None:
            at = self._at(day)
            self.plan.request_events.append(
                govrequests.RequestEvent(
                    request=request,
                    kind=kind,
                    occurred_on=day,
                    due_on=due,
                    description=text or data.EVENT_TEXTS[kind],
                    created_by=unit.assignee,
                    created_at=at,
                    updated_at=at,
                )
            )

        status = statuses[-1][0] if statuses else RS.DRAFT
        if RS.SUBMITTED in dates:
            event(EventKind.SUBMITTED, dates[RS.SUBMITTED])
        if RS.ACKNOWLEDGED in dates:
            event(EventKind.ACKNOWLEDGED, dates[RS.ACKNOWLEDGED])
        if RS.INFORMATION_REQUESTED in dates:
            event(EventKind.INFORMATION_REQUESTED, dates[RS.INFORMATION_REQUESTED], dates["information_due"])
        if status in (RS.SUBMITTED, RS.ACKNOWLEDGED, RS.UNDER_REVIEW, RS.NO_RESPONSE, RS.LAPSED):
            # One follow-up a month while the State does not answer, at most three.
            day = statuses[0][1] + timedelta(days=30)
            for _ in range(3):
                if day >= self.today:
                    break
                event(EventKind.FOLLOW_UP, day)
                day += timedelta(days=30)
        if decided is not None:
            outcome = next(s for s, _d in statuses if s in DECISIONS)
            text = {
                RS.ACCEPTED: "Decision received: all persons accepted.",
                RS.PARTIALLY_ACCEPTED: "Decision received: the children are accepted, the mother is refused.",
                RS.REFUSED: "Decision received: refused.",
            }[outcome]
            event(EventKind.ANSWER, decided, text=text)
        if RS.REVIEW_REQUESTED in dates:
            event(EventKind.APPEAL, dates[RS.REVIEW_REQUESTED], dates["court_due"])
            event(EventKind.COURT_DEADLINE, dates["court_set"], dates["court_due"])
        if RS.OPERATION_PLANNED in dates:
            event(EventKind.NOTE, dates[RS.OPERATION_PLANNED])
        if RS.WITHDRAWN in dates:
            event(EventKind.NOTE, dates[RS.WITHDRAWN], text="Request withdrawn at the family's wish.")

    def _handover(self, unit: Unit, request: govrequests.GovernmentRequest, covered: list[Member]) -> None:
        dates, code = unit.dates, unit.country.code
        if "cancelled_operation" in dates:
            status, planned = HandoverStatus.CANCELLED, dates["cancelled_operation"]
        elif unit.scenario.name == "operation_planned":
            status, planned = HandoverStatus.PLANNED, dates["operation"]
        else:
            status, planned = HandoverStatus.COMPLETED, dates["operation"]
        places = data.HANDOVER_PLACES
        operation = govrequests.HandoverOperation(
            organisation=unit.org,
            request=request,
            receiving_country=code,
            planned_on=planned,
            place=places["IQ"] if code == "IQ" else self.rng.choice(places["default"]),
            receiving_delegation=f"Delegation of the Ministry of Foreign Affairs ({countries.name(code)})",
            status=status,
            handover_document=DEMO_DOCUMENT if status == HandoverStatus.COMPLETED else "",
            document_signed_on=planned if status == HandoverStatus.COMPLETED else None,
            notes="Operation cancelled; a new date is to be agreed." if status == HandoverStatus.CANCELLED else "",
        )
        self.plan.handovers.append(operation)
        for member in covered:
            if member.decision not in ACCEPTED_DECISIONS:
                continue
            handed = status == HandoverStatus.COMPLETED and member.on_handover
            self.plan.handover_persons.append(
                govrequests.HandoverPerson(operation=operation, person=member.person, handed_over=handed)
            )
