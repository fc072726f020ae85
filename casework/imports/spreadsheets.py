"""The blank import template (XLSX with drop-down lists and instructions in English, French and Arabic)
and the export of the person list in the same columns, so that export → import of unchanged data
reports "nothing to change"."""

from collections.abc import Iterable
from io import BytesIO
from typing import Any

import openpyxl
from openpyxl.worksheet.datavalidation import DataValidation

from casework.camps.models import Facility
from casework.core.spreadsheets import neutralise_cell
from casework.imports.mapping import FIELD_BY_KEY
from casework.people.choices import DatePrecision, SeparationStatus, Sex
from casework.people.models import CustodyPeriod, NationalityClaim, Person

# The template's columns, in order: their headers are the field labels, which the column guess knows.
TEMPLATE_FIELDS = (
    "case_number",
    "external_ref",
    "household",
    "given_name_lat",
    "father_name_lat",
    "grandfather_name_lat",
    "family_name_lat",
    "given_name_ar",
    "father_name_ar",
    "grandfather_name_ar",
    "family_name_ar",
    "sex",
    "birth_date",
    "place_of_birth",
    "nationality",
    "facility",
    "section",
    "arrival_date",
    "caseworker",
    "separation_status",
    "mother",
    "father",
    "spouse",
    "alias",
    "kunya",
    "document_number",
)
DATA_SHEET = "Persons"
LISTS_SHEET = "Lists"
INSTRUCTIONS_SHEET = "Instructions"

# The instructions are part of the file handed out, in each of the three languages at once.
INSTRUCTIONS = {
    "en": [
        "One row per person. Keep the column names of the first row; leave a column empty if you do not know.",
        "Names: fill in the parts (given, father's, grandfather's, family name) in Latin and/or Arabic script.",
        "Date of birth: a year (1990), a month (03/1990), a day (15/03/1990) or 'about 1990'.",
        "Nationality: a two-letter ISO code (FR) or a country name. Sex, facility, separation: pick from the list.",
        "Mother / father / spouse: the external reference of their row in this file, or their case number.",
        "Case number: only for persons already in Casework (their row is then updated). No formulas, no merged cells.",
    ],
    "fr": [
        "Une ligne par personne. Gardez les noms de colonnes de la première ligne ; laissez vide ce que vous ignorez.",
        "Noms : remplissez les parties (prénom, nom du père, du grand-père, de famille) en latin et/ou en arabe.",
        "Date de naissance : une année (1990), un mois (03/1990), un jour (15/03/1990) ou « vers 1990 ».",
        "Nationalité : code ISO à deux lettres (FR) ou nom du pays. Sexe, lieu, séparation : choisissez dans la liste.",
        "Mère / père / conjoint : la référence externe de sa ligne dans ce fichier, ou son numéro de dossier.",
        "Numéro de dossier : seulement pour les personnes déjà dans Casework (mise à jour). Ni formules ni cellules fusionnées.",
    ],
    "ar": [
        "سطر واحد لكل شخص. احتفظ بأسماء الأعمدة في السطر الأول، واترك الخانة فارغة إن لم تعرف القيمة.",
        "الأسماء: املأ الأجزاء (الاسم الأول، اسم الأب، اسم الجد، اسم العائلة) بالحروف اللاتينية و/أو العربية.",
        "تاريخ الميلاد: سنة (1990) أو شهر (03/1990) أو يوم (15/03/1990) أو «حوالي 1990».",
        "الجنسية: رمز ISO من حرفين (FR) أو اسم البلد. الجنس والمخيم والانفصال: اختر من القائمة.",
        "الأم / الأب / الزوج: المرجع الخارجي لسطره في هذا الملف أو رقم حالته.",
        "رقم الحالة: فقط للأشخاص المسجلين في النظام (يُحدَّث سطرهم). لا صيغ ولا خلايا مدمجة.",
    ],
}


def headers() -> list[str]:
    return [str(FIELD_BY_KEY[key].label) for key in TEMPLATE_FIELDS]


