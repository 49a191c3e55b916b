"""The meeting finder's conversation logic: from a message to the replies and what to remember.

Plain Python, called by the thin actions in actions/meetings.py. It decides the place (said now,
sent by the widget as coordinates, or remembered), runs the search, widens the radius or offers
online meetings when nothing is near, and words the answer with the center's templates. A short
follow-up is read against the last search (bot/meetings/followup.py): it changes that search, or
asks about a meeting just listed (bot/meetings/details.py).

The last search is kept in the conversation as a dict: ``query`` (as run, perhaps relaxed),
``asked`` (as the person asked it, what a follow-up changes), ``offset`` and ``shown`` (the
meetings of the page on screen: id, start, miles).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.meetings.details import answer_question, shown_hits
from bot.meetings.followup import SaidAs, is_refinement, read_question, refine
from bot.meetings.geo import Gazetteer, Place
from bot.meetings.present import describe, view, when_words
from bot.meetings.query import MeetingQuery, When, read_query, window
from bot.meetings.search import Criteria, Hit, MeetingIndex, Page
from bot.program.answers import AnswerBook, Reply

PAGE_SIZE = 5
WIDER_RADII = (25.0, 50.0)


@dataclass
class Outcome:
    replies: List[Reply] = field(default_factory=list)
    place: Optional[Place] = None  # to remember for the conversation
    search: Optional[Dict[str, Any]] = None  # the search as run, so "more" continues it
    ask_place: bool = False  # the caller asks where the person is, then calls again


def _shown(hit: Hit) -> Dict[str, Any]:
    return {"id": hit.meeting.id, "start": hit.start.isoformat(), "miles": hit.distance_miles}


def _still_listed(outcome: Outcome, last: Optional[Dict[str, Any]]) -> Outcome:
    """A search that lists nothing leaves the last list on screen: "the first one" is still its first."""
    if outcome.search is not None and not outcome.search.get("shown") and last is not None and last.get("shown"):
        outcome.search["shown"] = last["shown"]
    return outcome


def place_to_slot(place: Place) -> Dict[str, Any]:
    return {
        "label": place.label,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "timezone": place.timezone,
        "state": place.state,
        "postal_code": place.postal_code,
    }


def place_from_slot(value: Any) -> Optional[Place]:
    if not isinstance(value, dict):
        return None
    try:
        return Place(
            label=str(value["label"]),
            latitude=float(value["latitude"]),
            longitude=float(value["longitude"]),
            timezone=str(value["timezone"]),
            state=str(value.get("state") or ""),
            postal_code=value.get("postal_code"),
        )
    except (KeyError, TypeError, ValueError):
        return None


def coordinates_from_metadata(metadata: Any) -> Optional[Tuple[float, float]]:
    """The widget may send {"location": {"latitude": .., "longitude": ..}} with a message."""
    if not isinstance(metadata, dict) or not isinstance(metadata.get("location"), dict):
        return None
    location = metadata["location"]
    try:
        lat = float(location.get("latitude", location.get("lat")))
        lon = float(location.get("longitude", location.get("lon", location.get("lng"))))
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def find_place(
    places: Gazetteer, text: str, metadata: Any = None, prefer_state: Optional[str] = None, whole: bool = False
) -> Optional[Place]:
    """A place the message names, or the widget's coordinates sent with it."""
    place = places.find(text, prefer_state=prefer_state, whole=whole)
    if place is not None:
        return place
    coordinates = coordinates_from_metadata(metadata)
    if coordinates is not None:
        return places.nearest(*coordinates)
    return None


