"""Short follow-ups read against the conversation's topic: insurance and group schedules.

"is there a copay?" after "do you take Aetna?" is about Aetna; "i have cigna" after "is there a
copay?" asks about Cigna's copay; "what about tomorrow?" after "I'm in the evening program" is
about that track tomorrow. The actions keep what a follow-up may refer to in slots (the insurer
named, the person's track, the last schedule question); these functions read a message against it.
Schedule follow-ups are read in Spanish too: "y mañana?", "¿y el viernes?", "estoy en el programa
de la noche".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.program import schedule
from bot.program.insurance import CarrierMatcher
from bot.program.models import Carrier, CarrierStatus, Insurance, Program, Track, Weekday
from bot.program.schedule import ScheduleQuestion
from bot.program.timewords import PARTS, time_phrases

# --- Follow-up form ---------------------------------------------------------------------------

# "and ...", "what about ...", "how about ...", "same for ...": a message that leans on the last one;
# "y ...", "¿qué tal ...?", "¿y si ...?", "lo mismo para ..." in Spanish.
_LEAD_IN = re.compile(
    r"^(?:and|or|but|so|ok(?:ay)?|also|then|any|anything|what about|how about|same (?:for|on|with)|what if"
    r"|y|o|pero|entonces|tambi[eé]n|bueno|y qu[eé] tal|qu[eé] tal|y si|lo mismo (?:para|el|con)|igual (?:para|el)|algo|hay algo)\b"
)
# What may be left of a follow-up besides the thing it names ("and on friday?", "i have cigna",
# "¿y el viernes?", "tengo cigna").
_FILLER = frozenset(
    "and or but so ok okay also then any anything what how about same if on in at for with the a "
    "this that next coming one ones group groups session sessions is there it instead too though "
    "i have ive got we my our plan insurance mine its s "
    "y o pero entonces también bueno qué que tal si lo mismo igual el la los las un una de del en a al para por con "
    "hay algún alguno alguna algo grupo grupos sesión sesiones es está esta este eso ese esa próximo próxima "
    "tengo tenemos mi mis nuestro nuestra su seguro plan mío mía".split()
)
# Without a lead-in, only these may stand beside what is named ("friday?", "on thursday then?",
# "i have cigna", "it's kaiser"; "¿el viernes?", "¿para mañana entonces?", "tengo cigna").
_BARE = frozenset(
    "on in at for the then too instead also i have ive got we my our mine its it s is plan insurance "
    "el la en para entonces también tengo tenemos mi mis nuestro nuestra su seguro plan es".split()
)


def _plain(text: str) -> str:
    """Lower case, "&" as "and", and only letters (accents kept: "mañana") and digits, single-spaced."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold().replace("&", " and ")).split())


def _words(text: str) -> List[str]:
    return _plain(text).split()


def _rest(text: str, named: Iterable[str]) -> List[str]:
    """The message's words without the phrases in ``named`` (first occurrence of each)."""
    rest = _words(text)
    for phrase in named:
        words = _words(phrase)
        for start in range(len(rest) - len(words) + 1):
            if words and rest[start : start + len(words)] == words:
                rest = rest[:start] + rest[start + len(words) :]
                break
    return rest


def is_followup(text: str, named: Iterable[str]) -> bool:
    """True when the message is only a lead-in and what it names ("what about tomorrow?", "and
    friday?", "i have cigna", "tomorrow?"), not a question of its own ("do you take aetna?",
    "is there group on thursday?")."""
    rest = _rest(text, named)
    allowed = _FILLER if _LEAD_IN.match(_plain(text)) else _BARE
    return all(word in allowed for word in rest)


# --- Insurance --------------------------------------------------------------------------------

