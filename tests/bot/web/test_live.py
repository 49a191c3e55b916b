"""The console's live chat (bot/web/console/live.py) against the real app, a real SQLite file and
a real HTTP server standing in for Rasa (FakeRasa, tests/bot/handoff/conftest.py), which records
the events the app appends: who may do what, CSRF, availability, taking over (a request, a crisis
escalation, a race, Rasa down), the chat page, its events, sending, handing back and closing, and
a crisis that begins in an admissions chat (admissions finish it, or a clinician takes it over)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Awaitable, Callable, Dict, Optional

import pytest
from aiohttp.test_utils import TestClient
from rasa.shared.core.events import BotUttered
from yarl import URL

from bot.handoff import notices
from bot.handoff.presence import PresenceStore
from bot.handoff.store import Handoff, HandoffStore
from bot.program.answers import AnswerBook
from bot.safety.escalations import EscalationStore
from bot.settings import get_settings
from bot.staff.sessions import COOKIE_NAME, SessionStore
from bot.staff.users import StaffUser, UserStore
from bot.web.app import create_app
from bot.web.auth import now
from bot.web.console.common import PROBLEMS
from bot.web.console.live import MAX_MESSAGE
from bot.web.keys import EVENT_FEED
from tests.bot.handoff.conftest import RASA_TOKEN, FakeRasa
from tests.bot.records.conftest import CRISIS_ENTITY, PATTERNS, Chat, World, local, tracker_store
from tests.bot.web.conftest import PASSWORD, ROLES, Signed, audit_entries, forms, scalar, text_of

A, C, M = "admissions", "clinician", "admin"
NAMES = {A: "Ana Admissions", C: "Dana Reyes", M: "Site Admin"}
JSON = {"Accept": "application/json"}
RASA_QUERY = {"output_channel": "latest", "execute_side_effects": "true", "token": RASA_TOKEN}


@pytest.fixture(autouse=True)
async def rasa(world: World, aiohttp_server: Any, monkeypatch: pytest.MonkeyPatch) -> FakeRasa:
    """The app's Rasa is the fake (settings.rasa_url); the handoff timer stays quiet."""
    fake = await FakeRasa().start(aiohttp_server)
    monkeypatch.setenv("RASA_PORT", str(fake.port))
    monkeypatch.setenv("RASA_AUTH_TOKEN", RASA_TOKEN)
    monkeypatch.setenv("HANDOFF_POLL_SECONDS", "60")
    get_settings.cache_clear()
    return fake


@pytest.fixture
def store(world: World) -> HandoffStore:
    return HandoffStore(world.engine)


Login = Callable[[str], Awaitable[Signed]]


async def take(client: Signed, conversation: str = "c-prospect") -> Any:
    return await client.post(f"/console/live/{conversation}/take", data={"csrf_token": client.csrf}, allow_redirects=False)


async def taken_by_ana(as_role: Login, store: HandoffStore, rasa: FakeRasa) -> Signed:
    """Ana (admissions) has taken over c-prospect's waiting request through the console."""
    store.request("c-prospect", "requested", now())
    ana = await as_role(A)
    response = await take(ana)
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect"
    assert len(rasa.received) == 1
    return ana


def latest(store: HandoffStore, conversation: str = "c-prospect") -> Handoff:
    return store.latest_for([conversation])[-1]


# --- who may do what -----------------------------------------------------------------------------

PAGES: Dict[str, Dict[str, int]] = {
    "/console/live": {A: 200, C: 200, M: 200},
    "/console/live?done=available": {A: 200, C: 200, M: 200},
    "/console/live/queue.json": {A: 200, C: 200, M: 200},
    "/console/live/c-prospect": {A: 200, C: 403, M: 200},  # a prospect
    "/console/live/c-client": {A: 403, C: 200, M: 200},  # an enrolled client's
    "/console/live/c-crisis": {A: 403, C: 200, M: 200},  # a prospect in crisis: the clinical team only
    "/console/live/c-old-open": {A: 403, C: 200, M: 200},  # ... acknowledged, not yet resolved
    "/console/live/c-prospect/events?after=0": {A: 200, C: 403, M: 200},
    "/console/live/c-crisis/events?after=0": {A: 403, C: 200, M: 200},
    "/console/live/c-client/events": {A: 403, C: 200, M: 200},
    "/console/live/no-such-conversation": {A: 404, C: 404, M: 404},
    "/console/live/no-such-conversation/events": {A: 404, C: 404, M: 404},
}

POSTS: Dict[str, Dict[str, int]] = {
    "/console/live/availability": {A: 303, C: 303, M: 303},
    "/console/live/c-prospect/take": {A: 303, C: 403, M: 303},
    "/console/live/c-client/take": {A: 403, C: 303, M: 303},
    "/console/live/c-crisis/take": {A: 403, C: 303, M: 303},
    "/console/live/c-old-open/take": {A: 403, C: 303, M: 303},
    "/console/live/no-such-conversation/take": {A: 404, C: 404, M: 404},
    "/console/live/c-client/messages": {A: 403, C: 303, M: 303},  # 303: not live, sent back with a problem
    "/console/live/c-client/return": {A: 403, C: 303, M: 303},
    "/console/live/c-prospect/close": {A: 303, C: 403, M: 303},
    "/console/live/c-crisis/messages": {A: 403, C: 303, M: 303},
}


