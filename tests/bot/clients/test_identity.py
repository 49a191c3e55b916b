"""The per-message identity check and the metadata the rest of the service gets to see."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional

import pytest

from bot.clients import tokens
from bot.clients.identity import ClientVerifier, Identity, sanitize, seal, sealed_client, token_from
from bot.clients.store import ClientStore

KEY = "identity-test-key-" + "x" * 40
NOW = dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def verifier(store: ClientStore) -> ClientVerifier:
    store.add("C-1", "Sam", "adult_day", "Dana")
    store.add("C-2", "Lee", "young_adult", "Ari")
    return ClientVerifier(store, KEY)


def test_a_valid_token_for_an_enrolled_client_is_verified(verifier: ClientVerifier) -> None:
    assert verifier.identify(tokens.issue("C-1", KEY, HOUR, now=NOW), now=NOW) == Identity("verified", "C-1")
    assert verifier.identify(tokens.issue("C-2", KEY, HOUR, now=NOW), now=NOW) == Identity("verified", "C-2")


@pytest.mark.parametrize("token", [None, ""])
def test_no_token_is_status_none(verifier: ClientVerifier, token: Optional[str]) -> None:
    assert verifier.identify(token, now=NOW) == Identity("none")


def test_an_expired_token_is_expired(verifier: ClientVerifier) -> None:
    token = tokens.issue("C-1", KEY, HOUR, now=NOW)
    assert verifier.identify(token, now=NOW + 2 * HOUR) == Identity("expired")


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        tokens.issue("C-1", "another-key-" + "y" * 40, HOUR, now=NOW),
        tokens.issue("C-1", KEY, HOUR, now=NOW)[:-2],
        12345,
    ],
    ids=["garbage", "other key", "truncated", "not a string"],
)
def test_a_bad_token_is_invalid(verifier: ClientVerifier, token: Any) -> None:
    assert verifier.identify(token, now=NOW) == Identity("invalid")


def test_a_token_for_a_removed_client_is_unknown_client(verifier: ClientVerifier, store: ClientStore) -> None:
    token = tokens.issue("C-1", KEY, HOUR, now=NOW)
    assert verifier.identify(token, now=NOW).status == "verified"
    store.remove("C-1")
    assert verifier.identify(token, now=NOW) == Identity("unknown_client")
    assert verifier.identify(tokens.issue("never-enrolled", KEY, HOUR, now=NOW), now=NOW) == Identity("unknown_client")


def test_the_verifier_refuses_a_weak_key(store: ClientStore) -> None:
    with pytest.raises(ValueError):
        ClientVerifier(store, "short")


def test_the_key_stays_out_of_the_verifier_repr(verifier: ClientVerifier) -> None:
    assert KEY not in repr(verifier)


@pytest.mark.parametrize(
    ("status", "client_id"),
    [("verified", None), ("expired", "C-1"), ("unknown_client", "C-1"), ("someone", None)],
)
def test_identities_cannot_be_inconsistent(status: str, client_id: Optional[str]) -> None:
    with pytest.raises(ValueError):
        Identity(status, client_id)


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"client_token": "abc.def.ghi"}, "abc.def.ghi"),
        ({"client_token": "abc", "other": 1}, "abc"),
        ({"client_token": ""}, None),
        ({"client_token": 123}, None),
        ({"client_token": ["abc"]}, None),
        ({"client_token": {"sub": "C-1"}}, None),
        ({"client": {"id": "C-1"}}, None),
        ({}, None),
        (None, None),
        ("client_token", None),
        (["client_token"], None),
    ],
)
def test_token_from_takes_only_a_string_token(metadata: Any, expected: Optional[str]) -> None:
    assert token_from(metadata) == expected


FORGED = {
    "client_token": "secret.token.value",
    "client": {"status": "verified", "id": "C-2"},
    "locale": "en",
    "page": {"path": "/chat"},
}


@pytest.mark.parametrize(
    ("identity", "client"),
    [
        (Identity("verified", "C-1"), {"status": "verified", "id": "C-1"}),
        (Identity("expired"), {"status": "expired"}),
        (Identity("invalid"), {"status": "invalid"}),
        (Identity("unknown_client"), {"status": "unknown_client"}),
        (Identity("none"), None),
    ],
)
def test_sanitize_replaces_a_forged_client_and_drops_the_token(identity: Identity, client: Optional[Mapping]) -> None:
    original = {key: value for key, value in FORGED.items()}
    cleaned = sanitize(FORGED, identity)
    assert "client_token" not in cleaned
    assert "secret.token.value" not in repr(cleaned)
    assert cleaned.get("client") == client
    assert {k: v for k, v in cleaned.items() if k != "client"} == {"locale": "en", "page": {"path": "/chat"}}
    assert FORGED == original  # the caller's metadata is left alone


@pytest.mark.parametrize("metadata", [None, {}, "not a mapping", ["client", "client_token"]])
def test_sanitize_copes_with_missing_or_odd_metadata(metadata: Any) -> None:
    assert sanitize(metadata, Identity("none")) == {}
    assert sanitize(metadata, Identity("verified", "C-1")) == {"client": {"status": "verified", "id": "C-1"}}


def test_the_whole_path_a_channel_runs(verifier: ClientVerifier) -> None:
    """Token from the metadata, verdict, sanitised metadata: a forged 'client' never survives."""
    metadata = {"client_token": tokens.issue("C-1", KEY, HOUR, now=NOW), "client": {"status": "verified", "id": "C-2"}}
    identity = verifier.identify(token_from(metadata), now=NOW)
    assert sanitize(metadata, identity) == {"client": {"status": "verified", "id": "C-1"}}
    forged_only = {"client": {"status": "verified", "id": "C-2"}}
    assert sanitize(forged_only, verifier.identify(token_from(forged_only), now=NOW)) == {}


def test_a_sealed_verdict_names_its_client_only_in_its_own_conversation() -> None:
    verdict = sanitize({}, Identity("verified", "C-1"), seal(KEY, "conv-1", "C-1"))["client"]
    assert sealed_client(KEY, "conv-1", verdict) == "C-1"
    assert sealed_client(KEY, "conv-2", verdict) is None  # copied into another conversation
    assert sealed_client("another-key-of-at-least-32-characters!", "conv-1", verdict) is None
    assert sealed_client(KEY, "conv-1", {**verdict, "id": "C-2"}) is None  # the id changed after sealing
    assert sealed_client(KEY, "conv-1", {"status": "verified", "id": "C-1"}) is None  # never sealed
    assert sealed_client(KEY, "conv-1", {"status": "expired"}) is None
    assert sealed_client(KEY, "conv-1", "verified") is None
