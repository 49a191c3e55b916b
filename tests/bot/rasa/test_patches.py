"""Our patches to Rasa (bot/rasa/patches.py): each does what it says, and the Rasa behaviour it works
around is still there."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import subprocess
import sys
from typing import Any, Dict, Iterator, List

import jsonschema
import pytest
import structlog
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    Event,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.answer_book import ProgramCache
from bot.rasa import patches
from bot.rasa.nlg import CenterFactsNLG
from bot.settings import PROJECT_ROOT, get_settings

ORIGINAL = RemoteAction._validate_action_result
_RASA_GET_POSSIBLE_KEYS = RulePolicy._get_possible_keys
TRACEBACKS = structlog.processors.dict_tracebacks

REPLIES = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "cb_insurance", "value": "Aetna", "timestamp": None}],
        "responses": [{"text": "hi", "buttons": [{"title": "a", "payload": "/b"}]}],
    },
    {"events": [{"event": "followup", "name": "callback_form"}], "responses": [{"response": "utter_fallback"}]},
    {"events": "not a list", "responses": []},
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": [], "responses": [{"text": 42}]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_answer_question", EndpointConfig("http://127.0.0.1:1/webhook"))


def outcome(validate: Any, action: RemoteAction, reply: Dict[str, Any]) -> str:
    try:
        validate(action, reply)
        return "valid"
    except jsonschema.ValidationError as error:
        assert "Failed to validate Action server response" in error.message
        return "invalid"


@pytest.mark.parametrize("reply", REPLIES)
def test_same_verdict_as_rasa(action: RemoteAction, reply: Dict[str, Any]) -> None:
    assert outcome(patches._validate_action_result, action, reply) == outcome(ORIGINAL, action, reply)


def test_bad_reply_is_rejected(action: RemoteAction) -> None:
    assert outcome(patches._validate_action_result, action, {"events": "nope", "responses": []}) == "invalid"


def test_apply_installs_the_patch_once() -> None:
    patches.apply()
    patches.apply()
    assert RemoteAction._validate_action_result is patches._validate_action_result
    assert RemoteAction.run is patches._run_remote_action
    RemoteAction._validate_action_result = ORIGINAL  # leave Rasa as other tests expect it
    RemoteAction.run = patches._remote_run
    assert structlog.processors.dict_tracebacks is patches.TRACEBACKS_WITHOUT_LOCALS
    structlog.processors.dict_tracebacks = TRACEBACKS
    patches._applied = False


# Group reminders survive a new session; a cancellation or a restart stops them.
GROUP = [{"entity": "group_at", "value": "2027-01-04T02:00:00+00:00"}]


def _reminder(name: str = "group_reminder:c1", hour: int = 1) -> ReminderScheduled:
    return ReminderScheduled(
        "ask_next_group",
        dt.datetime(2027, 1, 4, hour, 0, tzinfo=dt.timezone.utc),
        name=name,
        kill_on_user_message=False,
        entities=GROUP,
    )


def _history(*middle: Event) -> List[Event]:
    return [SessionStarted(), UserUttered("remind me"), _reminder(), *middle]


@pytest.mark.parametrize(
    "later, due",
    [
        ([], True),
        (["session", "message"], True),  # a new session after an hour of quiet does not cancel it
        (["cancel"], False),
        (["session", "cancel"], False),
        (["restart"], False),
        (["other_cancel"], True),  # another conversation's reminder name
        (["fired"], False),  # another instance fired it already
        (["session", "fired", "message"], False),
        (["other_fired"], True),  # a reminder for another group, or a person asking
        (["set_again"], False),  # set again for another time: that one is due, not this
        (["same_again"], True),  # the same reminder written again (a retried turn)
    ],
)
def test_a_reminder_is_due_across_sessions_until_cancelled(later: List[str], due: bool) -> None:
    events = {
        "session": SessionStarted(),
        "message": UserUttered("hi"),
        "cancel": ReminderCancelled(name="group_reminder:c1"),
        "other_cancel": ReminderCancelled(name="group_reminder:c2"),
        "restart": Restarted(),
        "fired": UserUttered.create_external("ask_next_group", GROUP),
        "other_fired": UserUttered.create_external(
            "ask_next_group", [{"entity": "group_at", "value": "2027-01-11T02:00:00+00:00"}]
        ),
        "set_again": _reminder(hour=0),
        "same_again": _reminder(),
    }
    assert patches.reminder_still_due(_history(*(events[e] for e in later)), _reminder(), "c1") is due


def test_a_reminder_missing_from_the_history_is_not_due() -> None:
    assert not patches.reminder_still_due([], _reminder(), "c1")


def test_apply_replaces_rasa_s_reminder_handler() -> None:
    patches.apply()
    assert MessageProcessor.handle_reminder is patches._handle_reminder


def _tracker(intent: str, paused: bool) -> DialogueStateTracker:
    events: List[Event] = [ConversationPaused()] if paused else []
    events.append(UserUttered("...", {"name": intent, "confidence": 1.0}))
    return DialogueStateTracker.from_events("someone", events)


@pytest.mark.parametrize(
    "intent, paused, handled",
    [
        ("ask_cost", False, True),
        ("ask_cost", True, False),  # a staff member has the chat: the assistant stays quiet
        ("crisis", True, True),  # ... except for a crisis, which always gets the crisis answer
        ("crisis", False, True),
        ("restart", True, True),  # Rasa's own exception
    ],
)
def test_a_paused_conversation_still_answers_a_crisis(intent: str, paused: bool, handled: bool) -> None:
    assert patches.should_handle_message(_tracker(intent, paused)) is handled


def test_the_patch_is_what_rasa_calls() -> None:
    patches.apply()
    assert MessageProcessor._should_handle_message(_tracker("crisis", True)) is True
    assert MessageProcessor._should_handle_message(_tracker("ask_cost", True)) is False


@pytest.mark.parametrize("paused", [True, False])
async def test_a_new_session_keeps_a_live_chat_s_pause(monkeypatch: pytest.MonkeyPatch, paused: bool) -> None:
    """Rasa's session start resets the tracker (which unpauses it); the patch pauses it again."""

    async def start_a_session(self: Any, tracker: DialogueStateTracker, output_channel: Any, metadata: Any = None) -> None:
        tracker.update(SessionStarted())

    monkeypatch.setattr(patches, "_update_tracker_session", start_a_session)
    tracker = DialogueStateTracker.from_events("someone", [ConversationPaused()] if paused else [])
    await patches._update_tracker_session_keeping_pause(None, tracker, None)  # type: ignore[arg-type]
    assert tracker.is_paused() is paused
    assert isinstance(tracker.events[-1], ConversationPaused if paused else SessionStarted)


