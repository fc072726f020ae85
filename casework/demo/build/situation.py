"""What the situation needs recorded: entry into custody, journey to Syria, return wish and risk, legal
proceedings and hearings, and the children born in the camps without a birth registration.

Drawn from their own random source (`situation_rng`), so that adding them did not change any other
draw of the demo: the same seed still gives the same persons, names and requests.
"""

from datetime import date, timedelta

from casework.demo import data
from casework.demo.build.base import Draw
from casework.demo.plan import Member, Unit
from casework.demo.scenarios import WESTERN
from casework.legal.choices import ProceedingKind, ProceedingOutcome
from casework.legal.models import Hearing, LegalProceeding
from casework.people.choices import DatePrecision, ReturnRisk, ReturnWish, Sex
from casework.people.models import JourneyToSyria, ReturnAssessment
from casework.screenings.models import CustodyEntry

ENTRY_EVENTS = [
    (CustodyEntry.Event.SURRENDER, 55),
    (CustodyEntry.Event.EVACUATION, 20),
    (CustodyEntry.Event.ESCAPE, 15),
    (CustodyEntry.Event.CAPTURE, 10),
]
ENTRY_PLACES = ["Baghuz", "Hajin", "Susah", "al-Shafah"]
TRAVELLED_WITH = ["Husband", "Parents", "Alone", "Sister and her husband", "Friends"]
WISHES = [
    (ReturnWish.WISHES_TO_RETURN, 70),
    (ReturnWish.UNDECIDED, 12),
    (ReturnWish.DOES_NOT_WISH, 8),
    (ReturnWish.NOT_ASKED, 10),
]
RISK_GROUNDS = {
    ReturnRisk.RISK: "Prosecution on return with a risk of an unfair trial (demo).",
    ReturnRisk.HIGH_RISK: "Death penalty possible for the charges on return (demo).",
}


