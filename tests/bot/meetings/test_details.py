"""Answers about a listed meeting come from its own listing, and say so when it says nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import pytest

from bot.meetings.details import answer_question, check, shown_hits
from bot.meetings.followup import Question, Reference
from bot.meetings.models import Attendance, Fellowship, Meeting
from bot.meetings.search import Hit, MeetingIndex
from bot.program.answers import AnswerBook

LA = ZoneInfo("America/Los_Angeles")
START = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.timezone.utc)  # Monday 7:00 pm in Palm Springs
TODAY = dt.date(2026, 11, 23)


def meeting(key: str = "a", **extra: Any) -> Meeting:
    values: Dict[str, Any] = dict(
        source="test",
        key=key,
        name=f"Group {key}",
        fellowship=Fellowship.aa,
        day=0,
        start=dt.time(19, 0),
        timezone="America/Los_Angeles",
        attendance=Attendance.in_person,
        location="St. Paul's Hall",
        address="1 Test Rd",
        city="Palm Springs",
        latitude=33.83,
        longitude=-116.54,
    )
    values.update(extra)
    return Meeting(**values)


ONLINE = dict(
    attendance=Attendance.online,
    location=None,
    address=None,
    city=None,
    latitude=None,
    longitude=None,
    conference_url="https://meet.example/9",
)


@pytest.mark.parametrize(
    "types, aspect, answer, listed",
    [
        (("wheelchair",), "type:wheelchair", "yes", "wheelchair accessible"),
        ((), "type:wheelchair", "unknown", None),
        (("closed",), "type:open", "no", "closed (for people who want to stop drinking or using)"),
        (("open",), "type:open", "yes", "open to anyone"),
        (("men",), "type:women", "no", "men"),
        (("korean",), "type:spanish", "no", "in Korean"),
        (("spanish",), "type:spanish", "yes", "in Spanish"),
        (("transgender",), "type:lgbtq", "yes", "LGBTQ+"),  # a transgender meeting is an LGBTQ+ one
        (("women",), "type:young_people", "unknown", None),
    ],
)
def test_a_type_is_yes_no_or_not_said(types: tuple, aspect: str, answer: str, listed: Optional[str]) -> None:
    values = check(meeting(types=types), aspect)
    assert values["answer"] == answer and values["listed"] == listed


def test_a_rooms_feature_of_an_online_meeting_is_not_a_plain_unknown() -> None:
    assert check(meeting(**ONLINE), "type:wheelchair")["answer"] == "online_only"


@pytest.mark.parametrize(
    "attendance, aspect, answer",
    [
        (Attendance.in_person, "attendance:online", "no"),
        (Attendance.hybrid, "attendance:online", "yes"),
        (Attendance.hybrid, "attendance:in_person", "yes"),
        (Attendance.online, "attendance:in_person", "no"),
        (Attendance.in_person, "attendance:hybrid", "no"),
    ],
)
def test_attendance_is_always_known(attendance: Attendance, aspect: str, answer: str) -> None:
    extra = ONLINE if attendance is Attendance.online else dict(attendance=attendance, conference_url="https://meet.example/9")
    assert check(meeting(**extra), aspect)["answer"] == answer


@pytest.mark.parametrize(
    "fellowship, asked, answer, listed",
    [
        (Fellowship.aa, "AA", "yes", "Alcoholics Anonymous (AA)"),
        (Fellowship.aa, "NA", "no", "Alcoholics Anonymous (AA)"),
        (Fellowship.smart, "AA", "no", "SMART Recovery"),
        (Fellowship.al_anon, "AA", "no", "Al-Anon (for family and friends)"),
    ],
)
def test_the_fellowship_is_always_known(fellowship: Fellowship, asked: str, answer: str, listed: str) -> None:
    values = check(meeting(fellowship=fellowship), f"fellowship:{asked}")
    assert values["answer"] == answer and values["listed"] == listed


def hits(*meetings: Meeting) -> List[Optional[Hit]]:
    return [Hit(m, START, 2.4) for m in meetings]


def ask(
    book: AnswerBook, index: Optional[int], *aspects: str, found: Optional[List[Optional[Hit]]] = None, **reference: Any
) -> List[str]:
    question = Question(Reference(index, **reference), tuple(aspects))
    listed = (
        found if found is not None else hits(meeting("a"), meeting("b", types=("wheelchair", "spanish"), end=dt.time(20, 30)))
    )
    return [reply.text for reply in answer_question(book, question, listed, TODAY, LA)]


@pytest.mark.parametrize(
    "index, aspect, expected",
    [
        (1, "type:wheelchair", 'Yes: the listing for Group b says "wheelchair accessible".'),
        (0, "type:wheelchair", "The listing for Group a doesn't mention \"wheelchair accessible\", so I can't say either way."),
        (-1, "type:spanish", 'Yes: the listing for Group b says "in Spanish".'),
        (0, "where", "Group a meets at St. Paul's Hall · 1 Test Rd, Palm Springs (2.4 miles away)."),
        (0, "distance", "Group a is 2.4 miles away, at St. Paul's Hall · 1 Test Rd, Palm Springs."),
        (0, "when", "Group a meets today 7:00 pm."),
        (1, "end", "Group b meets today 7:00 pm to 8:30 pm."),
        (0, "end", "The listing for Group a gives its start, today 7:00 pm, but no end time."),
        (
            0,
            "link",
            "Group a meets in person only, at St. Paul's Hall · 1 Test Rd, Palm Springs; its listing has no link or phone line.",
        ),
        (0, "notes", "The listing for Group a doesn't say more, so I can't tell you."),
        (0, "fellowship:NA", "No: Group a is listed as Alcoholics Anonymous (AA)."),
        (0, "attendance:online", "No: Group a meets in person."),
    ],
)
def test_one_aspect_of_one_meeting(book: AnswerBook, index: int, aspect: str, expected: str) -> None:
    said = ask(book, index, aspect)
    assert len(said) == 1 and said[0].startswith(expected)


def test_an_online_meeting_has_a_link_and_no_address(book: AnswerBook) -> None:
    online = hits(meeting("z", **ONLINE, notes="Passcode 1234"))
    assert ask(book, 0, "where", found=online) == [
        "Group z meets online only, so there's no address. To join: https://meet.example/9."
    ]
    assert ask(book, 0, "link", found=online) == ["To join Group z: https://meet.example/9."]
    assert ask(book, 0, "notes", found=online) == ["The notes for Group z: Passcode 1234"]


def test_several_aspects_get_an_answer_each_and_none_gets_the_whole_listing(book: AnswerBook) -> None:
    assert len(ask(book, 1, "where", "type:wheelchair")) == 2
    whole = ask(book, 1, "all")
    assert whole[0].startswith("Group b (AA, in person)") and "When: today 7:00 pm to 8:30 pm" in whole[0]
    assert ask(book, 1) == whole


@pytest.mark.parametrize(
    "index, reference",
    [(None, {"pronoun": True}), (5, {}), (-3, {}), (None, {"plural": True})],
)
def test_which_one_is_asked_when_it_is_unclear(book: AnswerBook, index: Optional[int], reference: Dict[str, Any]) -> None:
    aspect = "where"  # not a yes/no one: for all of them that is the list again
    assert ask(book, index, aspect, **reference) == [
        'Which one do you mean? Say "the first one", "the second one" and so on, in the order I listed them (I listed 2).'
    ]


def test_it_is_the_only_meeting_listed(book: AnswerBook) -> None:
    said = ask(book, None, "type:wheelchair", found=hits(meeting("solo", types=("wheelchair",))), pronoun=True)
    assert said == ['Yes: the listing for Group solo says "wheelchair accessible".']


def test_a_yes_no_question_about_them_all(book: AnswerBook) -> None:
    said = ask(book, None, "type:wheelchair", plural=True)
    assert said == [
        'The listings that say "wheelchair accessible": Group b.\nThe listing for Group a doesn\'t say, so check with the group before you go.'
    ]
    three = hits(meeting("a"), meeting("b"), meeting("c", types=("wheelchair",)))
    assert ask(book, None, "type:wheelchair", found=three, plural=True)[0].endswith(
        "The listings for Group a and Group b don't say, so check with the group before you go."
    )
    assert ask(book, None, "attendance:online", plural=True) == ["None of the meetings I listed meets online."]


def test_a_meeting_gone_since_and_nothing_listed(book: AnswerBook) -> None:
    assert ask(book, 0, "where", found=[None])[0].startswith("That meeting isn't in my list any more")
    assert ask(book, 0, "where", found=[])[0].startswith("I can tell you more about a meeting once I've listed some")


def test_the_shown_list_is_read_back_from_the_slot() -> None:
    kept, dropped = meeting("kept"), meeting("dropped")
    index = MeetingIndex([kept])
    search = {
        "shown": [
            {"id": kept.id, "start": START.isoformat(), "miles": 1.5},
            {"id": dropped.id, "start": START.isoformat(), "miles": None},
            {"id": kept.id, "start": "not a time"},
        ]
    }
    assert shown_hits(index, search) == [Hit(kept, START, 1.5), None, None]
    assert shown_hits(index, None) == [] and shown_hits(index, {"query": {}}) == []


def test_with_one_meeting_listed_there_is_no_second(book: AnswerBook) -> None:
    said = ask(book, 1, "where", found=hits(meeting("solo")))
    assert said == ['I listed only one meeting, so ask me about "the first one" (or "it").']
    assert ask(book, None, "type:wheelchair", found=hits(meeting("solo")), plural=True) == [
        'None of the listings says "wheelchair accessible".\nThe listing for Group solo doesn\'t say, so check with the group before you go.'
    ]
