"""Chat tokens: only a well-formed HS256 token we signed, for us, in its lifetime, names a client."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any, Callable, Dict

import jwt
import pytest

from bot.clients import tokens
from bot.clients.tokens import TokenRefused, issue, verify

KEY = "k" * 40 + "-test-signing-key-0123456789"  # 68 bytes: long enough even for HS512
OTHER_KEY = "o" * 40 + "-another-signing-key-987654"
NOW = dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims(**changes: Any) -> Dict[str, Any]:
    values: Dict[str, Any] = {
        "iss": "recovery-companion",
        "aud": "companion-chat",
        "sub": "C-1",
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + HOUR).timestamp()),
        "jti": "abc123",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def signed(payload: Dict[str, Any], key: str = KEY, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm)


def refused(token: Any, key: str = KEY, now: dt.datetime = NOW) -> str:
    with pytest.raises(TokenRefused) as caught:
        verify(token, key, now=now)
    return caught.value.reason


def test_an_issued_token_names_its_client_with_the_agreed_claims() -> None:
    token = issue("C-1", KEY, HOUR, now=NOW)
    assert verify(token, KEY, now=NOW) == "C-1"
    header = json.loads(unb64(token.split(".")[0]))
    payload = json.loads(unb64(token.split(".")[1]))
    assert header["alg"] == "HS256"
    assert payload["iss"] == "recovery-companion" and payload["aud"] == "companion-chat"
    assert payload["sub"] == "C-1"
    assert payload["iat"] == int(NOW.timestamp()) and payload["exp"] == int((NOW + HOUR).timestamp())
    assert isinstance(payload["jti"], str) and len(payload["jti"]) >= 16


def test_every_token_has_its_own_jti() -> None:
    first, second = (json.loads(unb64(issue("C-1", KEY, HOUR, now=NOW).split(".")[1]))["jti"] for _ in range(2))
    assert first != second


def test_now_defaults_to_the_real_clock() -> None:
    assert verify(issue("C-1", KEY, HOUR), KEY) == "C-1"
    # Issued long ago: PyJWT's own clock would not matter, ours does.
    assert refused(issue("C-1", KEY, HOUR, now=NOW - dt.timedelta(days=400)), now=dt.datetime.now(dt.timezone.utc)) == "expired"


@pytest.mark.parametrize(
    ("offset", "outcome"),
    [
        (dt.timedelta(minutes=59), "C-1"),
        (HOUR + dt.timedelta(seconds=29), "C-1"),  # within the 30-second leeway
        (HOUR + dt.timedelta(seconds=31), "expired"),
        (dt.timedelta(days=30), "expired"),
        (-dt.timedelta(seconds=29), "C-1"),  # the issuer's clock a little ahead of ours
        (-dt.timedelta(seconds=31), "invalid"),  # issued in the future beyond the leeway
        (-dt.timedelta(days=1), "invalid"),
    ],
)
def test_the_lifetime_is_checked_against_the_given_now(offset: dt.timedelta, outcome: str) -> None:
    token = issue("C-1", KEY, HOUR, now=NOW)
    if outcome == "C-1":
        assert verify(token, KEY, now=NOW + offset) == "C-1"
    else:
        assert refused(token, now=NOW + offset) == outcome


def tamper_payload(token: str) -> str:
    header, _, signature = token.split(".")
    return ".".join([header, b64(json.dumps(claims(sub="C-2")).encode()), signature])


def tamper_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(unb64(signature))
    raw[0] ^= 0x01
    return ".".join([header, payload, b64(bytes(raw))])


def alg_none(_: str) -> str:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64(json.dumps(claims()).encode())}."


def alg_none_keeping_signature(token: str) -> str:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return ".".join([header, *token.split(".")[1:]])


BAD_TOKENS: Dict[str, Callable[[str], Any]] = {
    "payload changed, signature kept": tamper_payload,
    "signature changed": tamper_signature,
    "signed with another key": lambda _: signed(claims(), key=OTHER_KEY),
    "alg none": alg_none,
    "alg none, signature kept": alg_none_keeping_signature,
    "HS384 with our key": lambda _: signed(claims(), algorithm="HS384"),
    "HS512 with our key": lambda _: signed(claims(), algorithm="HS512"),
    "wrong audience": lambda _: signed(claims(aud="staff-api")),
    "audience list": lambda _: signed(claims(aud=["companion-chat", "other"])),
    "wrong issuer": lambda _: signed(claims(iss="someone-else")),
    "no issuer": lambda _: signed(claims(iss=None)),
    "no subject": lambda _: signed(claims(sub=None)),
    "no expiry": lambda _: signed(claims(exp=None)),
    "no iat": lambda _: signed(claims(iat=None)),
    "no jti": lambda _: signed(claims(jti=None)),
    "numeric subject": lambda _: signed(claims(sub=42)),
    "subject not an id": lambda _: signed(claims(sub="../C-1")),
    "subject with newline": lambda _: signed(claims(sub="C-1\n")),
    "subject too long": lambda _: signed(claims(sub="C" * 65)),
    "string expiry": lambda _: signed(claims(exp="2099-01-01")),
    "boolean iat": lambda _: signed(claims(iat=True)),
    "exp before iat": lambda _: signed(claims(exp=int(NOW.timestamp()) - 10, iat=int(NOW.timestamp()))),
    "nbf in the future": lambda _: signed(claims(nbf=int((NOW + HOUR / 2).timestamp()))),
    "garbage": lambda _: "not a token",
    "garbage with dots": lambda _: "a.b.c",
    "unicode garbage": lambda _: "é.ü.ß",
    "payload not an object": lambda t: ".".join([t.split(".")[0], b64(b"[1, 2]"), t.split(".")[2]]),
    "empty": lambda _: "",
    "bytes": lambda t: t.encode(),
    "None": lambda _: None,
    "number": lambda _: 12345,
    "over-long": lambda _: signed(claims(padding="x" * 4096)),
}


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_token_we_did_not_make_as_agreed_is_invalid(make: Callable[[str], Any]) -> None:
    assert refused(make(issue("C-1", KEY, HOUR, now=NOW))) == "invalid"


def test_the_checks_above_use_tokens_that_are_otherwise_valid() -> None:
    # Guards the table above: our hand-made claims do verify when nothing is wrong with them.
    assert verify(signed(claims()), KEY, now=NOW) == "C-1"


def test_well_signed_tokens_are_refused_only_once_longer_than_the_limit() -> None:
    made = [signed(claims(padding="x" * n)) for n in range(2850, 2950)]
    longest_allowed = max((t for t in made if len(t) <= tokens.MAX_TOKEN_LENGTH), key=len)
    shortest_refused = min((t for t in made if len(t) > tokens.MAX_TOKEN_LENGTH), key=len)
    assert verify(longest_allowed, KEY, now=NOW) == "C-1"
    assert refused(shortest_refused) == "invalid"


def test_an_expired_token_with_a_bad_signature_is_invalid_not_expired() -> None:
    assert refused(tamper_signature(issue("C-1", KEY, HOUR, now=NOW)), now=NOW + dt.timedelta(days=2)) == "invalid"


def test_a_token_for_b_names_b_and_never_a() -> None:
    token_a = issue("client-A", KEY, HOUR, now=NOW)
    token_b = issue("client-B", KEY, HOUR, now=NOW)
    assert verify(token_b, KEY, now=NOW) == "client-B"
    assert verify(token_a, KEY, now=NOW) == "client-A"
    assert token_a != token_b


def test_refusals_never_contain_the_token() -> None:
    token = tamper_signature(issue("C-1", KEY, HOUR, now=NOW))
    with pytest.raises(TokenRefused) as caught:
        verify(token, KEY, now=NOW)
    for part in token.split("."):
        assert part not in str(caught.value) and part not in repr(caught.value)


@pytest.mark.parametrize("key", ["", "short", "x" * 31])
def test_weak_keys_are_refused_outright(key: str) -> None:
    with pytest.raises(ValueError):
        issue("C-1", key, HOUR, now=NOW)
    with pytest.raises(ValueError):
        verify(issue("C-1", KEY, HOUR, now=NOW), key, now=NOW)


@pytest.mark.parametrize(
    ("client_id", "lifetime", "now"),
    [
        ("bad id", HOUR, NOW),
        ("", HOUR, NOW),
        ("C-1", dt.timedelta(0), NOW),
        ("C-1", -HOUR, NOW),
        ("C-1", HOUR, NOW.replace(tzinfo=None)),
    ],
)
def test_issue_refuses_nonsense(client_id: str, lifetime: dt.timedelta, now: dt.datetime) -> None:
    with pytest.raises(ValueError):
        issue(client_id, KEY, lifetime, now=now)
