"""/api/conversations: audiences by role, filters, paging, clear 400s; transcripts, masking, audit."""

from __future__ import annotations

from typing import Callable, List
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.staff.roles import sees_contact_details
from bot.storage.paging import Page
from bot.web.api import conversations
from tests.bot.api.conftest import Api
from tests.bot.records.conftest import ORDER, World

CLIENTS = ["c-client", "c-old"]
PROSPECTS = [c for c in ORDER if c not in CLIENTS]
CLINICIAN = ["c-client", "c-crisis", "c-old-open", "c-old"]  # clients + escalated prospects


def ids(body: dict) -> List[str]:
    return [item["conversation_id"] for item in body["items"]]


@pytest.mark.parametrize(
    "principal, expected",
    [("admin", ORDER), ("token", ORDER), ("admissions", PROSPECTS), ("clinician", CLINICIAN)],
)
async def test_each_role_lists_its_audience_newest_first(api: Api, principal: str, expected: List[str]) -> None:
    body = await api.use(principal).get("/api/conversations?per_page=100")
    assert ids(body) == expected and body["total"] == len(expected) and body["pages"] == 1


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 5])
async def test_the_clinicians_merged_list_pages_like_any_other(api: Api, per_page: int) -> None:
    api.use("clinician")
    seen: List[str] = []
    pages = -(-len(CLINICIAN) // per_page)
    for page in range(1, pages + 2):  # one past the end: empty, same total
        body = await api.get(f"/api/conversations?page={page}&per_page={per_page}")
        assert body["total"] == len(CLINICIAN) and body["pages"] == pages and body["page"] == page
        assert len(body["items"]) == (0 if page > pages else min(per_page, len(CLINICIAN) - (page - 1) * per_page))
        seen += ids(body)
    assert seen == CLINICIAN


@pytest.mark.parametrize(
    "query, expected",
    [
        ("has_escalation=false", ["c-client"]),
        ("has_escalation=true", ["c-crisis", "c-old-open", "c-old"]),
        ("enrolled_client=false", ["c-crisis", "c-old-open"]),
        ("enrolled_client=true", ["c-client", "c-old"]),
        ("date_from=2026-03-19&date_to=2026-03-19", ["c-crisis"]),  # 22:30 in LA (the center's zone)
        ("intent=crisis", ["c-crisis", "c-old-open", "c-old"]),
        ("q=WELCOME BACK", ["c-client"]),
        ("has_lead=true", ["c-old"]),
    ],
)
async def test_the_clinicians_filters_keep_to_their_audience(api: Api, query: str, expected: List[str]) -> None:
    assert ids(await api.use("clinician").get(f"/api/conversations?{query}")) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("date_from=2026-03-18&date_to=2026-03-20", ["c-fallback", "c-client", "c-crisis", "c-prospect"]),
        ("date_to=2026-02-01", ["c-feb", "c-old-open", "c-old"]),
        ("has_escalation=true", ["c-crisis", "c-old-open", "c-old"]),
        ("has_lead=true", ["c-prospect", "c-old"]),
        ("has_lead=false&enrolled_client=false&has_escalation=false", ["c-fallback", "c-search2", "c-search", "c-feb"]),
        ("enrolled_client=true", ["c-client", "c-old"]),
        ("intent=ask_insurance", ["c-prospect"]),
        ("q=100%25", ["c-search"]),  # % is literal
        ("q=user_id", ["c-search"]),  # _ is literal
        ("q=café", ["c-search"]),
        ("has_lead=&q=", ORDER),  # blank values are "not given" (an empty form field)
        ("per_page=2&page=2", ["c-crisis", "c-prospect"]),
    ],
)
async def test_filters(api: Api, query: str, expected: List[str]) -> None:
    assert ids(await api.use("admin").get(f"/api/conversations?{query}")) == expected