def changes(world: World) -> Dict[str, Any]:
    return {
        "handoffs": scalar(world, "SELECT COUNT(*) FROM handoffs"),
        "presence": scalar(world, "SELECT COUNT(*) FROM staff_presence"),
        "escalation": scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-crisis'"),
        "audit": len([e for e in audit_entries(world) if e.action.startswith(("live.", "escalation."))]),
    }


@pytest.mark.parametrize("path", list(PAGES))
async def test_no_session_is_sent_to_log_in(anonymous: TestClient, path: str) -> None:
    response = await anonymous.get(path, allow_redirects=False)
    assert response.status == 302
    location = URL(response.headers["Location"])
    assert location.path == "/login" and location.query["next"] == path


@pytest.mark.parametrize("path", list(POSTS))
async def test_no_session_cannot_post(anonymous: TestClient, world: World, rasa: FakeRasa, path: str) -> None:
    before = changes(world)
    response = await anonymous.post(path, data={"available": "yes", "text": "hello"}, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/login?next=")
    assert changes(world) == before and rasa.attempts == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(PAGES))
async def test_each_role_gets_exactly_what_the_table_says(as_role: Login, role: str, path: str) -> None:
    response = await (await as_role(role)).get(path, allow_redirects=False)
    assert response.status == PAGES[path][role], await response.text()
    if response.status == 403:
        assert f"Your role ({role}) may not answer this conversation." in await response.text()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(POSTS))
async def test_each_role_may_post_exactly_what_the_table_says(
    as_role: Login, world: World, rasa: FakeRasa, role: str, path: str
) -> None:
    client = await as_role(role)
    before = changes(world)
    response = await client.post(
        path, data={"csrf_token": client.csrf, "available": "yes", "text": "hello"}, allow_redirects=False
    )
    assert response.status == POSTS[path][role]
    if response.status != 303:
        assert changes(world) == before and rasa.attempts == 0


# --- CSRF ----------------------------------------------------------------------------------------

FORMS = {
    "availability": ("/console/live/availability", {"available": "yes"}),
    "take": ("/console/live/c-crisis/take", {}),
    "message": ("/console/live/c-prospect/messages", {"text": "hello"}),
    "hand back": ("/console/live/c-prospect/return", {}),
    "close": ("/console/live/c-prospect/close", {}),
}


@pytest.mark.parametrize("token", ["missing", "wrong", "in a header, wrong"])
@pytest.mark.parametrize("form", list(FORMS))
async def test_every_live_form_needs_the_session_token(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, form: str, token: str
) -> None:
    store.take("c-prospect", "root", "Site Admin", now())  # so the chat's own forms would work
    client = await as_role(M)
    path, data = FORMS[form]
    headers = {}
    if token == "wrong":
        data = {**data, "csrf_token": client.csrf[:-4] + "AAAA"}
    elif token == "in a header, wrong":
        headers = {"X-CSRF-Token": "not-the-token"}
    before = changes(world), store.open_for("c-prospect")
    response = await client.post(path, data=data, headers=headers, allow_redirects=False)
    assert response.status == 403 and "security token" in await response.text()
    assert (changes(world), store.open_for("c-prospect")) == before
    assert rasa.attempts == 0


# --- availability --------------------------------------------------------------------------------


