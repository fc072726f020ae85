"""Case statuses: the final status of each member and the dated path that led there."""

from datetime import date, timedelta

from casework.demo import data
from casework.demo.build.base import Draw
from casework.demo.plan import Member, Unit
from casework.demo.scenarios import CLOSURE_CUM, CS, DECISIONS, LEFT_CUSTODY, OTHER_CLOSURES
from casework.govrequests.choices import Decision
from casework.govrequests.choices import RequestStatus as RS
from casework.people.choices import (
    ClosureReason,
    TransferReason,
)
from casework.people.models import PersonStatusChange


class Cases(Draw):
    """Status paths and case-status history."""

    def _statuses(self, unit: Unit) -> None:
        """Final case status, decision and status path of every member, anchored to the request's dates."""
        scenario = unit.scenario
        left_behind = None
        if scenario.name == "partially_completed":
            candidates = [m for m in unit.members if m.role == "child"] or [
                m for m in unit.members if m.role == "adult"
            ]
            left_behind = candidates[0]
        closure = ""
        if scenario.name == "closed_other":
            closure = self.rng.choices(OTHER_CLOSURES, cum_weights=CLOSURE_CUM)[0]
        for member in unit.members:
            if member.role == "father":
                member.status = self.rng.choice([CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION, CS.ON_HOLD])
                member.path = self._early_path(unit, member.status)
                member.on_handover = False
                continue
            adult = member.role == "adult"
            member.status = scenario.adult if adult else scenario.child
            member.decision = scenario.decision_adult if adult else scenario.decision_child
            if member is left_behind:
                member.status, member.on_handover = CS.ACCEPTED, False
            if member.decision in (Decision.REFUSED, Decision.PENDING, Decision.NO_ANSWER):
                member.on_handover = False
            # Members in the same situation move together: one path (and dates) for all of them.
            key = (member.status, member.decision, member.on_handover)
            if key not in unit.paths:
                unit.paths[key] = (self._status_path(unit, member, closure), member.exit_date, member.exit_reason)
            member.path, member.exit_date, member.exit_reason = unit.paths[key]
            if member.status == CS.CLOSED:
                member.person.closure_reason = closure or ClosureReason.REPATRIATED

    def _early_path(self, unit: Unit, final: str) -> list[tuple[str, date]]:
        steps = {
            CS.REGISTERED: [],
            CS.IDENTITY_IN_PROGRESS: [CS.IDENTITY_IN_PROGRESS],
            CS.NATIONALITY_VERIFICATION: [CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION],
            CS.ASSESSMENT: [CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION, CS.ASSESSMENT],
            CS.READY_FOR_REQUEST: [CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION, CS.READY_FOR_REQUEST],
        }
        if final in steps:
            path = list(steps[final])
        else:  # on hold or closed from an early stage
            path = [*[CS.IDENTITY_IN_PROGRESS, CS.NATIONALITY_VERIFICATION][: self.rng.randint(0, 2)], final]
        if CS.READY_FOR_REQUEST in path and self._chance(0.5):
            path.insert(path.index(CS.READY_FOR_REQUEST), CS.ASSESSMENT)
        return self._spread(unit.registration, [(s, None) for s in path], self.today)

    def _status_path(self, unit: Unit, member: Member, closure: str) -> list[tuple[str, date]]:
        scenario, dates = unit.scenario, unit.dates
        if scenario.request is None:
            return self._early_path(unit, member.status)
        first = self._between(unit.registration, dates["drafted"] - timedelta(days=1))
        steps: list[tuple[str, date | None]] = [
            (CS.IDENTITY_IN_PROGRESS, None),
            (CS.NATIONALITY_VERIFICATION, None),
        ]
        if self._chance(0.5):
            steps.append((CS.ASSESSMENT, None))
        steps.append((CS.READY_FOR_REQUEST, max(first, dates["drafted"] - self._days(0, 10))))
        if scenario.name == "draft":
            return self._spread(unit.registration, steps, self.today)
        steps.append((CS.REQUEST_PENDING, dates[RS.SUBMITTED]))
        decided = next((day for status, day in dates["statuses"] if status in DECISIONS), None)
        refused = member.decision == Decision.REFUSED
        name = scenario.name
        if name == "lapsed":
            steps.append((CS.READY_FOR_REQUEST, dates[RS.LAPSED]))
        elif name == "withdrawn":
            steps.append((CS.ON_HOLD, dates[RS.WITHDRAWN]))
        elif decided is not None:
            steps.append((CS.REFUSED if refused else CS.ACCEPTED, decided))
            if name == "review_requested":
                steps.append((CS.REQUEST_PENDING, dates[RS.REVIEW_REQUESTED]))
            elif not refused and RS.OPERATION_PLANNED in dates:
                steps.append((CS.HANDOVER_SCHEDULED, dates[RS.OPERATION_PLANNED]))
                if "cancelled_operation" in dates:
                    steps.append((CS.ACCEPTED, dates["cancelled_operation"]))
                elif member.status == CS.ACCEPTED:  # left behind on a partially completed handover
                    steps.append((CS.ACCEPTED, dates["operation"]))
                elif name != "operation_planned":
                    operation = dates["operation"]
                    steps.append((CS.HANDED_OVER, operation))
                    member.exit_date, member.exit_reason = operation, TransferReason.HANDOVER
                    if member.status in (CS.REPATRIATED, CS.CLOSED):
                        arrived = min(self.today, operation + self._days(1, 5))
                        steps.append((CS.REPATRIATED, arrived))
                        if member.status == CS.CLOSED:
                            steps.append((CS.CLOSED, min(self.today, arrived + self._days(30, 300))))
        return self._spread(unit.registration, steps, self.today)

    def _spread(self, start: date, steps: list[tuple[str, date | None]], end: date) -> list[tuple[str, date]]:
        """Fill in the dates of steps that have none, evenly between their dated neighbours."""
        result: list[tuple[str, date]] = []
        previous = start
        pending: list[str] = []
        for status, day in [*steps, ("", None)]:
            if day is None and status:
                pending.append(status)
                continue
            if not status:  # end of the path: undated steps end somewhere before today
                if not pending:
                    break
                day = self._between(previous + timedelta(days=7 * len(pending)), end)
            day = max(day, previous)
            gap = (day - previous).days
            for n, waiting in enumerate(pending, start=1):
                result.append((waiting, previous + timedelta(days=gap * n // (len(pending) + 1))))
            pending = []
            if status:
                result.append((status, day))
            previous = day
        return [(status, min(day, end)) for status, day in result]

    def _case_history(self, unit: Unit, member: Member) -> None:
        person = member.person
        path = member.path
        if member.role != "father" and path:
            member.status = path[-1][0]
        person.status = member.status if path else CS.REGISTERED
        registered_at = self._at(unit.registration)
        person.created_at = registered_at
        old = CS.REGISTERED
        last_day, last_at = unit.registration, registered_at
        for status, day in path:
            note = ""
            if status == CS.ON_HOLD:
                note = self.rng.choice(data.ON_HOLD_NOTES)
            elif status == CS.CLOSED:
                if not person.closure_reason:
                    person.closure_reason = self.rng.choice(OTHER_CLOSURES)
                note = data.CLOSURE_NOTES[person.closure_reason]
            last_at = max(self._at(day), last_at + timedelta(minutes=1))  # two steps on one day stay in order
            self.plan.person_status_changes.append(
                PersonStatusChange(
                    person=person,
                    old_status=old,
                    new_status=status,
                    actor=unit.assignee,
                    note=note,
                    created_at=last_at,
                )
            )
            old, last_day = status, day
        person.status_changed_at = last_at
        # Some cases were touched since; others have been idle for months (inactivity reminders).
        touched = self._between(last_day, min(self.today, last_day + timedelta(days=120)))
        person.updated_at = max(person.status_changed_at, self._at(touched))
        if person.status == CS.CLOSED:
            reason = person.closure_reason
            if reason == ClosureReason.DECEASED:
                person.date_of_death = max(unit.registration, last_day - self._days(0, 10))
                member.exit_date, member.exit_reason = person.date_of_death, TransferReason.OTHER
            elif reason == ClosureReason.LOST_CONTACT:
                person.whereabouts_unknown = True
            elif reason in LEFT_CUSTODY:
                member.exit_date, member.exit_reason = last_day, TransferReason.OTHER
        elif self._chance(0.004):
            person.whereabouts_unknown = True
