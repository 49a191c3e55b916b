"""The chat channels check every message's client token before Rasa sees it (bot/rasa/channels/)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import UserMessage

from bot.clients import tokens
from bot.clients.store import ClientStore
from bot.rasa.channels.identity import MessageIdentity
from bot.rasa.channels.rest import RestChannel
from bot.rasa.channels.socketio import HandoffAwareOutput, SocketIOChannel
from bot.settings import get_settings
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.identity import verified

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def clients(service_env: Path) -> ClientStore:
    engine = make_engine(service_env)
    migrate(engine)
    store = ClientStore(engine)
    store.add("C-1", "Sam", "adult_evening", "Dana")
    store.add("C-2", "Alex", "adult_day", "Lee")
    return store


def token_for(client_id: str, lifetime: dt.timedelta = HOUR, now: Any = None) -> str:
    return tokens.issue(client_id, get_settings().client_token_key(), lifetime, now=now)


@pytest.mark.parametrize(
    "metadata, expected",
    [
        (
            lambda: {"client_token": token_for("C-1"), "location": {"latitude": 1}},
            {"client": {"status": "verified", "id": "C-1"}, "location": {"latitude": 1}},
        ),
        (lambda: {"client_token": token_for("C-2")}, {"client": {"status": "verified", "id": "C-2"}}),
        (
            lambda: {"client_token": token_for("C-1", now=dt.datetime.now(dt.timezone.utc) - 2 * HOUR)},
            {"client": {"status": "expired"}},
        ),
        (lambda: {"client_token": token_for("C-1") + "x"}, {"client": {"status": "invalid"}}),
        (lambda: {"client_token": token_for("C-404")}, {"client": {"status": "unknown_client"}}),
        # Nobody can claim an identity without a token the center signed.
        (lambda: {"client": {"status": "verified", "id": "C-1"}}, {}),
        (lambda: {"client_token": "", "client": {"status": "verified", "id": "C-2"}}, {}),
        (lambda: None, {}),
    ],
)
def test_the_metadata_rasa_keeps(clients: ClientStore, metadata: Any, expected: Dict[str, Any]) -> None:
    kept, _ = MessageIdentity().check(metadata())
    assert kept == expected


def test_a_forged_client_next_to_a_real_token_is_replaced(clients: ClientStore) -> None:
    kept, identity = MessageIdentity().check({"client_token": token_for("C-2"), "client": {"status": "verified", "id": "C-1"}})
    assert kept == {"client": {"status": "verified", "id": "C-2"}} and identity.client_id == "C-2"


def test_the_session_s_token_counts_when_the_message_has_none(clients: ClientStore) -> None:
    kept, _ = MessageIdentity().check({}, fallback_token=token_for("C-1"))
    assert kept == {"client": {"status": "verified", "id": "C-1"}}


async def test_the_rest_channel_checks_each_message(clients: ClientStore) -> None:
    seen: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        seen.append(message)

    channel = RestChannel()
    handler = channel.identity.verifying(on_new_message)
    await handler(UserMessage("hi", sender_id="s1", metadata={"client_token": token_for("C-1")}))
    await handler(UserMessage("hi", sender_id="s1", metadata={"client": {"status": "verified", "id": "C-2"}}))
    assert [m.metadata for m in seen] == [verified("C-1", "s1"), {}]  # sealed for this conversation
    assert RestChannel.name() == "rest"


class FakeSocket:
    """What the handlers emit, by event, instead of a network."""

    def __init__(self) -> None:
        self.emitted: List[tuple] = []

    async def emit(self, event: str, data: Any, room: Any = None, namespace: Any = None) -> None:
        self.emitted.append((event, data, room))


@pytest.fixture
def socket_channel(clients: ClientStore, monkeypatch: pytest.MonkeyPatch) -> Any:
    seen: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        seen.append(message)

    channel = SocketIOChannel(session_persistence=True, metadata_key="customData")
    channel.blueprint(on_new_message)
    fake = FakeSocket()
    monkeypatch.setattr(channel.sio, "emit", fake.emit)
    monkeypatch.setattr(channel.sio, "enter_room", lambda sid, room, namespace=None: None)
    handlers = channel.sio.handlers["/"]
    return channel, handlers, fake, seen


async def test_a_token_in_the_session_request_identifies_every_message_of_the_session(socket_channel: Any) -> None:
    channel, handlers, fake, seen = socket_channel
    await handlers["session_request"]("sid-1", {"session_id": "web-1", "customData": {"client_token": token_for("C-1")}})
    assert ("client_identity", {"status": "verified"}, "sid-1") in fake.emitted
    await handlers["user_uttered"]("sid-1", {"message": "when is my next group", "session_id": "web-1"})
    await handlers["user_uttered"]("sid-1", {"message": "thanks", "session_id": "web-1", "customData": {"lang": "en"}})
    assert [m.metadata for m in seen] == [verified("C-1", "web-1"), {"lang": "en", **verified("C-1", "web-1")}]
    assert all(m.sender_id == "web-1" for m in seen)


async def test_a_refused_session_token_is_told_to_the_page_and_the_chat_goes_on_anonymously(socket_channel: Any) -> None:
    channel, handlers, fake, seen = socket_channel
    expired = token_for("C-1", now=dt.datetime.now(dt.timezone.utc) - 2 * HOUR)
    await handlers["session_request"]("sid-2", {"session_id": "web-2", "customData": {"client_token": expired}})
    (event,) = [e for e in fake.emitted if e[0] == "client_identity"]
    assert event[1]["status"] == "expired" and "expired" in event[1]["message"] and "visitor" in event[1]["message"]
    await handlers["user_uttered"]("sid-2", {"message": "hi", "session_id": "web-2"})
    assert seen[0].metadata == {"client": {"status": "expired"}}


async def test_another_session_never_gets_this_session_s_identity(socket_channel: Any) -> None:
    channel, handlers, fake, seen = socket_channel
    await handlers["session_request"]("sid-1", {"session_id": "web-1", "customData": {"client_token": token_for("C-1")}})
    await handlers["session_request"]("sid-3", {"session_id": "web-3"})
    await handlers["user_uttered"]("sid-3", {"message": "when is my next group", "session_id": "web-3"})
    assert seen[0].metadata == {}
    assert not [e for e in fake.emitted if e[2] == "sid-3" and e[0] == "client_identity"]


async def test_a_new_session_request_without_a_token_forgets_the_old_one(socket_channel: Any) -> None:
    channel, handlers, fake, seen = socket_channel
    await handlers["session_request"]("sid-1", {"session_id": "web-1", "customData": {"client_token": token_for("C-1")}})
    await handlers["session_request"]("sid-1", {"session_id": "web-1"})  # signed out, same browser
    await handlers["user_uttered"]("sid-1", {"message": "when is my next group", "session_id": "web-1"})
    assert seen[0].metadata == {}


async def test_a_client_removed_mid_session_is_no_longer_identified(socket_channel: Any, clients: ClientStore) -> None:
    channel, handlers, fake, seen = socket_channel
    await handlers["session_request"]("sid-1", {"session_id": "web-1", "customData": {"client_token": token_for("C-1")}})
    clients.remove("C-1")
    await handlers["user_uttered"]("sid-1", {"message": "hi", "session_id": "web-1"})
    assert seen[0].metadata == {"client": {"status": "unknown_client"}}


def test_a_second_client_s_token_in_a_conversation_that_belongs_to_another_is_refused(clients: ClientStore) -> None:
    clients.link("shared-browser", "C-1", dt.datetime.now(dt.timezone.utc))
    identity = MessageIdentity()
    kept, _ = identity.check({"client_token": token_for("C-2")}, conversation_id="shared-browser")
    assert kept == {"client": {"status": "invalid"}}
    kept, _ = identity.check({"client_token": token_for("C-1")}, conversation_id="shared-browser")
    assert kept == verified("C-1", "shared-browser")
    kept, _ = identity.check({"client_token": token_for("C-2")}, conversation_id="a-new-chat")
    assert kept == verified("C-2", "a-new-chat")


# --- live handoff details on the socket (HandoffAwareOutput) ---------------------------------------

STAFF = {"kind": "staff", "status": "active", "staff_name": "Dana Reyes"}


def bot_uttered(fake: FakeSocket) -> List[Dict[str, Any]]:
    assert all(event == "bot_uttered" and room == "web-1" for event, _, room in fake.emitted)
    return [data for _, data, _ in fake.emitted]


async def test_a_handoff_text_message_carries_its_details_on_every_part() -> None:
    fake = FakeSocket()
    output = HandoffAwareOutput(fake, "bot_uttered")
    await output.send_response("web-1", {"text": "Hi Sam, I'm Dana.\n\nHow are you doing?", "handoff": dict(STAFF)})
    assert bot_uttered(fake) == [
        {"text": "Hi Sam, I'm Dana.", "handoff": STAFF},
        {"text": "How are you doing?", "handoff": STAFF},
    ]


async def test_a_handoff_message_with_buttons_carries_its_details_too() -> None:
    fake = FakeSocket()
    buttons = [{"title": "Request a callback", "payload": "/request_callback"}]
    handoff = {"kind": "status", "status": "expired"}
    await HandoffAwareOutput(fake, "bot_uttered").send_response(
        "web-1", {"text": "Sorry.\n\nCall us.", "buttons": buttons, "handoff": handoff}
    )
    assert bot_uttered(fake) == [
        {"text": "Sorry.", "quick_replies": [], "handoff": handoff},
        {"text": "Call us.", "quick_replies": [{"content_type": "text", **buttons[0]}], "handoff": handoff},
    ]


@pytest.mark.parametrize(
    "handoff, emitted",
    [
        # Only kind, status and staff_name, as strings; empty ones are left out.
        ({"kind": "status", "status": "waiting", "staff_name": None}, {"kind": "status", "status": "waiting"}),
        ({**STAFF, "token": "secret", "html": "<b>x</b>", "nested": {"a": 1}}, STAFF),
        ({"kind": "status", "status": 3, "staff_name": ["Dana"]}, {"kind": "status", "status": "3", "staff_name": "['Dana']"}),
        # Nothing at all when there is nothing to pass on.
        ({}, None),
        ({"staff_name": ""}, None),
        ("active", None),
        (None, None),
    ],
)
async def test_only_the_handoff_fields_are_passed_on(handoff: Any, emitted: Any) -> None:
    fake = FakeSocket()
    await HandoffAwareOutput(fake, "bot_uttered").send_response("web-1", {"text": "Hello", "handoff": handoff})
    [data] = bot_uttered(fake)
    assert data == ({"text": "Hello", "handoff": emitted} if emitted is not None else {"text": "Hello"})


async def test_ordinary_messages_get_nothing_extra_even_right_after_a_handoff_message() -> None:
    fake = FakeSocket()
    output = HandoffAwareOutput(fake, "bot_uttered")
    await output.send_response("web-1", {"text": "From Dana", "handoff": dict(STAFF)})
    await output.send_response("web-1", {"text": "From the assistant\n\nin two parts"})
    await output.send_response("web-1", {"text": "Pick one", "buttons": [{"title": "Yes", "payload": "/affirm"}]})
    assert bot_uttered(fake)[1:] == [
        {"text": "From the assistant"},
        {"text": "in two parts"},
        {"text": "Pick one", "quick_replies": [{"content_type": "text", "title": "Yes", "payload": "/affirm"}]},
    ]


async def test_the_conversations_language_goes_with_every_part_so_the_widget_can_follow() -> None:
    fake = FakeSocket()
    output = HandoffAwareOutput(fake, "bot_uttered")
    await output.send_response("web-1", {"text": "Claro.\n\n¿Algo más?", "language": "es"})
    await output.send_response("web-1", {"text": "Sure.", "language": "fr"})  # not a language the widget speaks
    await output.send_response("web-1", {"text": "Hola, soy Dana.", "language": "es", "handoff": dict(STAFF)})
    assert bot_uttered(fake) == [
        {"text": "Claro.", "language": "es"},
        {"text": "¿Algo más?", "language": "es"},
        {"text": "Sure."},
        {"text": "Hola, soy Dana.", "handoff": STAFF, "language": "es"},
    ]


async def test_messages_sent_at_the_same_time_keep_their_own_details() -> None:
    class SlowSocket(FakeSocket):
        async def emit(self, event: str, data: Any, room: Any = None, namespace: Any = None) -> None:
            await asyncio.sleep(0)  # let the other send run in between
            await super().emit(event, data, room, namespace)

    fake = SlowSocket()
    output = HandoffAwareOutput(fake, "bot_uttered")
    await asyncio.gather(
        output.send_response("web-1", {"text": "staff 1\n\nstaff 2\n\nstaff 3", "handoff": dict(STAFF)}),
        output.send_response("web-1", {"text": "bot 1\n\nbot 2\n\nbot 3"}),
    )
    sent = bot_uttered(fake)
    assert sorted(d["text"] for d in sent if "handoff" in d) == ["staff 1", "staff 2", "staff 3"]
    assert sorted(d["text"] for d in sent if "handoff" not in d) == ["bot 1", "bot 2", "bot 3"]


async def test_the_socket_channel_answers_through_the_handoff_aware_output(socket_channel: Any) -> None:
    channel, handlers, fake, seen = socket_channel
    assert isinstance(channel.get_output_channel(), HandoffAwareOutput)
    await handlers["session_request"]("sid-1", {"session_id": "web-1"})
    await handlers["user_uttered"]("sid-1", {"message": "talk to a person", "session_id": "web-1"})
    output = seen[0].output_channel
    assert isinstance(output, HandoffAwareOutput)  # the reply to the person's own message, too
    fake.emitted.clear()
    await output.send_response("web-1", {"text": "I'm asking our team.", "handoff": {"kind": "status", "status": "waiting"}})
    assert fake.emitted == [
        ("bot_uttered", {"text": "I'm asking our team.", "handoff": {"kind": "status", "status": "waiting"}}, "web-1")
    ]


def test_without_a_running_socket_server_there_is_no_output_channel() -> None:
    with pytest.warns(UserWarning):
        assert SocketIOChannel().get_output_channel() is None


def test_engine_io_checks_origins_and_leaves_the_cors_headers_to_rasa(socket_channel: Any) -> None:
    channel, _, _, _ = socket_channel
    engine = channel.sio.eio
    assert engine.cors_allowed_origins == get_settings().cors_origins
    assert hasattr(type(engine), "_cors_headers")  # what the channel overrides: if engine.io renames it, this fails
    assert engine._cors_headers({"HTTP_ORIGIN": get_settings().cors_origins[0], "REQUEST_METHOD": "GET"}) == []