def test_the_session_patch_is_installed() -> None:
    patches.apply()
    assert MessageProcessor._update_tracker_session is patches._update_tracker_session_keeping_pause


# An action server that is down or hung: the person is asked to send it again; a form keeps its place.
DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def nlg(program_copy: Any) -> CenterFactsNLG:
    return CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


def callback_tracker() -> DialogueStateTracker:
    tracker = DialogueStateTracker("c1", DOMAIN.slots)
    tracker.update(SlotSet("cb_first_name", "Maria"))
    tracker.update(SlotSet("requested_slot", "cb_contact"))
    tracker.update(UserUttered("760 555 0199"))
    tracker.update(SlotSet("cb_contact", "760 555 0199"))  # the candidate the validation would check
    return tracker


async def run_patched(name: str, url: str, nlg: CenterFactsNLG) -> List[Event]:
    action = RemoteAction(name, EndpointConfig(url))
    return await patches._run_remote_action(action, CollectingOutputChannel(), nlg, callback_tracker(), Domain.empty())


async def test_rasa_alone_answers_nothing_when_the_action_server_is_down() -> None:
    """The behaviour the patch exists for: if Rasa ever handles this itself, this test says so."""
    action = RemoteAction("action_answer_question", EndpointConfig(f"http://127.0.0.1:{closed_port()}/webhook"))
    with pytest.raises(RasaException):
        await patches._remote_run(action, CollectingOutputChannel(), None, callback_tracker(), Domain.empty())
    assert DEFAULT_REQUEST_TIMEOUT == 300  # a hung server holds the person for five minutes


