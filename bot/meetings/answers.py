"""The meeting finder's answers (answers.yml), with realistic values to test-render each one."""

from __future__ import annotations

from typing import Any, Dict

from bot.meetings.present import MeetingView
from bot.program.answers import SampleFn

_SEARCH_ANSWERS = (
    "meetings_found",
    "meetings_next_page",
    "meetings_footer_more",
    "meetings_footer_last",
    "meetings_none",
    "meetings_no_more",
)


def _search() -> Dict[str, Any]:
    return {
        "what": "NA meetings (women)",
        "where": "Palm Springs, CA 92262",
        "when": "tonight",
        "radius": 10.0,
        "widened_to": 25.0,
        "any_time": True,
        "online_instead": True,
    }


def _meeting() -> MeetingView:
    return MeetingView(
        name="Desert Dawn Group",
        fellowship="NA",
        when="today 7:00 pm to 8:00 pm",
        attendance="in person and online",
        distance="2.4 miles",
        place="Fellowship Hall · 100 Example Rd, Palm Springs",
        join_url="https://meet.example/123",
        join_phone="+1 555 0100",
        types="open to anyone, discussion",
        notes="Enter through the side door.",
    )


SAMPLES: Dict[str, SampleFn] = {
    **{key: lambda p: _search() for key in _SEARCH_ANSWERS},
    "meeting_item": lambda p: {"meeting": _meeting()},
    "meeting_detail": lambda p: {
        "aspect": "type",
        "meeting": _meeting(),
        "answer": "unknown",
        "asked": "wheelchair accessible",
        "listed": None,
    },
    "meeting_detail_list": lambda p: {
        "aspect": "type",
        "asked": "in Spanish",
        "yes": ["Desert Dawn Group"],
        "no": [],
        "unknown": ["Noon Step"],
    },
    "meeting_detail_which": lambda p: {"count": 5},
    "meetings_place_unknown": lambda p: {"text": "Springfeld"},
    "meetings_ask_place": lambda p: {},
    "meetings_no_search": lambda p: {},
    "meetings_unavailable": lambda p: {},
}
