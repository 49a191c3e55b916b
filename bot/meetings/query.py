"""Read a meeting request ("NA meeting near 92262 tonight?", "¿hay junta de AA hoy en la noche?")
into search filters.

Plain words in, a :class:`MeetingQuery` out: fellowships, when, attendance, meeting types and
radius. The place is read separately (bot.meetings.geo) because it is remembered for the
conversation while the rest belongs to one request. English and Spanish are read alike; the days
and times of day are bot.program.timewords's, shared with the group schedule.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Dict, FrozenSet, List, Optional, Pattern, Tuple

from bot.meetings.models import Fellowship
from bot.program.timewords import PARTS, TODAY, TOMORROW, TONIGHT, weekdays_in

DEFAULT_RADIUS_MILES = 10.0
MAX_RADIUS_MILES = 100.0


def _words(*alternatives: str) -> Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")


# Abbreviations that are also ordinary words or state codes (CA, MA) only count next to
# "meeting" or "group": "meeting in Indio, CA" is not Cocaine Anonymous.
# Spanish puts the meeting word first: "reuniones de NA", "junta de CA", "grupo de NA".
_SPANISH_MEETING = r"(?:reuni[oó]n|reuniones|juntas?|grupos?)"


def _abbreviation(letters: str) -> str:
    dotted = r"\.".join(letters) + r"\.?"
    return (
        rf"(?:{letters}|{dotted})(?=\s*(?:meetings?|groups?|fellowship)\b)|{_SPANISH_MEETING}\s+(?:de\s+)?(?:{letters}|{dotted})"
    )


FELLOWSHIP_WORDS: Tuple[Tuple[Fellowship, Pattern[str]], ...] = (
    (Fellowship.al_anon, _words(r"al[- ]?anon", "alateen", r"al[- ]?a[- ]?teen")),
    (Fellowship.nar_anon, _words(r"nar[- ]?anon")),
    (
        Fellowship.aa,
        _words(
            "aa",
            r"a\.a\.?",
            "alcoholics anonymous",
            "alcoholic anonymous",
            "big book",
            r"alcoh[oó]licos an[oó]nimos",
            r"libro grande",
        ),
    ),
    (
        Fellowship.na,
        _words(r"n\.a\.?", "narcotics anonymous", "narcotic anonymous", r"narc[oó]ticos an[oó]nimos", _abbreviation("na")),
    ),
    (Fellowship.cma, _words("cma", "crystal meth anonymous", "crystal meth", r"crystal meth an[oó]nimos")),
    (Fellowship.ca, _words("cocaine anonymous", r"coca[ií]na an[oó]nim[oa]s", _abbreviation("ca"))),
    (Fellowship.ma, _words("marijuana anonymous", r"marihuana an[oó]nim[oa]s", _abbreviation("ma"))),
    (Fellowship.ha, _words("heroin anonymous", r"hero[ií]na an[oó]nim[oa]s", _abbreviation("ha"))),
    (Fellowship.smart, _words("smart recovery", "smart", "s.m.a.r.t.?")),
    (Fellowship.celebrate_recovery, _words("celebrate recovery", r"celebremos la recuperaci[oó]n", _abbreviation("cr"))),
    (Fellowship.recovery_dharma, _words("recovery dharma", "dharma", "buddhist")),
    (Fellowship.lifering, _words("lifering", "life ring")),
)
# A bare "NA" next to a place or time is a fellowship too ("is there an NA near 92262",
# "Spanish speaking NA near Indio", "what about NA?").
# In Spanish: "¿hay NA cerca de 92262?", "alguna de NA hoy", "NA en línea".
_BARE_NA = re.compile(
    r"(?:^|\b(?:an?|any|the|find|for|nearest|next|or|and|about|try|una|alguna|algo de|hay|buscar?|busco|de)\s+)na\b"
    r"(?!\s*(?:i'?m|thanks|thx|nvm))"
    r"|\bna(?=\s+(?:near|in|around|close|tonight|tonite|today|tomorrow|tmrw|this|on|at|online|zoom|virtual|ones?|"
    r"cerca|en|hoy|esta|este|ma[nñ]ana|el|los|por|para|virtual(?:es)?)\b)"
)
# So is one listed with another fellowship's letters ("online NA or AA", "AA/NA", "NA o AA").
_NA_BESIDE = re.compile(r"\bna\s*(?:or|and|o|y|&|/|,)\s*(?:aa|ca|cma|ma|ha)\b|\b(?:aa|ca|cma|ma|ha)\s*(?:&|/|,)\s*na\b")
TWELVE_STEP = frozenset(
    {Fellowship.aa, Fellowship.na, Fellowship.ca, Fellowship.ma, Fellowship.cma, Fellowship.ha, Fellowship.celebrate_recovery}
)
_TWELVE_STEP = _words(r"12[- ]?steps?", r"twelve[- ]?steps?", r"(?:de )?(?:12|doce) pasos")
SECULAR = frozenset({Fellowship.smart, Fellowship.lifering, Fellowship.recovery_dharma})
_SECULAR = _words(
    r"non[- ]?12[- ]?steps?",
    r"non[- ]?twelve[- ]?steps?",
    r"alternatives? to (?:aa|12[- ]?steps?)",
    r"sin (?:los )?(?:12|doce) pasos",
    r"alternativas? (?:a|al) (?:aa|(?:los )?(?:12|doce) pasos)",
)

_ONLINE = _words(
    "online",
    "virtual",
    "virtually",
    "zoom",
    "video",
    "from home",
    "by phone",
    "phone meetings?",
    "remote",
    "internet",
    r"en l[ií]nea",
    "virtuales",
    "videollamada",
    "desde (?:la )?casa",
    r"por tel[eé]fono",
    "a distancia",
)
_HYBRID = _words("hybrid", r"h[ií]brid[ao]s?")
_IN_PERSON = _words(
    r"in[- ]?person", "face to face", "face-to-face", "in the room", "physical", "en persona", "presenciale?s?", "cara a cara"
)
# "Spanish-speaking", "women-only", "wheelchair-accessible": the hyphen would hide the type's word.
_HYPHENATED = re.compile(r"-(?=(?:speaking|speakers?|language|friendly|only|accessible)\b)")

# Our type keys (bot.meetings.types) and the words people use for them.
TYPE_WORDS: Tuple[Tuple[str, Pattern[str]], ...] = (
    (
        "open",
        _words(
            r"open(?= (?:meetings?|to (?:anyone|everyone|family|the public|non)))",
            "open meetings?",
            "anyone can (?:go|attend|come)",
            rf"{_SPANISH_MEETING} abiertas?",
            r"abiert[ao]s? (?:a todos|a todo el mundo|al p[uú]blico|a cualquiera|a familiares)",
        ),
    ),
    ("closed", _words(r"closed(?= meetings?)", "closed meetings?", rf"{_SPANISH_MEETING} cerradas?")),
    ("women", _words("women", "womens", "women's", "woman", "ladies", "female", "females", "mujeres", "femenil(?:es)?")),
    ("men", _words("men", "mens", "men's", "guys", "male", "males", "hombres", "varones", "varonil(?:es)?")),
    ("lgbtq", _words(r"lgbt\w*\+?", "gay", "lesbian", "queer", "trans", "transgender", "bisexual", "bi", "gays", "lesbianas?")),
    (
        "young_people",
        _words(
            "young people",
            "young",
            "youth",
            "teens?",
            "teenagers?",
            "ypaa",
            "under 30",
            "twenties",
            "college",
            r"j[oó]venes",
            "juventud",
            "juveniles?",
            "adolescentes?",
            "gente joven",
        ),
    ),
    (
        "seniors",
        _words(
            "seniors?", "older adults?", "older people", "elderly", "over 60", "retirees?", "adultos mayores", "personas mayores"
        ),
    ),
    (
        "beginners",
        _words(
            "beginners?",
            "newcomers?",
            "new comers?",
            "first[- ]timers?",
            "first meeting",
            "first time",
            "new to (?:aa|na|recovery|this|meetings)",
            "principiantes?",
            r"reci[eé]n llegad[oa]s?",
            r"nuev[oa]s? en (?:aa|na|la recuperaci[oó]n)",
            r"primera (?:vez|reuni[oó]n|junta)",
        ),
    ),
    (
        "wheelchair",
        _words(
            "wheelchair",
            "wheel chair",
            "accessible",
            "accessibility",
            "disabled access",
            "ada",
            "sillas? de ruedas",
            "accesibles?",
            "accesibilidad",
        ),
    ),
    (
        "spanish",
        _words("spanish", "espanol", "español", "en español", "en espanol", "hispanic", "latino", "latina", "hispanohablantes?"),
    ),
    ("french", _words("french", r"en franc[eé]s")),
    ("korean", _words("korean", "en coreano")),
    ("chinese", _words("chinese", "mandarin", "cantonese", "en chino", r"en mandar[ií]n", r"en canton[eé]s")),
    ("vietnamese", _words("vietnamese", "en vietnamita")),
    ("tagalog", _words("tagalog", "filipino", "en tagalo")),
    ("armenian", _words("armenian", "en armenio")),
    ("russian", _words("russian", "en ruso")),
    ("polish", _words("polish", "en polaco")),
    ("portuguese", _words("portuguese", r"en portugu[eé]s")),
    ("japanese", _words("japanese", r"en japon[eé]s")),
    ("german", _words("german", r"en alem[aá]n")),
    ("italian", _words("italian", "en italiano")),
    ("persian", _words("persian", "farsi", "en persa")),
    ("asl", _words("asl", "sign language", "deaf", "hard of hearing", r"lengua(?:je)? de se[nñ]as", "sord[oa]s")),
    ("big_book", _words("big book", "libro grande")),
    (
        "step_study",
        _words(
            "step study",
            "step studies",
            "step work",
            "12 and 12",
            "twelve and twelve",
            r"estudio de (?:los )?(?:12 |doce )?pasos",
        ),
    ),
    ("speaker", _words("speakers?", "speaker meetings?", "oradore?s?", "de orador(?:es)?", "testimonios?")),
    ("discussion", _words("discussion", "sharing meetings?", r"discusi[oó]n", "de compartir")),
    ("meditation", _words("meditation", "meditate", "11th step", r"meditaci[oó]n", "meditar")),
    ("candlelight", _words("candlelight", "candle light", "candle ?lit", "(?:a la )?luz de (?:las )?velas")),
    (
        "agnostic",
        _words(
            "agnostics?",
            "atheists?",
            "secular",
            "non[- ]?religious",
            "freethinkers?",
            r"agn[oó]stic[oa]s?",
            "ate[oa]s",
            "laicas?",
        ),
    ),
    ("veterans", _words("veterans?", "vets", "military", "veteran[oa]s?", "militares")),
    (
        "child_care",
        _words(
            "child ?care",
            "childcare",
            "babysitting",
            "kids welcome",
            "bring (?:my|the) kids",
            r"cuidado de (?:los )?ni[nñ]os",
            r"guarder[ií]a",
        ),
    ),
)

_RADIUS = re.compile(
    r"(?:within|under|less than|inside|up to|in|max(?:imum)?|a menos de|dentro de|a no m[aá]s de|hasta|a)?\s*"
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(miles?|mi|kilometers?|km|millas?|kil[oó]metros?|kms)\b"
)
_NOW = _words(
    "now",
    "right now",
    "soon",
    "starting soon",
    "asap",
    "next hour",
    "this hour",
    "happening now",
    "going on now",
    "right away",
    "ahora",
    "ahorita",
    "ahora mismo",
    "en este momento",
    "ya mismo",
    "pronto",
    r"en la pr[oó]xima hora",
    "lo antes posible",
)
# "at 7", "7pm", "a las 7", "7 p. m.", "7 de la tarde"; the meridiem says am (a...) or pm.
_MERIDIEM = r"am|pm|a\.m\.|p\.m\.|a\. ?m\.?|p\. ?m\.?|de la (?:ma[nñ]ana|madrugada|tarde|noche)"
_CLOCK_CUE = (
    r"at|around|about|by|after|before|a las?|como a las?|alrededor de las?|despu[eé]s de las?|antes de las?|para las?|de las"
)
_CLOCK = re.compile(rf"(?:\b(?:{_CLOCK_CUE}))?\s*\b(\d{{1,2}})(?::(\d{{2}}))?\s*({_MERIDIEM})?(?=\W|$)")
_CLOCK_CUED = re.compile(rf"\s*(?:{_CLOCK_CUE})\b")
# "7 de la tarde" says a clock time; the part of the day in it is not asked for besides.
_CLOCK_PART = re.compile(r"(?<=\d)\s*de la (?:ma[nñ]ana|madrugada|tarde|noche)")
_PARTS: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("noon", _words("noon", "lunch ?time", "lunch", "midday", r"(?:al )?mediod[ií]a", "(?:hora de(?:l)? )?almuerzo")),
    (
        "morning",
        _words(
            "mornings?",
            "early",
            "before work",
            "sunrise",
            "breakfast",
            "(?:la|las|esta) ma[nñ]anas?",
            "temprano",
            "antes del trabajo",
        ),
    ),
    ("afternoon", _words("afternoons?", "after school", "(?:la|las|esta) tardes?", r"despu[eé]s de (?:la )?escuela")),
    (
        "night",
        _words("late night", "late", "night owls?", "midnight", "(?:muy )?tarde en la noche", "(?:de )?madrugada", "medianoche"),
    ),
    (
        "evening",
        _words(
            "evenings?",
            "after work",
            "nights?",
            "after dinner",
            r"(?<!buenas )noches?",
            "nocturnas?",
            r"despu[eé]s del trabajo",
            r"despu[eé]s de (?:la )?cena",
        ),
    ),
)
# Start and end of each part of the day, local time; night runs past midnight.
PART_HOURS: Dict[str, Tuple[dt.time, dt.time]] = {
    "morning": (dt.time(5, 0), dt.time(12, 0)),
    "noon": (dt.time(11, 0), dt.time(13, 30)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(21, 30)),
    "night": (dt.time(20, 0), dt.time(2, 0)),
    "tonight": (dt.time(17, 0), dt.time(23, 59)),
}


@dataclass(frozen=True)
class When:
    """When the person wants to go; unresolved, so "tonight" stays right as the clock moves."""

    now: bool = False
    relative_day: Optional[int] = None  # 0 today, 1 tomorrow
    weekday: Optional[int] = None  # 0 = Monday
    part: Optional[str] = None  # a key of PART_HOURS
    clock: Optional[dt.time] = None  # "at 7pm"
    clock_ambiguous: bool = False  # "at 7": am or pm, whichever comes next
    weekend: bool = False

    @property
    def given(self) -> bool:
        return (
            self.now
            or self.weekend
            or self.relative_day is not None
            or self.weekday is not None
            or self.part is not None
            or self.clock is not None
        )


@dataclass(frozen=True)
class MeetingQuery:
    fellowships: FrozenSet[Fellowship] = frozenset()
    attendance: Optional[str] = None  # None/"in_person": a room near you; "online"; "hybrid"
    types: FrozenSet[str] = frozenset()
    when: When = field(default_factory=When)
    radius_miles: float = DEFAULT_RADIUS_MILES
    radius_given: bool = False
    near_me: bool = False

    @property
    def needs_place(self) -> bool:
        """Only a search for a room needs to know where the person is."""
        return self.attendance != "online"

    def to_slot(self) -> Dict[str, Any]:
        """A JSON-safe dict, kept in the conversation so "more" pages through the same search."""
        data = asdict(self)
        data["fellowships"] = sorted(f.value for f in self.fellowships)
        data["types"] = sorted(self.types)
        data["when"]["clock"] = self.when.clock.strftime("%H:%M") if self.when.clock else None
        return data

    @classmethod
    def from_slot(cls, data: Dict[str, Any]) -> "MeetingQuery":
        when = dict(data.get("when") or {})
        if when.get("clock"):
            when["clock"] = dt.time.fromisoformat(when["clock"])
        return cls(
            fellowships=frozenset(Fellowship(value) for value in data.get("fellowships") or ()),
            attendance=data.get("attendance"),
            types=frozenset(data.get("types") or ()),
            when=When(**when),
            radius_miles=float(data.get("radius_miles") or DEFAULT_RADIUS_MILES),
            radius_given=bool(data.get("radius_given")),
            near_me=bool(data.get("near_me")),
        )

    def with_radius(self, miles: float) -> "MeetingQuery":
        return replace(self, radius_miles=miles)


def _fellowships(lowered: str) -> FrozenSet[Fellowship]:
    # "non 12 step" and "alternatives to AA" ask for the secular ones, not for 12-step or AA.
    secular = _SECULAR.search(lowered) is not None
    lowered = _SECULAR.sub(" ", lowered)
    found = {fellowship for fellowship, pattern in FELLOWSHIP_WORDS if pattern.search(lowered)}
    if Fellowship.na not in found and (_BARE_NA.search(lowered) or _NA_BESIDE.search(lowered)):
        found.add(Fellowship.na)
    if _TWELVE_STEP.search(lowered) and not found:
        found |= TWELVE_STEP
    if secular:
        found |= SECULAR
    if (
        Fellowship.al_anon in found
        and Fellowship.aa in found
        and not re.search(r"\baa\b|alcoholics anonymous|alcoh[oó]licos an[oó]nimos", lowered.replace("al-anon", ""))
    ):
        found.discard(Fellowship.aa)
    return frozenset(found)


def _attendance(lowered: str) -> Optional[str]:
    if _HYBRID.search(lowered):
        return "hybrid"
    online = _ONLINE.search(lowered) is not None
    in_person = _IN_PERSON.search(lowered) is not None
    if online and not in_person:
        return "online"
    if in_person and not online:
        return "in_person"
    return None


def _types(lowered: str) -> FrozenSet[str]:
    found = {key for key, pattern in TYPE_WORDS if pattern.search(lowered)}
    if {"women", "men"} <= found:
        found -= {"women", "men"}  # "men and women": a mixed meeting, which is any meeting
    return frozenset(found)


def _radius(lowered: str) -> Optional[float]:
    match = _RADIUS.search(lowered)
    if not match:
        return None
    value = float(match.group(1))
    if match.group(2).startswith("k"):
        value *= 0.621371
    return max(1.0, min(MAX_RADIUS_MILES, value))


def _clock(lowered: str) -> Tuple[Optional[dt.time], bool]:
    for match in _CLOCK.finditer(lowered):
        text = match.group(0)
        hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        cued = _CLOCK_CUED.match(text) is not None
        if not (meridiem or match.group(2) or cued) or hour > 23 or minute > 59:
            continue  # a bare number is a ZIP digit, a radius or a count, not a time
        if meridiem:
            if not 1 <= hour <= 12:
                continue
            after_noon = meridiem.startswith("p") or meridiem.endswith(("tarde", "noche"))
            if meridiem.endswith("noche") and hour == 12:
                after_noon = False  # "12 de la noche" is midnight
            hour = hour % 12 + (12 if after_noon else 0)
            return dt.time(hour, minute), False
        if hour == 0 or hour >= 13:
            return dt.time(hour, minute), False
        return dt.time(hour % 12, minute), True
    return None, False


def read_when(lowered: str) -> When:
    clock, ambiguous = _clock(_RADIUS.sub(" ", lowered))
    parts_said = _CLOCK_PART.sub(" ", lowered) if clock is not None else lowered
    part = next((name for name, pattern in _PARTS if pattern.search(parts_said)), None)
    relative = None
    if TOMORROW.search(lowered):
        relative = 1
    elif TODAY.search(lowered):
        relative = 0
    if TONIGHT.search(lowered):
        part = "tonight"
    weekdays = weekdays_in(lowered)
    weekday = weekdays[0] if weekdays and relative is None else None
    weekend = PARTS["weekend"].search(lowered) is not None and relative is None and weekday is None
    now = _NOW.search(lowered) is not None and relative is None and weekday is None and clock is None and not weekend
    return When(
        now=now, relative_day=relative, weekday=weekday, part=part, clock=clock, clock_ambiguous=ambiguous, weekend=weekend
    )


def normalised(text: str) -> str:
    """The message as every pattern here reads it: lower case, plain apostrophes, single spaces."""
    return _HYPHENATED.sub(" ", " ".join(text.casefold().replace("’", "'").split()))


_NEAR_ME = re.compile(
    r"\bnear(?:by| me| here)\b|\bclose to me\b|\baround (?:me|here)\b|\bmy area\b|\blocal\b"
    r"|\bcerca(?: de)? (?:m[ií]|aqu[ií]|donde estoy|de mi casa)\b|\bpor aqu[ií]\b|\bcercan[ao]s?\b|\bmi (?:zona|[aá]rea)\b"
)


def read_query(text: str) -> MeetingQuery:
    lowered = normalised(text)
    radius = _radius(lowered)
    return MeetingQuery(
        fellowships=_fellowships(lowered),
        attendance=_attendance(lowered),
        types=_types(lowered),
        when=read_when(lowered),
        radius_miles=radius or DEFAULT_RADIUS_MILES,
        radius_given=radius is not None,
        near_me=_NEAR_ME.search(lowered) is not None,
    )


def window(when: When, now: dt.datetime, zone: Any) -> Tuple[dt.datetime, dt.datetime]:
    """The span of start times that fits ``when``, for a person in ``zone`` at ``now`` (aware).

    Meetings that started a few minutes ago still count: people do walk in late.
    """
    grace = dt.timedelta(minutes=20)
    now = now.astimezone(dt.timezone.utc)  # arithmetic on a zone's wall clock would skip DST changes
    local_now = now.astimezone(zone)
    if when.now:
        return now - grace, now + dt.timedelta(hours=1)
    if not when.given:
        return now - dt.timedelta(minutes=10), now + dt.timedelta(days=7)
    if when.relative_day is not None:
        dates: List[dt.date] = [local_now.date() + dt.timedelta(days=when.relative_day)]
    elif when.weekend:
        # On a Sunday "this weekend" is the one under way.
        saturday = local_now.date() + dt.timedelta(days=(5 - local_now.weekday()) % 7 if local_now.weekday() < 6 else -1)
        if when.part is None and when.clock is None:
            monday = dt.datetime.combine(saturday + dt.timedelta(days=2), dt.time(0, 0), tzinfo=zone)
            start = dt.datetime.combine(saturday, dt.time(0, 0), tzinfo=zone)
            return max(start.astimezone(dt.timezone.utc), now - grace), monday.astimezone(dt.timezone.utc)
        dates = [saturday + dt.timedelta(days=offset) for offset in (0, 1, 7, 8)]
    elif when.weekday is not None:
        ahead = (when.weekday - local_now.weekday()) % 7
        first = local_now.date() + dt.timedelta(days=ahead)
        dates = [first, first + dt.timedelta(days=7)]  # the next one if today's has passed
    else:
        dates = [local_now.date(), local_now.date() + dt.timedelta(days=1)]
        if when.clock is None and _past_midnight(when.part):
            dates.insert(0, local_now.date() - dt.timedelta(days=1))  # last night's may still be on
    for date in dates:
        spans = _spans(when, date, zone)
        for start, end in spans:
            if end > now:
                return max(start, now - grace), end
    return now, now  # all in the past ("this morning" asked at 3 pm): an empty window


def _past_midnight(part: Optional[str]) -> bool:
    return part is not None and PART_HOURS[part][1] <= PART_HOURS[part][0]


def _spans(when: When, date: dt.date, zone: Any) -> List[Tuple[dt.datetime, dt.datetime]]:
    def at(time: dt.time, day: dt.date = date) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.timezone.utc)

    if when.clock is not None:
        clocks = [when.clock]
        if when.clock_ambiguous:
            clocks.append(dt.time(when.clock.hour + 12, when.clock.minute))
        return [(at(c) - dt.timedelta(minutes=30), at(c) + dt.timedelta(hours=1)) for c in clocks]
    if when.part is not None:
        first, last = PART_HOURS[when.part]
        if _past_midnight(when.part):
            return [(at(first), at(last, date + dt.timedelta(days=1)))]
        return [(at(first), at(last) + dt.timedelta(minutes=1))]
    return [(at(dt.time(0, 0)), at(dt.time(0, 0), date + dt.timedelta(days=1)))]
