"""Staff passwords: argon2id hashes (argon2-cffi) and the password policy.

Parameters: argon2-cffi's defaults, which are RFC 9106's "second recommended option" (argon2id,
64 MiB of memory, 3 passes, 4 lanes, 16-byte salt, 32-byte hash): about 0.2 s per hash or check on
a laptop. That cost is the point, but it blocks: the web app should call
``UserStore.authenticate`` in an executor, not on the event loop. When the parameters change in a
later release, :func:`needs_rehash` says so and a successful log-in rehashes the password.

The policy follows NIST SP 800-63B: a length of at least 12, no composition rules, refused when it
is the username, one character repeated, or easy to guess. "Easy to guess" is zxcvbn's estimate
(the ``zxcvbn`` package, offline): it matches the password against the 30,000 most common
passwords it ships, English words and names, keyboard patterns, sequences, repeats, dates and
l33t spellings, and the username and a few words of this site (``SITE_WORDS``); fewer than 10^8
guesses (its score below 3) is refused, with its explanation.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 1024  # a bound on what one log-in attempt can make us hash
# zxcvbn refuses longer input (its cost grows with the length): the rest of a password this long
# only adds to what the estimate already allows.
ESTIMATED_LENGTH = 72
MIN_SCORE = 3  # zxcvbn: 3 is at least 10^8 guesses, "safely unguessable" against a slow hash
# What a guesser of this site would try first (zxcvbn's user_inputs): its subject and its slogans.
SITE_WORDS = ("recovery", "sobriety", "sober", "rehab", "addiction", "onedayatatime", "serenity")
DEFAULT_SUGGESTION = "Use a few unrelated words, or a longer phrase only you would think of."

_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106) defaults
_dummy: Optional[Tuple[PasswordHasher, str]] = None


class PasswordPolicyError(ValueError):
    """A new password is refused; the message says why and what is expected."""


def check_policy(password: str, username: Optional[str] = None) -> None:
    """Raises PasswordPolicyError when ``password`` is not acceptable for ``username``."""
    if not isinstance(password, str) or not password:
        raise PasswordPolicyError("the password must not be empty")
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(
            f"the password is too short: use at least {MIN_LENGTH} characters (a few words make a good one)"
        )
    if len(password) > MAX_LENGTH:
        raise PasswordPolicyError(f"the password is too long: at most {MAX_LENGTH} characters")
    if len(set(password)) == 1:
        raise PasswordPolicyError("the password must not be one character repeated")
    folded = "".join(password.lower().split())
    if username and folded == username.strip().lower():
        raise PasswordPolicyError("the password must not be the username")
    context = [username.strip().lower(), *SITE_WORDS] if username else list(SITE_WORDS)
    estimate = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=context)
    if estimate["score"] < MIN_SCORE:
        raise PasswordPolicyError(_guessable(estimate["feedback"]))


def _guessable(feedback: Dict[str, Any]) -> str:
    """The refusal with zxcvbn's reason and advice, e.g. "the password is too easy to guess: this
    is similar to a commonly used password. Add another word or two. Uncommon words are better."."""
    warning = str(feedback.get("warning") or "").strip().rstrip(".")
    reason = f": {warning[0].lower()}{warning[1:]}." if warning else "."
    advice = " ".join(str(s) for s in feedback.get("suggestions") or []) or DEFAULT_SUGGESTION
    return f"the password is too easy to guess{reason} {advice}"


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
