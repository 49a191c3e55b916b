"""The meeting types we know, in plain words, and the feed codes that mean each of them.

``TYPES`` is our own vocabulary: its keys are what ``Meeting.types`` holds and what the search
filters ask for; its values are what people are shown. Each feed format has its own codes:
``MEETING_GUIDE_CODES`` for the Meeting Guide spec (code4recovery) and the legacy language codes
that 12 Step Meeting List sites still send, ``BMLT_CODES`` for the NA world format ids and the
default English format keys of a BMLT server. Both tables are keyed in upper case and read with
``code_type``, because feeds are not consistent about case.

Codes that say how to attend (temporarily closed, online, virtual, hybrid) are not types: the
parsers read them to decide a meeting's attendance. Any other code missing from a table is
ignored, since every area has local codes; ``unknown_codes`` lists them for the refresh log.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

TYPES: Dict[str, str] = {
    # who may come
    "open": "open to anyone",
    "closed": "closed (for people who want to stop drinking or using)",
    "women": "women",
    "men": "men",
    "lgbtq": "LGBTQ+",
    "transgender": "transgender",
    "young_people": "young people",
    "seniors": "seniors",
    "beginners": "newcomers",
    "parents": "parents",
    "professionals": "professionals",
    "veterans": "veterans",
    "native_american": "Native American and Indigenous",
    "people_of_color": "people of color",
    "dual_diagnosis": "dual diagnosis (mental health and addiction)",
    # the room
    "wheelchair": "wheelchair accessible",
    "child_care": "child care available",
    "children_welcome": "children welcome",
    "no_children": "no children, please",
    "outdoor": "outdoors",
    "fragrance_free": "fragrance free",
    "smoking": "smoking allowed",
    "breakfast": "breakfast",
    "candlelight": "candlelight",
    "concurrent_alateen": "Alateen meets at the same time (for teens)",
    "concurrent_al_anon": "Al-Anon meets at the same time (for family and friends)",
    "proof_of_attendance": "attendance slips signed",
    # what happens
    "speaker": "speaker",
    "discussion": "discussion",
    "big_book": "Big Book study",
    "step_study": "step study",
    "traditions": "traditions study",
    "literature": "literature study",
    "daily_reflections": "Daily Reflections reading",
    "as_bill_sees_it": "As Bill Sees It reading",
    "grapevine": "Grapevine magazine",
    "living_sober": "Living Sober book",
    "basic_text": "Basic Text study",
    "just_for_today": "Just for Today reading",
    "living_clean": "Living Clean book",
    "meditation": "meditation",
    "agnostic": "secular (agnostic and atheist friendly)",
    "birthday": "birthday (sobriety anniversaries)",
    # languages other than English
    "spanish": "in Spanish",
    "french": "in French",
    "korean": "in Korean",
    "chinese": "in Chinese",
    "vietnamese": "in Vietnamese",
    "tagalog": "in Tagalog",
    "armenian": "in Armenian",
    "russian": "in Russian",
    "polish": "in Polish",
    "portuguese": "in Portuguese",
    "japanese": "in Japanese",
    "german": "in German",
    "italian": "in Italian",
    "persian": "in Persian (Farsi)",
    "arabic": "in Arabic",
    "hebrew": "in Hebrew",
    "hindi": "in Hindi",
    "punjabi": "in Punjabi",
    "ukrainian": "in Ukrainian",
    "asl": "American Sign Language interpreted",
}

# The same types in Spanish, for a conversation in Spanish (bot.meetings.present chooses).
TYPES_ES: Dict[str, str] = {
    "open": "abierta a todos",
    "closed": "cerrada (para quienes quieren dejar de beber o de consumir)",
    "women": "mujeres",
    "men": "hombres",
    "lgbtq": "LGBTQ+",
    "transgender": "personas trans",
    "young_people": "jóvenes",
    "seniors": "personas mayores",
    "beginners": "principiantes",
    "parents": "madres y padres",
    "professionals": "profesionales",
    "veterans": "veteranos",
    "native_american": "nativos americanos e indígenas",
    "people_of_color": "personas de color",
    "dual_diagnosis": "diagnóstico dual (salud mental y adicción)",
    "wheelchair": "accesible en silla de ruedas",
    "child_care": "hay cuidado de niños",
    "children_welcome": "se admiten niños",
    "no_children": "sin niños, por favor",
    "outdoor": "al aire libre",
    "fragrance_free": "sin perfumes ni fragancias",
    "smoking": "se permite fumar",
    "breakfast": "desayuno",
    "candlelight": "a la luz de las velas",
    "concurrent_alateen": "Alateen se reúne a la misma hora (para adolescentes)",
    "concurrent_al_anon": "Al-Anon se reúne a la misma hora (para familiares y amigos)",
    "proof_of_attendance": "se firman comprobantes de asistencia",
    "speaker": "orador",
    "discussion": "discusión",
    "big_book": "estudio del Libro Grande",
    "step_study": "estudio de los pasos",
    "traditions": "estudio de las tradiciones",
    "literature": "estudio de la literatura",
    "daily_reflections": "lectura de Reflexiones diarias",
    "as_bill_sees_it": "lectura de Como lo ve Bill",
    "grapevine": "revista Grapevine",
    "living_sober": "libro Viviendo sobrio",
    "basic_text": "estudio del Texto Básico",
    "just_for_today": "lectura de Solo por hoy",
    "living_clean": "libro Vivir limpios",
    "meditation": "meditación",
    "agnostic": "laica (abierta a agnósticos y ateos)",
    "birthday": "cumpleaños (aniversarios de sobriedad)",
    "spanish": "en español",
    "french": "en francés",
    "korean": "en coreano",
    "chinese": "en chino",
    "vietnamese": "en vietnamita",
    "tagalog": "en tagalo",
    "armenian": "en armenio",
    "russian": "en ruso",
    "polish": "en polaco",
    "portuguese": "en portugués",
    "japanese": "en japonés",
    "german": "en alemán",
    "italian": "en italiano",
    "persian": "en persa (farsi)",
    "arabic": "en árabe",
    "hebrew": "en hebreo",
    "hindi": "en hindi",
    "punjabi": "en panyabí",
    "ukrainian": "en ucraniano",
    "asl": "con intérprete de lengua de señas americana (ASL)",
}

# The types' plain words by the conversation's language (bot.program.wording's codes).
TYPE_NAMES: Dict[str, Dict[str, str]] = {"en": TYPES, "es": TYPES_ES}


def type_names(language: str) -> Dict[str, str]:
    """The types' plain words in a language; English for one we have no words in."""
    return TYPE_NAMES.get(language, TYPES)


