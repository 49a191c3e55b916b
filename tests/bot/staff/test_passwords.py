"""argon2id hashing, verification and the password policy."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bot.staff import passwords
from bot.staff.passwords import PasswordPolicyError, check_policy, hash_password, needs_rehash, verify_password
from tests.bot.staff.conftest import DEFAULT_HASHER, PASSWORD


def test_the_production_parameters_are_argon2id_with_rfc_9106_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "_HASHER", DEFAULT_HASHER)
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(hashed, PASSWORD) and not needs_rehash(hashed)


def test_a_hash_verifies_only_its_password() -> None:
    hashed = hash_password(PASSWORD)
    assert PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + " ")
    assert not verify_password(hashed, PASSWORD.upper())


def test_the_same_password_is_salted_differently() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


@pytest.mark.parametrize("bad_hash", ["", "plain text", "$argon2id$v=19$m=8,t=1,p=1$broken", "$2b$12$" + "a" * 53])
def test_verify_returns_false_for_a_malformed_hash(bad_hash: str) -> None:
    assert verify_password(bad_hash, PASSWORD) is False


def test_verify_returns_false_for_a_non_text_password() -> None:
    assert verify_password(hash_password(PASSWORD), None) is False  # type: ignore[arg-type]


def test_needs_rehash_when_the_parameters_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    old = hash_password(PASSWORD)
    assert not needs_rehash(old)
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=2, memory_cost=8, parallelism=1))
    assert needs_rehash(old)
    assert verify_password(old, PASSWORD)  # old hashes still verify
    assert not needs_rehash(hash_password(PASSWORD))


def test_a_malformed_hash_needs_rehash() -> None:
    assert needs_rehash("not a hash")


@pytest.mark.parametrize(
    ("password", "username", "message"),
    [
        ("", None, "must not be empty"),
        ("short pass!", None, "at least 12 characters"),
        ("x" * 1025, None, "too long"),
        ("aaaaaaaaaaaaaaaa", None, "one character repeated"),
        ("dana.reyes.cl", "dana.reyes.cl", "must not be the username"),
        ("Dana.Reyes.CL", "dana.reyes.cl", "must not be the username"),
        ("Password1234", None, "most common"),
        ("password 1234", None, "most common"),
        ("ONEDAYATATIME", None, "most common"),
    ],
)
def test_the_policy_refuses_weak_passwords(password: str, username: str, message: str) -> None:
    with pytest.raises(PasswordPolicyError, match=message):
        check_policy(password, username)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "twelve chars", "xy" * 512, "Ünïcödé wörds ok", "dana.reyes.cl2"],
)
def test_the_policy_accepts_sane_passwords(password: str) -> None:
    check_policy(password, "dana.reyes.cl")


def test_policy_errors_are_value_errors() -> None:
    assert issubclass(PasswordPolicyError, ValueError)
