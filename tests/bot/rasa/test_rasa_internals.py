"""What bot/rasa/ leans on inside Rasa, pinned: the versions it was written for, and the source
of every Rasa (and python-socketio) member it overrides, wraps or restates.

Our code there is written against Rasa 3.6.21's private methods (the tracker store's save and
queries, the socket.io channel's emit and handlers, the functions bot/rasa/patches.py replaces).
A new Rasa release can change them without notice; then this test fails and names the module of
ours to re-read against the new source before the pin is updated. The source is read from Rasa's
files, not from the classes, which our patches have changed by the time other tests ran.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util

import pytest

VERSIONS = {"rasa": "3.6.21", "rasa-sdk": "3.6.2", "python-socketio": "5.8.0"}

# (Rasa module, member, sha256 of its source in 3.6.21, our module that depends on it)
MEMBERS = [
    ("rasa.core.tracker_store", "SQLTrackerStore.__init__", "7c89f1231aac70a1d9af35f89418b585140b8fb54910f0a661a032e8d7473b54", "bot/rasa/tracker_store.py"),
    ("rasa.core.tracker_store", "SQLTrackerStore._event_query", "6484d8ac7d14284bbee606c1b9ced470d3d87fe2c8a8833125bb70135a4518d9", "bot/rasa/tracker_store.py"),
    ("rasa.core.tracker_store", "SQLTrackerStore.save", "ded301e08f4c708e8b3149783589904eb9b111e3a9c75fb574afb9e4ce4f9c80", "bot/rasa/tracker_store.py"),
    ("rasa.core.tracker_store", "SQLTrackerStore.retrieve", "677c6bcd5340d5f4996730e89508200b18035343a37d8532cbc9280fdc6cd312", "bot/rasa/tracker_store.py"),
    ("rasa.core.tracker_store", "SQLTrackerStore._retrieve", "78c7e08ac30924b63eb5b5a3a906bbc7deeb672d5f3642fd4b6f6ba72f9c43c8", "bot/rasa/tracker_store.py"),
    ("rasa.core.tracker_store", "SQLTrackerStore.retrieve_full_tracker", "8f50e15bce1ee5a9df0f687fd32a3681ec9479f033a9082611993ab704570809", "bot/rasa/tracker_store.py"),
    ("rasa.core.tracker_store", "SQLTrackerStore.keys", "53702f25ba18165b53feb161c37c9bead540cfa1e2e9d366fa904b800a5981b1", "bot/rasa/tracker_store.py"),
    ("rasa.core.channels.channel", "OutputChannel.send_response", "8d89a41e92bf82ed5e82c473257f53a1313055466d129c70665c2d1def34241a", "bot/rasa/channels/socketio.py"),
    ("rasa.core.channels.socketio", "SocketIOOutput._send_message", "88369ceeb9281eec860708b36e64d9ddde539c5594f5258781152aeac2f935e5", "bot/rasa/channels/socketio.py"),
    ("rasa.core.channels.socketio", "SocketIOInput.blueprint", "0f82ad048885a6683c06fb3761c88a3a4479d6e45cf0b744b5197a2d1012d9a9", "bot/rasa/channels/socketio.py"),
    ("rasa.core.channels.socketio", "SocketIOInput.get_output_channel", "8d929f61fc26df47d3540b160f84302471e31ced39763aa9ae668dafacb5206a", "bot/rasa/channels/socketio.py"),
    ("rasa.core.actions.action", "RemoteAction._validate_action_result", "24da0f6bdeb2d44f1f85da375a5aca57cd0a9fb2cdd5cfa722914761d759c018", "bot/rasa/patches.py (2)"),
    ("rasa.core.actions.action", "RemoteAction.run", "b530fc5a6789c82f2f273ef04df4894f741226fd9b15f154f0af78cd3f5df32b", "bot/rasa/patches.py (5)"),
    ("rasa.core.processor", "MessageProcessor.handle_reminder", "208560d70535a6a9ca00bc36bcf0e44e4b4a135ada158c7e43f663ccc281c0ea", "bot/rasa/patches.py (1)"),
    ("rasa.core.processor", "MessageProcessor._update_tracker_session", "b93694b80142d40c7b82d99fa5f75776b2554895c9736f372fac24fc5b740c58", "bot/rasa/patches.py (4)"),
    ("rasa.core.processor", "MessageProcessor.parse_message", "1cd8ac2218759de291356ab4572cd9748de9c1b0584aa7267d8da78600c868a5", "bot/rasa/patches.py (7)"),
    ("rasa.core.policies.rule_policy", "RulePolicy._get_possible_keys", "ae2257980a444fb0a09835052327669839833e66fbb891011dda4ec8e2fe62bb", "bot/rasa/patches.py (8)"),
    ("rasa.core.policies.rule_policy", "RulePolicy._is_rule_applicable", "c60740c10d00a4cfa5a5329739f0a07b334f2fc9f9721a3c7913bca97a4988c6", "bot/rasa/patches.py (8)"),
    ("rasa.core.lock_store", "LockStore.lock", "d84cf99f0517cbc1b426e9c5e03d0ca28c3b183bbe0f0d91ecf634e1e4d6cae0", "bot/rasa/lock_store.py"),
    ("rasa.core.lock_store", "_load_from_module_name_in_endpoint_config", "63812668198d2cd40cfbae097b019f8586bc9b41dc47f92e6339e2bd477be743", "bot/rasa/lock_store.py"),
    ("rasa.core.brokers.pika", "PikaEventBroker.__init__", "b180e72cdfbc727fd4121a3fe6b8115640637db1682594923325fa8cc8dc7258", "bot/rasa/event_broker.py"),
    ("rasa.core.brokers.pika", "PikaEventBroker.connect", "80aecb22796fbdb64732b521cf69b9a524cb9977407284a6f66cb97518b92e57", "bot/rasa/event_broker.py"),
    ("rasa.core.brokers.pika", "PikaEventBroker._connect", "8526daddbb944e153e7e45a0608748e40231af7791d38d805caa838b75185b2b", "bot/rasa/event_broker.py"),
    ("rasa.core.brokers.pika", "PikaEventBroker._publish", "e5ab47d2d87427ede800bed4218ee2e2257fdc73cf249ef63fe762bf8383eb2f", "bot/rasa/event_broker.py"),
    ("rasa.core.brokers.pika", "PikaEventBroker._message", "fc4766ef90057b8490f32d5fea039f2b48b3ce0cd9ab78c7a2e0ccca764d9f48", "bot/rasa/event_broker.py"),
    ("rasa.core.brokers.pika", "PikaEventBroker._publish_unpublished_messages", "d60771934d73722cfc7d73146a463232ee8c45b9425c1bde8fe5453ee7043a1a", "bot/rasa/event_broker.py"),
    ("rasa.core.brokers.pika", "PikaEventBroker.close", "acbfea07df1114aa80c67da8d89a2932dfe0584958c6d6b65cc34472721e06b8", "bot/rasa/event_broker.py"),
    ("rasa.core.nlg.response", "TemplatedNaturalLanguageGenerator._fill_response", "d2cf76443c4ae963c43573455b4aac5a3f95bb887b8e8d495a09f0b8d3d4bcf9", "bot/rasa/nlg.py"),
    ("rasa.core.nlg.response", "TemplatedNaturalLanguageGenerator.generate_from_slots", "c143f5710d4f083fc818001c02b281a44ca2b24e85bd6bc39bf886c43c665e40", "bot/rasa/nlg.py"),
    ("socketio.server", "Server.__init__", "f1933b8a49e2ff7bdcf94b2f1be0c8c0c4624a39404bee39c3f090ffca52fb32", "bot/rasa/channels/socketio.py"),
    ("socketio.asyncio_server", "AsyncServer._handle_eio_connect", "2c2f963d1d4925cf52952bf1e358d7092631c34d2a010e67aaa5fe3ac8cf4e5c", "bot/rasa/channels/socketio.py"),
]  # fmt: skip


def rasa_source(module: str, member: str) -> str:
    """The source of ``Class.method`` as it is in the installed package's file."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    with open(spec.origin, encoding="utf-8") as handle:
        text = handle.read()
    node: ast.AST = ast.parse(text)
    for name in member.split("."):
        node = next(
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and child.name == name
        )
    found = ast.get_source_segment(text, node)
    assert found is not None, member
    return found


@pytest.mark.parametrize("package, version", VERSIONS.items())
def test_the_versions_bot_rasa_was_written_for(package: str, version: str) -> None:
    assert importlib.metadata.version(package) == version, f"{package} changed: re-read bot/rasa/ against it"


@pytest.mark.parametrize("module, member, digest, ours", MEMBERS, ids=[m[1] for m in MEMBERS])
def test_rasa_s_source_is_what_our_code_was_written_against(module: str, member: str, digest: str, ours: str) -> None:
    found = hashlib.sha256(rasa_source(module, member).encode()).hexdigest()
    assert found == digest, f"Rasa's {module}.{member} changed: re-read {ours} against it, then update the pin"


def test_the_key_that_marks_an_external_message_is_rasa_s() -> None:
    """bot/said.py reads it without importing Rasa (the action server and the console use it too)."""
    from rasa.shared.core.constants import IS_EXTERNAL
    from rasa.shared.core.events import UserUttered

    from bot import said

    assert said.IS_EXTERNAL == IS_EXTERNAL
    assert said.is_external(UserUttered.create_external("ask_next_group"))
    assert said.is_external(UserUttered.create_external("ask_next_group").as_dict())