async def test_availability_on_and_off(as_role: Login, world: World) -> None:
    ana = await as_role(A)
    presence = PresenceStore(world.engine)
    html = await (await ana.get("/console/live")).text()
    assert "You are not available for live chats." in text_of(html)
    assert ("/console/live/availability", {"csrf_token": ana.csrf, "available": "yes"}) in forms(html)

    response = await ana.post(
        "/console/live/availability", data={"csrf_token": ana.csrf, "available": "yes"}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/console/live?done=available"
    assert presence.is_marked_available("ana") and presence.is_available("ana", now())
    html = await (await ana.get(response.headers["Location"])).text()
    assert "You are available for live chats while this page is open." in text_of(html)
    assert ("/console/live/availability", {"csrf_token": ana.csrf, "available": "no"}) in forms(html)

    response = await ana.post(
        "/console/live/availability", data={"csrf_token": ana.csrf, "available": "no"}, allow_redirects=False
    )
    assert response.headers["Location"] == "/console/live?done=unavailable"
    assert not presence.is_marked_available("ana") and not presence.is_available("ana", now())
    assert [(e.username, e.target_type, e.target_id, e.detail) for e in audit_entries(world, "live.available")] == [
        ("ana", "staff", "ana", "off"),  # newest first
        ("ana", "staff", "ana", "on"),
    ]


@pytest.mark.parametrize("value", [None, "maybe", "YES"])
async def test_availability_needs_yes_or_no(as_role: Login, world: World, value: Optional[str]) -> None:
    ana = await as_role(A)
    data = {"csrf_token": ana.csrf, **({"available": value} if value is not None else {})}
    response = await ana.post("/console/live/availability", data=data, allow_redirects=False)
    assert response.status == 400 and "available=yes or available=no" in await response.text()
    assert audit_entries(world, "live.available") == [] and not PresenceStore(world.engine).is_marked_available("ana")


# --- taking over ---------------------------------------------------------------------------------


async def test_take_over_a_waiting_request(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, book: AnswerBook
) -> None:
    waiting, _ = store.request("c-prospect", "requested", now())
    ana = await as_role(A)
    response = await take(ana)
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect"
    [received] = rasa.received
    assert (received.conversation_id, received.query) == ("c-prospect", RASA_QUERY)
    assert received.events == notices.joined(book, "Ana Admissions")
    pause, joined = received.events
    assert pause == {"event": "pause"}
    assert joined["event"] == "bot" and joined["text"].startswith("Ana Admissions from Juniper Ridge has joined the chat.")
    assert joined["metadata"] == {"handoff": {"kind": "status", "status": "active", "staff_name": "Ana Admissions"}}
    active = store.open_for("c-prospect")
    assert active is not None and active.id == waiting.id
    assert (active.status, active.taken_by, active.staff_name, active.reason) == ("active", "ana", "Ana Admissions", "requested")
    [entry] = audit_entries(world, "live.take")
    assert (entry.username, entry.target_type, entry.target_id, entry.detail) == (
        "ana",
        "conversation",
        "c-prospect",
        "requested",
    )


@pytest.mark.parametrize("role", [C, M])
async def test_take_over_an_open_crisis_escalation(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, role: str
) -> None:
    client = await as_role(role)
    response = await take(client, "c-crisis")
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-crisis"
    assert [r.conversation_id for r in rasa.received] == ["c-crisis"]
    active = store.open_for("c-crisis")
    assert active is not None and (active.status, active.reason, active.taken_by) == ("active", "crisis", client.user.username)
    escalation = EscalationStore(world.engine).get(world.escalation_ids["c-crisis"])
    # Taking a crisis over answers it, so nobody is paged again.
    assert (escalation["status"], escalation["acknowledged_by"], escalation["note"]) == (
        "acknowledged",
        NAMES[role],
        "Took over the live chat.",
    )
    [entry] = audit_entries(world, "escalation.acknowledge")
    assert (entry.username, entry.target_id) == (client.user.username, world.escalation_ids["c-crisis"])
    assert [e.detail for e in audit_entries(world, "live.take")] == ["crisis"]


@pytest.mark.parametrize("conversation", ["c-crisis", "c-old-open"])
async def test_admissions_may_not_take_a_crisis_over(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, conversation: str
) -> None:
    ana = await as_role(A)
    response = await take(ana, conversation)
    assert response.status == 403 and f"Your role ({A}) may not answer this conversation." in await response.text()
    assert store.open_for(conversation) is None and rasa.attempts == 0 and audit_entries(world, "live.take") == []
    assert scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-crisis'") == "open"


@pytest.mark.parametrize("role, status", [(A, 403), (C, 200), (M, 200)])
async def test_a_request_made_in_crisis_is_for_the_clinical_team(
    as_role: Login, store: HandoffStore, rasa: FakeRasa, role: str, status: int
) -> None:
    store.request("c-prospect", "crisis", now())  # no escalation (yet): the request itself was made in crisis
    client = await as_role(role)
    assert (await client.get("/console/live/c-prospect")).status == status
    assert (await take(client)).status == (303 if status == 200 else 403)
    assert store.open_for("c-prospect").status == ("active" if status == 200 else "waiting")  # type: ignore[union-attr]


async def test_an_acknowledged_escalation_is_left_as_it_is(as_role: Login, world: World, store: HandoffStore) -> None:
    dana = await as_role(C)
    assert (await take(dana, "c-old-open")).status == 303
    escalation = EscalationStore(world.engine).get(world.escalation_ids["c-old-open"])
    assert (escalation["status"], escalation["acknowledged_by"]) == ("acknowledged", "dana")  # from the world, unchanged
    assert store.open_for("c-old-open").reason == "crisis"  # type: ignore[union-attr]


async def test_a_second_staff_member_is_told_it_is_taken(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa
) -> None:
    await taken_by_ana(as_role, store, rasa)
    root = await as_role(M)
    response = await take(root)
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect?problem=taken"
    assert len(rasa.received) == 1  # nobody joined twice
    assert store.open_for("c-prospect").taken_by == "ana"  # type: ignore[union-attr]
    assert [e.username for e in audit_entries(world, "live.take")] == ["ana"]
    text = text_of(await (await root.get(response.headers["Location"])).text())
    assert PROBLEMS["taken"] in text and "Ana Admissions is chatting in this conversation" in text


async def test_taking_over_twice_is_harmless(as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    response = await take(ana)
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect"
    assert len(rasa.received) == 1 and len(audit_entries(world, "live.take")) == 1


@pytest.mark.parametrize("how", ["refuses", "is down"])
@pytest.mark.parametrize("requested", [True, False], ids=["a-request", "an-escalation"])
async def test_rasa_unavailable_nothing_changes(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, how: str, requested: bool
) -> None:
    conversation = "c-prospect" if requested else "c-crisis"
    waiting = store.request(conversation, "requested", now())[0] if requested else None
    client = await as_role(A if requested else C)
    if how == "refuses":
        rasa.fail_with = 500
    else:
        assert rasa.server is not None
        await rasa.server.close()
    response = await take(client, conversation)
    assert response.status == 303 and response.headers["Location"] == f"/console/live/{conversation}?problem=assistant_down"
    assert store.open_for(conversation) == waiting  # the request waits again, or there is none
    assert scalar(world, "SELECT COUNT(*) FROM handoffs") == (1 if requested else 0)
    assert audit_entries(world, "live.take") == []
    assert scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-crisis'") == "open"
    assert rasa.received == []
    # Refused: the joined notice, then the resume that makes sure the assistant is not left paused.
    assert rasa.attempts == (2 if how == "refuses" else 0)


@pytest.mark.parametrize("requested", [True, False], ids=["a-request", "an-escalation"])
async def test_a_take_over_that_fails_midway_resumes_the_assistant(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, requested: bool
) -> None:
    """Rasa refuses the joined notice but is back at once: the pause may have reached it before
    the error, so the assistant is resumed rather than left paused with nobody chatting."""
    conversation = "c-prospect" if requested else "c-crisis"
    waiting = store.request(conversation, "requested", now())[0] if requested else None
    client = await as_role(A if requested else C)
    rasa.fail_first = 1
    response = await take(client, conversation)
    assert response.headers["Location"] == f"/console/live/{conversation}?problem=assistant_down"
    assert rasa.attempts == 2 and rasa.events_for(conversation) == [[notices.RESUME]]
    assert store.open_for(conversation) == waiting and audit_entries(world, "live.take") == []
    assert scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-crisis'") == "open"


# --- the chat page -------------------------------------------------------------------------------


async def test_the_chat_page_for_the_staff_member_chatting(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa
) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    html = await (await ana.get("/console/live/c-prospect")).text()
    text = text_of(html)
    assert "Live chat with Visitor" in text and "You are chatting." in text
    assert "Do you take Aetna?" in text and "Yes, we work with Aetna." in text  # the transcript
    assert text.index("Hi, I'm Sam") < text.index("Do you take Aetna?")
    actions = [action for action, hidden in forms(html) if hidden.get("csrf_token") == ana.csrf]
    assert "/console/live/c-prospect/messages" in actions and 'id="composer-text"' in html
    assert "/console/live/c-prospect/return" in actions and "/console/live/c-prospect/close" in actions
    assert "/console/live/c-prospect/take" not in actions
    assert [(e.username, e.target_id, e.detail) for e in audit_entries(world, "transcript.view")] == [
        ("ana", "c-prospect", "live chat")
    ]


async def test_the_chat_page_for_someone_else(as_role: Login, store: HandoffStore, rasa: FakeRasa) -> None:
    await taken_by_ana(as_role, store, rasa)
    root = await as_role(M)
    html = await (await root.get("/console/live/c-prospect")).text()
    assert "Ana Admissions is chatting in this conversation" in text_of(html)
    assert "Do you take Aetna?" in text_of(html)
    assert not [action for action, _ in forms(html) if action.startswith("/console/live/c-prospect/")]  # no composer, no take
    assert 'id="composer-text"' not in html


async def test_the_chat_page_of_a_waiting_request_offers_to_take_it(as_role: Login, store: HandoffStore) -> None:
    store.request("c-client", "crisis", now())
    dana = await as_role(C)
    html = await (await dana.get("/console/live/c-client")).text()
    text = text_of(html)
    assert "Live chat with Sam (client)" in text and "This person asked for a person and is waiting." in text
    assert ("/console/live/c-client/take", {"csrf_token": dana.csrf}) in forms(html)
    assert "Take over the conversation" in text and "Take the crisis chat over" not in text
    assert 'id="composer-text"' not in html


async def test_the_chat_page_of_a_crisis_nobody_took_offers_to_take_it(as_role: Login) -> None:
    dana = await as_role(C)
    html = await (await dana.get("/console/live/c-crisis")).text()
    text = text_of(html)
    assert "Crisis escalation open (suicide)" in text and "The assistant is answering." in text
    assert ("/console/live/c-crisis/take", {"csrf_token": dana.csrf}) in forms(html)
    assert "Take over the conversation" in text


# --- events --------------------------------------------------------------------------------------


async def test_events_after_n_gives_only_newer_turns_and_the_handoff(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa
) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    first = await (await ana.get("/console/live/c-prospect/events?after=0")).json()
    assert [turn["kind"] for turn in first["turns"]] == ["user", "bot", "user", "bot"]  # no actions or session starts
    assert [turn["text"] for turn in first["turns"]][2] == "Do you take Aetna?"
    assert first["handoff"] == {"status": "active", "reason": "requested", "staff_name": "Ana Admissions", "mine": True}
    assert first["after"] > 0

    chat = Chat("c-prospect", local(2026, 3, 20, 12, 0)).user("are you a real person?", "ask_human")
    chat.events.append(
        BotUttered(
            "Yes, I'm Ana.",
            {},
            metadata={"handoff": {"kind": "staff", "status": "active", "staff_name": "Ana Admissions"}},
            timestamp=local(2026, 3, 20, 12, 1).timestamp(),
        )
    )
    await chat.save(tracker_store(world.database))
    newer = await (await ana.get(f"/console/live/c-prospect/events?after={first['after']}")).json()
    user, staff = newer["turns"]
    assert (user["kind"], user["text"], user["crisis"]) == ("user", "are you a real person?", False)
    assert (staff["kind"], staff["text"], staff["staff_name"], staff["handoff_status"]) == (
        "bot",
        "Yes, I'm Ana.",
        "Ana Admissions",
        None,
    )
    assert staff["at"] == local(2026, 3, 20, 12, 1).astimezone(dt.timezone.utc).isoformat()
    assert newer["after"] > first["after"]
    again = await (await ana.get(f"/console/live/c-prospect/events?after={newer['after']}")).json()
    assert again == {"after": newer["after"], "turns": [], "handoff": first["handoff"], "push": False}  # no event feed

    root_view = await (await (await as_role(M)).get("/console/live/c-prospect/events")).json()
    assert root_view["handoff"]["mine"] is False and len(root_view["turns"]) == 6


async def test_with_rasa_s_events_a_request_waits_for_the_next_turn(as_role: Login, world: World) -> None:
    ana = await as_role(A)
    first = await (await ana.get("/console/live/c-prospect/events?after=0")).json()
    feed = ana.client.app[EVENT_FEED]
    feed.connected = True  # as when the web app consumes RabbitMQ (bot/records/event_feed.py)

    async def a_turn_is_saved() -> None:
        await asyncio.sleep(0.3)
        store = tracker_store(world.database)
        await Chat("c-prospect", local(2026, 3, 20, 12, 5)).user("hello? anyone there", "greet").save(store)
        store.engine.dispose()
        feed.notify("c-prospect")

    waited, _ = await asyncio.gather(
        ana.get(f"/console/live/c-prospect/events?after={first['after']}&wait=10"), a_turn_is_saved()
    )
    body = await waited.json()
    assert body["push"] is True
    assert [turn["text"] for turn in body["turns"]] == ["hello? anyone there"]


@pytest.mark.parametrize("wait", ["soon", "nan"])
async def test_a_wait_that_is_not_a_number_is_refused(as_role: Login, wait: str) -> None:
    response = await (await as_role(A)).get(f"/console/live/c-prospect/events?wait={wait}")
    assert response.status == 400
    assert "wait must be a number of seconds" in await response.text()


async def test_events_of_a_conversation_nobody_took(as_role: Login) -> None:
    body = await (await (await as_role(A)).get("/console/live/c-prospect/events?after=-5")).json()
    assert body["handoff"] == {"status": None, "staff_name": None, "mine": False}
    assert len(body["turns"]) == 4  # a negative number counts as 0


async def test_live_chat_shows_bidi_controls_as_markers(as_role: Login, world: World) -> None:
    store = tracker_store(world.database)
    await Chat("c-prospect", local(2026, 3, 20, 12, 0)).user("pay \u202e0001$ \u202cnow", "inform").save(store)
    store.engine.dispose()
    client = await as_role(A)
    events = await (await client.get("/console/live/c-prospect/events?after=0")).json()
    assert events["turns"][-1]["text"] == "pay ⟨U+202E⟩0001$ ⟨U+202C⟩now"
    page = await (await client.get("/console/live/c-prospect")).text()
    assert "pay ⟨U+202E⟩0001$ ⟨U+202C⟩now" in page and "\u202e" not in page


async def test_events_after_must_be_a_number(as_role: Login) -> None:
    response = await (await as_role(A)).get("/console/live/c-prospect/events?after=abc")
    assert response.status == 400 and "after must be an event number" in await response.text()


# --- sending -------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
async def test_send_a_message(as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, as_json: bool) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    words = "Hi Sam, I'm Ana from admissions.\n\nWhat made you reach out today?"
    response = await ana.post(
        "/console/live/c-prospect/messages",
        data={"csrf_token": ana.csrf, "text": f"  {words}  "},
        headers=JSON if as_json else {},
        allow_redirects=False,
    )
    if as_json:
        assert response.status == 200 and await response.json() == {"sent": True}
    else:
        assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect"
    assert rasa.events_for("c-prospect")[-1] == [
        {
            "event": "bot",
            "text": words,
            "metadata": {"handoff": {"kind": "staff", "status": "active", "staff_name": "Ana Admissions"}},
        }
    ]
    assert rasa.received[-1].query == RASA_QUERY
    [entry] = audit_entries(world, "live.message")
    assert (entry.username, entry.target_type, entry.target_id, entry.detail) == ("ana", "conversation", "c-prospect", None)
    written = [f"{e.target_id} {e.detail}" for e in audit_entries(world)]
    assert not [w for w in written if "Sam" in w or "reach out" in w]  # never what was written


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
async def test_only_the_staff_member_chatting_may_send(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, as_json: bool
) -> None:
    await taken_by_ana(as_role, store, rasa)
    root = await as_role(M)
    response = await root.post(
        "/console/live/c-prospect/messages",
        data={"csrf_token": root.csrf, "text": "hello"},
        headers=JSON if as_json else {},
        allow_redirects=False,
    )
    if as_json:
        assert response.status == 409 and await response.json() == {"error": PROBLEMS["not_live"]}
    else:
        assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect?problem=not_live"
    assert len(rasa.received) == 1 and audit_entries(world, "live.message") == []


async def test_nobody_may_send_when_nobody_took_over(as_role: Login, store: HandoffStore, rasa: FakeRasa) -> None:
    store.request("c-prospect", "requested", now())
    ana = await as_role(A)
    response = await ana.post("/console/live/c-prospect/messages", data={"csrf_token": ana.csrf, "text": "hello"}, headers=JSON)
    assert response.status == 409 and rasa.attempts == 0


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_MESSAGE + 1)])
async def test_a_message_must_have_1_to_max_characters(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, text: str
) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    response = await ana.post(
        "/console/live/c-prospect/messages", data={"csrf_token": ana.csrf, "text": text}, allow_redirects=False
    )
    assert response.status == 400
    assert len(rasa.received) == 1 and audit_entries(world, "live.message") == []


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
async def test_a_message_while_rasa_is_down(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, as_json: bool
) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    rasa.fail_with = 500
    response = await ana.post(
        "/console/live/c-prospect/messages",
        data={"csrf_token": ana.csrf, "text": "hello"},
        headers=JSON if as_json else {},
        allow_redirects=False,
    )
    if as_json:
        assert response.status == 503 and await response.json() == {"error": PROBLEMS["assistant_down"]}
    else:
        assert response.headers["Location"] == "/console/live/c-prospect?problem=assistant_down"
    assert audit_entries(world, "live.message") == []


