"""Controlling authorities, facilities and sections; where each person was held."""

from datetime import date, timedelta
from decimal import Decimal

from casework.camps.models import ControllingAuthority, Facility, FacilityControlPeriod, FacilitySection
from casework.core.dates import anniversary
from casework.demo import data
from casework.demo.build.base import Draw
from casework.demo.data import Country
from casework.demo.plan import Member, Unit
from casework.demo.scenarios import WESTERN
from casework.people.choices import (
    Sex,
    TransferReason,
)
from casework.people.models import CustodyPeriod


class Camps(Draw):
    """Reference facilities, placement of a unit and the custody periods of each person."""

    def _reference_data(self) -> None:
        plan = self.plan
        authority = {}
        for name, short in data.CONTROLLING_AUTHORITIES:
            authority[name] = ControllingAuthority(name=name, short_name=short)
            plan.controlling_authorities.append(authority[name])
        self.aanes = authority[data.AANES]
        self.syrian_government = authority[data.SYRIAN_GOVERNMENT]
        self.facility: dict[str, Facility] = {}
        self.sections: dict[str, list[FacilitySection]] = {}
        for name, name_ar, kind, location, lat, lon, sections in data.FACILITIES:
            facility = Facility(
                name=name,
                name_ar=name_ar,
                kind=kind,
                governorate="Hasakah",
                location=location,
                latitude=Decimal(lat) if lat else None,
                longitude=Decimal(lon) if lon else None,
            )
            self.facility[name] = facility
            plan.facilities.append(facility)
            self.sections[name] = [FacilitySection(facility=facility, name=s, kind=k) for s, k in sections]
            plan.sections.extend(self.sections[name])
            if name == data.AL_HOL:
                plan.control_periods += [
                    FacilityControlPeriod(
                        facility=facility,
                        authority=self.aanes,
                        start_date=data.CONTROL_SINCE,
                        end_date=data.AL_HOL_HANDOVER - timedelta(days=1),
                    ),
                    FacilityControlPeriod(
                        facility=facility, authority=self.syrian_government, start_date=data.AL_HOL_HANDOVER
                    ),
                ]
            else:
                plan.control_periods.append(
                    FacilityControlPeriod(facility=facility, authority=self.aanes, start_date=data.CONTROL_SINCE)
                )
        self.al_hol_phases = [s for s in self.sections[data.AL_HOL] if s.kind == FacilitySection.Kind.PHASE]
        self.annex = next(s for s in self.sections[data.AL_HOL] if s.kind == FacilitySection.Kind.ANNEX)

    def _placement(self, country: Country) -> tuple[Facility, FacilitySection | None]:
        """Where a woman and her children are held: Iraqis in the main phases of al-Hol, other foreigners in
        the Annex, many Westerners in Roj."""
        if country.code == "IQ":
            return self.facility[data.AL_HOL], self.rng.choice(self.al_hol_phases)
        roj_share = 0.6 if country.code in WESTERN else 0.25
        if self._chance(roj_share):
            return self.facility[data.ROJ], self.rng.choice(self.sections[data.ROJ])
        return self.facility[data.AL_HOL], self.annex

    def _family_stays(self, unit: Unit) -> list[tuple]:
        """Where the unit lived since it arrived: (facility, section, from, reason, block and tent), shared
        by the mother and her children."""
        if unit.stays is not None:
            return unit.stays
        facility, section = unit.placement
        start = unit.arrival
        stays = []
        if facility.name == data.ROJ and unit.country.code in WESTERN and self._chance(0.4):
            # Many foreigners were moved from the al-Hol Annex to Roj.
            moved = self._between(date(2021, 1, 1), date(2023, 6, 30))
            if moved > start:
                stays.append((self.facility[data.AL_HOL], self.annex, start, TransferReason.INITIAL))
                stays.append((facility, section, moved, TransferReason.TRANSFER))
        elif facility.name == data.AL_HOL and section is not self.annex and self._chance(0.12):
            moved = self._between(start + timedelta(days=60), self.today - timedelta(days=30))
            if moved > start:
                stays.append((facility, self.rng.choice(self.al_hol_phases), start, TransferReason.INITIAL))
                stays.append((facility, section, moved, TransferReason.SECURITY))
        if not stays:
            stays.append((facility, section, start, TransferReason.INITIAL))
        unit.stays = [(*stay, self._exact_location(stay[0])) for stay in stays]
        return unit.stays

    def _custody(self, unit: Unit, member: Member) -> None:
        person = member.person
        start = max(unit.arrival, member.born)
        stays: list[tuple] = []
        if unit.placement[0].kind == Facility.Kind.DETENTION_CENTRE:  # a single man
            facility, section = unit.placement
            stays.append((facility, section, unit.arrival, TransferReason.INITIAL, self._exact_location(facility)))
        elif member.role == "father":
            facility, section = self.facility[data.DETENTION], self.rng.choice(self.sections[data.DETENTION])
            stays.append((facility, section, unit.arrival, TransferReason.INITIAL, self._exact_location(facility)))
        else:
            for facility, section, begin, reason, location in self._family_stays(unit):
                if begin <= start:  # joined the family here (arrived with it, or born here)
                    stays = [(facility, section, start, TransferReason.INITIAL, location)]
                else:
                    stays.append((facility, section, begin, reason, location))
            if member.is_child and person.sex == Sex.MALE:
                twelve = anniversary(member.born, 12)
                if twelve <= self.today - timedelta(days=1):
                    # Boys of about 12 are moved out of the camps to a rehabilitation centre.
                    centre = self.facility[data.HOURI if self._chance(0.5) else data.ORKESH]
                    moved = max(twelve + self._days(0, 120), start + timedelta(days=1))
                    if moved < self.today:
                        stays.append((centre, None, moved, TransferReason.AGE_TRANSFER, self._exact_location(centre)))
        if person.medical_urgent and member.exit_date is None and self._chance(0.5):
            hospital = self.facility[data.HOSPITAL]
            admitted = self.today - self._days(1, 40)
            stays.append((hospital, None, admitted, TransferReason.MEDICAL, self._exact_location(hospital)))
        stays.sort(key=lambda s: s[2])
        # Two moves on the same day: only the later one counts.
        stays = [s for n, s in enumerate(stays) if n + 1 == len(stays) or stays[n + 1][2] > s[2]]
        if member.exit_date is not None:
            stays = [s for s in stays if s[2] < member.exit_date] or stays[:1]
        for n, (facility, section, begin, reason, location) in enumerate(stays):
            last = n + 1 == len(stays)
            end = member.exit_date if last else stays[n + 1][2] - timedelta(days=1)
            if end is not None and end < begin:
                end = begin
            handed_over = last and end is not None and member.exit_reason == TransferReason.HANDOVER
            self.plan.custody_periods.append(
                CustodyPeriod(
                    person=person,
                    facility=facility,
                    section=section,
                    exact_location=location,
                    start_date=begin,
                    end_date=end,
                    transfer_reason=reason,
                    notes="Handed over to the home State's delegation." if handed_over else "",
                )
            )

    def _exact_location(self, facility: Facility) -> str:
        rng = self.rng
        if facility.kind == Facility.Kind.CAMP:
            return f"Block {rng.randint(1, 40)}, tent {rng.randint(1, 250)}"
        if facility.kind == Facility.Kind.HOSPITAL:
            return f"Ward {rng.randint(1, 8)}"
        return f"Room {rng.randint(1, 120)}"