@pytest.mark.parametrize(
    "query, message",
    [
        ("page=0", "page must be between 1 and 1000000 (got '0')"),
        ("page=x", "page must be a whole number (got 'x')"),
        ("page=1.5", "page must be a whole number (got '1.5')"),
        ("per_page=101", "per_page must be between 1 and 100 (got '101')"),
        ("has_lead=maybe", "has_lead must be true or false (got 'maybe')"),
        ("date_from=2026-13-01", "date_from must be a date like 2026-03-20 (got '2026-13-01')"),
        ("date_to=20260320", "date_to must be a date like 2026-03-20 (got '20260320')"),
        ("date_from=2026-03-20&date_to=2026-03-01", "date_from (2026-03-20) is after date_to (2026-03-01)"),
        ("sort=newest", "unknown query parameter 'sort': use date_from, date_to, has_escalation"),
        ("page=1&page=2", "page is given 2 times: give it once"),
        ("q=" + "x" * 201, "q must be at most 200 characters long"),
        ("page=0&has_lead=maybe", "has_lead must be true or false (got 'maybe'); page must be between 1 and 1000000 (got '0')"),
    ],
)
async def test_bad_values_are_a_400_that_says_what_is_wrong(api: Api, query: str, message: str) -> None:
    status, body = await api.use("admin").call("GET", f"/api/conversations?{query}")
    assert status == 400 and body["status"] == 400 and message in body["error"]


async def test_a_value_with_a_line_break_is_still_a_clean_400(api: Api) -> None:
    status, body = await api.use("admin").call("GET", "/api/conversations?page=1%0A2")
    assert status == 400 and "\n" not in body["error"] and "page must be a whole number" in body["error"]


# --- the merge, against a plain sort of everything -----------------------------------------------


def pager(items: List[int]) -> Callable[[int, int], Page[int]]:
    ordered = sorted(items, reverse=True)
    calls = []

    def fetch(page: int, per_page: int) -> Page[int]:
        calls.append(page)
        start = (page - 1) * per_page
        return Page(ordered[start : start + per_page], len(ordered), page, per_page)

    return fetch


@settings(max_examples=300, deadline=None)
@given(
    numbers=st.sets(st.integers(0, 10_000), max_size=40),
    share=st.floats(0, 1),
    start=st.integers(0, 45),
    size=st.integers(1, 12),
    chunk=st.integers(1, 7),
)
def test_merged_window_is_a_window_of_the_sorted_union(numbers: set, share: float, start: int, size: int, chunk: int) -> None:
    values = sorted(numbers)
    cut = int(len(values) * share)
    a, b = values[:cut][::2] + values[cut:][1::2], values[:cut][1::2] + values[cut:][::2]  # disjoint, interleaved
    with mock.patch.object(conversations, "CHUNK", chunk):
        items, total = conversations.merged_window(pager(a), pager(b), start, start + size, key=lambda n: n)
    assert items == sorted(a + b, reverse=True)[start : start + size]
    assert total == len(a) + len(b)


# --- transcripts ----------------------------------------------------------------------------------


async def test_a_transcript_with_its_turns_lead_and_audit_entry(api: Api, world: World, audit_entries) -> None:  # type: ignore[no-untyped-def]
    body = await api.use("admissions").get("/api/conversations/c-prospect")
    assert body["conversation_id"] == "c-prospect" and body["masked"] is False
    kinds = [turn["kind"] for turn in body["turns"]]
    assert kinds[:3] == ["action", "session_started", "user"] and "bot" in kinds
    first = next(turn for turn in body["turns"] if turn["kind"] == "user")
    assert first["text"] == "Hi, I'm Sam, call me at (760) 555-0199 or sam@example.com"  # every role sees contact details
    assert first["intent"] == "greet" and first["channel"] == "socketio" and first["at"].endswith("Z")
    insurance = [turn for turn in body["turns"] if turn["kind"] == "user"][1]
    assert insurance["entities"] == [{"entity": "insurance", "value": "Aetna", "extractor": "DIETClassifier"}]
    bot = next(turn for turn in body["turns"] if turn["kind"] == "bot")
    assert bot["buttons"] == ["Programs", "Insurance"]
    [lead] = body["leads"]
    assert lead["id"] == world.lead_ids["c-prospect"] and lead["phone"] == "(760) 555-0199"
    assert body["escalations"] == [] and body["clients"] == []
    [entry] = audit_entries("transcript.view")
    assert (entry.username, entry.target_type, entry.target_id) == ("ada", "conversation", "c-prospect")


