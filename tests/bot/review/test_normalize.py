"""When two messages are one inbox row."""

from __future__ import annotations

import pytest

from bot.review.normalize import normalize, review_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Do you take Cigna??", "do you take cigna"),
        ("do  you   take\tcigna", "Do you take Cigna"),
        ("group at 6?", "group at 7"),
        ("is it $1,200 a week", "is it $950 a week"),
        ("¿Aceptan Medi-Cal?", "aceptan medi cal"),
        ("heyyyyy", "heyy"),
        ("what's the process", "whats the process"),
    ],
)
def test_near_identical_messages_share_a_key(a: str, b: str) -> None:
    assert review_key(a) == review_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("do you take cigna", "do you take aetna"),
        ("group today", "group tomorrow"),
        ("room #4", "room 4"),
        ("no", "not"),
    ],
)
def test_different_messages_do_not(a: str, b: str) -> None:
    assert review_key(a) != review_key(b)


def test_the_key_is_a_sha256_of_the_normal_form() -> None:
    assert normalize("  Hola,   ¿QUÉ tal?? ") == "hola que tal"
    assert len(review_key("x")) == 64 and set(review_key("x")) <= set("0123456789abcdef")
