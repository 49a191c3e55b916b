"""Who answers live chats: the switch on the live page *and* a report from that page within
FRESH_SECONDS (bot/handoff/presence.py), on a real SQLite file."""
from __future__ import annotations

import datetime as dt
from typing import Dict

import pytest
from sqlalchemy.engine import Engine

from bot.handoff.presence import FRESH_SECONDS, PresenceStore
from bot.staff.users import StaffUser
from tests.bot.handoff.conftest import T0

SECOND = dt.timedelta(seconds=1)
WINDOW = dt.timedelta(seconds=FRESH_SECONDS)


@pytest.fixture
def presence(engine: Engine) -> PresenceStore:
    return PresenceStore(engine)


def test_nobody_is_available_at_first(presence: PresenceStore) -> None:
    assert presence.available(T0) == []
    assert not presence.is_available("ana", T0) and not presence.is_marked_available("ana")
    assert presence.last_seen("ana") is None


def test_the_switch_with_a_fresh_report_makes_one_available(presence: PresenceStore) -> None:
    presence.set_available("ana", True, T0)
    assert presence.available(T0) == ["ana"]
    assert presence.is_available("ana", T0) and presence.is_marked_available("ana")
    assert presence.last_seen("ana") == T0


def test_an_open_page_without_the_switch_is_not_available(presence: PresenceStore) -> None:
    presence.seen("bob", T0)
    assert presence.available(T0) == [] and not presence.is_available("bob", T0)
    assert not presence.is_marked_available("bob") and presence.last_seen("bob") == T0


def test_switching_off_takes_effect_at_once(presence: PresenceStore) -> None:
    presence.set_available("ana", True, T0)
    presence.set_available("ana", False, T0 + SECOND)
    assert presence.available(T0 + SECOND) == [] and not presence.is_available("ana", T0 + SECOND)
    assert not presence.is_marked_available("ana")
    presence.seen("ana", T0 + 2 * SECOND)  # the page still reports; the switch stays off
    assert presence.available(T0 + 2 * SECOND) == [] and not presence.is_marked_available("ana")


def test_a_report_keeps_the_switch_as_it_is(presence: PresenceStore) -> None:
    presence.set_available("ana", True, T0)
    presence.seen("ana", T0 + WINDOW)
    assert presence.is_marked_available("ana") and presence.last_seen("ana") == T0 + WINDOW
    assert presence.available(T0 + 2 * WINDOW) == ["ana"]  # fresh again thanks to the report
    assert presence.available(T0 + 2 * WINDOW + SECOND) == []


@pytest.mark.parametrize(
    "since_report, available",
    [
        (dt.timedelta(0), True),
        (WINDOW - SECOND, True),
        (WINDOW, True),  # the window is inclusive
        (WINDOW + dt.timedelta(microseconds=1), False),
        (WINDOW + SECOND, False),
        (dt.timedelta(hours=8), False),  # a laptop asleep overnight
    ],
)
def test_the_report_must_be_fresh(presence: PresenceStore, since_report: dt.timedelta, available: bool) -> None:
    presence.set_available("ana", True, T0)
    at = T0 + since_report
    assert presence.is_available("ana", at) is available
    assert presence.available(at) == (["ana"] if available else [])
    assert presence.is_marked_available("ana")  # the switch itself does not go stale


def test_times_in_other_zones_are_the_same_instants(presence: PresenceStore) -> None:
    pacific = dt.timezone(dt.timedelta(hours=-7))
    presence.set_available("ana", True, T0.astimezone(pacific))
    assert presence.last_seen("ana") == T0 and presence.last_seen("ana").tzinfo == dt.timezone.utc  # type: ignore[union-attr]
    assert presence.available(T0 + WINDOW) == ["ana"] and presence.available(T0 + WINDOW + SECOND) == []
    with pytest.raises(ValueError):
        presence.seen("ana", T0.replace(tzinfo=None))


def test_several_staff_members(presence: PresenceStore) -> None:
    presence.set_available("zoe", True, T0)  # on, fresh
    presence.set_available("bob", True, T0 - 2 * WINDOW)  # on, but the page went quiet
    presence.set_available("cy", False, T0)  # off, page open
    presence.set_available("ana", True, T0 - WINDOW + SECOND)  # on, nearly stale
    presence.seen("dee", T0)  # page open, never switched on
    assert presence.available(T0) == ["ana", "zoe"]  # sorted by username
    assert [name for name in ("ana", "bob", "cy", "dee", "zoe") if presence.is_available(name, T0)] == ["ana", "zoe"]
    assert presence.available(T0 + 2 * SECOND) == ["zoe"]
    presence.seen("bob", T0)  # bob's page is back
    assert presence.available(T0 + 2 * SECOND) == ["bob", "zoe"]


def test_available_roles_are_those_of_enabled_accounts(presence: PresenceStore, staff: Dict[str, StaffUser]) -> None:
    presence.set_available("root", True, T0)
    presence.set_available("ana", True, T0 - WINDOW + SECOND)
    presence.set_available("dana", True, T0 - WINDOW - SECOND)  # gone quiet
    presence.set_available("old", True, T0)  # the account is disabled
    presence.set_available("ghost", True, T0)  # no account at all
    assert presence.available_roles(T0) == [("ana", "admissions"), ("root", "admin")]
    presence.seen("dana", T0)
    assert presence.available_roles(T0) == [("ana", "admissions"), ("dana", "clinician"), ("root", "admin")]
    presence.set_available("root", False, T0)
    assert presence.available_roles(T0 + 2 * SECOND) == [("dana", "clinician")]