async def test_a_crisis_transcript_shows_the_safety_net_and_escalation(api: Api) -> None:
    body = await api.use("clinician").get("/api/conversations/c-crisis")
    user = next(turn for turn in body["turns"] if turn["kind"] == "user")
    assert user["crisis"] is True and user["safety_net"] == {
        "decided_by": "patterns",
        "model_crisis": False,
        "model_confidence": 0.12,
    }
    [escalation] = body["escalations"]
    assert escalation["status"] == "open" and escalation["crisis_type"] == "suicide" and escalation["messages"] == 1


async def test_a_client_transcript_names_the_client(api: Api) -> None:
    body = await api.use("clinician").get("/api/conversations/c-client")
    assert [c["client_id"] for c in body["clients"]] == ["C-1"]
    assert sum(turn["kind"] == "session_started" for turn in body["turns"]) == 1


async def test_a_conversation_without_messages_still_has_a_transcript(api: Api) -> None:
    body = await api.use("admin").get("/api/conversations/c-widget")
    assert [turn["kind"] for turn in body["turns"]] == ["action", "session_started"]


@pytest.mark.parametrize(
    "principal, conversation, status, says",
    [
        ("admissions", "c-client", 403, "enrolled client"),
        ("admissions", "c-old", 403, "enrolled client"),  # a client's, even with an escalation
        ("clinician", "c-prospect", 403, "without an escalation"),
        ("admin", "nope", 404, "No conversation"),
        ("clinician", "nope", 404, "No conversation"),
    ],
)
async def test_refused_or_unknown_transcripts_are_not_audited(
    api: Api,
    audit_entries,
    principal: str,
    conversation: str,
    status: int,
    says: str,  # type: ignore[no-untyped-def]
) -> None:
    got, body = await api.use(principal).call("GET", f"/api/conversations/{conversation}")
    assert got == status and says in body["error"]
    assert audit_entries("transcript.view") == []


async def test_the_token_is_audited_as_api_token(api: Api, audit_entries) -> None:  # type: ignore[no-untyped-def]
    await api.use("token").get("/api/conversations/c-old")
    [entry] = audit_entries("transcript.view")
    assert (entry.username, entry.user_id, entry.target_id) == ("api-token", None, "c-old")


@pytest.mark.parametrize(
    "role, conversation, other",
    [("admissions", "c-prospect", "admin"), ("clinician", "c-old", "admin"), ("admin", "c-prospect", "admissions")],
)
async def test_a_role_that_does_not_see_contact_details_gets_them_masked(
    api: Api, monkeypatch: pytest.MonkeyPatch, role: str, conversation: str, other: str
) -> None:
    """Every current role sees them (bot/staff/roles.py); a role that did not would get them masked."""
    assert sees_contact_details(role)
    monkeypatch.setattr(conversations, "sees_contact_details", lambda r: r.value != role)
    body = await api.use(role).get(f"/api/conversations/{conversation}")
    listing = await api.get("/api/conversations?per_page=100")
    assert body["masked"] is True and "555" not in str(body) and "555" not in str(listing)
    assert "[phone]" in str(body) and body["leads"][0]["phone"] == "[phone]"
    if conversation == "c-prospect":
        first = next(turn for turn in body["turns"] if turn["kind"] == "user")
        assert first["text"] == "Hi, I'm Sam, call me at [phone] or [e-mail]" and "[phone]" in str(listing)
    else:
        assert body["escalations"][0]["note"] == "called, safe; number [phone]"
    unmasked = await api.use(other).get(f"/api/conversations/{conversation}")
    assert unmasked["masked"] is False and "555" in str(unmasked)
