"""Records about a person: nationality claims, identity documents, DNA tests, screenings, assessments."""

from datetime import date, timedelta

from django_countries import countries

from casework.core.dates import anniversary
from casework.demo import data
from casework.demo.build.base import Draw
from casework.demo.plan import Member, Unit
from casework.demo.scenarios import (
    ADULT_DOCUMENT_WEIGHTS,
    CHILD_DOCUMENT_WEIGHTS,
    CLAIM_GROUP,
    CLAIM_STATUS_WEIGHTS,
    SECOND_CLAIM_STATUS_WEIGHTS,
    WESTERN,
)
from casework.govrequests.choices import ACCEPTED_DECISIONS, Decision
from casework.people.choices import (
    AssessmentKind,
    AssessmentOutcome,
    ClaimBasis,
    ClaimStatus,
    DnaOutcome,
    DocumentType,
    SeparationStatus,
    Sex,
)
from casework.people.models import (
    Assessment,
    DnaTest,
    IdentityDocument,
    NationalityClaim,
)
from casework.screenings.models import Screening


class Records(Draw):
    """Claims, documents, DNA tests, screenings and assessments of each member."""

    def _claims(self, unit: Unit, member: Member) -> None:
        scenario = unit.scenario
        if member.role == "father":
            group = "nationality"
        elif scenario.name in CLAIM_GROUP:
            group = CLAIM_GROUP[scenario.name]
        elif member.decision == Decision.REFUSED:
            group = "mother_refused"
        elif member.decision in ACCEPTED_DECISIONS:
            group = "confirmed"
        else:
            group = "pending"
        status = self._weighted(CLAIM_STATUS_WEIGHTS[group])
        claimed = min(self.today, unit.registration + self._days(0, 30))
        changed = None if status == ClaimStatus.CLAIMED else self._between(claimed, self.today)
        risk = status in (ClaimStatus.DEPRIVED, ClaimStatus.NOT_CONFIRMED) and self._chance(0.7)
        if member.is_child and member.person.country_of_birth == "SY" and self._chance(0.05):
            risk = True
        basis = (
            ClaimBasis.PARENT
            if member.is_child
            else self._weighted([(ClaimBasis.DOCUMENTS, 40), (ClaimBasis.DECLARATION, 60)])
        )
        self.plan.claims.append(
            NationalityClaim(
                person=member.person,
                country=unit.country.code,
                basis=basis,
                status=status,
                is_primary=True,
                statelessness_risk=risk,
                claimed_on=claimed,
                status_changed_on=changed,
            )
        )
        second = ""
        father_country = unit.father_country
        if member.is_child and father_country is not None and father_country.code != unit.country.code:
            second = father_country.code
        elif not member.is_child and unit.style in data.HERITAGE_NATIONALITY and self._chance(0.4):
            second = self.rng.choice(data.HERITAGE_NATIONALITY[unit.style])
        if second and second != unit.country.code:
            self.plan.claims.append(
                NationalityClaim(
                    person=member.person,
                    country=second,
                    basis=ClaimBasis.PARENT if member.is_child else ClaimBasis.DOCUMENTS,
                    status=self._weighted(SECOND_CLAIM_STATUS_WEIGHTS),
                    is_primary=False,
                    claimed_on=claimed,
                )
            )

    def _documents(self, unit: Unit, member: Member) -> None:
        rng, today = self.rng, self.today
        code = unit.country.code
        seen = min(today, unit.registration + self._days(0, 200))
        if self._chance(0.55 if not member.is_child else 0.3):
            kind = self._weighted(CHILD_DOCUMENT_WEIGHTS if member.is_child else ADULT_DOCUMENT_WEIGHTS)
            issued = self._between(max(member.born, date(2005, 1, 1)), min(seen, date(2016, 12, 31)))
            expires = None
            if kind in (DocumentType.PASSPORT, DocumentType.NATIONAL_ID):
                expires = issued + timedelta(days=(5 if member.is_child else 10) * 365)
                if self._chance(0.1):  # expiring soon: a reminder before a handover
                    expires = today + self._days(5, 45)
            number = ""
            if kind == DocumentType.PASSPORT:
                number = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(1000000, 9999999)}"
            elif kind == DocumentType.NATIONAL_ID:
                number = str(rng.randint(10**8, 10**12))
            elif kind in (DocumentType.BIRTH_CERTIFICATE, DocumentType.FAMILY_BOOK, DocumentType.MARRIAGE_CERTIFICATE):
                number = f"{rng.randint(1000, 999999)}/{issued.year}"
            issued_by = "" if kind == DocumentType.OTHER else code
            if kind == DocumentType.BIRTH_CERTIFICATE and member.person.country_of_birth == "SY":
                issued_by = "SY"
            self.plan.documents.append(
                IdentityDocument(
                    person=member.person,
                    document_type=kind,
                    number=number,
                    issuing_country=issued_by,
                    issued_on=None if kind == DocumentType.OTHER else issued,
                    expires_on=expires,
                    is_copy=self._chance(0.3),
                    seen_on=seen,
                    notes=data.DOCUMENT_NOTES.get(kind, ""),
                )
            )
        if member.on_handover and "operation" in unit.dates and self._chance(0.6):
            # Emergency travel document (or laissez-passer) issued for the handover; others travel on a passport.
            operation = unit.dates["operation"]
            issued = min(today, operation - self._days(5, 30))
            expires = operation + self._days(-10, 60) if operation > today else issued + self._days(30, 90)
            self.plan.documents.append(
                IdentityDocument(
                    person=member.person,
                    document_type=DocumentType.LAISSEZ_PASSER
                    if self._chance(0.2)
                    else DocumentType.EMERGENCY_TRAVEL_DOCUMENT,
                    number=f"ETD{rng.randint(100000, 999999)}",
                    issuing_country=code,
                    issued_on=issued,
                    expires_on=max(expires, issued),
                    seen_on=issued,
                )
            )
        # DNA tests, to prove the link between a child and a national parent.
        wants_dna = member.is_child and unit.scenario.name not in ("registered", "identity")
        if wants_dna and self._chance(0.08 if code == "IQ" else 0.3):
            requested = self._between(unit.registration + timedelta(days=30), today)
            sampled = requested + self._days(10, 90)
            sampled = sampled if sampled <= today and self._chance(0.8) else None
            received = sampled + self._days(20, 150) if sampled else None
            received = received if received and received <= today and self._chance(0.7) else None
            if self._chance(0.15) and unit.registration < today - timedelta(days=130):
                # Sampled about six weeks ago, no result yet: the 45-day reminder is about to fall due.
                requested, sampled, received = today - self._days(70, 120), today - self._days(38, 55), None
            outcome = DnaOutcome.PENDING
            if received:
                outcome = self._weighted(
                    [(DnaOutcome.MATCH, 85), (DnaOutcome.NO_MATCH, 5), (DnaOutcome.INCONCLUSIVE, 10)]
                )
            self.plan.dna_tests.append(
                DnaTest(
                    person=member.person,
                    requested_by=f"Ministry of Foreign Affairs ({countries.name(code)})",
                    requesting_country=code,
                    compared_with=rng.choice(data.DNA_COMPARED_WITH),
                    laboratory=rng.choice(data.DNA_LABORATORIES),
                    requested_on=requested,
                    sampled_on=sampled,
                    result_received_on=received,
                    outcome=outcome,
                )
            )

    def _screenings(self, unit: Unit, member: Member) -> None:
        """Adults are screened when they come out, some again later; boys when they are separated."""
        if member.is_child and not (member.person.sex == Sex.MALE and anniversary(member.born, 12) < self.today):
            return
        if member.is_child:
            outcomes = [("separated", 70), ("cleared", 20), ("referred", 10)]
            first = max(unit.arrival, anniversary(member.born, 12))
        elif member.person.sex == Sex.MALE:
            outcomes = [("detained", 60), ("referred", 20), ("cleared", 10), ("pending", 10)]
            first = unit.arrival
        else:
            outcomes = [("cleared", 65), ("referred", 20), ("pending", 10), ("detained", 5)]
            first = unit.arrival
        days = [min(self.today, first + self._days(0, 10))]
        if self._chance(0.4):
            days.append(self._between(days[0] + timedelta(days=60), self.today))
        for day in days:
            at_al_hol = self._chance(0.6)
            outcome = self._weighted(outcomes)
            authority = self.aanes
            if at_al_hol and day >= data.AL_HOL_HANDOVER:
                authority = self.syrian_government
            self.plan.screenings.append(
                Screening(
                    person=member.person,
                    screened_on=day,
                    authority=authority,
                    screened_by=self.rng.choice(data.SCREENED_BY[authority.name]),
                    facility=self.facility[data.AL_HOL] if at_al_hol else None,
                    location="" if at_al_hol else self.rng.choice(data.SCREENING_PLACES),
                    outcome=outcome,
                    findings=data.SCREENING_FINDINGS[outcome],
                    recorded_by=unit.assignee,
                )
            )

    def _assessments(self, unit: Unit, member: Member) -> None:
        person = member.person

        def add(kind: str, findings_key: str = "", **extra) -> None:
            assessed = min(self.today, unit.registration + self._days(10, 400))
            valid_until = assessed + timedelta(days=365) if kind in ("bia", "bid") else None
            if kind == AssessmentKind.BID:
                # The stock BID finding: return is in the child's best interests.
                extra.setdefault("outcome", AssessmentOutcome.RETURN_WITHOUT_PARENT)
            self.plan.assessments.append(
                Assessment(
                    person=person,
                    kind=kind,
                    assessed_on=assessed,
                    assessed_by=data.ASSESSORS[kind],
                    valid_until=valid_until,
                    findings=data.ASSESSMENT_FINDINGS[findings_key or kind],
                    **extra,
                )
            )

        if person.separation_status != SeparationStatus.NONE:
            add(AssessmentKind.BIA)
            if self._chance(0.4):
                add(AssessmentKind.BID)
        elif member.is_child and unit.scenario.name in ("partially_accepted", "children_only") and self._chance(0.5):
            add(AssessmentKind.BIA)
        if member.role == "adult" and unit.scenario.name in ("partially_accepted", "children_only"):
            consent = unit.scenario.name == "children_only" or self._chance(0.7)
            add(AssessmentKind.CONSENT, "consent" if consent else "consent_refused", consent_given=consent)
        if person.medical_urgent or (person.has_medical_condition and self._chance(0.5)):
            add(AssessmentKind.MEDICAL)
        if member.role == "adult" and person.sex == Sex.FEMALE and len(unit.members) >= 4 and self._chance(0.2):
            add(AssessmentKind.VULNERABILITY)
        if member.role == "adult" and unit.country.code in WESTERN and self._chance(0.1):
            add(AssessmentKind.LEGAL_REPRESENTATION, legal_representative=self.rng.choice(data.LAWYERS))
