"""The whole service as `make run` starts it: real Rasa, action server, web app and SQLite.

Needs the trained model (`make pytest` trains first). The service runs on its own ports and a
scratch database, so a developer's running instance is not disturbed.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import uuid
from pathlib import Path
from typing import Iterator, List, Optional

import aiohttp
import pytest

from bot.service.process import RunningService, start_service

pytestmark = pytest.mark.integration
TOKEN = "integration-test-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = start_service(
        tmp_path_factory.mktemp("service"), rasa_port=free_port(), action_port=free_port(), web_port=free_port(), token=TOKEN
    )
    yield running
    running.stop()


async def say(service: RunningService, sender: str, text: str, metadata: Optional[dict] = None) -> List[dict]:
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{service.rasa_url}/webhooks/rest/webhook", json=body) as response:
            assert response.status == 200
            return await response.json()


def joined(messages: List[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


async def test_greeting_over_rest(service: RunningService) -> None:
    reply = joined(await say(service, f"it-{uuid.uuid4()}", "hello"))
    assert "automated assistant" in reply and "988" in reply and "911" in reply


@pytest.mark.parametrize(
    "first_message, placement",
    [
        ("how much does a gym membership cost", "first"),  # off-topic: a domain response from a rule
        ("asdf qwerty zxcv", "first"),  # the fallback
        ("can i drink on naltrexone", "its own words"),  # medication safety says who is answering
        ("i took all my pills and i feel weird", "after the steps"),  # a crisis: 911 comes first
    ],
)
async def test_the_first_reply_says_it_is_an_automated_assistant_whatever_the_message(
    service: RunningService, first_message: str, placement: str
) -> None:
    sender = f"it-{uuid.uuid4()}"
    first = joined(await say(service, sender, first_message))
    assert first.startswith("Hi, I'm the automated assistant for") is (placement == "first")
    assert first.count("automated assistant for") == (0 if placement == "its own words" else 1)
    assert "automated assistant" in first
    if placement == "after the steps":
        assert first.index("911") < first.index("automated assistant")
    assert "automated assistant for" not in joined(await say(service, sender, "what are your hours"))  # not again


@pytest.mark.parametrize(
    "message, expected",
    [
        ("do you take bcbs?", "in network with Blue Cross Blue Shield"),
        ("do you have evening groups", "Adult Evening IOP"),
        ("can i keep working while in the program", "FMLA"),
    ],
)
async def test_questions_get_answers_from_the_data(service: RunningService, message: str, expected: str) -> None:
    assert expected in joined(await say(service, f"it-{uuid.uuid4()}", message))


async def test_a_message_the_model_was_unsure_of_offers_its_likeliest_answers(service: RunningService) -> None:
    """A parent's question between two answers gets them as buttons, not "put it another way"; a
    second message not understood offers a person."""
    sender = f"it-{uuid.uuid4()}"
    messages = await say(service, sender, "hi, my daughter is 17 and drinking a lot, do u have anything for teens")
    payloads = [button["payload"] for message in messages for button in message.get("buttons") or []]
    assert "Did you mean" in joined(messages) and "988" in joined(messages)
    assert payloads[0] == "/ask_help_loved_one" and "/request_human" in payloads
    assert "someone you love struggle" in joined(await say(service, sender, payloads[0]))
    # Sent as the model's verdict, with no likely answer, whatever the model makes of a string.
    assert "Could you put it another way" in joined(await say(service, sender, "/nlu_fallback"))
    assert "still not getting it" in joined(await say(service, sender, "/nlu_fallback"))


async def test_a_follow_up_naming_a_track_with_no_search_behind_it_offers_the_programs(service: RunningService) -> None:
    """The model reads "what about for teens" as a meeting follow-up; with no search before it,
    the programs are offered instead of "put it another way"."""
    sender = f"it-{uuid.uuid4()}"
    messages = await say(service, sender, "what about for teens")
    assert [button["payload"] for message in messages for button in message.get("buttons") or []][0] == "/ask_tracks"
    assert "Adolescent IOP" in joined(await say(service, sender, "/ask_tracks"))


async def test_a_bare_insurer_with_no_form_asking_offers_the_answer_about_it(service: RunningService) -> None:
    sender = f"it-{uuid.uuid4()}"
    payloads = [b["payload"] for m in await say(service, sender, "aetna") for b in m.get("buttons") or []]
    assert payloads[0] == '/ask_insurance{"insurance_carrier": "Aetna"}'
    assert "Aetna" in joined(await say(service, sender, payloads[0]))


async def test_callback_request_saves_a_lead(service: RunningService) -> None:
    sender = f"it-{uuid.uuid4()}"
    assert "first name" in joined(await say(service, sender, "can someone call me back"))
    assert "phone number or e-mail" in joined(await say(service, sender, "Maria"))
    assert "area code" in joined(await say(service, sender, "555-0199"))
    assert "good time" in joined(await say(service, sender, "760 555 0199"))
    assert "Who is the help for" in joined(await say(service, sender, "Evening"))
    assert "Which insurance" in joined(await say(service, sender, "Myself"))
    confirm = joined(await say(service, sender, "aetna"))
    assert "Maria, (760) 555-0199" in confirm and "Aetna" in confirm
    assert "Thank you, Maria" in joined(await say(service, sender, "/affirm"))
    with sqlite3.connect(service.database) as db:
        rows = db.execute("SELECT first_name, phone, insurance FROM leads WHERE conversation_id = ?", (sender,)).fetchall()
    assert rows == [("Maria", "(760) 555-0199", "Aetna")]


async def test_meeting_request_names_fellowship_and_place(service: RunningService) -> None:
    """The web app imported the demo feeds at start (the service is ready only once /healthz is ok)."""
    messages = await say(service, f"it-{uuid.uuid4()}", "Is there an NA meeting near 92262 tonight?")
    texts = [m.get("text", "") for m in messages]
    assert "NA meetings" in texts[0] and "Palm Springs, CA 92262" in texts[0]
    meetings = texts[1:-1]
    assert meetings and all("(NA, " in text and "When: " in text for text in meetings)
    assert any(b["payload"] == "/show_more" for b in messages[-1].get("buttons", [])) or "That's all" in texts[-1]


async def test_meeting_finder_asks_where_and_remembers(service: RunningService) -> None:
    sender = f"it-{uuid.uuid4()}"
    assert "ZIP code" in joined(await say(service, sender, "SMART Recovery near me"))
    first = joined(await say(service, sender, "Palm Desert"))
    assert "SMART meetings" in first and "Palm Desert, CA" in first
    again = joined(await say(service, sender, "any al-anon meetings near me?"))
    assert "Al-Anon meetings" in again and "Palm Desert, CA" in again  # not asked twice


async def test_meeting_finder_uses_coordinates_sent_with_the_message(service: RunningService) -> None:
    messages = await say(
        service, f"it-{uuid.uuid4()}", "meetings near me", metadata={"location": {"latitude": 33.7222, "longitude": -116.3745}}
    )
    assert "Palm Desert, CA 92260" in messages[0]["text"]


async def test_http_api_needs_the_token(service: RunningService) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{service.rasa_url}/model/parse", json={"text": "hi"}) as response:
            assert response.status == 401
        async with session.post(f"{service.rasa_url}/model/parse?token={TOKEN}", json={"text": "do you take aetna"}) as response:
            assert response.status == 200
            parsed = await response.json()
    assert parsed["intent"]["name"] == "ask_insurance"
    assert {"entity": "insurance_carrier", "value": "Aetna"}.items() <= parsed["entities"][0].items()


async def test_conversations_are_kept_in_the_sql_tracker_store(service: RunningService) -> None:
    sender = f"it-{uuid.uuid4()}"
    await say(service, sender, "hi")
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{service.rasa_url}/conversations/{sender}/tracker?token={TOKEN}") as response:
            tracker = await response.json()
    assert any(e["event"] == "user" and e["text"] == "hi" for e in tracker["events"])
    with sqlite3.connect(service.database) as db:
        assert db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0] > 0


async def test_web_app_health(service: RunningService) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{service.web_url}/healthz") as response:
            assert response.status == 200 and (await response.json())["status"] == "ok"


def test_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    ports = [free_port(), free_port(), free_port()]
    running = start_service(tmp_path, rasa_port=ports[0], action_port=ports[1], web_port=ports[2], token=TOKEN)
    assert running.stop() == 0
    for port in ports:
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"


async def test_socketio_channel_answers(service: RunningService) -> None:
    """Speaks Socket.IO v5 over Engine.IO v4 on a plain websocket, as the widget's client does.

    (python-socketio's own client needs a newer aiohttp than Rasa allows.)
    """
    import json

    import websockets

    url = service.rasa_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"

    async def next_event(ws: "websockets.WebSocketClientProtocol") -> list:
        while True:
            packet = await asyncio.wait_for(ws.recv(), 15)
            if packet == "2":  # Engine.IO ping
                await ws.send("3")
            elif packet.startswith("42"):
                return json.loads(packet[2:])

    async with websockets.connect(url) as ws:
        assert (await ws.recv()).startswith("0")  # Engine.IO open
        await ws.send("40")  # Socket.IO connect to the default namespace
        assert (await asyncio.wait_for(ws.recv(), 10)).startswith("40")
        await ws.send('42["session_request",{"session_id":null}]')
        name, confirmed = await next_event(ws)
        assert name == "session_confirm"
        session_id = confirmed["session_id"] if isinstance(confirmed, dict) else confirmed
        message = {"message": "do you have evening groups?", "session_id": session_id}
        await ws.send("42" + json.dumps(["user_uttered", message]))
        name, reply = await next_event(ws)
    assert name == "bot_uttered" and "Adult Evening IOP" in reply["text"]


async def test_the_rest_channel_says_it_is_ready_once_the_model_is_loaded(service: RunningService) -> None:
    # The balancer in front of several instances sends messages only where this says ok.
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{service.rasa_url}/webhooks/rest/") as response:
            assert (response.status, await response.json()) == (200, {"status": "ok"})
