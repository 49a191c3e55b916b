"""Short follow-ups to a meeting search, read against it.

A refinement ("what about tomorrow?", "any online ones?", "closer to Palm Desert?") changes the
last search and keeps everything else the person asked for. A question about a meeting just
listed ("is the first one wheelchair accessible?", "where is the second one?") is answered from
that meeting's data. Plain words in, decisions out: bot/meetings/finder.py runs the search or
words the answer. Spanish reads the same way: "¿y mañana?", "¿alguna en línea?", "¿la primera es
accesible en silla de ruedas?", "¿dónde es la segunda?", "¿cuáles son en línea?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import FrozenSet, Optional, Sequence, Tuple

from bot.meetings.models import Fellowship
from bot.meetings.query import MAX_RADIUS_MILES, MeetingQuery, When, normalised, read_query
from bot.meetings.types import TYPE_GROUPS


class SaidAs(Enum):
    """How the message reached the finder, which decides how readily it counts as a follow-up."""

    FOLLOW_UP = "follow_up"  # the model read it as a follow-up to a meeting search
    REQUEST = "request"  # as a meeting request or "more": a follow-up only when it reads as one
    RIGHT_AFTER = "right_after"  # as another topic, just after the finder spoke
    LATER = "later"  # as another topic, with other turns since the last search


_ORDINALS = {
    "first": 0,
    "1st": 0,
    "top": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
    "bottom": -1,
}
_ORDINAL = "|".join(_ORDINALS)
_ITEM = r"(?:one|meeting|listing|option|result)"
# Spanish, after "la" or "el": "la primera", "el segundo grupo", "la última de la lista".
_ORDINALES = {
    **dict.fromkeys(("primera", "primero", "primer", "1a", "1ª", "1ra", "1era", "1º", "1o", "1er", "1ero"), 0),
    **dict.fromkeys(("segunda", "segundo", "2a", "2ª", "2da", "2º", "2o", "2do"), 1),
    **dict.fromkeys(("tercera", "tercero", "tercer", "3a", "3ª", "3ra", "3era", "3º", "3o", "3er", "3ero"), 2),
    **dict.fromkeys(("cuarta", "cuarto", "4a", "4ª", "4ta", "4º", "4o", "4to"), 3),
    **dict.fromkeys(("quinta", "quinto", "5a", "5ª", "5ta", "5º", "5o", "5to"), 4),
    **dict.fromkeys(("última", "ultima", "último", "ultimo"), -1),
}
_ORDINAL_ES = "|".join(sorted(_ORDINALES, key=len, reverse=True))
_ITEM_ES = r"(?:reuni[oó]n|junta|grupo|opci[oó]n|resultado)"
# What may follow a bare "la primera": a verb of a question about it, or the end of the words.
_ABOUT_IT_ES = r"(?:es|son|tiene|queda|est[aá]|empieza|comienza|termina|acaba|dura|se)"
# "the first one", "the 2nd meeting", "the last on the list", "where's the third?", "2nd one",
# "#2", "number 3", "meeting 2"; not "the first time" or "my first meeting" (a newcomer's words).
_REFERENCE = re.compile(
    rf"\bthe (?P<the>{_ORDINAL})(?: {_ITEM}\b| (?=(?:on|in) (?:the|your|that) list\b)|(?=\s*(?:[?.!,]|$)))"
    rf"|\b(?P<bare>{_ORDINAL}) one\b"
    r"|(?:#\s*|\bnumber |\bno\. ?|\b(?:meeting|option|result) |\bn[uú]mero |\b(?:reuni[oó]n|junta|opci[oó]n) )"
    r"(?P<digit>[1-9])\b(?!\s*(?::|am\b|pm\b|a\.m|p\.m|a\. m|p\. m|mi\b|miles?\b|km\b|millas?\b))"
    rf"|\b(?:la|el) (?P<es>{_ORDINAL_ES})(?=\s+{_ITEM_ES}\b|\s+de (?:la|su) lista\b|\s+{_ABOUT_IT_ES}\b|\s*(?:[?.!,]|$))"
    rf"(?:\s+{_ITEM_ES}\b)?"
)
_THEM = re.compile(r"\b(?:they|them|these|those|which ones?|cu[aá]les|ellas|esas|estas|todas)\b")
# Spanish often leaves "it" unsaid ("¿es en línea?"): only a said one counts, "esa reunión",
# "ese grupo", "esa"; "¿es accesible?" changes the search instead, as "any accessible ones?" would.
_IT = re.compile(
    r"\b(?:it|that one|this one|that meeting|this meeting|esa reuni[oó]n|esta reuni[oó]n|esa junta|esta junta|ese grupo|"
    r"este grupo|esa|esta)\b(?!\s+(?:noche|tarde|ma[nñ]ana|semana|hora|vez|zona|ciudad)\b)"
)

# What a question about a listed meeting asks, besides a type, fellowship or attendance.
ASPECTS: Tuple[Tuple[str, "re.Pattern[str]"], ...] = tuple(
    (name, re.compile(rf"\b(?:{words})\b"))
    for name, words in (
        (
            "link",
            r"links?|zoom|urls?|join|log ?in|login|meeting id|pass ?code|password|dial[- ]?in|call[- ]?in|phone number|number to call"
            r"|enlaces?|liga|v[ií]nculo|unirme|unirse|conectarme|conectarse|c[oó]digo|contrase[nñ]a|"
            r"n[uú]mero (?:de tel[eé]fono|para llamar)|tel[eé]fono",
        ),
        (
            "distance",
            r"how far|far away|far from|distance|how many miles|how close"
            r"|qu[eé] tan (?:lejos|cerca)|a qu[eé] distancia|lejos|distancia|cu[aá]ntas millas",
        ),
        (
            "where",
            r"where|address|location|located|directions|street|building|church|get there"
            r"|d[oó]nde|direcci[oó]n|ubicaci[oó]n|ubicad[ao]|c[oó]mo llego|calle|edificio|iglesia",
        ),
        (
            "end",
            r"how long|end|ends|ending|finish|finishes|until|till|length"
            r"|cu[aá]nto dura|termina|terminan|acaba|acaban|hasta qu[eé] hora|duraci[oó]n",
        ),
        (
            "when",
            r"when|what time|time|start|starts|starting|begin|begins|what day|which day"
            r"|cu[aá]ndo|a qu[eé] hora|qu[eé] hora|hora|empieza|empiezan|comienza|comienzan|qu[eé] d[ií]a",
        ),
        ("notes", r"notes?|parking|notas?|estacionamiento|parqueo|aparcamiento"),
        (
            "all",
            r"details?|info|information|anything else|more about|tell me (?:more )?about|describe"
            r"|detalles?|informaci[oó]n|m[aá]s sobre|cu[eé]ntame|d[ií]game m[aá]s|h[aá]bleme (?:m[aá]s )?de",
        ),
    )
)
_OPEN_CLOSED = (("open", re.compile(r"\b(?:open|abiert[ao]s?)\b")), ("closed", re.compile(r"\b(?:closed|cerrad[ao]s?)\b")))

# A meeting request that reads as a change to the last one, not a new one.
_CUE = re.compile(
    r"^\W*(?:(?:and|but|so|ok(?:ay)?|hm+|well|then)\W+)*(?:what|how) about\b|^\W*(?:and|or|but|what if)\b"
    r"|\b(?:ones|instead|same|closer|nearer|too|also|either|only)\b"
    # Spanish: "¿y mañana?", "¿qué tal NA?", "¿alguna en línea?", "mejor en persona", "más cerca de Indio"
    r"|^\W*(?:(?:y|pero|entonces|ok|bueno|pues|mmm*)\W+)*(?:qu[eé] tal|y si|c[oó]mo (?:ser[ií]a|queda))\b|^\W*(?:y|o|pero)\b"
    r"|\b(?:mejor|en cambio|tambi[eé]n|igual|m[aá]s cerca|solo|s[oó]lo|otras?|algun[ao]s?)\b(?!\s+(?:reuni|junta|grupo))"
)
_CLOSER = re.compile(r"\b(?:closer|nearer|m[aá]s cerca(?:nas?)?)\b")
_ANY_TIME = re.compile(
    r"\b(?:any ?time|any day|whenever|any other (?:day|time)|cualquier (?:hora|d[ií]a|momento)|cuando sea|otro d[ií]a|otra hora)\b"
)
_ANY_FELLOWSHIP = re.compile(
    r"\b(?:any fellowship|any program|any kind|any type|all fellowships|doesn't matter which"
    r"|cualquier (?:agrupaci[oó]n|programa|tipo|clase)|todas las agrupaciones|no importa (?:cu[aá]l|de qu[eé]))\b"
)
_MEETING_WORDS = re.compile(r"\b(?:meetings?|ones|fellowship|12[- ]step|reuni[oó]n|reuniones|juntas?|(?:12|doce) pasos)\b")
# Our own program's words: "what time is group tomorrow?" ("¿a qué hora es el grupo mañana?") just
# after a search is about our groups; "grupo de NA" names a fellowship, so it is a meeting.
_PROGRAM_WORDS = re.compile(
    r"\b(?:groups?|sessions?|class(?:es)?|iop|program|track|therapy|therapist|counsel+ors?|your|you guys|you (?:run|offer|hold|do)"
    r"|grupos?|sesi[oó]n|sesiones|clases?|programa|terapia|terapeuta|consejer[oa]s?|ustedes|su centro)\b"
)


@dataclass(frozen=True)
class Reference:
    """Which listed meeting a question is about: an index into the list shown, or all of them."""

    index: Optional[int]  # None: all of them (``plural``) or "it" (``pronoun``), which one unsaid
    plural: bool = False
    pronoun: bool = False


@dataclass(frozen=True)
class Question:
    """A question about listed meetings and what it asks about (none: everything)."""

    reference: Reference
    aspects: Tuple[str, ...]  # names in ASPECTS, and "type:<key>", "fellowship:<value>", "attendance:<value>"


def read_reference(text: str, names: Sequence[str]) -> Tuple[Optional[Reference], str]:
    """The listed meeting the words point at, and the words without the pointing."""
    lowered = normalised(text)
    match = _REFERENCE.search(lowered)
    if match:
        word = match.group("the") or match.group("bare")
        if match.group("es"):
            index = _ORDINALES[match.group("es")]
        else:
            index = _ORDINALS[word] if word else int(match.group("digit")) - 1
        return Reference(index), lowered[: match.start()] + " " + lowered[match.end() :]
    for position, name in enumerate(names):
        # "Desert Dawn" names the Desert Dawn Group.
        key = re.sub(r"\s+(?:group|meeting|fellowship)$", "", normalised(name))
        named = re.search(rf"\b{re.escape(key)}\b", lowered) if len(key) >= 5 else None
        if named:
            return Reference(position), lowered[: named.start()] + " " + lowered[named.end() :]
    if _THEM.search(lowered):
        return Reference(None, plural=True), _THEM.sub(" ", lowered)
    if _IT.search(lowered):
        return Reference(None, pronoun=True), _IT.sub(" ", lowered)
    return None, lowered


def aspects_of(rest: str, days_count: bool = True) -> Tuple[str, ...]:
    """What a question about a meeting asks, from its words with the reference taken out.

    ``days_count``: a day or time of day asks when the meeting is ("is the first one tonight?").
    """
    found = [name for name, pattern in ASPECTS if pattern.search(rest)]
    said = read_query(rest)
    found += [f"type:{key}" for key in sorted(said.types)]
    found += [f"type:{key}" for key, pattern in _OPEN_CLOSED if pattern.search(rest) and f"type:{key}" not in found]
    found += [f"fellowship:{fellowship.value}" for fellowship in sorted(said.fellowships, key=lambda f: f.value)]
    if said.attendance is not None and "link" not in found:  # "the zoom link" asks for the link
        found.append(f"attendance:{said.attendance}")
    if days_count and said.when.given and "when" not in found:
        found.append("when")
    return tuple(found)


def read_question(text: str, names: Sequence[str], said_as: SaidAs) -> Optional[Question]:
    """A question about the meetings listed (``names``, in order), or None."""
    reference, rest = read_reference(text, names)
    if reference is None:
        return None
    # "Make it tomorrow" changes the search; it does not ask whether "it" is tomorrow.
    aspects = aspects_of(rest, days_count=not reference.pronoun)
    if reference.index is None and not aspects:
        return None  # "what about it?" asks nothing about a meeting
    if said_as is SaidAs.REQUEST and read_query(rest).when.given:
        return None  # "the first meeting tomorrow" is a new request
    return Question(reference, aspects)


def merge_when(base: When, said: When) -> When:
    """A day replaces the day and keeps the time of day, and the other way round."""
    if not said.given:
        return base
    if said.now:
        return said
    kept = When() if base.now else base
    new_day = said.relative_day is not None or said.weekday is not None or said.weekend
    new_time = said.part is not None or said.clock is not None
    if new_day:
        kept = replace(kept, relative_day=said.relative_day, weekday=said.weekday, weekend=said.weekend)
        if kept.part == "tonight" and said.relative_day != 0 and not new_time:
            kept = replace(kept, part="evening")  # "tonight", then "what about Saturday?"
    if new_time:
        kept = replace(kept, part=said.part, clock=said.clock, clock_ambiguous=said.clock_ambiguous)
    return kept


def merge_types(base: FrozenSet[str], said: FrozenSet[str]) -> FrozenSet[str]:
    replaced = frozenset().union(*(group for group in TYPE_GROUPS if group & said))
    return frozenset(base - replaced) | said


def refine(base: MeetingQuery, text: str, place_named: bool) -> MeetingQuery:
    """The last search with what the follow-up changes; everything else as the person asked."""
    lowered = normalised(text)
    said = read_query(text)
    fellowships: FrozenSet[Fellowship] = said.fellowships or base.fellowships
    if _ANY_FELLOWSHIP.search(lowered) and not said.fellowships:
        fellowships = frozenset()
    attendance = said.attendance if said.attendance is not None else base.attendance
    if place_named and said.attendance is None and base.attendance == "online":
        attendance = None  # a place after an online search asks for rooms there
    when = When() if _ANY_TIME.search(lowered) and not said.when.given else merge_when(base.when, said.when)
    radius, radius_given = base.radius_miles, base.radius_given
    if said.radius_given:
        radius, radius_given = said.radius_miles, True
    elif _CLOSER.search(lowered) and not place_named:
        radius, radius_given = max(1.0, min(MAX_RADIUS_MILES, base.radius_miles / 2)), True
    return replace(
        base,
        fellowships=fellowships,
        attendance=attendance,
        types=merge_types(base.types, said.types),
        when=when,
        radius_miles=radius,
        radius_given=radius_given,
        near_me=base.near_me or said.near_me,
    )


def changes_search(text: str, place_named: bool) -> bool:
    """Whether the words change anything a search filters on."""
    lowered = normalised(text)
    said = read_query(text)
    return bool(
        said.fellowships
        or said.attendance
        or said.types
        or said.when.given
        or said.radius_given
        or place_named
        or _CLOSER.search(lowered)
        or _ANY_TIME.search(lowered)
        or _ANY_FELLOWSHIP.search(lowered)
    )


def is_refinement(text: str, place_named: bool, said_as: SaidAs, has_search: bool = True) -> bool:
    """Whether the message changes the last search (or, without one, asks for meetings), given
    how it reached the finder."""
    if not changes_search(text, place_named):
        return False
    lowered = normalised(text)
    said = read_query(text)
    about_meetings = bool(said.fellowships or said.attendance or _MEETING_WORDS.search(lowered))
    ours = _PROGRAM_WORDS.search(lowered) is not None and not said.fellowships
    if not has_search:
        return about_meetings and not ours
    if said_as is SaidAs.FOLLOW_UP:
        return True
    if said_as is SaidAs.REQUEST:
        return _CUE.search(lowered) is not None
    if said_as is SaidAs.RIGHT_AFTER:
        return about_meetings or not ours
    return about_meetings and not ours