def _list_validation(sheet: Any, lists: Any, column: int, values: list[str], header_count: int) -> None:
    """A drop-down on the data column `column` (0-based) from a column of the Lists sheet."""
    letter = openpyxl.utils.get_column_letter(column + 1)
    lists_letter = openpyxl.utils.get_column_letter(
        lists.max_column + 1 if lists.max_column > 1 or lists["A1"].value else 1
    )
    for row, value in enumerate(values, start=1):
        lists[f"{lists_letter}{row}"] = neutralise_cell(value)
    if not values:
        return
    validation = DataValidation(
        type="list", formula1=f"={LISTS_SHEET}!${lists_letter}$1:${lists_letter}${len(values)}", allow_blank=True
    )
    validation.error = "Pick a value from the list."
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{max(header_count, 5000)}")


def _workbook(rows: Iterable[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append(headers())
    count = 1
    for row in rows:
        sheet.append([neutralise_cell(value) if isinstance(value, str) else value for value in row])
        count += 1
    sheet.freeze_panes = "A2"
    lists = workbook.create_sheet(LISTS_SHEET)
    _list_validation(sheet, lists, TEMPLATE_FIELDS.index("sex"), list(Sex.values), count)
    facilities = list(Facility.objects.filter(is_active=True).order_by("name").values_list("name", flat=True))
    _list_validation(sheet, lists, TEMPLATE_FIELDS.index("facility"), facilities, count)
    _list_validation(sheet, lists, TEMPLATE_FIELDS.index("separation_status"), list(SeparationStatus.values), count)
    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    instructions.append(["English", "Français", "العربية"])
    for lines in zip(INSTRUCTIONS["en"], INSTRUCTIONS["fr"], INSTRUCTIONS["ar"], strict=True):
        instructions.append(list(lines))
    for letter in "ABC":
        instructions.column_dimensions[letter].width = 90
    instructions.sheet_view.rightToLeft = False
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def blank_template() -> bytes:
    """The empty template: headers, drop-down lists, instructions."""
    return _workbook([])


def _birth_date_cell(person: Person) -> str:
    precision = person.birth_date_precision
    if precision == DatePrecision.RANGE and person.birth_date_earliest and person.birth_date_latest:
        return f"{person.birth_date_earliest.isoformat()}/{person.birth_date_latest.isoformat()}"
    if not person.birth_date:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{person.birth_date.year}"
    if precision == DatePrecision.MONTH:
        return f"{person.birth_date.month:02d}/{person.birth_date.year}"
    return person.birth_date.strftime("%d/%m/%Y")


def person_export(persons: Any) -> bytes:
    """The given persons (a scoped queryset) in the template's columns; reads in batches, not per person."""
    persons = list(persons.select_related("assigned_to", "household").order_by("case_number"))
    ids = [p.pk for p in persons]
    nationality: dict[int, str] = {}
    custody: dict[int, CustodyPeriod] = {}
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        nationality.update(
            NationalityClaim.objects.filter(person_id__in=chunk, is_primary=True).values_list("person_id", "country")
        )
        for period in CustodyPeriod.objects.filter(person_id__in=chunk, end_date__isnull=True).select_related(
            "facility", "section"
        ):
            custody[period.person_id] = period
    rows = []
    for person in persons:
        period = custody.get(person.pk)
        values = {
            "case_number": person.case_number,
            "household": person.household.reference if person.household else "",
            "sex": person.sex,
            "birth_date": _birth_date_cell(person),
            "place_of_birth": person.place_of_birth,
            "nationality": str(nationality.get(person.pk, "")),
            "facility": period.facility.name if period else "",
            "section": period.section.name if period and period.section else "",
            "arrival_date": period.start_date.strftime("%d/%m/%Y") if period else "",
            "caseworker": person.assigned_to.username if person.assigned_to else "",
            "separation_status": person.separation_status,
        }
        for script in ("lat", "ar"):
            for part in ("given_name", "father_name", "grandfather_name", "family_name"):
                values[f"{part}_{script}"] = getattr(person, f"{part}_{script}")
        rows.append([values.get(key, "") for key in TEMPLATE_FIELDS])
    return _workbook(rows)