async def test_a_down_action_server_gets_a_clear_answer_with_the_phone_number(nlg: CenterFactsNLG) -> None:
    events = await run_patched("action_answer_question", f"http://127.0.0.1:{closed_port()}/webhook", nlg)
    [said] = [e for e in events if isinstance(e, BotUttered)]
    assert "something went wrong on my side" in said.text and "(760) 555-0140" in said.text and "988" in said.text
    assert not [e for e in events if isinstance(e, SlotSet)]  # not a form validation: nothing to undo


async def test_replaying_a_question_set_aside_fails_without_a_word(nlg: CenterFactsNLG) -> None:
    """After the screening "no" the person has 911 and 988 already; "send it again" would only confuse."""
    assert await run_patched("action_answer_set_aside", f"http://127.0.0.1:{closed_port()}/webhook", nlg) == []


async def test_a_failed_form_validation_asks_the_same_question_again(nlg: CenterFactsNLG) -> None:
    events = await run_patched("validate_callback_form", f"http://127.0.0.1:{closed_port()}/webhook", nlg)
    assert [(e.key, e.value) for e in events if isinstance(e, SlotSet)] == [("cb_contact", None)]  # cb_first_name is kept


async def test_a_hung_action_server_is_given_up_on(nlg: CenterFactsNLG, monkeypatch: pytest.MonkeyPatch) -> None:
    async def never(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response()

    app = web.Application()
    app.router.add_post("/webhook", never)
    server = TestServer(app)
    await server.start_server()
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "0.5")
    get_settings.cache_clear()
    try:
        events = await run_patched("action_answer_question", f"http://127.0.0.1:{server.port}/webhook", nlg)
    finally:
        await server.close()
        get_settings.cache_clear()
    assert "something went wrong on my side" in next(e for e in events if isinstance(e, BotUttered)).text


async def test_a_form_validation_s_own_refusal_is_passed_on(nlg: CenterFactsNLG) -> None:
    async def reject(request: web.Request) -> web.Response:
        return web.json_response({"action_name": "validate_callback_form", "error": "no"}, status=400)

    app = web.Application()
    app.router.add_post("/webhook", reject)
    server = TestServer(app)
    await server.start_server()
    try:
        with pytest.raises(ActionExecutionRejection):
            await run_patched("validate_callback_form", f"http://127.0.0.1:{server.port}/webhook", nlg)
    finally:
        await server.close()


# Rasa's JSON logs: no local variables (what a person wrote, tokens) in tracebacks.
LOGGING_SCRIPT = """
import sys
from bot.rasa import patches
if sys.argv[1] == "patched":
    patches.apply()
import structlog
from rasa.utils.log_utils import configure_structlog
configure_structlog(20)

def handle(text):
    token = "tok-" + "4f1e" * 4
    raise ValueError("could not handle the message")

try:
    handle("i want to die tonight")
except ValueError:
    structlog.get_logger().exception("rest.message.received.failure")
"""


