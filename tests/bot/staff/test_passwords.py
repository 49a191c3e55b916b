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
        ("dana.reyes.cl2", "dana.reyes.cl", "too easy to guess"),
        ("Password1234", None, "too easy to guess: this is similar to a commonly used password"),
        ("password 1234", None, "similar to a commonly used password"),
        ("123456789012", None, "similar to a commonly used password"),
        # On zxcvbn's list of the 30,000 most common passwords, with 12 characters or more.
        ("1qaz2wsx3edc", None, "too easy to guess: this is a very common password"),
        ("leavemealone", None, "this is a very common password"),
        ("qazwsxedcrfv", None, "this is a very common password"),
        # Patterns rather than entries of a list.
        ("qwertyuiop12", None, "too easy to guess"),
        pytest.param("xy" * 512, None, "repeats", id="xy-512-times"),
        # This site's words, however written.
        ("ONEDAYATATIME", None, "too easy to guess"),
        ("Recovery2024!", None, "too easy to guess"),
        ("sobriety2024!", None, "too easy to guess"),
    ],
)
def test_the_policy_refuses_weak_passwords(password: str, username: str, message: str) -> None:
    with pytest.raises(PasswordPolicyError, match=message):
        check_policy(password, username)


def test_a_refusal_says_why_and_what_to_do_instead() -> None:
    with pytest.raises(PasswordPolicyError) as refused:
        check_policy("Password1234", "dana")
    assert str(refused.value) == (
        "the password is too easy to guess: this is similar to a commonly used password. "
        "Add another word or two. Uncommon words are better. Capitalization doesn't help very much."
    )


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",
        "twelve chars",
        "Ünïcödé wörds ok",
        "juniper ridge staff 2026",
        "seven green lanterns under the bridge at dusk, then a heron took off over the water",
    ],
)
def test_the_policy_accepts_sane_passwords(password: str) -> None:
    check_policy(password, "dana.reyes.cl")


def test_policy_errors_are_value_errors() -> None:
    assert issubclass(PasswordPolicyError, ValueError)