class Situation(Draw):
    """Entry into custody, journey, return wish and risk, legal proceedings of each member."""

    def _situation(self, unit: Unit, member: Member) -> None:
        rng = self.situation_rng
        person = member.person
        born_in_custody = member.is_child and person.country_of_birth == "SY" and member.born >= unit.arrival
        if born_in_custody:
            # Most children born in the camps have no civil registration anywhere.
            person.birth_unregistered = rng.random() < 0.7
            event, day, place = CustodyEntry.Event.BORN_IN_CUSTODY, member.born, ""
        else:
            event = rng.choices([e for e, _w in ENTRY_EVENTS], weights=[w for _e, w in ENTRY_EVENTS])[0]
            day, place = unit.arrival - timedelta(days=rng.randint(0, 10)), rng.choice(ENTRY_PLACES)
        # The member's screenings were drawn just before (at most two): the first is the one at entry.
        screening = next((s for s in self.plan.screenings[-2:] if s.person is person), None)
        category = CustodyEntry.PopulationCategory.IRAQI if unit.country.code == "IQ" else None
        self.plan.custody_entries.append(
            CustodyEntry(
                person=person,
                event=event,
                occurred_on=day,
                place=place,
                screening_point="" if born_in_custody else rng.choice(data.SCREENING_PLACES),
                population_category=category or CustodyEntry.PopulationCategory.THIRD_COUNTRY_NATIONAL,
                screening=screening,
            )
        )
        if not born_in_custody and person.country_of_birth != "SY":
            self._journey(unit, member)
        if rng.random() < 0.5:
            self._return_assessment(unit, member)
        if not member.is_child:
            self._proceedings(unit, member)

    def _journey(self, unit: Unit, member: Member) -> None:
        rng = self.situation_rng
        travelled = date(2013, 6, 1) + timedelta(days=rng.randint(0, 3 * 365))
        travelled = max(travelled, member.born)
        age = (travelled - member.born).days // 365
        self.plan.journeys.append(
            JourneyToSyria(
                person=member.person,
                travelled_on=travelled.replace(day=1),
                travel_date_precision=DatePrecision.MONTH,
                travelled_from=unit.country.code,
                travelled_with="Mother" if member.is_child else rng.choice(TRAVELLED_WITH),
                minor_indicator=age < 18,
                coercion_indicator=not member.is_child and rng.random() < 0.15,
                trafficking_indicator=not member.is_child and member.person.sex == Sex.FEMALE and rng.random() < 0.05,
                indicator_notes="Says she was promised a marriage and a home (demo)." if age < 18 else "",
            )
        )

    def _return_assessment(self, unit: Unit, member: Member) -> None:
        rng = self.situation_rng
        young = member.is_child and member.born > self.today - timedelta(days=10 * 365)
        wish = ReturnWish.CANNOT_EXPRESS if young else rng.choices(*zip(*WISHES, strict=True))[0]
        if member.is_child:
            risk = ReturnRisk.NO_REAL_RISK
        elif unit.country.code == "IQ":
            risk = rng.choices([ReturnRisk.HIGH_RISK, ReturnRisk.RISK, ReturnRisk.NOT_ASSESSED], [40, 30, 30])[0]
        else:
            risk = rng.choices([ReturnRisk.NO_REAL_RISK, ReturnRisk.RISK, ReturnRisk.NOT_ASSESSED], [50, 15, 35])[0]
        self.plan.return_assessments.append(
            ReturnAssessment(
                person=member.person,
                country=unit.country.code,
                assessed_on=min(self.today, unit.registration + timedelta(days=rng.randint(20, 300))),
                wish=wish,
                wish_expressed_by="Mother" if young else "",
                risk=risk,
                risk_grounds=RISK_GROUNDS.get(risk, ""),
                assessed_by="Protection officer (demo)",
            )
        )

    def _proceedings(self, unit: Unit, member: Member) -> None:
        rng = self.situation_rng
        code = unit.country.code
        if code in WESTERN and rng.random() < 0.3:
            kind, authority = ProceedingKind.WARRANT, "Investigating judge, counter-terrorism unit (demo)"
        elif code == "IQ" and member.person.sex == Sex.MALE and rng.random() < 0.5:
            kind, authority = ProceedingKind.TRIAL_ELSEWHERE, "Central Criminal Court, Baghdad (demo)"
        else:
            return
        proceeding = LegalProceeding(
            person=member.person,
            kind=kind,
            country=code,
            authority=authority,
            reference=f"DEMO-{rng.randint(1000, 9999)}/{rng.randint(17, 24)}",
            opened_on=date(2017, 1, 1) + timedelta(days=rng.randint(0, 4 * 365)),
            outcome=ProceedingOutcome.PENDING,
        )
        self.plan.legal_proceedings.append(proceeding)
        if rng.random() < 0.4:
            # Some hearings soon: their reminders show on the home page.
            self.plan.hearings.append(
                Hearing(
                    person=member.person,
                    proceeding=proceeding,
                    hearing_on=self.today + timedelta(days=rng.randint(2, 45)),
                    court=authority,
                    purpose=rng.choice(["First hearing", "Hearing in absentia", "Review of the warrant"]),
                )
            )

    def _appeals(self, unit: Unit) -> None:
        """An appeal against a refusal, for a request with a court deadline: the deadline joins the proceeding."""
        if "court_due" not in unit.dates or not self.plan.requests:
            return
        request = self.plan.requests[-1]
        covered = []
        for row in reversed(self.plan.requested_persons):  # the request's rows were the last appended
            if row.request is not request:
                break
            covered.append(row.person)
        for member in unit.members:
            if member.person in covered and not member.is_child:
                self.plan.legal_proceedings.append(
                    LegalProceeding(
                        person=member.person,
                        kind=ProceedingKind.APPEAL,
                        country=unit.country.code,
                        authority="Administrative court (demo)",
                        opened_on=min(self.today, unit.dates["court_set"]),
                        request=request,
                    )
                )
                return
