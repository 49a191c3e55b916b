"""Crisis net v2 on the whole service (real Rasa, action server, web app and SQLite), over REST and
socket.io: the screening question and its answers, crisis mode that listens, a false alarm, the
screening's review item, medication questions, and "yes" with no crisis behind it."""

from __future__ import annotations

import sqlite3
import uuid
from typing import List

import aiohttp
import pytest

from bot.service.process import RunningService
from tests.integration.test_clients import open_socket
from tests.integration.test_service import TOKEN, joined, say, service  # noqa: F401 - the module's whole service

pytestmark = pytest.mark.integration
SCREEN = '/risk_possible{"crisis_type": "suicide"}'  # the tier is the NLU's to decide; `make eval-safety` measures it
GLAD = "I'm glad you're safe"


def rows(service: RunningService, sql: str, sender: str) -> List[tuple]:
    with sqlite3.connect(service.database) as db:
        return db.execute(sql, (sender,)).fetchall()


def escalations(service: RunningService, sender: str) -> List[tuple]:
    return rows(service, "SELECT crisis_type, status FROM escalations WHERE conversation_id = ?", sender)


def reviews(service: RunningService, sender: str) -> List[tuple]:
    return rows(service, "SELECT kind, message FROM safety_reviews WHERE conversation_id = ?", sender)


def new_sender() -> str:
    return f"it-{uuid.uuid4()}"


async def test_a_yes_to_the_screening_question_is_a_crisis_with_an_escalation(service: RunningService) -> None:
    sender = new_sender()
    question = joined(await say(service, sender, SCREEN))
    assert "ending your life" in question and escalations(service, sender) == []
    answer = joined(await say(service, sender, "yes"))
    assert "988" in answer and "911" in answer
    assert escalations(service, sender) == [("suicide", "open")]
    assert "still here with you" in joined(await say(service, sender, "how much does it cost"))


async def test_a_group_reminder_firing_meanwhile_leaves_the_screening_question_waiting(service: RunningService) -> None:
    """A reminder (Rasa's external intent, as a group reminder fires) is not the person's answer:
    it is said as usual, and the person's "yes" after it is still a yes."""
    sender = new_sender()
    await say(service, sender, SCREEN)
    async with aiohttp.ClientSession() as http:
        fired = await http.post(
            f"{service.rasa_url}/conversations/{sender}/trigger_intent", params={"token": TOKEN}, json={"name": "ask_next_group"}
        )
        assert fired.status == 200, await fired.text()
        said = joined((await fired.json())["messages"])
    assert "group" in said.lower() and "ending your life" not in said and escalations(service, sender) == []
    answer = joined(await say(service, sender, "yes"))
    assert "988" in answer and "911" in answer
    assert escalations(service, sender) == [("suicide", "open")]


async def test_a_clear_no_carries_on_and_leaves_a_review_item(service: RunningService) -> None:
    sender = new_sender()
    await say(service, sender, SCREEN)
    assert "What can I help you with" in joined(await say(service, sender, "no"))
    assert escalations(service, sender) == [] and reviews(service, sender) == [("screening_no", "no")]
    assert "still here with you" not in joined(await say(service, sender, "how much does the program cost"))


async def test_a_question_instead_of_an_answer_is_asked_once_more_not_paged(service: RunningService) -> None:
    """A family member who goes on to their next question after a misread screening: asked once
    more (with 911 and 988), no escalation; a no then carries on."""
    sender = new_sender()
    await say(service, sender, '/risk_possible{"crisis_type": "overdose"}')
    again = joined(await say(service, sender, "we have iehp"))
    assert "ask once more" in again and "911" in again and "988" in again
    assert escalations(service, sender) == []
    assert "What can I help you with" in joined(await say(service, sender, "no"))
    assert escalations(service, sender) == [] and [kind for kind, _ in reviews(service, sender)] == ["screening_no"]


async def test_a_second_question_instead_of_an_answer_counts_as_a_yes(service: RunningService) -> None:
    sender = new_sender()
    await say(service, sender, SCREEN)
    await say(service, sender, "how much does the program cost")
    answer = joined(await say(service, sender, "what are your hours"))
    assert "988" in answer and "911" in answer and "once more" not in answer
    assert escalations(service, sender) == [("suicide", "open")]


async def test_a_no_offers_the_coping_exercise_one_tap_away(service: RunningService) -> None:
    """A strong craving late at night is often what was asked about: after the no, its button
    starts the exercise with the 0-10 rating."""
    sender = new_sender()
    await say(service, sender, SCREEN)
    buttons = [b["payload"] for m in await say(service, sender, "no") for b in m.get("buttons") or []]
    craving = '/ask_coping{"coping_need": "craving"}'
    assert craving in buttons and "/ask_coping" in buttons
    rating = joined(await say(service, sender, craving))
    assert "from 0 (none at all) to 10" in rating and "still here with you" not in rating


async def test_despair_said_of_a_craving_is_asked_about_and_a_no_leads_to_the_exercise(service: RunningService) -> None:
    """A client at 3am: asked directly, not paged; the no offers the craving exercise."""
    sender = new_sender()
    question = joined(await say(service, sender, "its 3am and i want to drink so bad i cant take it anymore"))
    assert "ending your life" in question and escalations(service, sender) == []
    buttons = [b["payload"] for m in await say(service, sender, "no") for b in m.get("buttons") or []]
    assert '/ask_coping{"coping_need": "craving"}' in buttons
    assert escalations(service, sender) == [] and [kind for kind, _ in reviews(service, sender)] == ["screening_no"]


