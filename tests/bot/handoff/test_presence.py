"""Who answers live chats: the switch on the live page *and* a report from that page within
FRESH_SECONDS (bot/handoff/presence.py), on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.handoff.presence import FRESH_SECONDS, PresenceStore
from bot.staff.users import StaffUser
from bot.storage.db import make_engine, staff_presence
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


@pytest.mark.parametrize(
    "ours, theirs, available",
    [
        # This tab's report meets the other tab's switch: the switch stays on.
        (lambda store: store.seen("ana", T0 + SECOND), lambda store: store.set_available("ana", True, T0), True),
        # This tab's switch meets the other tab's report: the switch is on.
        (lambda store: store.set_available("ana", True, T0 + SECOND), lambda store: store.seen("ana", T0), True),
        (lambda store: store.set_available("ana", False, T0 + SECOND), lambda store: store.set_available("ana", True, T0), False),
    ],
    ids=["report-meets-switch", "switch-meets-report", "off-meets-on"],
)
def test_two_first_reports_at_once_both_count(tmp_path: Path, engine: Engine, ours, theirs, available: bool) -> None:  # type: ignore[no-untyped-def]
    """Two tabs report for the first time at once: this one's UPDATE finds no row, then the other
    tab's INSERT lands before this one's, which the primary key refuses. SQLite lets one writer
    at a time in, so the other tab's row is slipped in right before this INSERT runs, after the
    (empty) write transaction is let go, as the race would interleave on a server database."""
    other = make_engine(tmp_path / "companion.db")
    statements: List[str] = []
    slipped = []

    def other_tab_first(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0])
        if statement.startswith("INSERT INTO staff_presence") and not slipped:
            slipped.append(True)
            cursor.connection.rollback()  # the UPDATE changed nothing: only its lock is let go
            theirs(PresenceStore(other))

    sa.event.listen(engine, "before_cursor_execute", other_tab_first)
    try:
        ours(PresenceStore(engine))  # no IntegrityError escapes
    finally:
        sa.event.remove(engine, "before_cursor_execute", other_tab_first)
        other.dispose()
    assert slipped and statements == ["UPDATE", "INSERT", "UPDATE"]  # the collision happened, then the retry
    presence = PresenceStore(engine)
    assert presence.last_seen("ana") == T0 + SECOND  # this tab's report, the later one
    assert presence.is_marked_available("ana") is available
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(staff_presence)).scalar() == 1


def test_reports_more_often_than_asked_are_not_written(presence: PresenceStore, engine: Engine) -> None:
    """The console's pages report every second or two; one write per interval is enough."""
    presence.set_available("ana", True, T0)
    presence.seen("ana", T0 + SECOND, at_most_every=30)  # the first report from this store is written
    presence.seen("ana", T0 + 20 * SECOND, at_most_every=30)  # within 30 s of it: not written
    assert presence.last_seen("ana") == T0 + SECOND
    presence.seen("ana", T0 + 31 * SECOND, at_most_every=30)
    assert presence.last_seen("ana") == T0 + 31 * SECOND
    presence.seen("bob", T0 + 32 * SECOND, at_most_every=30)  # per staff member
    assert presence.last_seen("bob") == T0 + 32 * SECOND
    presence.seen("ana", T0 + 32 * SECOND)  # without the limit, every report is written
    assert presence.last_seen("ana") == T0 + 32 * SECOND
    assert PresenceStore(engine).is_available("ana", T0 + 32 * SECOND + WINDOW)  # still fresh, as the store reads it
