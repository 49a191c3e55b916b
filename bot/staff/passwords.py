"""Staff passwords: argon2id hashes (argon2-cffi) and the password policy.

Parameters: argon2-cffi's defaults, which are RFC 9106's "second recommended option" (argon2id,
64 MiB of memory, 3 passes, 4 lanes, 16-byte salt, 32-byte hash): about 0.2 s per hash or check on
a laptop. That cost is the point, but it blocks: the web app should call
``UserStore.authenticate`` in an executor, not on the event loop. When the parameters change in a
later release, :func:`needs_rehash` says so and a successful log-in rehashes the password.

The policy is deliberately plain (NIST SP 800-63B): a length of at least 12, no composition rules,
refused when it is the username, one character repeated, or a very common password.
"""
from __future__ import annotations

from typing import Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024  # a bound on what one log-in attempt can make us hash

# Very common passwords of 12 or more characters (compared lower-cased, without spaces).
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789abc",
        "1q2w3e4r5t6y",
        "qwertyuiop12",
        "qwertyuiopasdf",
        "qwerty123456",
        "password1234",
        "password123!",
        "passwordpassword",
        "password12345",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "welcome2024!",
        "changeme1234",
        "administrator",
        "admin1234567",
        "abcdefghijkl",
        "abc123456789",
        "recovery1234",
        "sobriety1234",
        "onedayatatime",
    }
)

_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106) defaults
_dummy: Optional[Tuple[PasswordHasher, str]] = None


class PasswordPolicyError(ValueError):
    """A new password is refused; the message says why and what is expected."""


def check_policy(password: str, username: Optional[str] = None) -> None:
    """Raises PasswordPolicyError when ``password`` is not acceptable for ``username``."""
    if not isinstance(password, str) or not password:
        raise PasswordPolicyError("the password must not be empty")
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"the password is too short: use at least {MIN_LENGTH} characters (a few words make a good one)")
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"the password is too long: at most {MAX_LENGTH} characters")
    if len(set(password)) == 1:
        raise PasswordPolicyError("the password must not be one character repeated")
    folded = "".join(password.lower().split())
    if username and folded == username.strip().lower():
        raise PasswordPolicyError("the password must not be the username")
    if folded in COMMON_PASSWORDS:
        raise PasswordPolicyError("this password is one of the most common ones: choose another")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (the PHC string, with its parameters and salt)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; False (never an exception) for a bad hash.

    The comparison inside argon2 is constant-time.
    """
    if not isinstance(password, str) or not isinstance(password_hash, str):
        return False
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether ``password_hash`` was made with other parameters than the current ones."""
    try:
        return bool(_HASHER.check_needs_rehash(password_hash))
    except (InvalidHashError, ValueError):
        return True


def dummy_verify(password: str) -> None:
    """Spends the time of one check, for an unknown user (so timing does not reveal who exists)."""
    global _dummy
    if _dummy is None or _dummy[0] is not _HASHER:  # made with the current parameters
        _dummy = (_HASHER, _HASHER.hash("not a real password: timing equaliser"))
    verify_password(_dummy[1], password if isinstance(password, str) else "")