# What about insurance a follow-up asks: referrals (before copays: "do I need a referral or is
# there just a copay?" is about the referral first) or what the person pays.
ASPECTS: Tuple[Tuple[str, re.Pattern], ...] = (
    (
        "referral",
        re.compile(
            r"\b(referr?als?|refer(?:red)?|pre-?auth\w*|prior auth\w*|authori[sz]ation|"
            r"referencias?|referidos?|(?:pre)?autorizaci[oó]n)\b"
        ),
    ),
    (
        "copay",
        re.compile(
            r"\b(co-?pays?|copayments?|co-?insurance|deductibles?|out[- ]of[- ]pocket|oop|"
            r"how much (?:will|would|do|does|did) (?:i|we|he|she|they) (?:have to )?(?:pay|owe)|cost me|owe|"
            r"copagos?|deducibles?|coaseguros?|de (?:mi|su|nuestro) bolsillo|"
            r"cu[aá]nto (?:tendr[ií]a|tengo|tendr[ií]amos|tenemos|voy a tener|vamos a tener|tendr[aá]) que pagar)\b"
        ),
    ),
)
# The insurers' answers in the program data, by carrier status.
BOOK_ANSWERS = {
    CarrierStatus.in_network: "insurance_in_network",
    CarrierStatus.verify: "insurance_verify",
    CarrierStatus.not_accepted: "insurance_not_accepted",
}

NOT_ACCEPTED_COPAY = "insurance_not_accepted_copay"


def insurance_aspect(text: str) -> Optional[str]:
    """What about insurance is asked: "copay" (what the person pays), "referral", or None."""
    lowered = text.casefold()
    return next((name for name, pattern in ASPECTS if pattern.search(lowered)), None)


@dataclass(frozen=True)
class InsuranceQuestion:
    carrier: Optional[str]  # the carrier's name, or the person's words for one we do not list
    known: Optional[Carrier]  # the carrier in the program data, when it is one
    aspect: Optional[str]
    named: bool  # named in this message (else remembered from earlier)


def read_insurance(
    text: str,
    entity: Optional[str],
    carriers: CarrierMatcher,
    remembered: Optional[str] = None,
    last_aspect: Optional[str] = None,
) -> InsuranceQuestion:
    """The insurer and the aspect asked about. An aspect asked alone ("is there a copay?") is about
    the insurer named before; an insurer named alone ("i have cigna") after an aspect asked with
    none (we asked which insurance) is about that aspect. Another insurer named alone ("what about
    aetna?") is a question of its own: is it accepted (that answer speaks of copays too)."""
    match = carriers.match(entity) if entity else None
    match = match or carriers.match(text)
    aspect = insurance_aspect(text)
    if match or entity:
        name = match.carrier.name if match else str(entity)
        if (
            aspect is None
            and last_aspect
            and not remembered
            and is_followup(text, [match.matched if match else str(entity), name])
        ):
            aspect = last_aspect
        return InsuranceQuestion(name, match.carrier if match else None, aspect, named=True)
    if aspect and remembered:
        again = carriers.match(remembered)
        return InsuranceQuestion(remembered, again.carrier if again else None, aspect, named=False)
    return InsuranceQuestion(None, None, aspect, named=False)