def rasa_log_of_a_failure(mode: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", LOGGING_SCRIPT, mode], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "could not handle the message" in done.stdout  # the error itself is logged
    return done.stdout


def test_rasa_s_logs_carry_local_variables_without_the_patch() -> None:
    assert "i want to die tonight" in rasa_log_of_a_failure("unpatched")


def test_with_the_patch_a_failure_is_logged_without_what_was_written_or_tokens() -> None:
    logged = rasa_log_of_a_failure("patched")
    assert "i want to die tonight" not in logged and "4f1e4f1e" not in logged


# Parsing off the event loop.
def test_the_parse_patch_is_installed() -> None:
    patches.apply()
    assert MessageProcessor.parse_message is patches._parse_message_off_the_loop


async def test_the_graph_runs_in_the_pool_and_the_loop_stays_free() -> None:
    import threading
    import time

    from rasa.core.channels.channel import UserMessage

    seen: Dict[str, Any] = {}

    class Processor:
        http_interpreter = None

        def _parse_message_with_graph(
            self, message: UserMessage, tracker: DialogueStateTracker, only_output: bool
        ) -> Dict[str, Any]:
            seen["thread"] = threading.current_thread().name
            seen["tracker"] = tracker.sender_id
            time.sleep(0.2)  # a slow parse
            return {"text": message.text, "intent": {"name": "greet", "confidence": 1.0}, "entities": []}

        def _update_full_retrieval_intent(self, parse_data: Dict[str, Any]) -> None:
            parse_data["updated"] = True

        def _check_for_unseen_features(self, parse_data: Dict[str, Any]) -> None:
            parse_data["checked"] = True

    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    parsed = await patches._parse_message_off_the_loop(Processor(), UserMessage("hi", sender_id="someone"))  # type: ignore[arg-type]
    ticker.cancel()
    assert parsed == {
        "text": "hi",
        "intent": {"name": "greet", "confidence": 1.0},
        "entities": [],
        "updated": True,
        "checked": True,
    }
    assert seen == {"thread": seen["thread"], "tracker": "someone"} and seen["thread"].startswith("nlu-parse")
    assert ticks >= 10  # the event loop kept running while the graph parsed


# Rule matching from memory.
@pytest.fixture(scope="module")
def rule_policy() -> RulePolicy:
    from rasa.core.agent import load_agent

    patches.apply()
    agent = asyncio.run(load_agent(model_path=str(PROJECT_ROOT / "models" / "companion.tar.gz")))
    nodes = agent.processor.graph_runner._instantiated_nodes.values()  # type: ignore[union-attr]
    (policy,) = [node._component for node in nodes if isinstance(node._component, RulePolicy)]
    return policy


def conversation_state(rule_state: Dict[str, Any]) -> Dict[str, Any]:
    """A rule's state as a conversation has it (tuples where the rule's JSON has lists)."""
    return {kind: {k: tuple(v) if isinstance(v, list) else v for k, v in sub.items()} for kind, sub in rule_state.items()}


def histories(lookup: Dict[str, str]) -> Iterator[List[Dict[str, Any]]]:
    """Each rule's turns, shortened, lengthened with another rule's, and with the last intent changed."""
    rules = [[conversation_state(s) for s in json.loads(key)] for key in sorted(lookup)]
    intents = sorted({s["user"]["intent"] for r in rules for s in r if "intent" in s.get("user", {})})
    for i, turns in enumerate(rules):
        yield turns
        yield turns[1:]
        yield turns[:-1]
        yield rules[(i * 7) % len(rules)] + turns
        last = turns[-1]
        if "intent" in last.get("user", {}):
            other = intents[(intents.index(last["user"]["intent"]) + 1) % len(intents)]
            yield turns[:-1] + [{**last, "user": {**last["user"], "intent": other}}]
    yield []


def test_a_loaded_rule_policy_matches_rules_from_its_index(rule_policy: RulePolicy) -> None:
    assert isinstance(rule_policy._get_possible_keys.__self__, patches._IndexedRules)  # type: ignore[attr-defined]
    assert RulePolicy._get_possible_keys is _RASA_GET_POSSIBLE_KEYS  # training keeps Rasa's own


@pytest.mark.parametrize("lookup_name", ["rules", "rules_for_loop_unhappy_path"])
def test_the_index_finds_the_rules_rasa_finds(rule_policy: RulePolicy, lookup_name: str) -> None:
    lookup = rule_policy.lookup[lookup_name]
    checked = matched = 0
    for states in histories(lookup):
        expected = _RASA_GET_POSSIBLE_KEYS(rule_policy, lookup, states)
        assert rule_policy._get_possible_keys(lookup, states) == expected
        assert rule_policy._get_possible_keys(lookup, states) == expected  # from memory, the same
        checked += 1
        matched += bool(expected) and expected != set(lookup)
    assert checked > 100 and matched > checked / 4  # real matches, not only "all" or "none"
