"""Persons: their names in Arabic and Latin script, aliases, languages, births and family links."""

from datetime import date, timedelta

from casework.accounts.models import Organisation
from casework.demo import data, names
from casework.demo.build.base import Draw, name_parts
from casework.demo.data import Country
from casework.demo.plan import Member, Unit
from casework.people.choices import (
    AliasKind,
    DatePrecision,
    Script,
    Sex,
)
from casework.people.models import (
    Alias,
    FamilyLink,
    Household,
    Person,
)
from casework.people.names import normalise_name

SPELLINGS = dict(names.FEMALE_ARABIC + names.MALE_ARABIC)


class People(Draw):
    """Persons and their names."""

    def _new_household(self, org: Organisation) -> Household:
        self.household_seq[org.code] += 1
        household = Household(organisation=org, reference=f"HH-{self.household_seq[org.code]:06d}")
        self.plan.households.append(household)
        return household

    # --- Persons and names ------------------------------------------------------------------------
    def _spell(self, entry: names.ArabicName, french: bool) -> tuple[str, str]:
        arabic, spellings = entry
        if french and arabic in names.FRENCH_SPELLING and self._chance(0.8):
            return arabic, names.FRENCH_SPELLING[arabic]
        return arabic, spellings[0] if self._chance(0.55) else self.rng.choice(spellings)

    def _nisba(self, country: Country, style: str) -> tuple[str, str]:
        if style == "caucasus":
            return self.rng.choice(names.CAUCASUS_NISBA)
        return names.NISBA.get(country.code, names.DEFAULT_NISBA)

    def _languages(self, country: Country, style: str) -> list[str]:
        if style in names.ARABIC_STYLES:
            languages = ["ar"]
            if country.language != "ar":
                languages.append(country.language)
            elif style == "maghreb" and self._chance(0.4):
                languages.append("fr")
            return languages
        languages = [data.STYLE_LANGUAGE.get(style, country.language)]
        if country.language not in languages:
            languages.append(country.language)
        if style in data.RUSSIAN_SPEAKING_STYLES and "ru" not in languages:
            languages.append("ru")
        if self._chance(0.3):
            languages.append("ar")
        return languages

    def _birth_fields(self, born: date, is_child: bool) -> dict:
        """The date of birth as it was recorded: exact, month, year, an estimated range, or unknown."""
        weights = (50, 15, 15, 15, 5) if is_child else (35, 10, 35, 17, 3)
        precision = self.rng.choices(
            (DatePrecision.EXACT, DatePrecision.MONTH, DatePrecision.YEAR, DatePrecision.RANGE, DatePrecision.UNKNOWN),
            weights=weights,
        )[0]
        fields: dict = {"birth_date_precision": precision}
        if precision == DatePrecision.EXACT:
            fields["birth_date"] = born
        elif precision == DatePrecision.MONTH:
            fields["birth_date"] = born.replace(day=1)
        elif precision == DatePrecision.YEAR:
            fields["birth_date"] = date(born.year, 1, 1)
        elif precision == DatePrecision.RANGE:
            earliest = born - self._days(0, 500)
            fields["birth_date_earliest"] = earliest
            fields["birth_date_latest"] = min(self.today, max(born, earliest + self._days(365, 1100)))
        return fields

    def _person(
        self,
        unit: Unit,
        role: str,
        sex: str,
        born: date,
        name: dict[str, str],
        languages: list[str],
        place_of_birth: str = "",
        country_of_birth: str = "",
        household: Household | None = None,
    ) -> Member:
        """A new person of the unit; `role` is adult, child or father."""
        is_child = role == "child"
        org = unit.org
        self.case_seq[org.code] += 1
        person = Person(
            organisation=org,
            case_number=f"{org.code}-{self.case_seq[org.code]:06d}",
            sex=sex,
            place_of_birth=place_of_birth,
            country_of_birth=country_of_birth,
            languages=languages,
            household=household,
            assigned_to=unit.assignee,
            created_by=unit.assignee,
            **name,
            **self._birth_fields(born, is_child),
        )
        if self._chance(0.07):
            person.has_medical_condition = True
        if self._chance(0.03):
            person.has_disability = True
        if self._chance(0.008):
            person.medical_urgent = person.has_medical_condition = True
        if person.medical_urgent:
            person.health_notes = data.URGENT_HEALTH_NOTE
        elif person.has_medical_condition or person.has_disability:
            person.health_notes = self.rng.choice(data.HEALTH_NOTES)
        person.refresh_derived_fields()
        self.plan.persons.append(person)
        member = Member(person=person, born=born, is_child=is_child, role=role)
        unit.members.append(member)
        return member

    def _alias(self, member: Member, kind: str, name: str, script: str, armed_group_link: bool = False) -> None:
        alias = Alias(person=member.person, kind=kind, name=name, script=script, armed_group_link=armed_group_link)
        alias.name_search = normalise_name(name)  # what Alias.save() derives: bulk_create does not call it
        self.plan.aliases.append(alias)

    def _adult_name(self, country: Country, style: str, sex: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """Name parts of an adult, and the birth names (name, script) to record as aliases."""
        rng = self.rng
        female = sex == Sex.FEMALE
        if style in names.ARABIC_STYLES:
            french = style == "maghreb"
            given = self._spell(rng.choice(names.FEMALE_ARABIC if female else names.MALE_ARABIC), french)
            father = self._spell(rng.choice(names.MALE_ARABIC), french)
            grandfather = self._spell(rng.choice(names.MALE_ARABIC), french) if self._chance(0.8) else ("", "")
            family = self._spell(rng.choice(names.FAMILY_ARABIC[style]), french)
            return name_parts(given, father, grandfather, family), []
        birth = names.BIRTH_NAMES[style]
        birth_given = rng.choice(birth["female" if female else "male"])
        birth_family = rng.choice(birth["family"])
        if female:
            birth_family = names.feminine_family(style, birth_family)
        native = f"{birth_given[0]} {birth_family[0]}"
        latin = f"{birth_given[1]} {birth_family[1]}"
        if self._chance(0.7):  # took an Arabic name: that is the name the camp knows
            given = self._spell(rng.choice(names.FEMALE_ARABIC if female else names.MALE_ARABIC), False)
            european = style in ("fr", "nl", "de", "en", "nordic", "romance", "slavic")
            father = self._spell(names.CONVERT_FATHER, False) if european and self._chance(0.5) else ("", "")
            nisba = self._nisba(country, style)
            if female:
                nisba = names.feminine_nisba(nisba)
            aliases = [(native, birth["script"])]
            if latin != native:
                aliases.append((latin, Script.LATIN))
            return name_parts(given, father, ("", ""), nisba), aliases
        parts = {"given_name_lat": birth_given[1], "family_name_lat": birth_family[1]}
        return parts, [(native, birth["script"])] if native != latin else []

    def _father_chain(self, country: Country, style: str) -> dict:
        """The father's side of the children's nasab: his name, his father's name, the family name."""
        rng = self.rng
        if style in names.ARABIC_STYLES:
            french = style == "maghreb"
            return {
                "father": self._spell(rng.choice(names.MALE_ARABIC), french),
                "grandfather": self._spell(rng.choice(names.MALE_ARABIC), french) if self._chance(0.85) else ("", ""),
                "family": self._spell(rng.choice(names.FAMILY_ARABIC[style]), french),
                "family_female": None,
            }
        father = self._spell(rng.choice(names.MALE_ARABIC), False)
        if self._chance(0.7):
            return {
                "father": father,
                "grandfather": ("", ""),
                "family": self._nisba(country, style),
                "family_female": None,
            }
        surname = rng.choice(names.BIRTH_NAMES[style]["family"])
        return {
            "father": father,
            "grandfather": ("", ""),
            "family": ("", surname[1]),
            "family_female": ("", names.feminine_family(style, surname)[1]),
        }

    def _child_name(self, sex: str, chain: dict | None, mother_family: tuple[str, str]) -> dict[str, str]:
        given = self._spell(self.rng.choice(names.FEMALE_ARABIC if sex == Sex.FEMALE else names.MALE_ARABIC), False)
        if chain is not None and given[0] == chain["father"][0]:  # named after the father: happens, but rarely
            given = self._spell(self.rng.choice(names.MALE_ARABIC), False)
        if chain is None:  # father unknown: the mother's family name
            return name_parts(given, ("", ""), ("", ""), mother_family)
        family = chain["family_female"] if sex == Sex.FEMALE and chain["family_female"] else chain["family"]
        return name_parts(given, chain["father"], chain["grandfather"], family)

    def _kunya(self, member: Member, prefix: tuple[str, str], after: dict[str, str]) -> None:
        """Abu X / Umm X, in Arabic and in Latin script, after the eldest son (or another child)."""
        if after.get("given_name_ar"):
            self._alias(member, AliasKind.KUNYA, f"{prefix[0]} {after['given_name_ar']}", Script.ARABIC)
        if after.get("given_name_lat"):
            self._alias(member, AliasKind.KUNYA, f"{prefix[1]} {after['given_name_lat']}", Script.LATIN)

    def _spelling_alias(self, member: Member) -> None:
        """Another Latin spelling of an Arabic name, as a different registrar wrote it."""
        person = member.person
        parts = []
        for part in ("given_name", "father_name", "family_name"):
            arabic, latin = getattr(person, f"{part}_ar"), getattr(person, f"{part}_lat")
            spellings = SPELLINGS.get(arabic, ())
            others = [s for s in spellings if s != latin]
            parts.append(self.rng.choice(others) if others else latin)
        alternative = " ".join(p for p in parts if p)
        if alternative and alternative != person.full_name_lat:
            self._alias(member, AliasKind.SPELLING, alternative, Script.LATIN)

    def _add_adult(
        self, unit: Unit, sex: str, age_range: tuple[float, float, float], household: Household | None
    ) -> Member:
        country, style = unit.country, unit.style
        age = self.rng.triangular(*age_range)
        born = self.today - timedelta(days=int(age * 365.25))
        name, birth_names = self._adult_name(country, style, sex)
        languages = self._languages(country, style)
        place = self.rng.choice(country.cities) if country.cities and self._chance(0.7) else ""
        member = self._person(unit, "adult", sex, born, name, languages, place, country.code, household)
        for birth_name, script in birth_names:
            kind = AliasKind.BIRTH_NAME if name.get("given_name_ar") else AliasKind.SPELLING
            self._alias(member, kind, birth_name, script)
        if style in names.ARABIC_STYLES and self._chance(0.12):
            self._spelling_alias(member)
        return member

    def _link(self, member: Member, relative: Member, relation: str, inverse: str, *, verified: bool) -> None:
        """Both directions: `relative` is `member`'s `relation`, and `member` is `relative`'s `inverse`."""
        self.plan.family_links += [
            FamilyLink(person=member.person, relative=relative.person, relation=relation, is_verified=verified),
            FamilyLink(person=relative.person, relative=member.person, relation=inverse, is_verified=verified),
        ]
