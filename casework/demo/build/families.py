"""The units: a mother and her children (and a held father), a single adult, a separated child."""

from datetime import date, timedelta

from casework.demo import data, names
from casework.demo.build.base import Draw, name_parts, names_of
from casework.demo.data import Country
from casework.demo.plan import Member, Unit
from casework.demo.scenarios import CHILDREN_COUNT_CUM
from casework.people.choices import (
    AliasKind,
    Relation,
    Script,
    SeparationStatus,
    Sex,
)


class Families(Draw):
    """The members of each kind of unit."""

    def _family(self, unit: Unit, remaining: int, at_least_two: bool) -> None:
        rng = self.rng
        unit.household = self._new_household(unit.org)
        unit.placement = self._placement(unit.country)
        # She was at least 17 when registered, so that her children are not born before she was 16.
        youngest = max(19.0, (self.today - unit.registration).days / 365.25 + 17)
        mother = self._add_adult(unit, Sex.FEMALE, (youngest, 52.0, max(youngest, 29.0)), unit.household)
        # The father: mostly of the same State, sometimes another; rarely known to be alive and held.
        father_country = unit.country
        if self._chance(0.25):
            father_country = data.COUNTRY_BY_CODE["IQ"] if self._chance(0.4) else rng.choice(data.COUNTRIES)
        father_style = unit.style if father_country is unit.country else self._weighted(father_country.styles)
        chain = None if self._chance(0.08) else self._father_chain(father_country, father_style)
        unit.father_country = father_country
        held_father = chain is not None and self._chance(0.08) and remaining >= 3
        wanted = rng.choices(range(1, 7), cum_weights=CHILDREN_COUNT_CUM)[0]
        if at_least_two:
            wanted = max(wanted, 2)
        wanted = min(wanted, remaining - 1 - (1 if held_father else 0))
        mother_family = (mother.person.family_name_ar, mother.person.family_name_lat)
        births = self._child_births(unit, mother.born, wanted)
        children = []
        for born in births:
            sex = Sex.MALE if self._chance(0.51) else Sex.FEMALE
            if born >= unit.arrival:
                place, country_of_birth = data.CAMP_BIRTHPLACES[unit.placement[0].name == data.ROJ], "SY"
            elif born >= date(2014, 6, 1):
                if unit.country.code == "IQ" and self._chance(0.5):
                    place, country_of_birth = rng.choice(data.IRAQI_BIRTHPLACES), "IQ"
                else:
                    place, country_of_birth = rng.choice(data.SYRIAN_BIRTHPLACES), "SY"
            else:
                place, country_of_birth = (
                    (rng.choice(unit.country.cities) if unit.country.cities else ""),
                    unit.country.code,
                )
            languages = list(mother.person.languages)
            if "ar" not in languages:
                languages.append("ar")
            name = self._child_name(sex, chain, mother_family)  # the name first, then whether the place is known
            place = place if self._chance(0.8) else ""
            child = self._person(unit, "child", sex, born, name, languages, place, country_of_birth, unit.household)
            children.append(child)
            self._link(child, mother, Relation.MOTHER, Relation.CHILD, verified=self._chance(0.3))
        # Kunya after the eldest son, or the eldest child.
        eldest = next((c for c in reversed(children) if c.person.sex == Sex.MALE), children[-1] if children else None)
        if eldest is not None:
            self._kunya(mother, names.UMM, names_of(eldest.person))
        if held_father:
            father = self._father_person(unit, chain, father_country, father_style, children)
            self._link(father, mother, Relation.SPOUSE, Relation.SPOUSE, verified=False)
        self.recent_mothers.setdefault(unit.org.code, []).append((unit, mother))
        del self.recent_mothers[unit.org.code][:-50]

    def _child_births(self, unit: Unit, mother_born: date, wanted: int) -> list[date]:
        """True dates of birth, youngest first, spaced like siblings, all under 18 today."""
        births: list[date] = []
        day = unit.registration - self._days(30, 1500)
        oldest_allowed = self.today - timedelta(days=int(17.5 * 365.25))
        youngest_mother_age = timedelta(days=16 * 365)
        for _ in range(wanted):
            if day < oldest_allowed or day - mother_born < youngest_mother_age:
                break
            births.append(day)
            day -= self._days(400, 1200)
        if not births:  # a young mother: her only child was born when she was 16 at least
            births.append(
                max(mother_born + youngest_mother_age, oldest_allowed, unit.registration - self._days(30, 200))
            )
            births[0] = min(births[0], unit.registration - timedelta(days=1))
        return births

    def _father_person(self, unit: Unit, chain: dict, country: Country, style: str, children: list[Member]) -> Member:
        """The children's father, held in the detention centre; his own case, outside the household."""
        father_name = {"given_name_ar": chain["father"][0], "given_name_lat": chain["father"][1]}
        if chain["grandfather"][1]:
            father_name |= {"father_name_ar": chain["grandfather"][0], "father_name_lat": chain["grandfather"][1]}
        father_name |= {"family_name_ar": chain["family"][0], "family_name_lat": chain["family"][1]}
        eldest_born = min((c.born for c in children), default=unit.registration)
        born = eldest_born - timedelta(days=int(self.rng.triangular(20, 45, 28) * 365.25))
        languages = self._languages(country, style)
        father = self._person(unit, "father", Sex.MALE, born, father_name, languages, country_of_birth=country.code)
        for child in children:
            self._link(child, father, Relation.FATHER, Relation.CHILD, verified=False)
        eldest = next((c for c in reversed(children) if c.person.sex == Sex.MALE), None)
        if eldest is not None:
            self._kunya(father, names.ABU, names_of(eldest.person))
        return father

    def _single_adult(self, unit: Unit, sex: str) -> None:
        female = sex == Sex.FEMALE
        if female:
            unit.household = self._new_household(unit.org) if self._chance(0.5) else None
            unit.placement = self._placement(unit.country)
        else:
            detention = self.facility[data.DETENTION]
            unit.placement = (detention, self.rng.choice(self.sections[data.DETENTION]))
        member = self._add_adult(unit, sex, (19, 58, 30) if female else (18, 60, 30), unit.household)
        if self._chance(0.5 if female else 0.7):
            namesake = name_parts(self._spell(self.rng.choice(names.MALE_ARABIC), False), ("", ""), ("", ""), ("", ""))
            self._kunya(member, names.UMM if female else names.ABU, namesake)
            if not female and self._chance(0.4):
                nisba = self._nisba(unit.country, unit.style)
                self._alias(
                    member,
                    AliasKind.NOM_DE_GUERRE,
                    f"{names.ABU[1]} {namesake['given_name_lat']} {nisba[1]}",
                    Script.LATIN,
                    armed_group_link=self._chance(0.5),
                )

    def _separated_child(self, unit: Unit) -> None:
        """An unaccompanied child, or a separated child living with a related caregiver."""
        rng = self.rng
        guardians = [
            g for g in self.recent_mothers.get(unit.org.code, []) if g[0].country is unit.country
        ] or self.recent_mothers.get(unit.org.code, [])
        separated = bool(guardians) and self._chance(0.4)
        guardian_unit, guardian = rng.choice(guardians) if separated else (None, None)
        if guardian_unit is not None:
            unit.household, unit.placement = guardian_unit.household, guardian_unit.placement
            unit.stays = guardian_unit.stays
            unit.country, unit.style = guardian_unit.country, guardian_unit.style
        else:
            unit.placement = self._placement(unit.country)
        sex = Sex.MALE if self._chance(0.55) else Sex.FEMALE
        born = self.today - timedelta(days=rng.randint(4 * 365, 17 * 365))
        born = min(born, unit.registration - timedelta(days=30))
        chain = None if self._chance(0.2) else self._father_chain(unit.country, unit.style)
        nisba = self._nisba(unit.country, unit.style)
        family = chain["family"] if chain else (nisba if unit.style not in names.ARABIC_STYLES else ("", ""))
        name = self._child_name(sex, chain, family)
        languages = ["ar"] if unit.style in names.ARABIC_STYLES else self._languages(unit.country, unit.style)
        born_in_syria = born >= date(2014, 6, 1)
        place = rng.choice(data.SYRIAN_BIRTHPLACES) if born_in_syria else ""
        country_of_birth = "SY" if born_in_syria else unit.country.code
        child = self._person(unit, "child", sex, born, name, languages, place, country_of_birth, unit.household)
        child.person.separation_status = SeparationStatus.SEPARATED if separated else SeparationStatus.UNACCOMPANIED
        child.person.child_protection_notes = rng.choice(data.UASC_NOTES["separated" if separated else "unaccompanied"])
        if guardian is not None:
            self._link(child, guardian, Relation.GUARDIAN, Relation.WARD, verified=False)