@pytest.mark.parametrize(
    "crisis_type, person, said, offered",
    [
        ("someone_else", "other", "If that changes and they are in danger, call 911", "/ask_help_loved_one"),
        ("violence", "self", "1-800-799-7233", "/ask_coping"),
        ("overdose", "other", "give naloxone (Narcan) if there is any, and stay with them", "/ask_help_loved_one"),
        ("medical", "other", "have a seizure, see or hear things", "/ask_help_loved_one"),
        ("medical", "self", "please don't do it alone or all at once", "/ask_detox"),
    ],
)
async def test_a_no_about_someone_else_or_danger_at_home_gets_what_fits_it(
    service: RunningService, crisis_type: str, person: str, said: str, offered: str
) -> None:
    """The craving button is for the writer's own danger; a question about someone else (a parent
    asked whether their son took too much), or about danger at home, gets its own resources and
    buttons instead."""
    sender = new_sender()
    await say(service, sender, '/risk_possible{"crisis_type": "%s", "crisis_person": "%s"}' % (crisis_type, person))
    messages = await say(service, sender, "no")
    buttons = [b["payload"] for m in messages for b in m.get("buttons") or []]
    assert said in joined(messages) and offered in buttons
    # the craving button is for the writer's own craving: not about someone else or danger at home
    assert ('/ask_coping{"coping_need": "craving"}' in buttons) is (crisis_type == "medical" and person == "self")


async def test_a_question_asked_instead_of_an_answer_is_answered_after_the_no(service: RunningService) -> None:
    """A parent asked whether their son took too much asks about insurance instead; after the
    "no", the insurance question is answered without being asked again, and shown once."""
    sender = new_sender()
    await say(service, sender, '/risk_possible{"crisis_type": "overdose", "crisis_person": "other"}')
    again = joined(await say(service, sender, "do you take aetna?"))
    assert "911" in again and "Aetna" not in again
    after_no = joined(await say(service, sender, "no"))
    assert "give naloxone (Narcan) if there is any" in after_no and "Aetna" in after_no
    assert escalations(service, sender) == []
    said = rows(
        service, "SELECT count(*) FROM events WHERE sender_id = ? AND type_name = 'user' AND data LIKE '%take aetna%'", sender
    )
    assert said == [(2,)]  # said once, replayed once; the console shows it once (tests/bot/records/)


async def test_crisis_mode_listens_and_ends_only_on_a_statement_of_safety(service: RunningService) -> None:
    sender = new_sender()
    assert "988" in joined(await say(service, sender, "i dont want to be alive anymore"))
    ack = joined(await say(service, sender, "ok"))
    assert "in your own words" in ack and GLAD not in ack
    assert "text 988" in joined(await say(service, sender, "i cant call anyone, my roommate will hear me"))
    assert "glad you reached out to them" in joined(await say(service, sender, "ok i texted 988 and someone answered"))
    assert GLAD in joined(await say(service, sender, "I'm safe now, I'm not going to hurt myself, it was just a bad moment"))
    assert escalations(service, sender) == [("suicide", "open")]


async def test_a_denial_the_encoder_misreads_still_ends_crisis_mode(service: RunningService) -> None:
    """ "not going to hurt myself" reads as danger to the encoder (it cannot read the negation);
    said as a statement of safety it ends crisis mode, as the person means it."""
    sender = new_sender()
    assert "988" in joined(await say(service, sender, "i keep cuting myself again and i cant stop"))
    assert GLAD in joined(await say(service, sender, "i'm safe for tonight, thank you. i'm not going to hurt myself"))
    assert "still here with you" not in joined(await say(service, sender, "what time is group tomorrow"))


async def test_a_false_alarm_is_answered_kept_for_review_and_the_chat_goes_on(service: RunningService) -> None:
    sender = new_sender()
    assert "Call 911" in joined(await say(service, sender, "my boyfriend is overdosing"))
    answer = joined(await say(service, sender, "this isnt an emergency, im asking for my boyfriend about your program"))
    assert "wasn't an emergency" in answer
    assert escalations(service, sender) == [("overdose", "open")]  # open for staff to close, no more paging
    assert [kind for kind, _ in reviews(service, sender)] == ["false_alarm"]
    assert "still here with you" not in joined(await say(service, sender, "what are your hours"))


async def test_a_yes_with_no_crisis_behind_it_claims_nothing(service: RunningService) -> None:
    sender = new_sender()
    reply = joined(await say(service, sender, "yes"))
    assert GLAD not in reply and "care team knows" not in reply and escalations(service, sender) == []


@pytest.mark.parametrize("question", ["can i take xanax with my suboxone?", "can I drink on naltrexone"])
async def test_a_medication_question_is_never_answered_yes(service: RunningService, question: str) -> None:
    reply = joined(await say(service, new_sender(), question))
    assert not reply.lower().startswith("yes") and "pharmacist" in reply and "1-800-222-1222" in reply


async def test_over_socketio_crisis_mode_answers_what_the_person_says(service: RunningService) -> None:
    ws, socket = await open_socket(service)
    try:
        session_id = uuid.uuid4().hex
        await socket.emit("session_request", {"session_id": session_id})
        assert await socket.until("session_confirm") == session_id

        async def say_socket(text: str) -> str:
            await socket.emit("user_uttered", {"message": text, "session_id": session_id})
            return str((await socket.until("bot_uttered")).get("text"))

        assert "911" in await say_socket("he is hitting me right now and i locked myself in the bathroom")
        assert "don't have to call" in await say_socket("i cant call, he'll hear me")
        assert "help is there" in await say_socket("the police are here now")
        assert escalations(service, session_id) == [("violence", "open")]
    finally:
        await ws.close()
