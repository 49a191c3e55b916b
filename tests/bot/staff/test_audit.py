"""The audit log: recording, listing, filtering, and keeping identifying text out."""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.staff import audit as actions
from bot.staff.audit import DETAIL_MAX, AuditLog, scrub
from bot.staff.users import StaffUser, UserStore
from bot.storage.db import audit_log, leads
from tests.bot.staff.conftest import T0

AddUser = Callable[..., StaffUser]
MINUTE = dt.timedelta(minutes=1)


def test_record_keeps_who_what_and_when(audit: AuditLog, add_user: AddUser) -> None:
    dana = add_user()
    entry_id = audit.record(dana, actions.TRANSCRIPT_VIEW, "conversation", "abc123", at=T0)
    entries, total = audit.list()
    assert total == 1
    (entry,) = entries
    assert (entry.id, entry.at, entry.user_id, entry.username) == (entry_id, T0, dana.id, "dana")
    assert (entry.action, entry.target_type, entry.target_id, entry.detail) == ("transcript.view", "conversation", "abc123", None)


def test_without_a_time_it_is_now(audit: AuditLog) -> None:
    before = dt.datetime.now(dt.timezone.utc)
    audit.record(None, actions.USER_ADD)
    at = audit.list()[0][0].at
    assert before <= at <= dt.datetime.now(dt.timezone.utc)


def test_cli_entries_have_no_user(audit: AuditLog) -> None:
    audit.record(None, actions.USER_ADD, "staff_user", "dana", "role clinician, via CLI", at=T0)
    entry = audit.list()[0][0]
    assert entry.user_id is None and entry.username is None and entry.detail == "role clinician, via CLI"


def test_the_username_survives_the_account_being_disabled(audit: AuditLog, users: UserStore, add_user: AddUser) -> None:
    dana = add_user()
    add_user("root", "admin")
    audit.record(dana, actions.LEADS_EXPORT, "leads", None, "42 leads", at=T0)
    users.disable("dana")
    entry = audit.list()[0][0]
    assert (entry.user_id, entry.username) == (dana.id, "dana")


def test_integer_target_ids_are_stored_as_text(audit: AuditLog, add_user: AddUser) -> None:
    audit.record(add_user(), actions.LEAD_STATUS, "lead", 17, "new -> contacted", at=T0)
    assert audit.list()[0][0].target_id == "17"


def test_list_is_newest_first_and_pages(audit: AuditLog, add_user: AddUser) -> None:
    dana = add_user()
    for i in range(7):
        audit.record(dana, actions.TRANSCRIPT_VIEW, "conversation", f"c{i}", at=T0 + i * MINUTE)
    page, total = audit.list(limit=3)
    assert total == 7 and [e.target_id for e in page] == ["c6", "c5", "c4"]
    page, total = audit.list(limit=3, offset=6)
    assert total == 7 and [e.target_id for e in page] == ["c0"]
    assert audit.list(limit=3, offset=7) == ([], 7)


def test_entries_at_the_same_time_keep_their_order(audit: AuditLog) -> None:
    for name in ("first", "second", "third"):
        audit.record(None, actions.USER_ADD, "staff_user", name, at=T0)
    assert [e.target_id for e in audit.list()[0]] == ["third", "second", "first"]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("transcript.view", ["c1", "c2"]),
        ("escalation.acknowledge", ["e1"]),
        ("user.", ["dana", "kim"]),
        ("user.add", ["dana"]),
        ("login.failed", []),
        (None, ["c1", "c2", "dana", "e1", "kim"]),
    ],
)
def test_list_filters_by_action(audit: AuditLog, action: str, expected: list) -> None:
    audit.record(None, actions.TRANSCRIPT_VIEW, "conversation", "c1", at=T0)
    audit.record(None, actions.ESCALATION_ACKNOWLEDGE, "escalation", "e1", at=T0)
    audit.record(None, actions.USER_ADD, "staff_user", "dana", at=T0)
    audit.record(None, actions.USER_ROLE, "staff_user", "kim", at=T0)
    audit.record(None, actions.TRANSCRIPT_VIEW, "conversation", "c2", at=T0)
    entries, total = audit.list(action=action)
    assert sorted(e.target_id for e in entries) == expected and total == len(expected)


def test_a_prefix_filter_is_not_a_like_pattern(audit: AuditLog) -> None:
    audit.record(None, "user.add", at=T0)
    assert audit.list(action="us_r.")[1] == 0


def test_limit_is_bounded(audit: AuditLog) -> None:
    for _ in range(3):
        audit.record(None, actions.LOGOUT, at=T0)
    assert len(audit.list(limit=0)[0]) == 1
    assert len(audit.list(limit=10_000)[0]) == 3


@pytest.mark.parametrize("action", ["", "View", "transcript view", "transcript.", ".view", "a" * 41, "x.y;drop"])
def test_malformed_actions_are_refused(audit: AuditLog, action: str) -> None:
    with pytest.raises(ValueError, match="not an audit action"):
        audit.record(None, action)
    assert audit.list()[1] == 0


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ("new -> contacted", "new -> contacted"),
        ("called +1 (555) 010-0199 back", "called [removed] back"),
        ("wrote to sam.smith@example.org", "wrote to [removed]"),
        ("line one\nline two\tend", "line one line two end"),
        ("   ", None),
        (None, None),
        ("3 leads", "3 leads"),
    ],
)
def test_scrub(detail: str, expected: str) -> None:
    assert scrub(detail) == expected


def test_long_details_are_cut(audit: AuditLog) -> None:
    audit.record(None, actions.LEADS_EXPORT, detail="word " * 100, at=T0)
    detail = audit.list()[0][0].detail
    assert len(detail) == DETAIL_MAX and detail.endswith("…")


def test_details_are_scrubbed_when_recorded(audit: AuditLog, engine: Engine) -> None:
    audit.record(None, actions.LEAD_STATUS, "lead", 3, "number 555-010-0199", at=T0)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(audit_log.c.detail)).scalar_one()
    assert "0199" not in stored


def test_recorded_in_the_callers_transaction_it_rolls_back_with_it(audit: AuditLog, engine: Engine) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), engine.begin() as connection:
        audit.record(None, actions.LEAD_STATUS, "lead", 1, "new -> contacted", at=T0, connection=connection)
        connection.execute(sa.select(leads)).all()
        raise Boom()
    assert audit.list()[1] == 0
    with engine.begin() as connection:
        audit.record(None, actions.LEAD_STATUS, "lead", 1, at=T0, connection=connection)
    assert audit.list()[1] == 1
