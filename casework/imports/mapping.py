"""Mapping a source's columns onto a person's fields.

A *mapping* is {column header: field key}; *value maps* are {field key: {source value: our value}} for the
codes a source uses (sex codes, its camp names). Column guesses come from header names in English,
French and Arabic. The parsers of one cell are in `cell_values`.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from casework.people.choices import Relation
from casework.people.names import normalise_name


@dataclass(frozen=True)
class Field:
    key: str
    label: Any
    aliases: tuple[str, ...]


NAME_PARTS = ("given_name", "father_name", "grandfather_name", "family_name")

FIELDS: tuple[Field, ...] = (
    Field(
        "external_ref",
        gettext_lazy("External reference (the source's id)"),
        (
            "id",
            "ref",
            "reference",
            "external id",
            "source id",
            "no",
            "n°",
            "numéro",
            "identifiant",
            "الرقم",
            "رقم",
            "المعرف",
        ),
    ),
    Field(
        "case_number",
        gettext_lazy("Case number (existing person)"),
        ("case number", "case no", "numéro de dossier", "dossier", "رقم الحالة", "رقم الملف"),
    ),
    Field(
        "household",
        gettext_lazy("Household number"),
        (
            "household",
            "household number",
            "household no",
            "family number",
            "ménage",
            "numéro de ménage",
            "famille",
            "رقم العائلة",
            "رقم الأسرة",
            "الأسرة",
            "العائلة",
        ),
    ),
    Field(
        "full_name_lat", gettext_lazy("Full name (Latin)"), ("name", "full name", "nom complet", "nom et prénom", "nom")
    ),
    Field(
        "given_name_lat",
        gettext_lazy("Given name (Latin)"),
        ("given name", "first name", "firstname", "prénom", "prenom"),
    ),
    Field(
        "father_name_lat",
        gettext_lazy("Father's name (Latin)"),
        ("father name", "father's name", "nom du père", "nom du pere"),
    ),
    Field(
        "grandfather_name_lat",
        gettext_lazy("Grandfather's name (Latin)"),
        ("grandfather name", "grandfather's name", "nom du grand-père", "nom du grand-pere"),
    ),
    Field(
        "family_name_lat",
        gettext_lazy("Family name (Latin)"),
        ("family name", "last name", "surname", "nom de famille"),
    ),
    Field(
        "full_name_ar",
        gettext_lazy("Full name (Arabic)"),
        ("full name arabic", "name arabic", "nom en arabe", "الاسم الكامل", "الاسم الثلاثي", "الاسم"),
    ),
    Field(
        "given_name_ar",
        gettext_lazy("Given name (Arabic)"),
        ("given name arabic", "first name arabic", "prénom en arabe", "الاسم الأول"),
    ),
    Field(
        "father_name_ar",
        gettext_lazy("Father's name (Arabic)"),
        ("father name arabic", "nom du père en arabe", "اسم الأب", "اسم الاب"),
    ),
    Field("grandfather_name_ar", gettext_lazy("Grandfather's name (Arabic)"), ("grandfather name arabic", "اسم الجد")),
    Field(
        "family_name_ar",
        gettext_lazy("Family name (Arabic)"),
        ("family name arabic", "last name arabic", "nom de famille en arabe", "الكنية", "اسم العائلة", "النسبة"),
    ),
    Field("sex", gettext_lazy("Sex"), ("sex", "gender", "sexe", "genre", "الجنس")),
    Field(
        "birth_date",
        gettext_lazy("Date of birth"),
        (
            "date of birth",
            "dob",
            "birth date",
            "birthdate",
            "born",
            "year of birth",
            "date de naissance",
            "né le",
            "naissance",
            "année de naissance",
            "تاريخ الميلاد",
            "المواليد",
            "تاريخ الولادة",
            "سنة الميلاد",
        ),
    ),
    Field(
        "place_of_birth",
        gettext_lazy("Place of birth"),
        ("place of birth", "birthplace", "lieu de naissance", "مكان الولادة", "مكان الميلاد"),
    ),
    Field(
        "nationality",
        gettext_lazy("Nationality"),
        ("nationality", "citizenship", "country", "nationalité", "pays", "الجنسية", "البلد"),
    ),
    Field(
        "facility",
        gettext_lazy("Facility (camp)"),
        ("camp", "facility", "centre", "center", "site", "location", "lieu", "المخيم", "المركز", "الموقع"),
    ),
    Field("section", gettext_lazy("Section"), ("section", "phase", "annex", "annexe", "القسم", "القطاع")),
    Field(
        "arrival_date",
        gettext_lazy("Date of arrival"),
        (
            "arrival date",
            "date of arrival",
            "arrived",
            "date d'arrivée",
            "date d'arrivee",
            "arrivée",
            "تاريخ الوصول",
            "تاريخ الدخول",
        ),
    ),
    Field(
        "caseworker",
        gettext_lazy("Assigned caseworker (user name)"),
        ("caseworker", "case worker", "assigned to", "travailleur social", "référent", "المسؤول", "مسؤول الحالة"),
    ),
    Field(
        "separation_status",
        gettext_lazy("Separation status"),
        ("separation", "separation status", "uasc", "unaccompanied", "non accompagné", "séparé", "غير مصحوب"),
    ),
    Field("alias", gettext_lazy("Alias"), ("alias", "aka", "other name", "surnom", "autre nom", "اسم آخر", "الشهرة")),
    Field("kunya", gettext_lazy("Kunya"), ("kunya", "kunyah", "konya", "الكنية الحركية", "كنية")),
    Field(
        "claim_status",
        gettext_lazy("Nationality claim status"),
        (
            "claim status",
            "nationality status",
            "nationality claim status",
            "statut nationalité",
            "statut de la nationalité",
            "حالة الجنسية",
            "حالة طلب الجنسية",
        ),
    ),
    Field(
        "document_number",
        gettext_lazy("Identity document number"),
        (
            "passport",
            "passport number",
            "passport no",
            "document number",
            "id number",
            "passeport",
            "numéro de passeport",
            "numéro de document",
            "رقم الجواز",
            "جواز السفر",
            "رقم الوثيقة",
        ),
    ),
    Field(
        "document_type",
        gettext_lazy("Identity document type (passport if not given)"),
        ("document type", "id type", "type of document", "type de document", "type de pièce", "نوع الوثيقة"),
    ),
    Field(
        "mother",
        gettext_lazy("Mother (her external reference or case number)"),
        ("mother", "mother id", "mother ref", "mère", "mere", "id mère", "الأم", "الام", "رقم الأم"),
    ),
    Field(
        "father",
        gettext_lazy("Father (his external reference or case number)"),
        ("father", "father id", "father ref", "père", "pere", "id père", "الأب", "رقم الأب"),
    ),
    Field(
        "spouse",
        gettext_lazy("Spouse (external reference or case number)"),
        ("spouse", "husband", "wife", "conjoint", "époux", "épouse", "الزوج", "الزوجة"),
    ),
    Field(
        "child",
        gettext_lazy("Child (external reference or case number)"),
        ("child", "child id", "child ref", "enfant", "id enfant", "الطفل", "الابن", "الابنة", "رقم الطفل"),
    ),
    Field(
        "sibling",
        gettext_lazy("Brother or sister (external reference or case number)"),
        ("sibling", "brother", "sister", "frère", "soeur", "sœur", "frère ou sœur", "الأخ", "الأخت", "رقم الأخ"),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
# At least one of these must be mapped.
NAME_FIELDS = frozenset(
    {"full_name_lat", "full_name_ar", *(f"{p}_lat" for p in NAME_PARTS), *(f"{p}_ar" for p in NAME_PARTS)}
)
# Link column → what the other row's person is to this row's person.
LINK_FIELDS = {
    "mother": Relation.MOTHER,
    "father": Relation.FATHER,
    "spouse": Relation.SPOUSE,
    "child": Relation.CHILD,
    "sibling": Relation.SIBLING,
}
# Fields whose source values can be mapped to ours.
VALUE_MAPPED_FIELDS = ("sex", "facility", "separation_status", "nationality", "claim_status", "document_type")


@lru_cache(maxsize=20_000)
def fold_header(text: str) -> str:
    """A header or a listed value as compared: normalised, with _ and ' as spaces; memoised (a file repeats
    the same few codes and names on every row)."""
    return normalise_name(str(text).replace("_", " ").replace("'", " "))


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index = {fold_header(alias): f.key for f in FIELDS for alias in (f.key, *f.aliases)}
    # The field labels themselves, in each language: the headers of our own template and export.
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            index.update({fold_header(str(f.label)): f.key for f in FIELDS})
    return index


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{header: field key} for the headers whose name is a known English, French or Arabic column name."""
    index = _alias_index()
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = index.get(fold_header(header)) if header else None
        if key and key not in used:
            mapping[header] = key
            used.add(key)
    return mapping