class MeetingFinder:
    def __init__(self, book: AnswerBook, index: MeetingIndex, gazetteer: Gazetteer):
        self.book = book
        self.index = index
        self.gazetteer = gazetteer
        center = book.program.center
        self.center_zone = center.zone
        self.center_state = center.address.state

    # -- the place -------------------------------------------------------------------------------
    def place_in(self, text: str, metadata: Any = None, whole: bool = False) -> Optional[Place]:
        return find_place(self.gazetteer, text, metadata, self.center_state, whole)

    # -- searches --------------------------------------------------------------------------------
    def find(
        self,
        text: str,
        now: dt.datetime,
        remembered: Optional[Place],
        metadata: Any = None,
        overrides: Optional[Dict[str, Any]] = None,
    ) -> Outcome:
        """A new request. ``overrides`` (from a button) set the attendance, for instance."""
        query = read_query(text)
        if overrides and overrides.get("attendance"):
            query = replace(query, attendance=overrides["attendance"])
        return self.start(query, now, self.place_in(text, metadata) or remembered)

    def follow_up(
        self,
        text: str,
        now: dt.datetime,
        remembered: Optional[Place],
        search: Any,
        said_as: SaidAs,
        metadata: Any = None,
        overrides: Optional[Dict[str, Any]] = None,
    ) -> Optional[Outcome]:
        """A message read against the last search, or None when it is not a follow-up to it.

        A question about a listed meeting is answered from its data; a change ("what about
        tomorrow?") runs the last search as the person asked it, changed. Without a last search,
        only words that are plainly about meetings ("any online ones?") start one.
        """
        last = search if isinstance(search, dict) and "query" in search else None
        hits = shown_hits(self.index, last)
        names = [hit.meeting.name if hit is not None else "" for hit in hits]
        question = read_question(text, names, said_as)
        if question is not None and (hits or (said_as is SaidAs.FOLLOW_UP and question.reference.index is not None)):
            zone = ZoneInfo(remembered.timezone) if remembered is not None else self.center_zone
            return Outcome(answer_question(self.book, question, hits, now.astimezone(zone).date(), zone), place=remembered)
        named = self._named_place(text, said_as)
        attendance = (overrides or {}).get("attendance")
        if attendance or is_refinement(text, named is not None, said_as, last is not None):
            if last is not None:
                query = refine(MeetingQuery.from_slot(last.get("asked") or last["query"]), text, named is not None)
            else:
                query = read_query(text)
            if attendance:
                query = replace(query, attendance=attendance)
            return _still_listed(self.start(query, now, named or self.place_in(text, metadata) or remembered), last)
        if said_as is SaidAs.FOLLOW_UP and last is not None:
            return Outcome([self.book.render("meetings_followup_unclear")], place=remembered)
        return None

    def _named_place(self, text: str, said_as: SaidAs) -> Optional[Place]:
        """A place named in the words ("closer to Palm Desert?"), not the widget's coordinates.

        A message that is only a name ("indio") counts when the model read it as a follow-up, or
        as a bare answer just after a search if the town is in the center's state: "Hope" is a
        word, and a town in Arkansas.
        """
        named = self.place_in(text)
        if named is not None or said_as not in (SaidAs.FOLLOW_UP, SaidAs.RIGHT_AFTER):
            return named
        alone = self.place_in(text, whole=True)
        if alone is not None and (said_as is SaidAs.FOLLOW_UP or alone.state == self.center_state):
            return alone
        return None

    def start(self, query: MeetingQuery, now: dt.datetime, place: Optional[Place]) -> Outcome:
        if self.index_is_empty():
            return Outcome([self.book.render("meetings_unavailable")], place=place)
        if query.needs_place and place is None:
            # The place form asks (actions/meetings.py), then the search runs again with the place.
            return Outcome([], search={"query": query.to_slot(), "offset": 0}, ask_place=True)
        return self._answer(query, place, now, offset=0, first=True)

    def more(self, search: Any, now: dt.datetime, remembered: Optional[Place]) -> Outcome:
        """The next page of the last search."""
        if not isinstance(search, dict) or "query" not in search:
            return Outcome([self.book.render("meetings_no_search")], place=remembered)
        query = MeetingQuery.from_slot(search["query"])
        if query.needs_place and remembered is None:
            return self.start(query, now, None)
        asked = MeetingQuery.from_slot(search["asked"]) if isinstance(search.get("asked"), dict) else None
        outcome = self._answer(
            query, remembered, now, offset=int(search.get("offset") or 0) + PAGE_SIZE, first=False, asked=asked
        )
        return _still_listed(outcome, search)

    def index_is_empty(self) -> bool:
        return len(self.index) == 0

    def _criteria(self, query: MeetingQuery, place: Optional[Place], now: dt.datetime) -> Criteria:
        zone = ZoneInfo(place.timezone) if place is not None else self.center_zone
        start, end = window(query.when, now, zone)
        return Criteria(
            start=start,
            end=end,
            fellowships=query.fellowships,
            attendance=query.attendance,
            types=query.types,
            origin=(place.latitude, place.longitude) if place is not None and query.needs_place else None,
            radius_miles=query.radius_miles,
        )

    def _search(self, query: MeetingQuery, place: Optional[Place], now: dt.datetime, offset: int) -> Page:
        return self.index.search(self._criteria(query, place, now), limit=PAGE_SIZE, offset=offset)

    def _fallbacks(self, query: MeetingQuery) -> List[Tuple[MeetingQuery, Dict[str, Any]]]:
        """What to try, in order, when nothing matches: further away, any time soon, then online."""
        steps: List[Tuple[MeetingQuery, Dict[str, Any]]] = []
        if query.needs_place:
            steps += [(query.with_radius(r), {"widened_to": r}) for r in WIDER_RADII if r > query.radius_miles]
        if query.when.given:
            anytime = replace(query, when=When())
            if query.needs_place and query.radius_miles < WIDER_RADII[0]:
                steps.append((anytime.with_radius(WIDER_RADII[0]), {"any_time": True, "widened_to": WIDER_RADII[0]}))
            else:
                steps.append((anytime, {"any_time": True}))
        if query.attendance != "online":
            online = replace(query, attendance="online")
            steps.append((online, {"online_instead": True}))
            if query.when.given:
                steps.append((replace(online, when=When()), {"online_instead": True, "any_time": True}))
        return steps

    def _answer(
        self,
        query: MeetingQuery,
        place: Optional[Place],
        now: dt.datetime,
        offset: int,
        first: bool,
        asked: Optional[MeetingQuery] = None,
    ) -> Outcome:
        described = query  # what this page is of, for its first line
        asked = asked or query
        page = self._search(query, place, now, offset)
        relaxed: Dict[str, Any] = {}
        if not page.hits and first:
            for candidate, note in self._fallbacks(query):
                page = self._search(candidate, place, now, 0)
                if page.hits:
                    query, relaxed = candidate, note
                    break
        zone = ZoneInfo(place.timezone) if place is not None else self.center_zone
        context = {
            "what": describe(described, self.book.language),
            "where": place.label if place is not None and described.needs_place else None,
            "when": when_words(described.when, self.book.language),
            "radius": described.radius_miles,
            "widened_to": relaxed.get("widened_to"),
            "any_time": bool(relaxed.get("any_time")),
            "online_instead": bool(relaxed.get("online_instead")),
        }
        search = {
            "query": query.to_slot(),
            "asked": asked.to_slot(),
            "offset": offset,
            "shown": [_shown(hit) for hit in page.hits],
        }
        if not page.hits:
            key = "meetings_no_more" if not first else "meetings_none"
            return Outcome([self.book.render(key, **context)], place=place, search=search)
        today = now.astimezone(zone).date()
        replies = [self.book.render("meetings_found" if first else "meetings_next_page", **context)]
        replies += [self.book.render("meeting_item", meeting=view(hit, zone, today, self.book.language)) for hit in page.hits]
        replies.append(self.book.render("meetings_footer_more" if page.has_more else "meetings_footer_last", **context))
        return Outcome(replies, place=place, search=search)
