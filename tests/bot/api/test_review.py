"""The review inbox through the API: what each role sees, labels and flags, and the audit log.

The world's conversations went through the real tracker store, which put their unsure messages
in the inbox: "asdf qwerty" and "Is it 100 percent covered by my plan?" (fallbacks, a prospect's
conversation), "8" (an enrolled client's, confidence 0.88).
"""

from __future__ import annotations

import pytest

from bot.review.normalize import review_key
from tests.bot.api.conftest import Api


def texts(body: dict) -> set:
    return {row["text"] for row in body["items"]}


async def test_the_inbox_has_the_unsure_messages_and_admissions_never_see_a_clients(api: Api) -> None:
    api.use("clinician")
    everything = await api.get("/api/review")
    assert {"asdf qwerty", "Is it 100 percent covered by my plan?", "8"} <= texts(everything)
    api.use("admissions")
    prospects = await api.get("/api/review")
    assert "asdf qwerty" in texts(prospects) and "8" not in texts(prospects)
    [row] = [row for row in prospects["items"] if row["text"] == "asdf qwerty"]
    assert row["reasons"] == ["fallback"] and row["count"] == 1 and row["conversation_id"] == "c-fallback"
    assert row["reply"] == "Sorry, I didn't get that. Could you say it another way?" and row["label"] is None
    fallbacks = await api.get("/api/review?reason=fallback&order=frequent&per_page=1")
    assert fallbacks["per_page"] == 1 and fallbacks["total"] >= 2 and len(fallbacks["items"]) == 1


@pytest.mark.parametrize(
    ("query", "error"),
    [("reason=bored", "reason"), ("status=done", "status"), ("since=yesterday", "since"), ("per_page=1000", "per_page")],
)
async def test_bad_filters_are_a_clear_400(api: Api, query: str, error: str) -> None:
    api.use("admin")
    status, body = await api.call("GET", f"/api/review?{query}")
    assert status == 400 and error in body["error"]


async def test_a_label_is_kept_audited_and_takes_the_row_off_the_to_do_list(api: Api, audit_entries) -> None:  # type: ignore[no-untyped-def]
    key = review_key("Is it 100 percent covered by my plan?")
    api.use("admissions")
    status, body = await api.call("POST", f"/api/review/{key}/label", {"decision": "correct", "intent": "ask_insurance"})
    assert status == 200 and body["label"]["intent"] == "ask_insurance" and body["label"]["labeled_by"] == "ada"
    assert body["missed_crises"] == 0 and body["escalations"] == []
    assert "Is it 100 percent covered by my plan?" not in texts(await api.get("/api/review"))
    labelled = await api.get("/api/review?status=labeled")
    assert [row["label"]["decision"] for row in labelled["items"]] == ["correct"]
    [entry] = audit_entries("review.label")
    assert (entry.username, entry.target_type, entry.target_id, entry.detail) == ("ada", "review", key, "correct ask_insurance")


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"decision": "correct", "intent": "ask_the_moon"}, 400, "not one of the assistant's intents"),
        ({"decision": "correct"}, 400, "needs the intent"),
        ({"decision": "new_topic"}, 400, "needs a note"),
        ({"decision": "maybe"}, 400, "decision"),
        ({"decision": "exclude", "extra": 1}, 400, "extra fields not permitted"),
    ],
)
async def test_a_label_that_cannot_be_kept_is_refused_and_not_audited(
    api: Api,
    audit_entries,
    body: dict,
    status: int,
    error: str,  # type: ignore[no-untyped-def]
) -> None:
    api.use("clinician")
    got, answer = await api.call("POST", f"/api/review/{review_key('asdf qwerty')}/label", body)
    assert got == status and error in answer["error"]
    assert audit_entries("review.label") == []


async def test_an_unknown_row_is_404_and_a_session_needs_its_csrf_token(api: Api) -> None:
    api.use("admin")
    status, _ = await api.call("POST", f"/api/review/{'0' * 64}/label", {"decision": "exclude"})
    assert status == 404
    status, _ = await api.call("POST", f"/api/review/{review_key('asdf qwerty')}/label", {"decision": "exclude"}, csrf=None)
    assert status == 403
    api.use("anonymous")
    status, _ = await api.call("GET", "/api/review")
    assert status == 401


async def test_staff_flag_a_message_of_a_transcript_they_may_open(api: Api, audit_entries) -> None:  # type: ignore[no-untyped-def]
    api.use("admissions")
    transcript = await api.get("/api/conversations/c-prospect")
    aetna = next(turn for turn in transcript["turns"] if turn["kind"] == "user" and turn["text"] == "Do you take Aetna?")
    status, body = await api.call("POST", "/api/conversations/c-prospect/flag", {"at": aetna["at"]})
    assert status == 201 and body["key"] == review_key("Do you take Aetna?")
    [row] = (await api.get("/api/review?reason=flagged"))["items"]
    assert row["text"] == "Do you take Aetna?" and row["reply"].startswith("Yes, we work with Aetna")
    assert [(e.action, e.target_id) for e in audit_entries("review.flag")] == [("review.flag", "c-prospect")]
    client = await api.call("POST", "/api/conversations/c-client/flag", {"at": aetna["at"]})
    assert client[0] == 403
    assert (await api.call("POST", "/api/conversations/nobody/flag", {"at": aetna["at"]}))[0] == 404
    assert (await api.call("POST", "/api/conversations/c-prospect/flag", {"at": "2020-01-01T00:00:00Z"}))[0] == 404
    assert (await api.call("POST", "/api/conversations/c-prospect/flag", {"at": "soon"}))[0] == 400


async def test_the_picker_lists_every_intent_with_a_description_and_an_example(api: Api) -> None:
    api.use("admissions")
    intents = (await api.get("/api/review/intents"))["intents"]
    by_name = {intent["name"]: intent for intent in intents}
    assert "ask_insurance" in by_name and "crisis" in by_name and len(by_name) == len(intents) > 50
    assert all(intent["description"] and intent["example"] for intent in intents)


async def test_the_figures_hide_missed_crises_from_roles_without_escalations(api: Api) -> None:
    api.use("clinician")
    clinical = await api.get("/api/review/figures")
    assert len(clinical["weeks"]) == 8 and clinical["missed_crises"] == 0 and clinical["inbox"] >= 3
    api.use("admissions")
    admissions = await api.get("/api/review/figures")
    assert admissions["missed_crises"] is None and all(w["missed_crises"] is None for w in admissions["weeks"])
    assert admissions["inbox"] < clinical["inbox"]  # the enrolled client's "8" is not theirs to see
