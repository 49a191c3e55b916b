"""The deterministic crisis detector: curated patterns, traps scoped to a clause, one verdict.

Plain Python with no Rasa in it, so it is tested and evaluated on its own; the NLU component
(``bot.rasa.nlu.crisis_net``) runs it on every message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from bot.safety.patterns import (
    BENIGN_USES,
    CLAUSE_BREAK,
    CRAVING,
    CURRENT,
    HARM_TO_OTHERS,
    HISTORY,
    MEDICAL,
    NEGATED,
    OVERDOSE,
    PATTERNS,
    PLANNED,
    SELF_HARM,
    SOMEONE_ELSE,
    SUBSTANCE,
    SUICIDE,
    TRAPS,
    UNSPECIFIED,
    VIOLENCE,
    CrisisPattern,
)
from bot.text import fold

# The most urgent danger decides the reply when a message shows several (an overdose in progress
# needs the overdose steps even when the message also speaks of suicide).
URGENCY = (OVERDOSE, MEDICAL, VIOLENCE, HARM_TO_OTHERS, SUICIDE, SOMEONE_ELSE, SELF_HARM)
SHORT_CLAUSE_WORDS = 4
TRAPS_BY_NAME = dict(TRAPS)

_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`]")  # "´" too, which fold() makes an apostrophe
_OD_SHORT = re.compile(r"\bo\.?d'(d|ed|ing|in)\b")
_NOT_TEXT = re.compile(r"[^a-z0-9.!?;:,\n ]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[ \t]+")
# Digits and symbols for letters ("k1ll mys3lf", "d1e", "$uicide"), only in words that start with a
# letter, so "2 pills", "988", "24/7" and "7pm" stay as they are.
_LEET_WORD = re.compile(r"(?<![a-z0-9@$])(?=[a-z@$])(?=[a-z0-9@$]*[0-9@$])[a-z0-9@$]+(?![a-z0-9@$])")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_NUMBER_WORDS = re.compile(r"\b(?:2nite|2night|2day|2morrow|2moro)\b")


def normalise(text: str) -> str:
    """Lower case, accents folded, digits for letters read as letters, apostrophes dropped, other
    symbols to spaces, runs of a letter cut to two."""
    # Accents folded, not dropped: "está" is "esta", "mañana" "manana" (the Spanish patterns).
    text = _APOSTROPHES.sub("'", fold(text))
    text = _NUMBER_WORDS.sub(lambda m: {"2nite": "tonight", "2night": "tonight", "2day": "today"}.get(m[0], "tomorrow"), text)
    text = _LEET_WORD.sub(lambda m: m[0].translate(_LEET), text)
    # "od'd" must not become "odd" once apostrophes go.
    text = _OD_SHORT.sub(lambda m: "overdosing" if m[1].startswith("in") else "overdosed", text)
    text = text.replace("'", "")
    text = _NOT_TEXT.sub(" ", text)
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class Match:
    """One pattern hit and what the traps made of it."""

    pattern: str
    crisis_type: str
    start: int
    end: int
    text: str
    trap: Optional[str]  # the trap that overruled it, or None when it counts
    told_as_history: bool = False  # it counts, in a message told as history, with no sign of danger now
    told_of_a_craving: bool = False  # despair said of a craving (CrisisPattern.ask_if_craving)
    asked: bool = False  # a danger not happening yet (CrisisPattern.asked)

    @property
    def counts(self) -> bool:
        return self.trap is None


def _clause_bounds(text: str, start: int, end: int) -> Tuple[int, int, int]:
    """The clause around [start, end) and the end of the clause after it."""
    clause_start, clause_end, next_end = 0, len(text), len(text)
    for brk in CLAUSE_BREAK.finditer(text):
        if brk.end() <= start:
            clause_start = brk.end()
        elif brk.start() >= end:
            if clause_end == len(text):
                clause_end = brk.start()
            else:
                next_end = brk.start()
                break
    return clause_start, clause_end, next_end


def _words(text: str) -> List[str]:
    return CLAUSE_BREAK.sub(" ", f" {text} ").split()


def _is_current(text: str, start: int, end: int) -> bool:
    """ "again", "right now", "he isn't breathing" in the hit's clause or the next one, or a plan
    said right before the hit ("I'm planning to ...")."""
    clause_start, _, next_end = _clause_bounds(text, start, end)
    return bool(CURRENT.search(text[clause_start:next_end]) or PLANNED.search(text[clause_start:start]))


def _trap_for(pattern: CrisisPattern, text: str, start: int, end: int, current: bool) -> Optional[str]:
    """``current``: ``_is_current`` of the hit, computed once by the caller."""
    clause_start, clause_end, next_end = _clause_bounds(text, start, end)
    if NEGATED in pattern.traps and TRAPS_BY_NAME[NEGATED].search(text[clause_start:start]):
        return NEGATED  # "I'm not suicidal right now" stays negated
    if current:
        return None  # the danger is current whatever else is said
    context = _words(text[clause_start:clause_end])
    following = _words(text[clause_end:next_end])
    if len(following) <= SHORT_CLAUSE_WORDS:  # "I had the DTs once, years ago": the time belongs to it
        context += following
    if len(context) <= SHORT_CLAUSE_WORDS:  # "what do I do if my friend relapses and overdoses"
        previous_start, _, _ = _clause_bounds(text, max(0, clause_start - 1), max(0, clause_start - 1))
        context = _words(text[previous_start:clause_start]) + context
    clause = " ".join(context)
    for name, trap in TRAPS:
        if name in pattern.traps and name != NEGATED and trap.search(clause):
            return name
    return None


# Who is about to do the harm (CrisisPattern.subject_decides): the writer when the threat's own
# words say so ("im going to ..."), else the last subject before them in its clause ("makes me want
# to" counts as the writer): "he's going to kill her" is violence by someone else.
_SUBJECTS = re.compile(
    r"\b(?:(?P<writer>i|im|ive|ill|id|me|myself)|he|she|they|hes|shes|theyre|it|its|husband|wife|boyfriend|girlfriend|bf|gf|partner|ex|"
    r"dad|father|stepdad|mom|mother|stepmom|son|daughter|brother|sister|friend|roommate|uncle|cousin)\b"
)


def _crisis_type(pattern: CrisisPattern, text: str, start: int, end: int) -> str:
    if pattern.overdose_if_substance:
        return OVERDOSE if SUBSTANCE.search(text) else MEDICAL
    if pattern.subject_decides and not any(m.group("writer") for m in _SUBJECTS.finditer(text[start:end])):
        clause_start, _, _ = _clause_bounds(text, start, end)
        subjects = list(_SUBJECTS.finditer(text[clause_start:start]))
        if subjects and not subjects[-1].group("writer"):
            return VIOLENCE
    return pattern.crisis_type


def explain(text: str) -> List[Match]:
    """Every pattern hit in the message, each with the trap that overruled it (if any)."""
    return _explain_normalised(normalise(text))


def _explain_normalised(norm: str) -> List[Match]:
    matches: List[Match] = []
    history: Optional[bool] = None  # read only when a hit counts: most messages have none
    for pattern in PATTERNS:
        if pattern.needs is not None and not pattern.needs.search(norm):
            continue
        for hit in pattern.regex.finditer(norm):
            current = _is_current(norm, hit.start(), hit.end())
            trap = _trap_for(pattern, norm, hit.start(), hit.end(), current)
            if trap is None and not current and history is None:
                history = HISTORY.search(norm) is not None
            matches.append(
                Match(
                    pattern=pattern.name,
                    crisis_type=_crisis_type(pattern, norm, hit.start(), hit.end()),
                    start=hit.start(),
                    end=hit.end(),
                    text=hit.group(0),
                    trap=trap,
                    told_as_history=trap is None and not current and bool(history),
                    # Not "not current": its own words ("anymore") read as now. Any other hit still counts.
                    told_of_a_craving=trap is None and pattern.ask_if_craving and CRAVING.search(norm) is not None,
                    asked=trap is None and pattern.asked,
                )
            )
    return sorted(matches, key=lambda m: m.start)


# Words that hint at the kind of crisis when only the NLU model saw one.
_HINTS = (
    (OVERDOSE, re.compile(r"\b(?:overdos\w*|pills|narcan|naloxone|fent\w*|heroin|breath\w*|wake up|blue)\b")),
    (MEDICAL, re.compile(r"\b(?:seiz\w*|chest|heart|hallucinat\w*|blood|collapsed|fainted|ambulance|911)\b")),
    (VIOLENCE, re.compile(r"\b(?:hit|hits|hitting|beat\w*|abus\w*|threat\w*|afraid|scared|gun|knife|choke\w*|safe)\b")),
    (SELF_HARM, re.compile(r"\b(?:cut\w*|burn\w*|harm\w*|hurt\w*|blade|razor)\b")),
    (SUICIDE, re.compile(r"\b(?:die|dying|dead|kill\w*|suicid\w*|end it|live|life|burden|goodbye|kms)\b")),
)


def guess_type(text: str) -> str:
    """A best guess of the crisis type for a message the patterns did not type."""
    return _guess_type_normalised(normalise(text))


def _guess_type_normalised(norm: str) -> str:
    for crisis_type, hint in _HINTS:
        if hint.search(norm):
            return crisis_type
    return UNSPECIFIED


@dataclass(frozen=True)
class Verdict:
    """The safety net's decision on one message, given what the NLU model predicted."""

    crisis: bool
    crisis_type: Optional[str]
    # "patterns"; "history" (patterns only in a message told as history: a possible crisis unless a
    # learned layer confirms it); "craving" (the same, for despair said of a craving, or of both);
    # "plan" (the same, for a danger not happening yet: a plan to stop drinking alone);
    # "model"; "overruled" (model said crisis, patterns saw a benign use); "none"
    source: str
    # Overruled: every alarming phrase was negated ("I'm not going to hurt myself"), which the
    # encoder cannot read (bot/safety/tiers.py lets it overrule other benign uses).
    denied: bool = False


def decide(text: str, model_says_crisis: bool) -> Verdict:
    norm = normalise(text)
    matches = _explain_normalised(norm)
    counting = [m for m in matches if m.counts]
    if counting:
        if all(m.told_as_history for m in counting):
            source = "history"
        elif all(m.told_as_history or m.told_of_a_craving for m in counting):
            source = "craving"
        elif all(m.told_as_history or m.told_of_a_craving or m.asked for m in counting):
            source = "plan"
        else:
            source = "patterns"
        # A plan to stop drinking alone beside a death wish is a suicide answer, not a medical one.
        typed = [m for m in counting if not m.asked] or counting
        return Verdict(True, min((m.crisis_type for m in typed), key=URGENCY.index), source)
    if model_says_crisis:
        # Every alarming phrase was recognised as benign (a question, the past, a film), or the
        # message is a known figure of speech: the model's guess is overruled.
        if matches or BENIGN_USES.search(norm):
            denied = bool(matches) and all(m.trap == "negated" for m in matches)
            return Verdict(False, None, "overruled", denied)
        return Verdict(True, _guess_type_normalised(norm), "model")
    return Verdict(False, None, "none")