LANGUAGES: FrozenSet[str] = frozenset(
    {
        "spanish",
        "french",
        "korean",
        "chinese",
        "vietnamese",
        "tagalog",
        "armenian",
        "russian",
        "polish",
        "portuguese",
        "japanese",
        "german",
        "italian",
        "persian",
        "arabic",
        "hebrew",
        "hindi",
        "punjabi",
        "ukrainian",
        "asl",
    }
)

# Types that describe the room; an online-only meeting has none (as TSML UI drops them too).
IN_PERSON_ONLY: FrozenSet[str] = frozenset(
    {
        "wheelchair",
        "child_care",
        "children_welcome",
        "no_children",
        "outdoor",
        "fragrance_free",
        "smoking",
        "breakfast",
        "candlelight",
        "concurrent_alateen",
        "concurrent_al_anon",
    }
)

# A follow-up naming a type of one of these groups replaces the group's types in the last search
# ("any men's ones?" after women's); a type of no group adds to them (wheelchair access).
TYPE_GROUPS: Tuple[FrozenSet[str], ...] = (
    frozenset({"open", "closed"}),
    frozenset(
        {
            "women",
            "men",
            "lgbtq",
            "transgender",
            "young_people",
            "seniors",
            "beginners",
            "parents",
            "professionals",
            "veterans",
            "native_american",
            "people_of_color",
            "dual_diagnosis",
        }
    ),
    frozenset(
        {
            "speaker",
            "discussion",
            "big_book",
            "step_study",
            "traditions",
            "literature",
            "daily_reflections",
            "as_bill_sees_it",
            "grapevine",
            "living_sober",
            "basic_text",
            "just_for_today",
            "living_clean",
            "meditation",
            "agnostic",
            "birthday",
        }
    ),
    LANGUAGES,
)

# A listing with one of these is not the other: "is it open?" of a closed meeting is a plain no.
OPPOSITES: Dict[str, str] = {"open": "closed", "closed": "open", "women": "men", "men": "women"}

# A meeting of the first kind is one of the second too: someone asking for LGBTQ+ meetings
# should find the transgender ones.
BROADER: Dict[str, str] = {"transgender": "lgbtq"}

# Read by the parsers for attendance: Meeting Guide's TC and ONL, BMLT's VM, TC and HY (world id HYBR).
ATTENDANCE_CODES: FrozenSet[str] = frozenset({"TC", "ONL", "VM", "HY", "HYBR"})

