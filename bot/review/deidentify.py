"""De-identification of chat messages before they become NLU training data (issue 21).

Staff label real messages in the review inbox, and only de-identified text may be exported as a
training example. :func:`deidentify` replaces identifiers with placeholders, or says why the
message must be refused.

Replaced, with its placeholder:

- ``[phone]``, ``[email]``: phone numbers and e-mail addresses, also spelled out, found as
  bot/records/masking.py finds them for the console.
- ``[name]``: the ``names`` passed in and their parts (whole words, any case, with or without
  accents; one that is also a word, such as "Hope", "Mark" or "Al", only capitalised); the
  word(s) after "my name is", "name's", "me llamo", "mi nombre es" in any case; after "I'm",
  "I am", "this is", "soy", "se llama", "call me", a greeting, a relation ("my son Jake", "mi hija
  Sofía") or a title ("Dr. Patel") only when capitalised and not a common word, so "I'm Sober"
  and "this is Hard" stay; a signature at the very end ("- Sarah", "thanks, Sarah").
- ``[address]``: a street address ("1234 E Palm Canyon Dr", "55 Main Street Apt 4", "Calle Ocho
  123"), a unit alone ("apartment 12B") and a P.O. box.
- ``[date]``: a date with its year (03/14/1988, 3-14-88, 1988-03-14, "March 14, 1988", "14 de
  marzo de 1988"), and any date of birth: a day and month, or month and year, after "born",
  "birthday", "DOB", "nací", "fecha de nacimiento", "cumpleaños".
- ``[zip]``: a five-digit number or ZIP+4 not written as money. A ZIP code alone names a town, but
  with an age or a diagnosis it narrows to a few people, and meeting searches ("NA near 92262")
  learn as well from the placeholder.
- ``[id]``: member, policy, group, claim, case and record numbers: after such a word, a value with
  four or more digits ("claim 88213-09", "group number W2938 4471"); anywhere, a token of six or
  more characters mixing letters and digits ("XJH123456789") or seven or more digits; a social
  security number.

Left alone, because it identifies no one and the training data needs it: a day and month without
a year outside a birth date ("do you have groups on March 3rd?", "el 14 de marzo"), which is how
people ask about the schedule; weekdays, "tomorrow", clock times, durations ("90 days"), a year
alone ("since 2019", and "born in 1988": HIPAA's safe harbor keeps years too), prices and
amounts, doses ("1000mg"), and towns ("Palm Springs"), which the meeting finder needs.

Refused (``refused`` says why; the text is still returned with its replacements): a social
security number (too sensitive to keep at all: a message that gives one is a form being filled
in, not a question to learn from), a web address with query parameters (they carry tokens and
e-mail addresses in forms no pattern knows), more than four placeholders (a message that is
mostly personal details teaches little), and a six-digit number still left after replacement.

It errs towards replacing: a capitalised word after "I'm" that is not in the common-word list is
taken for a name, a ten-digit order number becomes ``[phone]`` and "10000 steps" ``[zip]``. What it
cannot see: a name with no word before it that introduces it ("la mamá de Diego") unless it is
among ``names``, so pass every name the center knows for the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Pattern, Tuple

from bot.records.masking import EMAIL as MASKED_EMAIL
from bot.records.masking import PHONE as MASKED_PHONE
from bot.records.masking import mask_text
from bot.text import fold

NAME = "[name]"
PHONE = "[phone]"
EMAIL = "[email]"
ADDRESS = "[address]"
DATE = "[date]"
ID = "[id]"
ZIP = "[zip]"
PLACEHOLDERS = {"name": NAME, "phone": PHONE, "email": EMAIL, "address": ADDRESS, "date": DATE, "id": ID, "zip": ZIP}

MAX_PLACEHOLDERS = 4

REFUSED_SSN = "It contains a social security number, which must never become training data."
REFUSED_URL = "It contains a web address with query parameters, which can carry personal details."
REFUSED_TOO_MANY = f"It needed more than {MAX_PLACEHOLDERS} replacements: it is mostly personal details."
REFUSED_NUMBER = "It still contains a six-digit number that could identify someone."


@dataclass(frozen=True)
class Deidentified:
    text: str  # the text with placeholders
    replaced: Dict[str, int]  # placeholder kind -> how many were replaced, e.g. {"phone": 1}
    refused: Optional[str]  # None, or why this text must not become training data (a short sentence staff can read)


# Words that end a name after "my name is" ("my name is not important", "name's Sarah and I ...").
_FUNCTION_WORDS = frozenset(
    """
    a an the and or but nor not no yes yeah yep ok okay so just also too very really still even only if
    then than that this these those there here it its it's i i'm im me my mine myself you your yours he
    him his she her hers we us our they them their who whom whose what which when where why how is am
    are was were be been being do does did done have has had having shall should can could must to of
    in on at by for from with without about into over under after before as like please thanks thank hi
    hello hey dear sorry btw
    y e o u pero ni sí si que qué quien quién como cómo cuando cuándo donde dónde yo tú tu usted él el
    ella ellos ellas nosotros mi mis me te se su sus lo la los las le les un una unos unas de del al en
    con sin por para es soy eres somos son está estoy estás estamos están fue era ser estar muy más ya
    también aquí allí esto eso este esta ese esa hola gracias buenas buenos favor
    """.split()
)

# Capitalised words that are not names after "I'm", "this is", "my son", a greeting or a closing:
# states, feelings, verbs, times, family words, and the program's and insurers' names. This list is
# what keeps "I'm Sober", "I'm Scared", "THIS IS HARD" and "my son Is using" as they are.
_COMMON_WORDS = _FUNCTION_WORDS | frozenset(
    """
    sober clean scared afraid anxious worried nervous ready done tired exhausted sick ill fine good great
    alright well better worse bad sad happy glad lost alone lonely desperate hopeless helpless depressed
    confused overwhelmed ashamed embarrassed angry mad frustrated stressed struggling suffering drinking
    using relapsing relapsed recovering addicted alcoholic addict sure unsure interested curious new
    back home calling looking trying asking wondering writing reaching checking thinking hoping planning
    going gonna getting having feeling doing coming leaving working married single divorced separated
    pregnant homeless unemployed retired disabled insured uninsured covered broke free busy available
    late early old young almost currently finally actually literally seriously honestly always never
    sometimes concerned texting messaging thankful grateful blessed open willing able unable allowed
    supposed told asked need needs needed want wants wanted hope hopes hoped think thinks know knows knew
    said says feel feels felt get gets got make makes made keep keeps kept start starts started stop
    stopped quit went gone come came comes take takes took use uses used drink drinks drank call called
    calls help helps helped can't cannot couldn't will won't would wouldn't shouldn't may might isn't
    wasn't aren't weren't doesn't didn't don't because since until while though although now today
    tonight tomorrow yesterday morning afternoon evening night week weekend month year again
    monday tuesday wednesday thursday friday saturday sunday january february march april june july
    august september october november december
    mom mother dad father parent parents wife husband son daughter child kid kids brother sister family
    friend friends partner boyfriend girlfriend everyone everybody all guys team folks god jesus lord
    sir madam ma'am maam man woman guy girl boy lady ladies people person patient client member veteran
    vet student nurse doctor doc counselor therapist admissions staff there
    aa na iop php program center recovery rehab detox juniper ridge aetna cigna kaiser medicare medicaid
    medi-cal medical anthem humana tricare blue cross shield uhc united optum magellan beacon molina
    health net insurance
    hard difficult tough crazy scary urgent important serious ridiculous stupid embarrassing weird
    strange confusing frustrating terrible awful horrible amazing wonderful true real one
    terrified hurting broken numb guilty drunk high hungover withdrawing shaking dying suicidal stuck
    trapped bipolar diabetic hispanic catholic christian muslim jewish gay lesbian bisexual trans
    transgender american mexican black white asian native
    sobrio sobria limpio limpia asustado asustada nervioso nerviosa preocupado preocupada listo lista
    cansado cansada enfermo enferma bien mal triste feliz solo sola perdido perdida desesperado
    desesperada deprimido deprimida adicto adicta alcohólico alcohólica alcoholico alcoholica nuevo nueva
    madre padre mamá papá mama papa esposa esposo hija hijo hermana hermano amigo amiga familia casado
    casada soltero soltera embarazada paciente cliente miembro estudiante veterano veterana mexicano
    mexicana latino latina dios señor señora lunes martes miércoles miercoles jueves viernes sábado
    sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre
    noviembre diciembre hoy mañana manana ayer noche tarde semana mes año
    """.split()
)

# Given names that are also words: matched only capitalised, so "I have no hope" keeps its hope.
_WORD_NAMES = frozenset("hope faith grace joy will may june april rose mark bill frank dawn angel art chase summer sunny".split())

_NAME_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:['’][^\W\d_]{2,})?")  # Mary-Jane, O'Neil; not the 's of Sarah's
_NAME_GAP = re.compile(r"[ \t]+")  # a name's words are on one line, with no punctuation between
_NAME_WORDS_AT_MOST = 4

# Here the next word is a name even in lower case ("my name is sarah"), unless a function word.
_STRONG_LEAD = re.compile(
    r"\b(?:my\s+name\s+is|(?:my\s+)?name['’]s|names?\s+is|me\s+llamo|mi\s+nombre\s+es|su\s+nombre\s+es)\s+",
    re.IGNORECASE,
)
# Here only a capitalised word that is not a common word is a name ("I'm Sarah", not "I'm Sober").
_WEAK_LEAD = re.compile(
    r"""
    (?i:
        \b(?:i['’]?m|i\s+am|this\s+is|soy|se\s+llama|call\s+me|ll[aá]mame|hi|hello|hey|dear|hola)
      | \b(?:son|daughter|husband|wife|partner|boyfriend|girlfriend|fianc[eé]e?|brother|sister|mom|mother
          |dad|father|uncle|aunt|cousin|nephew|niece|grandson|granddaughter|grandma|grandmother|grandpa
          |grandfather|stepson|stepdaughter|stepdad|stepmom|friend|roommate|sponsor|counselor|therapist
          |doctor|child|kid|hijo|hija|esposo|esposa|marido|mujer|novio|novia|pareja|hermano|hermana
          |mam[aá]|pap[aá]|madre|padre|t[ií]o|t[ií]a|primo|prima|sobrino|sobrina|nieto|nieta|abuelo
          |abuela|amigo|amiga|padrino|madrina|consejer[oa]|doctora),?
    )\s+
    | \b(?:Dr|Dra|Mr|Mrs|Ms|Mx|Miss|Sr|Sra|Srta)\.?\s+   # titles only as written, so "dr" is not "Drive"
    """,
    re.VERBOSE,
)
# A closing at the very end: "- Sarah", "— Sarah M.", "thanks, Sarah", "Gracias, María".
_SIGNATURE_LEAD = re.compile(
    r"""
    (?:
        (?:^|(?<=[\s,.!]))[-–—~]\s*
      | (?i:\b(?:thanks|thank\s+you|thx|regards|best|cheers|sincerely|love|gracias|saludos|atentamente|bendiciones))
        \s*[,!.]?\s+
    )
    (?=[^\W\d_][^\W\d_'’ -]*(?:[ \t]+[^\W\d_]+\.?)?[.!\s]*$)   # only a name or a name and initial follows
    """,
    re.VERBOSE,
)

_SSN = re.compile(r"(?<![\d\-\u2010-\u2015])\d{3}([ \-\u2010-\u2015])\d{2}\1\d{4}(?!\d)")
_SSN_AFTER_WORD = re.compile(
    r"""
    (?i:\b(?:ssn|ss\#|social\s+security(?:\s+(?:number|no\.?|\#))?|social|seguro\s+social))
    \s*(?:\#|is|es|:)?\s*
    (?P<value>\d[\d \-]{2,10}\d)(?!\d)
    """,
    re.VERBOSE,
)
_URL_WITH_QUERY = re.compile(r"(?:https?://|\bwww\.)[^\s?#]*\?\S*=", re.IGNORECASE)

# After one of these words a value with four or more digits is an id, even with a space or dash
# inside ("W2938 4471", "88213-09", "ABC 123456"), which the generic rule below would miss.
_ID_AFTER_WORD = re.compile(
    r"""
    (?i:
        \b(?:member|subscriber|policy|claim|case|group|record|account|patient|client|chart|insurance
            |medical\s+record|medicaid|medi-?cal|medicare|cin)(?:\s*(?:id|number|num|no\.?|\#))?
      | \bid(?:\s*(?:number|num|no\.?|\#))?
      | \bmrn
      | (?<!\w)\#
      | \bn[uú]mero\s+de\s+(?:miembro|p[oó]liza|grupo|reclamo|caso|expediente|seguro|cuenta)
      | \b(?:p[oó]liza|reclamo|expediente)
    )
    \s*(?:is|es|was|:|=|\#)?\s*
    (?P<value>(?:[A-Z]{1,4}[ \-])?[A-Za-z0-9]*\d[A-Za-z0-9]*(?:[ \-][A-Za-z0-9]*\d[A-Za-z0-9]*)*)
    (?![A-Za-z0-9@])   # not the start of an e-mail address
    """,
    re.VERBOSE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")

_MONTH = (
    r"(?i:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)\b\.?"
)
_DAY = r"\d{1,2}(?i:st|nd|rd|th|º|°)?"
_FULL_DATE = re.compile(
    rf"""
        \b{_MONTH}\s+{_DAY},?\s+(?:of\s+)?(?:\d{{4}}|['’]\d\d)\b         # March 14, 1988; Mar 14th '88
      | \b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?:\d{{4}}|['’]\d\d)\b         # 14 March 1988
      | \b\d{{1,2}}\s+de\s+{_MONTH}\s+(?:de|del)\s+\d{{4}}\b             # 14 de marzo de 1988
      | (?<![\d/.\-])\d{{1,2}}([/.\-])\d{{1,2}}\1(?:\d{{4}}|\d\d)(?!\d|[/.\-]\d)   # 03/14/1988, 3-14-88
      | (?<![\d/.\-])\d{{4}}([/.\-])\d{{1,2}}\2\d{{1,2}}(?!\d|[/.\-]\d)            # 1988-03-14
    """,
    re.VERBOSE,
)
# A date of birth is identifying without its year too; the year alone is not (HIPAA's safe harbor).
_BIRTH_DATE = re.compile(
    rf"""
    (?i:\b(?:born|birthday|birth\s*date|date\s+of\s+birth|dob|d\.o\.b\.?|b-?day|nac[ií]|naci[oó]|nacimiento
          |cumplea[ñn]os|cumple))(?!\w)
    [^\d\n?!]{{0,25}}?
    (?P<value>
        {_MONTH}\s+(?:of\s+|de\s+)?(?:{_DAY}|\d{{4}})\b
      | {_DAY}\s+(?:of\s+|de\s+)?{_MONTH}
      | \d{{1,2}}[/.\-]\d{{1,2}}(?![/.\-]?\d)
      | \d{{6,8}}(?!\d)
    )
    """,
    re.VERBOSE,
)

_STREET_SUFFIX = (
    r"(?i:street|st|avenue|ave|road|rd|drive|dr|boulevard|blvd|lane|ln|way|court|ct|place|pl|circle|cir"
    r"|terrace|ter|trail|trl|highway|hwy|parkway|pkwy|canyon|loop|square|sq|plaza|row|path|pike|alley)\b\.?"
)
_UNIT = r"(?i:apartment|apt|unit|suite|ste|apto|departamento|depto|dpto)\.?\s*\#?\s*(?:\d+[A-Za-z]?|[A-Za-z]\d+)\b"
_ADDRESS = re.compile(
    rf"""
        \b\d{{1,6}}[A-Za-z]?\s+(?:(?:[NSEW]\.?|North|South|East|West)\s+)?
        (?:(?:[A-Z][\w'’.\-]*|\d+(?i:st|nd|rd|th))\s+){{1,3}}{_STREET_SUFFIX}    # 1234 E Palm Canyon Dr
        (?:,?\s*(?:{_UNIT}|\#\s*\w+))?
      | \b\d{{1,6}}\s+(?:[a-z]+\s+){{1,2}}(?:street|avenue|boulevard)\b   # 55 main street, not "a 30 minute drive"
        (?:,?\s*(?:{_UNIT}|\#\s*\w+))?
      | \b(?i:calle|avenida|avda|av|camino|paseo|carretera|callej[oó]n)\.?\s+             # Calle Ocho 123
        (?:(?:[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*|de|del|la|los|las)\s+){{1,4}}(?:\#\s*|(?i:n[uú]m(?:ero)?|no)\.?\s*)?\d{{1,5}}\b
        (?:,?\s*(?:{_UNIT}|\#\s*\w+))?
      | \b{_UNIT}
      | \b(?i:p\.?\s*o\.?\s*box|post\s+office\s+box|apartado\s+postal)\s*\#?\s*\d+\b
    """,
    re.VERBOSE,
)
_ZIP = re.compile(
    r"(?<![\w$€£,.\-/#])\d{5}(?:-\d{4})?(?!\w|[,.\-/]\d|\s*(?i:dollars|bucks|usd|pesos|%))",
)
_MIXED_ID = re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{6,}\b")
_LONG_NUMBER = re.compile(r"(?<![\d$€£,.])\d{7,}(?!\d|[,.]\d)")
_SIX_DIGITS = re.compile(r"(?<![\d$€£,.])\d{6}(?!\d|[,.]\d)")
# Not ids: a number with a unit ("1000mg", "1990s", "1930hrs") or a word with a small number ("covid19").
_NOT_AN_ID = re.compile(
    r"\d+(?i:mg|mcg|ml|g|kg|lbs?|oz|am|pm|hrs?|h|mins?|secs?|th|st|nd|rd|s|k|x|yrs?|mos?|days?|steps?)|[A-Za-z]{3,}\d{1,2}"
)


def replace_contact_details(text: str) -> Tuple[str, Dict[str, int]]:
    """``text`` with phone numbers as ``[phone]`` and e-mail addresses as ``[email]``, and how many.

    The patterns are bot/records/masking.py's, which the console already relies on; its e-mail
    placeholder is renamed to this module's."""
    phones, emails = text.count(MASKED_PHONE), text.count(MASKED_EMAIL)
    masked = mask_text(text)
    counts = {"phone": masked.count(MASKED_PHONE) - phones, "email": masked.count(MASKED_EMAIL) - emails}
    return masked.replace(MASKED_EMAIL, EMAIL), {kind: n for kind, n in counts.items() if n}


def deidentify(text: str, names: Iterable[str] = ()) -> Deidentified:
    """``text`` with identifiers replaced by placeholders, how many of each, and whether it is refused."""
    counts: Dict[str, int] = {}
    refused: Optional[str] = REFUSED_URL if _URL_WITH_QUERY.search(text) else None

    def replace(kind: str, pattern: Pattern[str], accept: Callable[[re.Match[str]], bool] = lambda _: True) -> None:
        nonlocal text

        def one(found: re.Match[str]) -> str:
            if not accept(found):
                return found.group()
            counts[kind] = counts.get(kind, 0) + 1
            if "value" not in pattern.groupindex:
                return PLACEHOLDERS[kind]
            start, end = found.start("value") - found.start(), found.end("value") - found.start()
            return found.group()[:start] + PLACEHOLDERS[kind] + found.group()[end:]

        text = pattern.sub(one, text)

    # Social security numbers first, before their digits can be read as anything else.
    before = counts.get("id", 0)
    replace("id", _SSN)
    replace("id", _SSN_AFTER_WORD, lambda found: _digits(found.group("value")) >= 4)
    if counts.get("id", 0) > before:
        refused = REFUSED_SSN
    # E-mail addresses before anything that could take part of one (a name, a date, an id).
    text, contact = replace_contact_details(text)
    counts.update(contact)
    replace("id", _ID_AFTER_WORD, _is_id_value)
    replace("date", _FULL_DATE)
    replace("date", _BIRTH_DATE)
    # A street number would otherwise be read as a ZIP code, a unit number as an id.
    replace("address", _ADDRESS)
    replace("zip", _ZIP)
    replace("id", _MIXED_ID, lambda found: not _NOT_AN_ID.fullmatch(found.group()))
    replace("id", _LONG_NUMBER)
    text, named = _replace_names(text, names)
    if named:
        counts["name"] = named

    if refused is None and sum(counts.values()) > MAX_PLACEHOLDERS:
        refused = REFUSED_TOO_MANY
    if refused is None and _SIX_DIGITS.search(text):
        refused = REFUSED_NUMBER
    return Deidentified(text=text, replaced=counts, refused=refused)


def _digits(value: str) -> int:
    return sum(character.isdigit() for character in value)


def _is_id_value(found: re.Match[str]) -> bool:
    value = found.group("value")
    # "group 2024" is a year, "group 3" a count; an id has at least four digits.
    return _digits(value) >= 4 and not _YEAR.fullmatch(value)


def _replace_names(text: str, names: Iterable[str]) -> Tuple[str, int]:
    """``text`` with names as ``[name]``: the given ones, then those the wording around them shows."""
    count = 0
    given = _given_names_pattern(names)
    if given is not None:
        text, count = given.subn(NAME, text)
    spans = _merged(_introduced_name_spans(text))
    for start, end in reversed(spans):
        text = text[:start] + NAME + text[end:]
    return text, count + len(spans)


def _given_names_pattern(names: Iterable[str]) -> Optional[Pattern[str]]:
    """One pattern for the given names and their parts, longest first so a full name counts once."""
    candidates = set()
    for name in names:
        words = name.split()
        if not words:
            continue
        candidates.add(" ".join(words))
        candidates.update(word for word in words if len(word) > 1 and word.lower() not in _FUNCTION_WORDS)
    if not candidates:
        return None
    alternatives = [_given_name_pattern(name) for name in sorted(candidates, key=lambda name: (-len(name), name))]
    return re.compile(r"(?<![\w\[])(?:" + "|".join(alternatives) + r")(?![\w\]])")


def _given_name_pattern(name: str) -> str:
    """A name matched whole, any case and with or without accents ("Jose" finds "JOSÉ"); a name that is
    also a word ("Hope", "Al") only with its capital, so the word stays."""
    rest = "".join(r"\s+" if character.isspace() else _letter(character) for character in name[1:])
    if name.lower() in _COMMON_WORDS or name.lower() in _WORD_NAMES or len(name) <= 2:
        return _letter(name[0], upper=True) + "(?i:" + rest + ")"
    return "(?i:" + _letter(name[0]) + rest + ")"


_ACCENTED = "aáàâäãåeéèêëiíìîïoóòôöõuúùûüyýÿnñcç"


def _letter(character: str, upper: bool = False) -> str:
    """A character of a name as a pattern that also matches it with or without its accent."""
    base = _unaccented(character)
    variants = sorted({variant for variant in _ACCENTED if _unaccented(variant) == base} | {character.lower()})
    if upper:
        variants = sorted({variant.upper() for variant in variants})
    if len(variants) == 1:
        return re.escape(variants[0])
    return "[" + "".join(variants) + "]"


def _unaccented(character: str) -> str:
    return fold(character)[:1] or character


def _introduced_name_spans(text: str) -> List[Tuple[int, int]]:
    spans = [_name_span(text, lead.end(), strong=True) for lead in _STRONG_LEAD.finditer(text)]
    spans += [_name_span(text, lead.end(), strong=False) for lead in _WEAK_LEAD.finditer(text)]
    spans += [_name_span(text, lead.end(), strong=False) for lead in _SIGNATURE_LEAD.finditer(text)]
    return [span for span in spans if span[1] > span[0]]


def _name_span(text: str, start: int, strong: bool) -> Tuple[int, int]:
    """The words from ``start`` that make a name: ``(start, start)`` when there is none.

    The first word must be capitalised and not a common word, or, after a strong lead such as "my
    name is", anything but a function word. The next words follow while they are not common words
    and are capitalised (or the first one was not: "my name is sarah jones")."""
    end, position, lower_case = start, start, False
    for index in range(_NAME_WORDS_AT_MOST):
        if index:
            gap = _NAME_GAP.match(text, end)
            if gap is None:
                break
            position = gap.end()
        word = _NAME_WORD.match(text, position)
        if word is None:
            break
        lowered, capitalised = word.group().lower(), word.group()[0].isupper()
        if index == 0 and strong:
            if lowered in _FUNCTION_WORDS:
                break
            lower_case = not capitalised
        elif lowered in _COMMON_WORDS or not (capitalised or lower_case):
            break
        end = word.end()
    return start, end


def _merged(spans: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Overlapping spans as one, in order (a relation and a greeting can find the same name)."""
    merged: List[Tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
