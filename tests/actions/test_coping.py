"""The coping actions on hand-built trackers, with a real scratch database for the check-ins."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.common import resources
from actions.coping import (
    ActionAskCravingRating,
    ActionCopingAnother,
    ActionCopingDone,
    ActionCopingNext,
    ActionCopingStop,
    ActionRecordCraving,
    ActionStartCoping,
    ValidateCravingRatingForm,
)
from actions.program import ActionAnswerQuestion, ActionFallback
from tests.actions.conftest import make_tracker
from tests.identity import verified


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [message.get("text") or "" for message in dispatcher.messages]


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


@pytest.fixture
def sam(service_env: Path) -> str:
    resources().clients.add("C-100", "Sam", "adult_evening", "Dana Reyes")
    return "C-100"


async def start(domain: Dict[str, Any], text: str, metadata: Optional[Dict[str, Any]] = None, **tracker: Any) -> Dict[str, Any]:
    events = await ActionStartCoping().run(
        CollectingDispatcher(), make_tracker(text, "ask_coping", metadata=metadata, **tracker), domain
    )
    return slots(events)


async def record(
    domain: Dict[str, Any], state: Dict[str, Any], rating: int, metadata: Optional[Dict[str, Any]] = None
) -> Dict[str, Any]:
    tracker = make_tracker(str(rating), "inform", slots={"coping": state, "craving_rating": rating}, metadata=metadata)
    return slots(await ActionRecordCraving().run(CollectingDispatcher(), tracker, domain))


async def test_a_craving_starts_an_exercise_and_asks_for_a_rating(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await ActionStartCoping().run(dispatcher, make_tracker("I really want a drink right now", "ask_coping"), domain)
    values = slots(events)
    assert values["coping_rate_now"] is True and values["coping_active"] is True
    assert values["coping"]["need"] == "craving" and values["coping"]["phase"] == "before"
    assert "the craving" in texts(dispatcher)[0]


async def test_a_button_need_is_used(service_env: Path, domain: Dict[str, Any]) -> None:
    values = await start(
        domain, '/ask_coping{"coping_need": "insomnia"}', entities=[{"entity": "coping_need", "value": "insomnia"}]
    )
    assert values["coping"]["need"] == "insomnia" and values["coping"]["skill"] == "sleep_basics"


async def test_an_unclear_moment_asks_what_is_going_on_without_a_rating(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    events = await ActionStartCoping().run(dispatcher, make_tracker("help me", "ask_coping"), domain)
    assert slots(events) == {"coping": None, "coping_active": False, "coping_rate_now": False}
    assert len(dispatcher.messages[0]["buttons"]) == 6


async def test_the_rating_question_is_worded_for_the_need_with_0_to_10_buttons(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    state = (await start(domain, "I'm so stressed out"))["coping"]
    await ActionAskCravingRating().run(dispatcher, make_tracker("", "ask_coping", slots={"coping": state}), domain)
    assert "how strong is the stress right now" in texts(dispatcher)[0]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [str(n) for n in range(11)]


@pytest.mark.parametrize("text, value", [("7", 7), ("about an 8", 8), ("6/10", 6)])
async def test_the_form_reads_a_rating(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], text: str, value: int
) -> None:
    result = await ValidateCravingRatingForm().validate_craving_rating(
        text, dispatcher, make_tracker(text, "inform", confidence=0.4), domain
    )
    assert result == {"craving_rating": value} and dispatcher.messages == []


@pytest.mark.parametrize("text, words", [("pretty bad", "I didn't catch a number"), ("15", "past the top of the scale")])
async def test_the_form_explains_a_bad_rating_and_asks_again(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any], text: str, words: str
) -> None:
    result = await ValidateCravingRatingForm().validate_craving_rating(
        text, dispatcher, make_tracker(text, "inform", confidence=0.4), domain
    )
    assert result == {"craving_rating": None}
    assert words in texts(dispatcher)[0] and "from 0 to 10" in texts(dispatcher)[0]


async def test_a_question_in_the_middle_of_the_rating_is_answered(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    text = "what is iop"
    result = await ValidateCravingRatingForm().validate_craving_rating(
        text, dispatcher, make_tracker(text, "ask_what_is_iop", confidence=0.95), domain
    )
    assert result == {"craving_rating": None}
    assert "Intensive Outpatient" in texts(dispatcher)[0]


async def test_ratings_are_stored_with_the_conversation_and_the_client(sam: str, domain: Dict[str, Any]) -> None:
    metadata = verified(sam)
    state = (await start(domain, "huge craving", metadata))["coping"]
    after_first = await record(domain, state, 9, metadata)
    assert after_first["coping_rate_now"] is False and after_first["craving_rating"] is None
    done = slots(
        await ActionCopingDone().run(
            CollectingDispatcher(),
            make_tracker("done", "coping_done", slots={"coping": after_first["coping"]}, metadata=metadata),
            domain,
        )
    )
    assert done["coping_rate_now"] is True
    finished = await record(domain, done["coping"], 5, metadata)
    assert finished["coping_active"] is False
    checkins = resources().checkins.for_client(sam)
    assert [(c.phase, c.rating, c.skill, c.conversation_id) for c in checkins] == [
        ("before", 9, "urge_surfing", "test-conversation"),
        ("after", 5, "urge_surfing", "test-conversation"),
    ]
    assert checkins[0].exercise_id == checkins[1].exercise_id and checkins[0].at <= checkins[1].at


async def test_an_anonymous_visitor_s_ratings_have_no_client(service_env: Path, domain: Dict[str, Any]) -> None:
    state = (await start(domain, "craving"))["coping"]
    await record(domain, state, 4)
    (checkin,) = resources().checkins.for_conversation("test-conversation")
    assert checkin.client_id is None and checkin.rating == 4


async def test_a_refused_token_keeps_ratings_anonymous(sam: str, domain: Dict[str, Any]) -> None:
    metadata = {"client": {"status": "expired"}}
    state = (await start(domain, "craving", metadata))["coping"]
    await record(domain, state, 4, metadata)
    assert resources().checkins.for_client(sam) == []


async def test_a_known_client_hears_their_name_and_counselor(sam: str, domain: Dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    state = slots(
        await ActionStartCoping().run(dispatcher, make_tracker("craving", "ask_coping", metadata=verified(sam)), domain)
    )["coping"]
    assert "Sam" in texts(dispatcher)[0]
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("9", "inform", slots={"coping": state, "craving_rating": 9}, metadata=verified(sam))
    await ActionRecordCraving().run(dispatcher, tracker, domain)
    assert "ask Dana Reyes to call you" in texts(dispatcher)[0]


async def test_next_walks_the_steps_then_asks_for_the_second_rating(service_env: Path, domain: Dict[str, Any]) -> None:
    state = (await record(domain, (await start(domain, "can we do box breathing"))["coping"], 5))["coping"]
    steps = len(resources().coping.get().skills["box_breathing"].steps)
    for number in range(2, steps + 1):
        dispatcher = CollectingDispatcher()
        values = slots(
            await ActionCopingNext().run(dispatcher, make_tracker("next step", "coping_next", slots={"coping": state}), domain)
        )
        assert f"Step {number} of {steps}" in texts(dispatcher)[0] and values["coping_rate_now"] is False
        state = values["coping"]
    values = slots(
        await ActionCopingNext().run(
            CollectingDispatcher(), make_tracker("next step", "coping_next", slots={"coping": state}), domain
        )
    )
    assert values["coping_rate_now"] is True and values["coping"]["phase"] == "after"


async def test_another_switches_skill(service_env: Path, domain: Dict[str, Any]) -> None:
    state = (await record(domain, (await start(domain, "craving"))["coping"], 5))["coping"]
    values = slots(
        await ActionCopingAnother().run(
            CollectingDispatcher(), make_tracker("try another", "coping_another", slots={"coping": state}), domain
        )
    )
    assert values["coping"]["skill"] != state["skill"] and values["coping"]["tried"] == [
        state["skill"],
        values["coping"]["skill"],
    ]


async def test_stop_ends_the_exercise_and_gives_people_to_reach(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    state = (await start(domain, "craving"))["coping"]
    values = slots(await ActionCopingStop().run(dispatcher, make_tracker("stop", "stop", slots={"coping": state}), domain))
    assert values == {"coping": None, "coping_active": False, "coping_rate_now": False, "craving_rating": None}
    assert "988" in texts(dispatcher)[0] and "(760) 555-0149" in texts(dispatcher)[0]


async def test_next_with_no_exercise_offers_one(
    service_env: Path, dispatcher: CollectingDispatcher, domain: Dict[str, Any]
) -> None:
    values = slots(await ActionCopingNext().run(dispatcher, make_tracker("next step", "coping_next"), domain))
    assert values["coping_active"] is False and "not in the middle of an exercise" in texts(dispatcher)[0]


@pytest.mark.parametrize(
    "action, metadata, ends",
    [
        (ActionAnswerQuestion(), {}, True),  # the person asked about something else: the exercise ends
        (ActionAnswerQuestion(), {"is_external": True}, False),  # a reminder firing is not the person moving on
        (ActionFallback(), {}, False),  # not understood: they may still be in the exercise
    ],
)
async def test_an_answer_to_another_question_ends_a_running_exercise(
    service_env: Path, domain: Dict[str, Any], action: Any, metadata: Dict[str, Any], ends: bool
) -> None:
    """Else a later "ok" or "more" (a meeting search's next page) was taken for its next step."""
    tracker = make_tracker(
        "how much does it cost", "ask_cost", slots={"coping_active": True}, metadata=metadata, input_channel="rest"
    )
    events = await action.run(CollectingDispatcher(), tracker, domain)
    assert (slots(events).get("coping_active") is False) is ends
    idle = make_tracker("how much does it cost", "ask_cost", slots={"coping_active": False}, input_channel="rest")
    assert "coping_active" not in slots(await action.run(CollectingDispatcher(), idle, domain))