MEETING_GUIDE_CODES: Dict[str, str] = {
    "11": "meditation",
    "12X12": "step_study",
    "A": "agnostic",
    "ABSI": "as_bill_sees_it",
    "AL": "concurrent_alateen",
    "AL-AN": "concurrent_al_anon",
    "ASL": "asl",
    "B": "big_book",
    "BA": "child_care",
    "BE": "beginners",
    "BI": "lgbtq",
    "BRK": "breakfast",
    "C": "closed",
    "CAN": "candlelight",
    "CF": "children_welcome",
    "D": "discussion",
    "DD": "dual_diagnosis",
    "DR": "daily_reflections",
    "FF": "fragrance_free",
    "G": "lgbtq",
    "GR": "grapevine",
    "H": "birthday",
    "L": "lgbtq",
    "LGBTQ": "lgbtq",
    "LIT": "literature",
    "LS": "living_sober",
    "M": "men",
    "MED": "meditation",
    "N": "native_american",
    "NB": "lgbtq",
    "NDG": "native_american",
    "O": "open",
    "OUT": "outdoor",
    "P": "professionals",
    "POA": "proof_of_attendance",
    "POC": "people_of_color",
    "SEN": "seniors",
    "SM": "smoking",
    "SP": "speaker",
    "ST": "step_study",
    "T": "transgender",
    "TR": "traditions",
    "W": "women",
    "X": "wheelchair",
    "Y": "young_people",
    # languages: the spec's codes, then the ISO 639-1 codes 12 Step Meeting List sites send
    "S": "spanish",
    "FR": "french",
    "KOR": "korean",
    "TL": "tagalog",
    "RUS": "russian",
    "POL": "polish",
    "POR": "portuguese",
    "JA": "japanese",
    "DE": "german",
    "ITA": "italian",
    "FA": "persian",
    "AR": "arabic",
    "HE": "hebrew",
    "HI": "hindi",
    "PUN": "punjabi",
    "UK": "ukrainian",
    "ES": "spanish",
    "KO": "korean",
    "ZH": "chinese",
    "VI": "vietnamese",
    "HY": "armenian",
    "RU": "russian",
    "PL": "polish",
    "PT": "portuguese",
    "IT": "italian",
    "PA": "punjabi",
}

BMLT_CODES: Dict[str, str] = {
    # NA world format ids (a server's formats list gives each local key its world id)
    "OPEN": "open",
    "CLOSED": "closed",
    "BEG": "beginners",
    "BT": "basic_text",
    "CAN": "candlelight",
    "CW": "children_welcome",
    "DISC": "discussion",
    "GL": "lgbtq",
    "IP": "literature",
    "IW": "literature",
    "JFT": "just_for_today",
    "LC": "living_clean",
    "LIT": "literature",
    "M": "men",
    "MED": "meditation",
    "NC": "no_children",
    "S-D": "speaker",
    "SPAD": "literature",
    "SPK": "speaker",
    "STEP": "step_study",
    "SWG": "step_study",
    "TOP": "discussion",
    "TRAD": "traditions",
    "W": "women",
    "WCHR": "wheelchair",
    "Y": "young_people",
    "GP": "literature",
    # the default English keys of a BMLT server, for feeds fetched without the formats list
    "O": "open",
    "C": "closed",
    "B": "beginners",
    "CL": "candlelight",
    "CS": "children_welcome",
    "D": "discussion",
    "JT": "just_for_today",
    "SD": "speaker",
    "SG": "step_study",
    "SO": "speaker",
    "ST": "step_study",
    "TO": "discussion",
    "TR": "traditions",
    "TW": "traditions",
    "WC": "wheelchair",
    "YP": "young_people",
    "BK": "literature",
    "ME": "meditation",
    "AG": "agnostic",
    "SL": "asl",
    "ASL": "asl",
    "LGBTQ": "lgbtq",
    "ES": "spanish",
    "SPAN": "spanish",
    "PER": "persian",
}


def code_type(table: Mapping[str, str], code: str) -> Optional[str]:
    """Our type key for a feed's code, whatever its case, or None when we have no such type."""
    return table.get(code.strip().upper())


def unknown_codes(table: Mapping[str, str], codes: Iterable[str]) -> List[str]:
    """The codes that are neither a type in ``table`` nor an attendance code, in feed order."""
    return [code for code in codes if code_type(table, code) is None and code.strip().upper() not in ATTENDANCE_CODES]
