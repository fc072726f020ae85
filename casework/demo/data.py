"""Reference material for the demo data: States, facilities, organisations and stock texts.

Weights are rough, public orders of magnitude of foreign women and children in the camps (Iraq by far the
largest, then Russia, Turkey, Tunisia, Morocco, Central Asia, Western Europe…), not statistics.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Country:
    """A home State: how many of its nationals, how they are named, and how its government tends to answer."""

    code: str  # ISO 3166-1 alpha-2
    weight: float
    # Naming styles of its nationals with weights: an Arab region of names.py FAMILY_ARABIC, or a
    # key of names.BIRTH_NAMES. Western States include citizens of Maghreb, Turkish, South-Asian… heritage.
    styles: tuple[tuple[str, int], ...]
    language: str  # ISO 639-1, main language of the State (and of correspondence with it)
    # repatriates: takes most of its nationals back; children_first: mostly children, mothers case by case;
    # case_by_case; reluctant: slow answers, many refusals.
    policy: str
    cities: tuple[str, ...] = ()


COUNTRIES: list[Country] = [
    Country("IQ", 420, (("iraq", 1),), "ar", "repatriates", ("Mosul", "Tal Afar", "Fallujah", "Ramadi", "Baghdad", "Kirkuk", "Baiji", "Hawija", "al-Qaim", "Haditha")),
    Country("RU", 60, (("caucasus", 65), ("slavic", 35)), "ru", "children_first", ("Grozny", "Makhachkala", "Moscow", "Kazan", "Nalchik", "Khasavyurt")),
    Country("TR", 45, (("turkish", 1),), "tr", "case_by_case", ("Istanbul", "Ankara", "Gaziantep", "Konya", "Adana")),
    Country("TN", 35, (("maghreb", 1),), "ar", "reluctant", ("Tunis", "Sfax", "Sousse", "Bizerte", "Ben Guerdane", "Kairouan")),
    Country("MA", 30, (("maghreb", 1),), "ar", "case_by_case", ("Casablanca", "Tangier", "Tetouan", "Fes", "Marrakesh", "Fnideq")),
    Country("UZ", 30, (("central_asia", 1),), "uz", "repatriates", ("Tashkent", "Andijan", "Namangan", "Fergana", "Samarkand")),
    Country("TJ", 28, (("central_asia", 1),), "tg", "repatriates", ("Dushanbe", "Khujand", "Kulob", "Bokhtar")),
    Country("KZ", 25, (("kazakh", 85), ("central_asia", 15)), "kk", "repatriates", ("Almaty", "Shymkent", "Aktobe", "Atyrau", "Astana")),
    Country("FR", 22, (("maghreb", 55), ("fr", 45)), "fr", "children_first", ("Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Strasbourg", "Roubaix")),
    Country("DE", 18, (("de", 45), ("turkish", 25), ("mashriq", 20), ("maghreb", 10)), "de", "case_by_case", ("Berlin", "Hamburg", "Frankfurt", "Dinslaken", "Wolfsburg", "Bonn", "Munich")),
    Country("ID", 18, (("indonesian", 1),), "id", "case_by_case", ("Jakarta", "Surabaya", "Bandung", "Medan", "Makassar", "Solo")),
    Country("EG", 14, (("mashriq", 1),), "ar", "reluctant", ("Cairo", "Alexandria", "Giza", "Mansoura")),
    Country("AZ", 14, (("azeri", 1),), "az", "repatriates", ("Baku", "Sumqayit", "Ganja", "Zaqatala")),
    Country("KG", 12, (("central_asia", 1),), "ky", "repatriates", ("Bishkek", "Osh", "Jalal-Abad")),
    Country("BE", 8, (("maghreb", 55), ("nl", 25), ("fr", 20)), "fr", "children_first", ("Brussels", "Antwerp", "Vilvoorde", "Liège", "Charleroi", "Verviers")),
    Country("NL", 8, (("maghreb", 50), ("nl", 40), ("turkish", 10)), "nl", "reluctant", ("Amsterdam", "Rotterdam", "The Hague", "Utrecht", "Delft", "Arnhem")),
    Country("GB", 8, (("en", 45), ("south_asian", 35), ("mashriq", 20)), "en", "reluctant", ("London", "Birmingham", "Manchester", "Luton", "Cardiff", "Portsmouth")),
    Country("SA", 8, (("mashriq", 1),), "ar", "case_by_case", ("Riyadh", "Jeddah", "Buraydah", "Dammam")),
    Country("CN", 8, (("uyghur", 1),), "ug", "reluctant", ("Kashgar", "Hotan", "Urumqi")),
    Country("DZ", 8, (("maghreb", 1),), "ar", "reluctant", ("Algiers", "Oran", "Constantine")),
    Country("SE", 7, (("nordic", 50), ("mashriq", 25), ("iraq", 20), ("balkan", 5)), "sv", "children_first", ("Stockholm", "Gothenburg", "Malmö", "Örebro")),
    Country("JO", 6, (("mashriq", 1),), "ar", "case_by_case", ("Amman", "Zarqa", "Irbid", "Salt", "Ma'an")),
    Country("AF", 6, (("south_asian", 1),), "ps", "reluctant", ("Kabul", "Jalalabad", "Kunduz")),
    Country("LB", 5, (("mashriq", 1),), "ar", "reluctant", ("Tripoli", "Sidon", "Beirut")),
    Country("YE", 5, (("mashriq", 1),), "ar", "reluctant", ("Sanaa", "Aden", "Taiz")),
    Country("UA", 5, (("slavic", 60), ("caucasus", 40)), "uk", "case_by_case", ("Kyiv", "Kharkiv", "Odesa")),
    Country("BA", 5, (("balkan", 1),), "bs", "repatriates", ("Sarajevo", "Zenica", "Tuzla", "Bihać")),
    Country("PK", 5, (("south_asian", 1),), "ur", "reluctant", ("Karachi", "Lahore", "Peshawar")),
    Country("GE", 4, (("caucasus", 1),), "ka", "case_by_case", ("Duisi", "Tbilisi")),
    Country("TM", 4, (("central_asia", 1),), "tk", "reluctant", ("Ashgabat", "Mary")),
    Country("LY", 4, (("maghreb", 1),), "ar", "reluctant", ("Tripoli", "Benghazi", "Derna", "Misrata")),
    Country("SD", 4, (("mashriq", 1),), "ar", "case_by_case", ("Khartoum", "Omdurman")),
    Country("AT", 4, (("de", 40), ("balkan", 30), ("turkish", 30)), "de", "children_first", ("Vienna", "Graz", "Linz")),
    Country("AU", 4, (("en", 40), ("mashriq", 40), ("south_asian", 20)), "en", "case_by_case", ("Sydney", "Melbourne", "Brisbane")),
    Country("MY", 4, (("indonesian", 1),), "ms", "repatriates", ("Kuala Lumpur", "Johor Bahru", "Kota Bharu")),
    Country("PS", 3, (("mashriq", 1),), "ar", "reluctant", ("Gaza", "Nablus", "Hebron")),
    Country("SO", 3, (("mashriq", 1),), "so", "reluctant", ("Mogadishu", "Hargeisa")),
    Country("DK", 3, (("nordic", 50), ("mashriq", 30), ("south_asian", 20)), "da", "reluctant", ("Copenhagen", "Aarhus", "Odense")),
    Country("NO", 3, (("nordic", 50), ("south_asian", 25), ("mashriq", 25)), "no", "children_first", ("Oslo", "Bergen", "Fredrikstad")),
    Country("FI", 3, (("nordic", 45), ("mashriq", 55)), "fi", "children_first", ("Helsinki", "Turku", "Espoo")),
    Country("AL", 3, (("balkan", 1),), "sq", "repatriates", ("Tirana", "Elbasan", "Pogradec")),
    Country("MK", 3, (("balkan", 1),), "mk", "repatriates", ("Skopje", "Kumanovo", "Tetovo")),
    Country("US", 3, (("en", 60), ("mashriq", 25), ("south_asian", 15)), "en", "case_by_case", ("Minneapolis", "Houston", "Chicago", "San Diego")),
    Country("CA", 3, (("en", 50), ("mashriq", 30), ("south_asian", 20)), "en", "reluctant", ("Toronto", "Montreal", "Calgary", "Ottawa")),
    Country("TT", 3, (("en", 1),), "en", "case_by_case", ("Port of Spain", "Chaguanas")),
    Country("MV", 3, (("south_asian", 1),), "dv", "repatriates", ("Malé", "Addu City")),
    Country("IT", 2, (("romance", 50), ("maghreb", 40), ("balkan", 10)), "it", "case_by_case", ("Milan", "Rome", "Turin", "Bologna")),
    Country("ES", 2, (("romance", 50), ("maghreb", 50)), "es", "case_by_case", ("Madrid", "Barcelona", "Ceuta", "Melilla")),
    Country("CH", 2, (("de", 40), ("fr", 20), ("balkan", 20), ("turkish", 20)), "de", "reluctant", ("Zurich", "Geneva", "Winterthur")),
    Country("KW", 2, (("mashriq", 1),), "ar", "case_by_case", ("Kuwait City",)),
    Country("PH", 2, (("indonesian", 1),), "tl", "case_by_case", ("Marawi", "Cotabato", "Zamboanga")),
    Country("IN", 2, (("south_asian", 1),), "ml", "reluctant", ("Kozhikode", "Hyderabad", "Mumbai")),
    Country("PT", 1, (("romance", 1),), "pt", "case_by_case", ("Lisbon", "Porto")),
    Country("IE", 1, (("en", 70), ("mashriq", 30)), "en", "case_by_case", ("Dublin", "Cork")),
    Country("RS", 1, (("balkan", 1),), "sr", "case_by_case", ("Novi Pazar", "Belgrade")),
    Country("ME", 1, (("balkan", 1),), "sr", "case_by_case", ("Podgorica", "Rožaje")),
    Country("BY", 1, (("slavic", 1),), "be", "reluctant", ("Minsk",)),
    Country("BH", 1, (("mashriq", 1),), "ar", "case_by_case", ("Manama",)),
    Country("NZ", 1, (("en", 1),), "en", "case_by_case", ("Auckland",)),
    Country("BD", 1, (("south_asian", 1),), "bn", "reluctant", ("Dhaka", "Chittagong")),
]  # fmt: skip
COUNTRY_BY_CODE = {c.code: c for c in COUNTRIES}

# The language a naming style speaks, where it is not simply the State's own.
STYLE_LANGUAGE = {
    "iraq": "ar",
    "maghreb": "ar",
    "mashriq": "ar",
    "caucasus": "ce",
    "turkish": "tr",
    "fr": "fr",
    "nl": "nl",
    "de": "de",
    "en": "en",
}
# Styles whose speakers grew up with Russian as a second language.
RUSSIAN_SPEAKING_STYLES = frozenset({"caucasus", "central_asia", "kazakh"})
# A heritage naming style hints at a second nationality.
HERITAGE_NATIONALITY = {
    "maghreb": ("MA", "TN", "DZ"),
    "turkish": ("TR",),
    "south_asian": ("PK", "BD", "AF"),
    "iraq": ("IQ",),
    "mashriq": ("EG", "JO", "LB", "SO"),
    "balkan": ("BA", "MK", "AL"),
}

SYRIAN_BIRTHPLACES = (
    "Raqqa",
    "Deir ez-Zor",
    "Mayadin",
    "Hajin",
    "Baghuz",
    "Tabqa",
    "Shaddadi",
    "Albu Kamal",
    "Manbij",
    "al-Bab",
)
CAMP_BIRTHPLACES = ("al-Hol camp", "Roj camp")
IRAQI_BIRTHPLACES = ("Mosul", "Tal Afar", "al-Qaim")

CONTROLLING_AUTHORITIES = [
    ("Autonomous Administration of North and East Syria (AANES)", "AANES"),
    ("Syrian Government", "Syrian Gov."),
]
AANES, SYRIAN_GOVERNMENT = (name for name, _short in CONTROLLING_AUTHORITIES)
# Control of al-Hol passed from the AANES to the Syrian government on this day.
AL_HOL_HANDOVER = date(2026, 2, 1)
CONTROL_SINCE = date(2019, 3, 1)

# name, Arabic name, kind, location, latitude, longitude, sections (name, kind)
AL_HOL = "al-Hol camp"
ROJ = "Roj camp"
HOURI = "Houri centre"
ORKESH = "Orkesh centre"
DETENTION = "Hasakah central detention centre"
HOSPITAL = "Hasakah general hospital"
FACILITIES = [
    (AL_HOL, "مخيم الهول", "camp", "al-Hol", "36.38", "41.15",
     [*((f"Phase {n}", "phase") for n in range(1, 9)), ("Annex", "annex")]),
    (ROJ, "مخيم روج", "camp", "near al-Malikiyah", "36.99", "42.08",
     [("Section 1", "phase"), ("Section 2", "phase"), ("Extension", "other")]),
    (HOURI, "مركز هوري", "rehabilitation_centre", "Qamishli area", None, None, []),
    (ORKESH, "مركز أوركيش", "rehabilitation_centre", "Amuda area", None, None, []),
    (DETENTION, "مركز احتجاز الحسكة المركزي", "detention_centre", "Hasakah", None, None,
     [("Wing A", "wing"), ("Wing B", "wing"), ("Wing C", "wing")]),
    (HOSPITAL, "مستشفى الحسكة العام", "hospital", "Hasakah", None, None, []),
]  # fmt: skip

# name, code, kind. Invented organisations; the first holds most of the caseload and the named demo users.
ORGANISATIONS = [
    ("Family Links Network (demo)", "RFL", "ngo"),
    ("UN Assistance Office (demo)", "UNA", "un_agency"),
    ("Camp Administration Office (demo)", "CAM", "camp_administration"),
    ("Child Protection Alliance (demo)", "CPA", "ngo"),
    ("Legal Aid Collective (demo)", "LAC", "ngo"),
    ("Red Crescent Tracing Service (demo)", "RCT", "red_cross"),
]

# Requests to States outside the region go through missions in Iraq; Central Asian and Caucasus States
# have sent delegations via Damascus.
MISSION_CITY = {
    **dict.fromkeys(("RU", "KZ", "TJ", "UZ", "KG", "AZ", "TM", "BY"), "Damascus"),
    **dict.fromkeys(("FR", "DE", "BE", "NL", "GB", "SE", "DK", "NO", "FI", "AT", "US", "CA", "AU", "IT"), "Erbil"),
}

# Screening units by controlling authority.
SCREENED_BY = {
    AANES: ["Asayish screening unit", "SDF reception point", "Camp security office"],
    SYRIAN_GOVERNMENT: ["Camp security office", "Joint screening committee"],
}
SCREENING_PLACES = ["Reception point near Baghuz", "Reception point at al-Hol", "Hasakah screening office"]
SCREENING_FINDINGS = {
    "pending": "Interview scheduled; no findings yet.",
    "cleared": "Interview completed; no further action.",
    "referred": "Referred for a second interview; statements to be cross-checked.",
    "detained": "Held for further investigation.",
    "separated": "Separated from the family for transfer to a centre.",
}
HEALTH_NOTES = [
    "Chronic condition; follow-up by the camp clinic.",
    "Needs a specialist referral (orthopaedic).",
    "Malnutrition monitoring; weekly weighing.",
    "Hearing impairment; hearing aid requested.",
    "Shrapnel injury (old); reduced mobility.",
    "Diabetes; insulin supply to be checked monthly.",
    "Respiratory condition; winter kit priority.",
]
URGENT_HEALTH_NOTE = "Urgent: hospital referral pending; daily follow-up."
UASC_NOTES = {
    "unaccompanied": [
        "Unaccompanied; interim care arrangement in place; tracing open.",
        "No known relatives in the camp; weekly follow-up visits.",
    ],
    "separated": ["Separated; lives with a related caregiver; tracing of the mother open."],
}
ON_HOLD_NOTES = [
    "On hold until the State replies on the nationality question.",
    "On hold: person declined to continue for now.",
    "On hold pending a medical evacuation.",
    "On hold: request withdrawn, new approach to be agreed with the family.",
]
CLOSURE_NOTES = {
    "repatriated": "Repatriated; follow-up handed to the receiving State's services.",
    "resettled": "Resettled to a third State.",
    "reunified": "Reunified with family outside the camp.",
    "released_locally": "Released locally under a sponsorship arrangement.",
    "deceased": "Deceased; death recorded by the camp clinic.",
    "transferred": "Case transferred to another organisation.",
    "lost_contact": "Lost contact; whereabouts unknown.",
    "duplicate": "Duplicate record of another case.",
}
EVENT_TEXTS = {
    "submitted": "Request sent with the case files of the persons covered.",
    "acknowledged": "Receipt acknowledged by the authority.",
    "information_requested": "The authority asks for birth certificates and DNA results.",
    "information_provided": "Documents sent as requested.",
    "follow_up": "Follow-up sent: no answer yet.",
    "answer": "Decision received.",
    "appeal": "Review of the refusal requested; court hearing pending.",
    "court_deadline": "Court-ordered deadline for the State's answer.",
    "note": "Handover operation planned with the authority.",
}
DOCUMENT_NOTES = {
    "other": "Document issued in the former enclave; not recognised.",
}
DNA_LABORATORIES = ["Forensic genetics laboratory (demo)", "National DNA laboratory (demo)"]
DNA_COMPARED_WITH = ["Maternal grandmother (reference sample)", "Mother", "Paternal grandparents", "Aunt"]
ASSESSORS = {
    "bia": "Child-protection team",
    "bid": "BID panel",
    "consent": "Caseworker with interpreter",
    "vulnerability": "Protection team",
    "medical": "Camp clinic",
    "legal_representation": "Legal aid team",
}
ASSESSMENT_FINDINGS = {
    "bia": "Best-interests assessment completed; recommends family-based care and repatriation.",
    "bid": "Panel determined that return to the State of nationality is in the child's best interests.",
    "consent": "Written consent of the mother recorded for the child's departure.",
    "consent_refused": "The mother does not consent to the child leaving without her.",
    "vulnerability": "Single mother with several young children; priority for services.",
    "medical": "Medical assessment: needs treatment not available in the camp.",
    "legal_representation": "Lawyer appointed in the home State.",
}
LAWYERS = ["Counsel appointed by the family (demo)", "Legal aid office (demo)"]
HANDOVER_PLACES = {"IQ": "Rabia border crossing", "default": ("Semalka crossing", "Qamishli airport")}

# Synthetic, plausible State policies (shared defaults), dated, with the line of each State's changes:
# (State, valid from, takes back, age limit, adults prosecuted, channel, language, usual answer days,
# authority to address, notes). Sources are marked as demo material: these are not statements of any State.
STATE_POLICIES = [
    (
        "FR",
        date(2019, 3, 1),
        "orphans",
        None,
        True,
        "note_verbale",
        "fr",
        180,
        "Ministry for Europe and Foreign Affairs, crisis centre",
        "Orphans and isolated children only, case by case; adults to be tried where they are held.",
    ),
    (
        "FR",
        date(2022, 7, 1),
        "mothers_with_children",
        None,
        True,
        "note_verbale",
        "fr",
        120,
        "Ministry for Europe and Foreign Affairs, crisis centre",
        "Collective operations for mothers with their children; mothers detained on arrival, children placed.",
    ),
    (
        "BE",
        date(2019, 12, 1),
        "children_under_age",
        10,
        True,
        "email",
        "fr",
        150,
        "Federal Public Service Foreign Affairs",
        "Children under 10 taken back; older children and mothers case by case.",
    ),
    (
        "BE",
        date(2021, 3, 1),
        "mothers_with_children",
        None,
        True,
        "email",
        "fr",
        120,
        "Federal Public Service Foreign Affairs",
        "Mothers with their children, after a security assessment.",
    ),
    (
        "NL",
        date(2019, 6, 1),
        "orphans",
        None,
        True,
        "letter",
        "nl",
        240,
        "Ministry of Foreign Affairs",
        "Only orphans, after a court ruling; others not actively repatriated.",
    ),
    (
        "NL",
        date(2022, 1, 15),
        "mothers_with_children",
        None,
        True,
        "letter",
        "nl",
        180,
        "Ministry of Foreign Affairs",
        "Mothers with children once a criminal file is open in the Netherlands.",
    ),
    (
        "SE",
        date(2019, 4, 1),
        "children_only",
        None,
        False,
        "email",
        "sv",
        150,
        "Ministry for Foreign Affairs",
        "Children only; mothers refused.",
    ),
    (
        "GB",
        date(2019, 2, 1),
        "case_by_case",
        None,
        True,
        "email",
        "en",
        365,
        "Foreign, Commonwealth and Development Office",
        "Unaccompanied children and orphans considered; nationality often deprived for adults.",
    ),
    (
        "DE",
        date(2019, 8, 1),
        "children_only",
        None,
        True,
        "email",
        "de",
        180,
        "Federal Foreign Office",
        "Children only at first, with a consular check.",
    ),
    (
        "DE",
        date(2020, 12, 1),
        "mothers_with_children",
        None,
        True,
        "email",
        "de",
        120,
        "Federal Foreign Office",
        "Mothers with their children; arrest warrants executed on arrival.",
    ),
    (
        "RU",
        date(2019, 1, 1),
        "children_only",
        None,
        False,
        "delegation_meeting",
        "ru",
        60,
        "Office of the Commissioner for Children's Rights",
        "Children repatriated by delegations; mothers rarely.",
    ),
    (
        "IQ",
        date(2021, 5, 1),
        "all",
        None,
        True,
        "delegation_meeting",
        "ar",
        45,
        "Ministry of Migration and Displacement",
        "Whole families to a rehabilitation centre; adults screened.",
    ),
    (
        "KZ",
        date(2019, 1, 1),
        "all",
        None,
        True,
        "delegation_meeting",
        "ru",
        45,
        "Ministry of Foreign Affairs",
        "Whole families in organised operations; men and some women prosecuted.",
    ),
    (
        "UZ",
        date(2019, 5, 1),
        "all",
        None,
        True,
        "delegation_meeting",
        "ru",
        60,
        "Ministry of Foreign Affairs",
        "Whole families; rehabilitation programme on arrival.",
    ),
    (
        "TN",
        date(2020, 1, 1),
        "orphans",
        None,
        True,
        "note_verbale",
        "ar",
        300,
        "Ministry of Foreign Affairs",
        "Orphans only; others case by case and slowly.",
    ),
]
STATE_POLICY_SOURCE = "Demo data (synthetic), modelled on public reporting; not a statement of the State."
