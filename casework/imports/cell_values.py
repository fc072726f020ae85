"""The parsers of one cell: a source's value (after its value map) becomes ours, or `CellError` says why not."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from casework.imports.mapping import NAME_PARTS, fold_header
from casework.people.choices import ClaimStatus, DatePrecision, DocumentType, SeparationStatus, Sex


class CellError(ValueError):
    """A cell whose value cannot be used; the message is for the user."""


SEX_VALUES = {
    Sex.FEMALE: (
        "f",
        "female",
        "woman",
        "girl",
        "femme",
        "féminin",
        "feminin",
        "fille",
        "أنثى",
        "انثى",
        "ا",
        "امرأة",
        "طفلة",
        "بنت",
    ),
    Sex.MALE: ("m", "male", "man", "boy", "h", "homme", "masculin", "garçon", "ذكر", "ذ", "رجل", "طفل", "ولد"),
    Sex.UNKNOWN: ("", "?", "u", "unknown", "inconnu", "غير معروف"),
}
SEPARATION_VALUES = {
    SeparationStatus.NONE: ("", "no", "none", "accompanied", "non", "accompagné", "لا", "مصحوب"),
    SeparationStatus.UNACCOMPANIED: ("uac", "unaccompanied", "non accompagné", "non accompagne", "غير مصحوب"),
    SeparationStatus.SEPARATED: ("sc", "separated", "séparé", "separe", "منفصل"),
}


CLAIM_STATUS_VALUES = {
    ClaimStatus.CLAIMED: ("", "claimed", "declared", "revendiquée", "déclarée", "مدعاة", "مزعومة"),
    ClaimStatus.DOCUMENTS_REQUESTED: ("documents requested", "documents demandés", "طلب وثائق"),
    ClaimStatus.UNDER_VERIFICATION: (
        "under verification",
        "verification",
        "pending",
        "en cours de vérification",
        "en vérification",
        "قيد التحقق",
    ),
    ClaimStatus.DNA_PENDING: ("dna pending", "dna", "adn en attente", "adn", "بانتظار الحمض النووي"),
    ClaimStatus.CONFIRMED: ("confirmed", "verified", "yes", "confirmée", "vérifiée", "oui", "مؤكدة", "مؤكد", "نعم"),
    ClaimStatus.NOT_CONFIRMED: (
        "not confirmed",
        "rejected",
        "no",
        "non confirmée",
        "rejetée",
        "non",
        "غير مؤكدة",
        "لا",
    ),
    ClaimStatus.DISPUTED: ("disputed", "contested", "contestée", "disputée", "متنازع عليها"),
    ClaimStatus.DEPRIVED: (
        "deprived",
        "stripped",
        "revoked",
        "déchue",
        "déchéance",
        "retirée",
        "مسحوبة",
        "سحبت الجنسية",
    ),
}
DOCUMENT_TYPE_VALUES = {
    DocumentType.PASSPORT: ("", "passport", "pp", "passeport", "جواز", "جواز سفر", "جواز السفر"),
    DocumentType.NATIONAL_ID: (
        "id",
        "id card",
        "national id",
        "identity card",
        "cni",
        "carte d'identité",
        "carte d identité",
        "carte nationale d'identité",
        "هوية",
        "بطاقة هوية",
        "البطاقة الوطنية",
    ),
    DocumentType.BIRTH_CERTIFICATE: ("birth certificate", "acte de naissance", "شهادة ميلاد", "شهادة الميلاد"),
    DocumentType.FAMILY_BOOK: ("family book", "livret de famille", "دفتر عائلة", "دفتر العائلة"),
    DocumentType.MARRIAGE_CERTIFICATE: ("marriage certificate", "acte de mariage", "عقد زواج", "عقد الزواج"),
    DocumentType.EMERGENCY_TRAVEL_DOCUMENT: (
        "etd",
        "emergency travel document",
        "document de voyage d'urgence",
        "وثيقة سفر طارئة",
    ),
    DocumentType.LAISSEZ_PASSER: ("laissez-passer", "laissez passer", "lp", "مرور", "تصريح مرور"),
    DocumentType.OTHER: ("other", "autre", "أخرى", "اخرى"),
}


# Folded source value → our value, per table, built once: the first of our values that lists it wins.
_INDEXES: dict[int, dict[str, str]] = {}


def _lookup(value: str, table: dict[str, tuple[str, ...]]) -> str | None:
    index = _INDEXES.get(id(table))
    if index is None:
        index = {}
        for ours, theirs in table.items():
            for known in (*theirs, ours):
                index.setdefault(fold_header(known), str(ours))
        _INDEXES[id(table)] = index
    return index.get(fold_header(value))


def _mapped(value: Any, value_map: dict[str, str] | None) -> Any:
    if value_map and str(value).strip() in value_map:
        return value_map[str(value).strip()]
    return value


def _parse_listed(value: Any, value_map: dict[str, str] | None, table: dict[str, tuple[str, ...]], error: Any) -> str:
    """Our value for a source's value (mapped first) that the table lists, or `error` % {"value": value}."""
    value = _mapped(value, value_map)
    found = _lookup(str(value), table)
    if found is None:
        raise CellError(error % {"value": value})
    return found