@dataclass(frozen=True)
class Answer:
    """What to say: an answer of the program data's book, or a domain response filled with values."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)
    from_book: bool = True


# The center's answer for referrals, with the insurer (data/program/situations.yml), if it has one.
REFERRAL_SITUATION = "referral"


def insurance_answer(question: InsuranceQuestion, program: Program, insurance: Optional[Insurance] = None) -> Answer:
    """The book's answer for the insurer (is it accepted?), or for what was asked about it: what
    the person pays (a domain response with the program's verification), or referrals (the
    center's referral answer, told which insurer; without one, the insurer's own answer)."""
    carrier, known, aspect = question.carrier, question.known, question.aspect
    if aspect == "referral":
        situation = next((s for s in program.situations if s.key == REFERRAL_SITUATION), None)
        if situation is not None:
            return Answer(situation.answer, {"carrier": known, "holiday": None})
        aspect = None
    if known is not None and known.status is CarrierStatus.not_accepted and aspect == "copay":
        return Answer(NOT_ACCEPTED_COPAY, {"carrier": known})
    if known is not None and (aspect is None or known.status is CarrierStatus.not_accepted):
        return Answer(BOOK_ANSWERS[known.status], {"carrier": known})
    if aspect is None:
        return Answer("insurance_unknown", {"carrier_text": carrier}) if carrier else Answer("insurance_general")
    # A domain response gets plain values: the insurance data in the conversation's language.
    values = {"verification": (insurance or program.insurance).verification}
    if carrier is None:
        return Answer(f"utter_insurance_{aspect}_which", values, from_book=False)
    return Answer(f"utter_insurance_{aspect}", {"carrier": carrier, **values}, from_book=False)


# --- Schedules --------------------------------------------------------------------------------

# Someone saying a track is theirs or a family member's: "I'm in", "im doing", "my son is in",
# "she goes to", "I do the", "my track is"; not "I'm interested in" or "what's in".
_MEMBER = re.compile(
    r"\b(?:i|we|he|she|they|(?:my|our|his|her) [a-z]+)"
    r"(?:\s*'\s*(?:m|s|re)|m|\s+(?:am|is|are|was|will be|have been|has been|been))?"
    r"(?:\s+(?:currently|now|already|still|just|also))?"
    r"\s+(?:in|on|doing|attending|attend|attends|enrolled in|signed up for|starting|start|started|"
    r"part of|go to|goes to|going to|joined|joining)\b|"
    r"\b(?:i|we|he|she|they) do(?:es)? (?:the|your)\b|\b(?:my|our|his|her) (?:track|program|group|schedule) is\b"
    # Spanish: "estoy en", "mi hijo está en", "voy al", "asiste a", "me inscribí en", "mi programa es"
    r"|\b(?:estoy|est[aá]|estamos|est[aá]n|voy|va|vamos|van|asisto|asiste|asistimos|asisten|participo|participa)"
    r"(?:\s+(?:ya|ahora|actualmente|todav[ií]a))?\s+(?:en|a|al)\b(?!\s+haber\b)"
    r"|\b(?:me|se|nos) (?:inscrib\w*|apunt\w*|registr\w*) en\b|\b(?:mi|nuestro|nuestra|su) (?:programa|grupo|horario|modalidad) es\b"
)
_PROGRAM_NOUN = r"(?:programs?|tracks?|iops?|php|class|classes|schedule)"
# Said after a track's words by someone in it: "I'm in evening group", "she's in the teen sessions".
_MEMBER_NOUN = r"(?:programs?|tracks?|iops?|php|class|classes|schedule|groups?|sessions?)"
_TRACK_QUALIFIER = r"(?: (?:iop|outpatient|intensive outpatient))?"
# Spanish names the program first: "el programa de la noche", "el grupo de adolescentes" (a
# member's words only: "el grupo de la noche" alone asks about a time of day, as in English).
_PROGRAM_NOUN_ES = r"(?:programas?|tracks?|iops?|php|clases?|horario|modalidad(?:es)?)"
_MEMBER_NOUN_ES = r"(?:programas?|tracks?|iops?|php|clases?|horario|modalidad(?:es)?|grupos?|sesi[oó]n|sesiones)"
_OF_ES = r"(?: de(?: la| los| las)?| del| para(?: los| las)?)?"
# Everyday words for the distinctive words of the tracks' names in the program data.
_EVERYDAY_WORDS = {
    "evening": ("evenings", "night", "nights", "nighttime", "after work", "noche", "noches", "nocturno", "vespertino"),
    "day": ("daytime", "morning", "mornings", "día", "dia", "diurno", "matutino", "la mañana", "las mañanas"),
    "adolescent": (
        "adolescents",
        "teen",
        "teens",
        "teenage",
        "teenager",
        "youth",
        "high school",
        "adolescentes",
        "adolescente",
        "preparatoria",
    ),
    "young": ("young adult", "young adults", "adultos jóvenes", "jóvenes adultos", "adultos jovenes", "jovenes adultos"),
    "partial": ("partial hospitalization", "php", "day treatment", "hospitalización parcial", "hospitalizacion parcial"),
}
_GENERIC_NAME_WORDS = frozenset({"adult", "adults", "iop", "program", "track", "the", "and", "of"})


def _track_words(track: Track, tracks: Sequence[Track]) -> List[str]:
    """The words that name this track and no other: its whole name, its name's own words, and
    their everyday forms; longest first."""
    others = {word for other in tracks if other.key != track.key for word in _words(other.name)}
    own = [word for word in _words(track.name) if word not in _GENERIC_NAME_WORDS and word not in others]
    words = {_plain(track.name), *own}
    for word in own:
        words.update(_plain(everyday) for everyday in _EVERYDAY_WORDS.get(word, ()))
    return sorted(words, key=len, reverse=True)


# Words of a track's name that are also just a time of day ("i cant sleep at night").
_TIMES_OF_DAY = frozenset(_plain(word) for word in ("evening", "day", *_EVERYDAY_WORDS["evening"], *_EVERYDAY_WORDS["day"]))


def names_a_track(text: str, tracks: Sequence[Track]) -> bool:
    """Whether a word that names a track and is not just a time of day is in ``text`` ("teens",
    "young adults", "PHP"): looser than :func:`track_mentioned`, for offering the tracks, not
    answering."""
    lowered = _plain(text)
    return any(
        re.search(rf"\b{re.escape(words)}\b", lowered)
        for track in tracks
        for words in _track_words(track, tracks)
        if words not in _TIMES_OF_DAY
    )


@dataclass(frozen=True)
class TrackMention:
    track: Track
    member: bool  # the person said it is their track (or their family member's)


def track_mentioned(text: str, tracks: Sequence[Track]) -> Optional[TrackMention]:
    """A track named as a program ("the evening program", "teen track", "PHP"), or as the
    person's own ("I'm in evening group"); "evening groups?" alone asks about a time of day."""
    lowered = _plain(text)
    member = bool(_MEMBER.search(text.casefold()))
    found: List[Tuple[int, TrackMention]] = []
    for track in tracks:
        full_name = _plain(track.name)
        for words in _track_words(track, tracks):
            word = re.escape(words)
            pattern = rf"\b{word}{_TRACK_QUALIFIER} {_PROGRAM_NOUN}\b|\b{_PROGRAM_NOUN_ES}{_OF_ES} {word}\b"
            if member:
                pattern += rf"|\b{word}{_TRACK_QUALIFIER} {_MEMBER_NOUN}\b|\b{word}{_TRACK_QUALIFIER}$"
                pattern += rf"|\b{_MEMBER_NOUN_ES}{_OF_ES} {word}\b|\bel de (?:la |los )?{word}\b"
            if words in (full_name, "php"):
                pattern += rf"|\b{word}\b"
            named = re.search(pattern, lowered)
            if named:
                found.append((named.start(), TrackMention(track, member)))
                break
    return min(found, key=lambda item: item[0])[1] if found else None


