"""The admissions workflow on leads: listing, status changes, notes, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import List

import pytest
from sqlalchemy.engine import Engine

from bot.leads.store import Lead, LeadStore
from bot.leads.work import LeadNotFound, LeadTransitionError, LeadWorkflow, allowed_transitions, safe_cell
from bot.storage.db import make_engine
from bot.storage.schema import migrate
from tests.bot.records.conftest import count, set_lead_created

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(tmp_path / "leads.db")
    migrate(engine)
    return engine


@pytest.fixture
def workflow(engine: Engine) -> LeadWorkflow:
    return LeadWorkflow(engine, clock=Clock())


def add(engine: Engine, first_name: str = "Sam", created: dt.datetime = T0, **changes: object) -> int:
    values = dict(
        conversation_id=f"conv-{first_name}",
        first_name=first_name,
        best_time="mornings",
        for_whom="myself",
        consent_at=created,
        phone="(760) 555-0199",
    )
    values.update(changes)
    lead_id = LeadStore(engine).add(Lead(**values))  # type: ignore[arg-type]
    set_lead_created(engine, lead_id, created)
    return lead_id


def test_list_newest_first_with_paging_and_status(engine: Engine, workflow: LeadWorkflow) -> None:
    made = [add(engine, f"P{n}", T0 + dt.timedelta(hours=n)) for n in range(5)]
    workflow.set_status(made[1], "contacted", "dana")
    first = workflow.list(per_page=2)
    assert (first.total, first.pages, [r.id for r in first.items]) == (5, 3, [made[4], made[3]])
    assert [r.id for r in workflow.list(page=3, per_page=2).items] == [made[0]]
    new = workflow.list(status="new")
    assert (new.total, [r.id for r in new.items]) == (4, [made[4], made[3], made[2], made[0]])
    contacted = workflow.list(status="contacted")
    assert [(r.id, r.status, r.note_count) for r in contacted.items] == [(made[1], "contacted", 1)]
    with pytest.raises(ValueError):
        workflow.list(status="lost")


def test_get(engine: Engine, workflow: LeadWorkflow) -> None:
    lead_id = add(engine, email="sam@example.com", insurance="Aetna")
    row = workflow.get(lead_id)
    assert row is not None
    assert (row.first_name, row.phone, row.email, row.insurance, row.status) == (
        "Sam",
        "(760) 555-0199",
        "sam@example.com",
        "Aetna",
        "new",
    )
    assert row.created_at == T0 and row.note_count == 0 and row.updated_at is None
    assert workflow.get(9999) is None


@pytest.mark.parametrize(
    "path",
    [
        ["contacted", "enrolled"],
        ["contacted", "closed"],
        ["closed"],
        ["closed", "contacted", "enrolled"],  # reopened when the person called back
        ["contacted", "closed", "contacted", "closed"],
    ],
)
def test_allowed_paths(engine: Engine, workflow: LeadWorkflow, path: List[str]) -> None:
    lead_id = add(engine)
    for done, status in enumerate(path, start=1):
        row = workflow.set_status(lead_id, status, "dana", note=f"now {status}")
        assert (row.status, row.note_count) == (status, done)
    notes = workflow.notes(lead_id)
    assert [(n.status_from, n.status_to, n.note, n.author) for n in notes] == [
        (before, after, f"now {after}", "dana") for before, after in zip(["new"] + path, path)
    ]
    assert [n.at for n in notes] == sorted(n.at for n in notes)


@pytest.mark.parametrize(
    "path, refused, message",
    [
        ([], "enrolled", "cannot move from new to enrolled: from new it can move to: contacted, closed"),
        ([], "new", "already new"),
        (["contacted"], "contacted", "already contacted"),
        (["contacted"], "new", "cannot move from contacted to new"),
        (["contacted", "enrolled"], "closed", "enrolled is final"),
        (["contacted", "enrolled"], "contacted", "enrolled is final"),
        (["closed"], "enrolled", "cannot move from closed to enrolled: from closed it can move to: contacted"),
        ([], "lost", "unknown lead status 'lost'"),
    ],
)
def test_refused_transitions_change_nothing(
    engine: Engine, workflow: LeadWorkflow, path: List[str], refused: str, message: str
) -> None:
    lead_id = add(engine)
    for status in path:
        workflow.set_status(lead_id, status, "dana")
    with pytest.raises(LeadTransitionError) as error:
        workflow.set_status(lead_id, refused, "dana", note="should not be kept")
    assert message in str(error.value)
    row = workflow.get(lead_id)
    assert row is not None and row.status == (path[-1] if path else "new")
    assert count(engine, "lead_notes") == len(path)


def test_documented_transitions() -> None:
    assert allowed_transitions("new") == ("contacted", "closed")
    assert allowed_transitions("contacted") == ("enrolled", "closed")
    assert allowed_transitions("closed") == ("contacted",)
    assert allowed_transitions("enrolled") == ()


def test_unknown_lead(workflow: LeadWorkflow) -> None:
    with pytest.raises(LeadNotFound):
        workflow.set_status(42, "contacted", "dana")
    with pytest.raises(LeadNotFound):
        workflow.add_note(42, "dana", "hello")
    with pytest.raises(LeadNotFound):
        workflow.notes(42)


def test_notes(engine: Engine, workflow: LeadWorkflow) -> None:
    lead_id = add(engine)
    first = workflow.add_note(lead_id, "  dana ", "  left a voicemail ")
    workflow.set_status(lead_id, "contacted", "ravi")
    workflow.add_note(lead_id, "ravi", "booked an assessment")
    assert (first.author, first.note, first.status_from, first.status_to) == ("dana", "left a voicemail", None, None)
    notes = workflow.notes(lead_id)
    assert [(n.author, n.note, n.status_to) for n in notes] == [
        ("dana", "left a voicemail", None),
        ("ravi", None, "contacted"),
        ("ravi", "booked an assessment", None),
    ]
    row = workflow.get(lead_id)
    assert row is not None and row.note_count == 3 and row.updated_at == notes[-1].at


@pytest.mark.parametrize(
    "author, note", [("", "hello"), ("   ", "hello"), ("dana", ""), ("dana", "   "), ("dana", "x" * 5001), ("x" * 121, "hi")]
)
def test_bad_notes_are_refused(engine: Engine, workflow: LeadWorkflow, author: str, note: str) -> None:
    lead_id = add(engine)
    with pytest.raises(ValueError):
        workflow.add_note(lead_id, author, note)
    assert count(engine, "lead_notes") == 0


def test_status_change_needs_an_author(engine: Engine, workflow: LeadWorkflow) -> None:
    lead_id = add(engine)
    with pytest.raises(ValueError):
        workflow.set_status(lead_id, "contacted", " ")
    row = workflow.get(lead_id)
    assert row is not None and row.status == "new"


def read_csv(text: str) -> List[List[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_export_is_rfc_4180(engine: Engine, workflow: LeadWorkflow) -> None:
    first = add(engine, "Sam", T0, for_whom='my son, "Jo"\nand his partner', insurance="Blue Cross, PPO")
    second = add(engine, "Dee", T0 + dt.timedelta(hours=1), phone=None, email="dee@example.com")
    text = workflow.export_csv()
    assert text.startswith(
        "id,created_at,status,first_name,phone,email,best_time,for_whom,insurance,language,consent_at,conversation_id\r\n"
    )
    assert text.endswith("\r\n")
    assert '"my son, ""Jo""\nand his partner"' in text  # quoted, quotes doubled, newline kept inside
    rows = read_csv(text)
    assert len(rows) == 3
    header, sam, dee = rows
    record = dict(zip(header, sam))
    assert record["id"] == str(first) and record["for_whom"] == 'my son, "Jo"\nand his partner'
    assert record["insurance"] == "Blue Cross, PPO" and record["phone"] == "(760) 555-0199"
    assert record["created_at"] == "2026-03-01T12:00:00+00:00" and record["status"] == "new"
    assert dict(zip(header, dee))["email"] == "dee@example.com" and dict(zip(header, dee))["phone"] == ""
    assert dict(zip(header, dee))["id"] == str(second)


def test_csv_cells_cannot_run_as_formulas(engine: Engine, workflow: LeadWorkflow) -> None:
    add(
        engine,
        '=HYPERLINK("http://evil.example","click")',
        best_time="-2+3",
        for_whom="@SUM(A1:A2)",
        insurance="\t=1+1",
        phone="+1 760 555 0199",
        email="sam@example.com",
    )
    header, row = read_csv(workflow.export_csv())
    record = dict(zip(header, row))
    assert record["first_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert record["best_time"] == "'-2+3"
    assert record["for_whom"] == "'@SUM(A1:A2)"
    assert record["insurance"] == "'\t=1+1"
    assert record["phone"] == "'+1 760 555 0199"
    assert record["email"] == "sam@example.com"  # an @ inside is harmless


@pytest.mark.parametrize(
    "value, expected",
    [("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@a", "'@a"), ("\rx", "'\rx"), ("a=1", "a=1"), ("", ""), (None, ""), (7, 7)],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        " =1+1",
        "   +1",
        "\t-1",
        '\n=HYPERLINK("http://evil.example")',
        "\r\n@SUM(A1)",
        " \t\n =cmd|' /C calc'!A0",
        "\u00a0=1",
        "\nplain",
    ],
)
def test_safe_cell_sees_a_formula_behind_white_space(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_csv_export_quotes_formulas_behind_white_space(engine: Engine, workflow: LeadWorkflow) -> None:
    add(engine, "  =1+1", best_time="\r\n@SUM(A1:A2)", for_whom="\t-2+3", insurance=" Aetna", phone=" +1 760 555 0199")
    header, row = read_csv(workflow.export_csv())
    record = dict(zip(header, row))
    assert record["first_name"] == "'  =1+1"
    assert record["best_time"] == "'\r\n@SUM(A1:A2)"
    assert record["for_whom"] == "'\t-2+3"
    assert record["phone"] == "' +1 760 555 0199"
    assert record["insurance"] == " Aetna"


@pytest.mark.parametrize("value", ["  Sam", "Sam = Lee", " a-b", "mornings, after 10"])
def test_safe_cell_leaves_other_white_space_alone(value: str) -> None:
    assert safe_cell(value) == value


def test_csv_export_by_status(engine: Engine, workflow: LeadWorkflow) -> None:
    add(engine, "Sam")
    other = add(engine, "Dee", T0 + dt.timedelta(hours=1))
    workflow.set_status(other, "closed", "dana")
    assert [row[3] for row in read_csv(workflow.export_csv("closed"))[1:]] == ["Dee"]
    assert [row[3] for row in read_csv(workflow.export_csv("new"))[1:]] == ["Sam"]
    assert len(read_csv(workflow.export_csv("enrolled"))) == 1  # the header only
    with pytest.raises(ValueError):
        workflow.export_csv("lost")