def parse_sex(value: Any, value_map: dict[str, str] | None = None) -> str:
    error = gettext_lazy("“%(value)s” is not a sex this import knows: map it to female, male or unknown.")
    return _parse_listed(value, value_map, SEX_VALUES, error)


def parse_separation(value: Any, value_map: dict[str, str] | None = None) -> str:
    error = gettext_lazy("“%(value)s” is not a separation status: use accompanied, unaccompanied or separated.")
    return _parse_listed(value, value_map, SEPARATION_VALUES, error)


def parse_claim_status(value: Any, value_map: dict[str, str] | None = None) -> str:
    error = gettext_lazy("“%(value)s” is not a nationality claim status: map it to one of the statuses.")
    return _parse_listed(value, value_map, CLAIM_STATUS_VALUES, error)


def parse_document_type(value: Any, value_map: dict[str, str] | None = None) -> str:
    error = gettext_lazy("“%(value)s” is not a document type: map it to one of the types.")
    return _parse_listed(value, value_map, DOCUMENT_TYPE_VALUES, error)


# Older or common names that the ISO names of django-countries no longer use.
COUNTRY_ALIASES = {
    "Turkey": "TR",
    "Turquie": "TR",
    "Czech Republic": "CZ",
    "République tchèque": "CZ",
    "Great Britain": "GB",
    "UK": "GB",
    "England": "GB",
    "USA": "US",
    "United States": "US",
    "Holland": "NL",
    "Russian Federation": "RU",
    "Macedonia": "MK",
    "Ivory Coast": "CI",
    "Swaziland": "SZ",
    "Burma": "MM",
    "Cape Verde": "CV",
    "تركيا": "TR",
    "روسيا": "RU",
    "بريطانيا": "GB",
    "امريكا": "US",
}


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            for country in countries:
                index[fold_header(str(country.name))] = country.code
    index.update({fold_header(name): code for name, code in COUNTRY_ALIASES.items()})
    for country in countries:
        index[country.code.casefold()] = country.code
        alpha3 = countries.alpha3(country.code)
        if alpha3:
            index[alpha3.casefold()] = country.code
    return index


def parse_country(value: Any, value_map: dict[str, str] | None = None) -> str:
    """ISO 3166 code from a two- or three-letter code or a country name in English, French or Arabic."""
    value = _mapped(value, value_map)
    text = str(value).strip()
    code = _country_index().get(text.casefold()) or _country_index().get(fold_header(text))
    if code is None:
        raise CellError(_("“%(value)s” is not a country code or country name.") % {"value": text})
    return code


_ABOUT = re.compile(
    r"^(?:about|approx\.?|approximately|circa|ca\.?|c\.|env\.?|environ|vers|حوالي|حوالى|تقريبا|تقريباً)\s*", re.I
)
_YEAR = re.compile(r"^(\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[/.\-](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_RANGE = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{4})$")
_ISO_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*/\s*(\d{4}-\d{2}-\d{2})$")
# Excel's day 0 (1899-12-30, which accounts for its 1900 leap-year bug).
_EXCEL_EPOCH = date(1899, 12, 30)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class BirthDate:
    """A birth date as the Person model keeps it: a date and its precision, or an estimated range."""

    value: date | None
    precision: str
    earliest: date | None = None
    latest: date | None = None


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(
            _("%(day)s/%(month)s/%(year)s is not a real date.") % {"day": day, "month": month, "year": year}
        ) from None


