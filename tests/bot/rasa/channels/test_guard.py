"""The channels' bounds: long messages and floods are answered without Rasa; a crisis always passes."""

from __future__ import annotations

from typing import List

import pytest

from bot.rasa.channels.guard import SLOW_DOWN, WINDOW_SECONDS, MessageGuard, SlidingWindow, client_address, crisis_part
from tests.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


def guard(clock: Clock, per_sender: int = 3, per_address: int = 5, max_chars: int = 500) -> MessageGuard:
    return MessageGuard(max_chars, per_sender, per_address, clock)


def test_a_window_allows_its_limit_then_refuses_until_time_passes(clock: Clock) -> None:
    window = SlidingWindow(2, clock)
    assert [window.allow("a"), window.allow("a"), window.allow("a"), window.allow("b")] == [True, True, False, True]
    clock.now += WINDOW_SECONDS
    assert window.allow("a")


def test_a_sender_over_the_limit_is_asked_to_slow_down(clock: Clock) -> None:
    checks = guard(clock)
    decisions = [checks.check(f"question {i}", "s1", "10.0.0.1") for i in range(4)]
    assert [d.reason for d in decisions] == ["ok", "ok", "ok", "rate_limited"]
    assert decisions[-1].text is None and decisions[-1].reply == SLOW_DOWN and "988" in SLOW_DOWN
    assert checks.check("hello", "s2", "10.0.0.1").text == "hello"  # another conversation is not held back


def test_an_address_over_its_limit_is_refused_across_conversations(clock: Clock) -> None:
    checks = guard(clock, per_sender=10, per_address=5)
    reasons: List[str] = [checks.check("hi", f"s{i}", "10.0.0.9").reason for i in range(7)]
    assert reasons == ["ok"] * 5 + ["rate_limited"] * 2
    assert checks.check("hi", "s-other", "10.0.0.10").reason == "ok"


def test_a_crisis_is_never_rate_limited(clock: Clock) -> None:
    checks = guard(clock, per_sender=1)
    checks.check("hi", "s1", None)
    decision = checks.check("i'm going to kill myself", "s1", None)
    assert (decision.text, decision.reason) == ("i'm going to kill myself", "crisis_over_rate")


def test_a_long_message_gets_a_clear_answer_and_is_not_parsed(clock: Clock) -> None:
    decision = guard(clock).check("word " * 400, "s1", None)
    assert decision.text is None and decision.reason == "too_long"
    assert (
        "2,000 characters" in (decision.reply or "")
        and "limit is 500" in (decision.reply or "")
        and "988" in (decision.reply or "")
    )


def test_a_crisis_deep_in_a_long_message_still_reaches_rasa(clock: Clock) -> None:
    story = (
        "We moved here last spring and things were fine for a while. " * 30 + "Tonight I took all my pills. " + "Anyway. " * 20
    )
    decision = guard(clock).check(story, "s1", None)
    assert decision.reason == "crisis_in_long_message"
    assert decision.text is not None and "I took all my pills" in decision.text and len(decision.text) <= 500


def test_a_crisis_cut_by_a_window_boundary_is_found_in_the_next_window() -> None:
    filler = "x" * 290
    text = filler + " i want to kill myself " + "y" * 600
    assert crisis_part(text, 300) is not None


def test_the_address_is_the_proxy_s_report_only_when_sanic_trusts_it() -> None:
    class Request:
        def __init__(self, remote_addr: str, ip: str) -> None:
            self.remote_addr, self.ip = remote_addr, ip

    assert client_address(Request("", "127.0.0.1")) == "127.0.0.1"  # no trusted proxy: the peer
    assert client_address(Request("203.0.113.7", "127.0.0.1")) == "203.0.113.7"