@dataclass(frozen=True)
class ScheduleFocus:
    """What a schedule answer is about, after reading the message against the conversation."""

    question: ScheduleQuestion
    track: Optional[Track] = None  # answer for this track only
    overview: bool = False  # the message named a track and no day: that track's week
    member_track: Optional[str] = None  # a track the person just said is theirs, to remember

    def remembered(self) -> Dict[str, Any]:
        """The last question, kept so that a follow-up ("and friday?") can lean on it."""
        return {
            "track": self.track.key if self.track else None,
            "part": self.question.part,
            "days": [day.value for day in self.question.days],
            "relative": self.question.relative,
        }


def read_schedule(
    text: str,
    now_local: dt.datetime,
    program: Program,
    member_track: Optional[str] = None,
    last: Optional[Mapping[str, Any]] = None,
) -> ScheduleFocus:
    """``member_track``: the track the person said is theirs earlier; ``last``: the previous
    schedule question (ScheduleFocus.remembered()). now_local is in the center's timezone."""
    by_key = {track.key: track for track in program.tracks}
    question = schedule.read_question(text, now_local)
    mention = track_mentioned(text, program.tracks)
    if mention is not None:
        if question.part and any(PARTS[question.part].search(words) for words in _track_words(mention.track, program.tracks)):
            question = replace(question, part=None)  # "evening" in "the evening program" names the track
        asks_more = bool(question.days or question.part)  # "I'm in the day program, any evening groups?"
        return ScheduleFocus(
            question,
            mention.track if question.days or not asks_more else None,
            overview=not asks_more,
            member_track=mention.track.key if mention.member else None,
        )
    last = last or {}
    named = time_phrases(text.casefold())
    if named and last and is_followup(text, named):
        days = question.days or tuple(Weekday(day) for day in last.get("days") or ())
        relative = question.relative if question.days else last.get("relative")
        # A track is the topic while no time of day is asked for (the person's own track only if
        # the last question asked for none either); it already says when, so no time of day is
        # carried with it.
        track_key = last.get("track") or (member_track if not last.get("part") else None)
        track = by_key.get(track_key or "") if days and not question.part else None
        part = question.part
        if part is None and track is None and last.get("part") != "weekend":
            part = last.get("part")
        return ScheduleFocus(ScheduleQuestion(days=days, relative=relative if len(days) == 1 else None, part=part), track)
    track = by_key.get(member_track or "") if question.days and not question.part else None
    return ScheduleFocus(question, track)