def parse_birth_date(value: Any) -> BirthDate:
    """A year, "03/1990", "15/03/1990", an ISO date, an Excel serial number, a range "1988-1990", "about 1990"."""
    if value in ("", None):
        return BirthDate(None, DatePrecision.UNKNOWN)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return BirthDate(value, DatePrecision.EXACT)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1800 <= value <= 2200 and float(value).is_integer():
            return BirthDate(date(int(value), 1, 1), DatePrecision.YEAR)
        if 1 <= value <= 80000:
            return BirthDate(_EXCEL_EPOCH + timedelta(days=int(value)), DatePrecision.EXACT)
        raise CellError(_("%(value)s is not a date.") % {"value": value})
    text = str(value).strip().translate(_ARABIC_DIGITS)
    about = _ABOUT.match(text)
    if about:
        year = _YEAR.match(text[about.end() :].strip())
        if not year:
            raise CellError(_("“%(value)s”: after “about”, give a year (e.g. about 1990).") % {"value": value})
        centre = int(year.group(1))
        # "About 1990" is read as 1988–1992, the estimated range of the Person model.
        return BirthDate(None, DatePrecision.RANGE, date(centre - 2, 1, 1), date(centre + 2, 12, 31))
    if match := _ISO_RANGE.match(text):
        try:
            return BirthDate(
                None, DatePrecision.RANGE, date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
            )
        except ValueError:
            raise CellError(_("“%(value)s” is not a range of real dates.") % {"value": value}) from None
    if match := _RANGE.match(text):
        start, end = int(match.group(1)), int(match.group(2))
        return BirthDate(None, DatePrecision.RANGE, date(start, 1, 1), date(end, 12, 31))
    if match := _YEAR.match(text):
        return BirthDate(date(int(match.group(1)), 1, 1), DatePrecision.YEAR)
    if match := _MONTH_YEAR.match(text):
        return BirthDate(_date(int(match.group(2)), int(match.group(1)), 1), DatePrecision.MONTH)
    if match := _YEAR_MONTH.match(text):
        return BirthDate(_date(int(match.group(1)), int(match.group(2)), 1), DatePrecision.MONTH)
    if match := _DMY.match(text):
        return BirthDate(_date(int(match.group(3)), int(match.group(2)), int(match.group(1))), DatePrecision.EXACT)
    if match := _ISO.match(text):
        return BirthDate(_date(int(match.group(1)), int(match.group(2)), int(match.group(3))), DatePrecision.EXACT)
    if text.isdigit() and 1 <= int(text) <= 80000:
        return BirthDate(_EXCEL_EPOCH + timedelta(days=int(text)), DatePrecision.EXACT)
    raise CellError(
        _("“%(value)s” is not a date: use a year (1990), a month (03/1990), a day (15/03/1990) or “about 1990”.")
        % {"value": value}
    )


def parse_day(value: Any) -> date | None:
    """An exact day (arrival dates): a date cell, "15/03/2019", ISO or an Excel serial."""
    if value in ("", None):
        return None
    parsed = parse_birth_date(value)
    if parsed.precision != DatePrecision.EXACT:
        if parsed.precision in (DatePrecision.MONTH, DatePrecision.YEAR) and parsed.value:
            return parsed.value
        raise CellError(_("“%(value)s” is not a day: use 15/03/2019.") % {"value": value})
    return parsed.value


def split_full_name(text: str) -> dict[str, str]:
    """A full name in one cell split into parts: the first word is the given name, the last the family name,
    and the words between are the nasab (father's name, then grandfather's, the rest joined to it)."""
    words = [w for w in re.split(r"\s+", str(text).strip()) if w]
    parts = dict.fromkeys(NAME_PARTS, "")
    if not words:
        return parts
    parts["given_name"] = words[0]
    if len(words) == 2:
        parts["family_name"] = words[1]
    elif len(words) >= 3:
        parts["family_name"] = words[-1]
        parts["father_name"] = words[1]
        parts["grandfather_name"] = " ".join(words[2:-1])
    return parts
