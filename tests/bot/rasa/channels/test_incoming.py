"""A payload that is not a message is refused with what to fix; never a shared "default" conversation."""

from __future__ import annotations

import json

import pytest

from bot.rasa.channels.incoming import BadMessage, parse_body, parse_event


@pytest.mark.parametrize(
    "raw, complaint",
    [
        (b"", "must be JSON"),
        (b"{not json", "must be JSON"),
        (b"\xff\xfe", "must be JSON"),
        (b"[]", "JSON object"),
        (b'"x"', "JSON object"),
        (b"null", "JSON object"),
        (b'{"message": "hi"}', '"sender" must be a non-empty string'),
        (b'{"sender": "", "message": "hi"}', '"sender" must be a non-empty string'),
        (b'{"sender": "   ", "message": "hi"}', '"sender" must be a non-empty string'),
        (b'{"sender": 7, "message": "hi"}', '"sender" must be a non-empty string'),
        (b'{"sender": "a\\nb", "message": "hi"}', "printable"),
        (json.dumps({"sender": "s" * 256, "message": "hi"}).encode(), "at most 255"),
        (b'{"sender": "s1"}', '"message" must be a non-empty string'),
        (b'{"sender": "s1", "message": ["hi"]}', '"message" must be a non-empty string'),
        (b'{"sender": "s1", "message": "hi", "metadata": []}', '"metadata" must be a JSON object'),
        (b'{"sender": "s1", "message": "\\u0000 "}', '"message" must be a non-empty string'),
        (json.dumps({"sender": "s1", "message": "hi", "metadata": {"x": "y" * 5000}}).encode(), "at most 4096 bytes"),
    ],
)
def test_what_is_refused_and_why(raw: bytes, complaint: str) -> None:
    with pytest.raises(BadMessage, match=complaint.replace('"', ".").replace("(", ".")):
        parse_body(raw)


def test_a_message_is_read_with_its_metadata() -> None:
    incoming = parse_body(b'{"sender": "web-1", "message": "do you take aetna", "metadata": {"client_token": "t"}}')
    assert (incoming.sender, incoming.text, incoming.metadata) == ("web-1", "do you take aetna", {"client_token": "t"})
    assert parse_body(b'{"sender": "web-1", "message": "hi", "metadata": null}').metadata == {}


@pytest.mark.parametrize(
    "data",
    [
        None,
        "hi",
        {"message": "hi"},
        {"message": "hi", "session_id": ""},
        {"message": 3, "session_id": "w"},
        {"message": "hi", "session_id": "w", "customData": "{oops"},
    ],
)
def test_socket_events_that_are_not_messages_are_ignored(data: object) -> None:
    assert parse_event(data, "customData") is None


def test_a_socket_event_s_metadata_may_come_as_a_json_string() -> None:
    incoming = parse_event({"message": "hi", "session_id": "w", "customData": '{"client_token": "t"}'}, "customData")
    assert incoming is not None and incoming.metadata == {"client_token": "t"}


def test_what_no_database_can_keep_is_taken_out_and_the_message_kept() -> None:
    """PostgreSQL refuses a NUL in text and cannot read JSON holding one or half of a UTF-16 pair."""
    raw = b'{"sender": "w", "message": "I want to die\\u0000 \\ud83d", "metadata": {"n\\u0000": ["\\udc00x"]}}'
    incoming = parse_body(raw)
    assert (incoming.text, incoming.metadata) == ("I want to die \ufffd", {"n": ["\ufffdx"]})
    emoji = parse_body('{"sender": "w", "message": "help \\ud83d\\ude4f"}'.encode())
    assert emoji.text == "help \U0001f64f"  # a whole pair is one character, kept


def test_the_marks_of_the_assistant_s_own_messages_are_not_the_sender_s_to_set() -> None:
    """A message marked external or replayed would be left out of crisis mode and the transcript."""
    raw = b'{"sender": "w", "message": "i want to die", "metadata": {"is_external": true, "replayed": true, "page": "/"}}'
    assert parse_body(raw).metadata == {"page": "/"}
    event = {"message": "hi", "session_id": "w", "customData": {"is_external": True, "client_token": "t"}}
    assert parse_event(event, "customData").metadata == {"client_token": "t"}  # type: ignore[union-attr]