# --- handing back and closing -------------------------------------------------------------------


@pytest.mark.parametrize("path, status, action", [("return", "returned", "live.return"), ("close", "closed", "live.close")])
async def test_hand_back_or_close(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, book: AnswerBook, path: str, status: str, action: str
) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    response = await ana.post(f"/console/live/c-prospect/{path}", data={"csrf_token": ana.csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"/console/live?done={status}"
    notice, resume = rasa.events_for("c-prospect")[-1]
    assert [notice, resume] == notices.ended(book, status, "Ana Admissions")
    assert resume == {"event": "resume"}
    assert notice["metadata"]["handoff"] == {"kind": "status", "status": status, "staff_name": "Ana Admissions"}
    ended = latest(store)
    assert (ended.status, ended.ended_by) == (status, "ana") and store.open_for("c-prospect") is None
    assert [(e.username, e.target_id) for e in audit_entries(world, action)] == [("ana", "c-prospect")]
    page = text_of(await (await ana.get(response.headers["Location"])).text())
    assert {"returned": "The conversation is back with the assistant.", "closed": "The live chat is closed."}[status] in page


@pytest.mark.parametrize("path", ["return", "close"])
async def test_only_the_staff_member_chatting_may_end_it(as_role: Login, store: HandoffStore, rasa: FakeRasa, path: str) -> None:
    await taken_by_ana(as_role, store, rasa)
    root = await as_role(M)
    response = await root.post(f"/console/live/c-prospect/{path}", data={"csrf_token": root.csrf}, headers=JSON)
    assert response.status == 409 and await response.json() == {"error": PROBLEMS["not_live"]}
    response = await root.post(f"/console/live/c-prospect/{path}", data={"csrf_token": root.csrf}, allow_redirects=False)
    assert response.headers["Location"] == "/console/live/c-prospect?problem=not_live"
    assert len(rasa.received) == 1 and store.open_for("c-prospect").taken_by == "ana"  # type: ignore[union-attr]


@pytest.mark.parametrize("path", ["return", "close"])
async def test_ending_while_rasa_is_down_keeps_the_chat_live(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, path: str
) -> None:
    ana = await taken_by_ana(as_role, store, rasa)
    assert rasa.server is not None
    await rasa.server.close()
    response = await ana.post(f"/console/live/c-prospect/{path}", data={"csrf_token": ana.csrf}, allow_redirects=False)
    assert response.headers["Location"] == "/console/live/c-prospect?problem=assistant_down"
    assert store.open_for("c-prospect").status == "active"  # type: ignore[union-attr]  # the person is not left with a paused bot
    assert audit_entries(world, "live.return") == audit_entries(world, "live.close") == []


# --- the queue -----------------------------------------------------------------------------------


async def test_queue_json_lists_items_and_keeps_the_staff_member_present(
    as_role: Login, world: World, store: HandoffStore
) -> None:
    store.request("c-prospect", "requested", now())
    presence = PresenceStore(world.engine)
    ana = await as_role(A)
    presence.set_available("ana", True, now() - dt.timedelta(hours=1))  # switched on, page quiet since
    assert not presence.is_available("ana", now())
    before = now()
    body = await (await ana.get("/console/live/queue.json")).json()
    assert presence.last_seen("ana") >= before  # type: ignore[operator]
    assert body["available"] is True  # fresh again, thanks to this very report
    # Admissions: the prospect; the crises (c-old-open, c-crisis) are the clinical team's.
    assert [(i["conversation_id"], i["state"], i["in_crisis"]) for i in body["items"]] == [("c-prospect", "waiting", False)]
    item = body["items"][0]
    assert (item["reason"], item["last_message"], item["client_name"], item["staff_name"]) == (
        "requested",
        "Do you take Aetna?",
        None,
        None,
    )
    assert dt.datetime.fromisoformat(item["since"]) >= before - dt.timedelta(minutes=1)
    clinician = await (await (await as_role(C)).get("/console/live/queue.json")).json()
    assert clinician["available"] is False
    # Crises nobody answers first, the oldest first; not a plain prospect.
    assert [(i["conversation_id"], i["state"], i["in_crisis"]) for i in clinician["items"]] == [
        ("c-old-open", "escalation", True),
        ("c-crisis", "escalation", True),
    ]
    admin = await (await (await as_role(M)).get("/console/live/queue.json")).json()
    assert [i["conversation_id"] for i in admin["items"]] == ["c-old-open", "c-crisis", "c-prospect"]


async def test_the_queue_page_lists_requests_with_a_take_over_form(as_role: Login, store: HandoffStore, rasa: FakeRasa) -> None:
    store.request("c-prospect", "requested", now())
    root = await as_role(M)
    await take(root, "c-crisis")
    html = await (await root.get("/console/live")).text()
    assert '<tr data-conversation="c-prospect" data-state="waiting">' in html
    assert '<tr data-conversation="c-crisis" data-state="active">' in html
    assert '<tr data-conversation="c-old-open" data-state="escalation">' in html
    assert ("/console/live/c-prospect/take", {"csrf_token": root.csrf}) in forms(html)
    assert ("/console/live/c-crisis/take", {"csrf_token": root.csrf}) not in forms(html)  # live: open it instead
    assert 'href="/console/live/c-crisis"' in html
    assert "Site Admin is chatting" in text_of(html)


async def test_an_odd_conversation_id_end_to_end(as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa) -> None:
    odd = "web 1/ä?x#y"
    await Chat(odd, local(2026, 3, 20, 11, 0)).user("talk to a person", "request_human").save(tracker_store(world.database))
    store.request(odd, "requested", now())
    ana = await as_role(A)
    html = await (await ana.get("/console/live")).text()
    [action] = [action for action, _ in forms(html) if action.endswith("/take") and "web" in action]
    assert action == "/console/live/web%201%2F%C3%A4%3Fx%23y/take"
    response = await ana.post(action, data={"csrf_token": ana.csrf}, allow_redirects=False)
    assert response.headers["Location"] == "/console/live/web%201%2F%C3%A4%3Fx%23y"
    assert [r.conversation_id for r in rasa.received] == [odd]
    assert store.open_for(odd).taken_by == "ana"  # type: ignore[union-attr]
    page = await ana.get(response.headers["Location"])
    assert page.status == 200 and "talk to a person" in text_of(await page.text())


# --- a crisis begins in an admissions chat -------------------------------------------------------


@pytest.fixture
def sign_in(world: World, aiohttp_client: Any) -> Callable[[StaffUser], Awaitable[Signed]]:
    """A test client signed in as any staff account (as_role has one per role)."""

    async def make(user: StaffUser) -> Signed:
        client = await aiohttp_client(create_app(get_settings()))
        session = SessionStore(world.engine).create(user.id, now())
        client.session.cookie_jar.update_cookies({COOKIE_NAME: session.token})
        return Signed(client, user, session.csrf_token)

    return make


async def crisis_in_anas_chat(as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa) -> Signed:
    """Ana (admissions) chats with c-prospect's visitor, who then writes a crisis message (saved
    through Rasa's tracker store, which opens the escalation)."""
    ana = await taken_by_ana(as_role, store, rasa)
    await (
        Chat("c-prospect", local(2026, 3, 20, 12, 0))
        .user("I want to end it all", "crisis", 1.0, CRISIS_ENTITY, PATTERNS)
        .save(tracker_store(world.database))
    )
    assert scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-prospect'") == "open"
    return ana


async def refused(client: Signed, method: str, path: str) -> None:
    data = {"csrf_token": client.csrf, "text": "hello"} if method == "post" else None
    response = await getattr(client, method)(path, data=data, allow_redirects=False)
    assert response.status == 403, path
    assert f"Your role ({client.user.role}) may not answer this conversation." in await response.text()


async def test_admissions_finish_the_chat_a_crisis_began_in(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, book: AnswerBook
) -> None:
    ana = await crisis_in_anas_chat(as_role, world, store, rasa)
    html = await (await ana.get("/console/live/c-prospect")).text()
    text = text_of(html)
    assert "You are chatting." in text and "Crisis escalation open (suicide)" in text and "I want to end it all" in text
    actions = [action for action, hidden in forms(html) if hidden.get("csrf_token") == ana.csrf]
    assert "/console/live/c-prospect/messages" in actions and "/console/live/c-prospect/return" in actions
    assert "/console/live/c-prospect/take" not in actions and "Take the crisis chat over" not in text
    events = await (await ana.get("/console/live/c-prospect/events?after=0")).json()
    assert events["handoff"]["mine"] is True and events["turns"][-1]["crisis"] is True
    queue = await (await ana.get("/console/live/queue.json")).json()
    assert [(i["conversation_id"], i["state"], i["in_crisis"], i["taken_by"]) for i in queue["items"]] == [
        ("c-prospect", "active", True, "ana")  # hers, though admissions may not take a crisis over
    ]

    response = await ana.post(
        "/console/live/c-prospect/messages", data={"csrf_token": ana.csrf, "text": "Please call 988 now."}, allow_redirects=False
    )
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect"
    assert rasa.events_for("c-prospect")[-1] == notices.staff_message("Please call 988 now.", "Ana Admissions")
    response = await ana.post("/console/live/c-prospect/return", data={"csrf_token": ana.csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/console/live?done=returned"
    assert rasa.events_for("c-prospect")[-1] == notices.ended(book, "returned", "Ana Admissions")
    assert latest(store).status == "returned" and store.open_for("c-prospect") is None

    # Handed back, the chat is no longer hers: a crisis is for the clinical team.
    await refused(ana, "get", "/console/live/c-prospect")
    await refused(ana, "post", "/console/live/c-prospect/take")
    queue = await (await ana.get("/console/live/queue.json")).json()
    assert queue["items"] == []
    assert (
        scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-prospect'") == "open"
    )  # admissions do not acknowledge
    clinician = await (await (await as_role(C)).get("/console/live/queue.json")).json()
    assert [(i["conversation_id"], i["state"]) for i in clinician["items"]] == [  # crises nobody answers, the oldest first
        ("c-old-open", "escalation"),
        ("c-crisis", "escalation"),
        ("c-prospect", "escalation"),
    ]
    assert len(rasa.received) == 3


@pytest.mark.parametrize("role", [C, M])
async def test_the_clinical_team_takes_a_crisis_over_from_admissions(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa, book: AnswerBook, role: str
) -> None:
    ana = await crisis_in_anas_chat(as_role, world, store, rasa)
    held = store.open_for("c-prospect")
    client = await as_role(role)
    username, name = client.user.username, NAMES[role]
    queue = await (await client.get("/console/live/queue.json")).json()
    [item] = [i for i in queue["items"] if i["conversation_id"] == "c-prospect"]
    assert (item["state"], item["in_crisis"], item["taken_by"], item["staff_name"], item["escalation_status"]) == (
        "active",
        True,
        "ana",
        "Ana Admissions",
        "open",
    )
    html = await (await client.get("/console/live/c-prospect")).text()
    assert "Ana Admissions is chatting" in text_of(html) and "Take the crisis chat over from Ana Admissions" in text_of(html)
    assert ("/console/live/c-prospect/take", {"csrf_token": client.csrf}) in forms(html)
    assert 'id="composer-text"' not in html

    response = await take(client)
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect"
    assert len(rasa.received) == 2 and rasa.events_for("c-prospect")[-1] == notices.joined(book, name)  # the person is told again
    active = store.open_for("c-prospect")
    assert held is not None and active is not None and active.id == held.id
    assert (active.status, active.taken_by, active.staff_name) == ("active", username, name)
    assert [(e.username, e.detail) for e in audit_entries(world, "live.take")] == [
        (username, "requested, from ana"),
        ("ana", "requested"),
    ]
    escalation = EscalationStore(world.engine).unresolved("c-prospect")
    assert escalation is not None and escalation["status"] == "acknowledged"
    assert [e.username for e in audit_entries(world, "escalation.acknowledge")] == [username]
    html = await (await client.get("/console/live/c-prospect")).text()
    assert (
        "You are chatting." in text_of(html) and 'id="composer-text"' in html and "Take the crisis chat over" not in text_of(html)
    )

    # Ana's part is over: no page, no events, no messages, no hand-back, and not in her queue.
    await refused(ana, "get", "/console/live/c-prospect")
    await refused(ana, "get", "/console/live/c-prospect/events?after=0")
    for path in ("messages", "return", "close", "take"):
        await refused(ana, "post", f"/console/live/c-prospect/{path}")
    assert (await (await ana.get("/console/live/queue.json")).json())["items"] == []
    assert len(rasa.received) == 2 and store.open_for("c-prospect") == active


@pytest.mark.parametrize(
    "holder, other",
    [(C, "sam"), (C, M), (M, C)],
    ids=["clinician-from-clinician", "admin-from-clinician", "clinician-from-admin"],
)
async def test_nobody_takes_a_crisis_from_someone_who_may_answer_it(
    as_role: Login,
    sign_in: Callable[[StaffUser], Awaitable[Signed]],
    world: World,
    store: HandoffStore,
    rasa: FakeRasa,
    holder: str,
    other: str,
) -> None:
    await crisis_in_anas_chat(as_role, world, store, rasa)
    first = await as_role(holder)
    assert (await take(first)).headers["Location"] == "/console/live/c-prospect"
    held = store.open_for("c-prospect")
    if other == "sam":
        second = await sign_in(UserStore(world.engine).add("sam", "Sam Okafor", "clinician", PASSWORD))
    else:
        second = await as_role(other)
    html = await (await second.get("/console/live/c-prospect")).text()
    assert f"{NAMES[holder]} is chatting" in text_of(html)
    assert not [action for action, _ in forms(html) if action.startswith("/console/live/c-prospect/")]  # no take, no composer
    response = await take(second)
    assert response.status == 303 and response.headers["Location"] == "/console/live/c-prospect?problem=taken"
    assert store.open_for("c-prospect") == held and len(rasa.received) == 2
    assert [e.username for e in audit_entries(world, "live.take")] == [first.user.username, "ana"]


async def test_rasa_down_a_crisis_take_over_leaves_the_chat_with_admissions(
    as_role: Login, world: World, store: HandoffStore, rasa: FakeRasa
) -> None:
    ana = await crisis_in_anas_chat(as_role, world, store, rasa)
    held = store.open_for("c-prospect")
    rasa.fail_with = 500
    dana = await as_role(C)
    response = await take(dana)
    assert response.headers["Location"] == "/console/live/c-prospect?problem=assistant_down"
    assert store.open_for("c-prospect") == held  # Ana's again, her name and time
    assert rasa.attempts == 2  # Ana's join, then Dana's refused: no resume, Ana's chat stays paused
    assert [e.username for e in audit_entries(world, "live.take")] == ["ana"]
    assert scalar(world, "SELECT status FROM escalations WHERE conversation_id = 'c-prospect'") == "open"
    assert (await ana.get("/console/live/c-prospect")).status == 200
