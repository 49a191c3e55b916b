"""The review inbox page: rows as each role sees them, the label forms without JavaScript, flags
from a transcript, and the audit log. (The keyboard path is in tests/browser/.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import pytest

from bot.review.normalize import review_key
from bot.settings import get_settings
from tests.bot.records.conftest import World
from tests.bot.web.conftest import audit_entries, forms, scalar, text_of


async def test_the_inbox_shows_each_unsure_message_with_its_reading_and_its_reply(as_role: Callable[..., Any]) -> None:
    client = await as_role("admissions")
    html = await (await client.get("/console/review")).text()
    text = text_of(html)
    assert "asdf qwerty" in text and "Not understood" in text
    assert "Sorry, I didn't get that. Could you say it another way?" in text
    assert 'href="/console/conversations/c-fallback"' in html
    assert "8" not in [line.strip() for line in re.findall(r'<p class="review-text"[^>]*>([^<]*)</p>', html)]
    key = review_key("Is it 100 percent covered by my plan?")
    decisions = {hidden["decision"] for action, hidden in forms(html) if action == f"/console/review/{key}/label"}
    assert decisions == {"confirm", "correct", "new_topic", "exclude"}
    assert "Confirm ask_cost" in text  # the model's reading, one key away
    unread = {
        hidden["decision"] for action, hidden in forms(html) if action == f"/console/review/{review_key('asdf qwerty')}/label"
    }
    assert "confirm" not in unread  # the model had no reading of it to confirm
    assert 'href="/console/review"' in html  # in the navigation


async def test_a_label_form_saves_audits_and_comes_back_with_a_notice(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("clinician")
    key = review_key("asdf qwerty")
    response = await client.post(
        f"/console/review/{key}/label",
        data={"csrf_token": client.csrf, "decision": "exclude", "back": "/console/review?status=todo"},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"] == "/console/review?status=todo&done=labelled"
    page = await (await client.get(response.headers["Location"])).text()
    assert "Label saved." in page and "asdf qwerty" not in text_of(page)
    assert scalar(world, "SELECT decision FROM review_labels WHERE key = :k", k=key) == "exclude"
    [entry] = audit_entries(world, "review.label")
    assert (entry.target_id, entry.detail) == (key, "exclude")


async def test_a_label_form_that_does_not_say_enough_changes_nothing(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admissions")
    key = review_key("asdf qwerty")
    for data, problem in [
        ({"decision": "correct"}, "label_incomplete"),
        ({"decision": "correct", "intent": "ask_the_moon"}, "label_intent"),
        ({"decision": "sure"}, "label_invalid"),
    ]:
        response = await client.post(
            f"/console/review/{key}/label", data={"csrf_token": client.csrf, **data}, allow_redirects=False
        )
        assert response.status == 303 and response.headers["Location"].endswith(f"problem={problem}")
    assert scalar(world, "SELECT count(*) FROM review_labels") == 0
    no_csrf = await client.post(f"/console/review/{key}/label", data={"decision": "exclude"}, allow_redirects=False)
    assert no_csrf.status == 403


async def test_a_message_is_flagged_from_its_transcript(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admissions")
    html = await (await client.get("/console/conversations/c-prospect")).text()
    flags = [hidden for action, hidden in forms(html) if action == "/console/conversations/c-prospect/flag"]
    assert len(flags) == 2  # one per message the visitor wrote
    response = await client.post(
        "/console/conversations/c-prospect/flag",
        data={"csrf_token": client.csrf, "timestamp": flags[1]["timestamp"]},
        allow_redirects=False,
    )
    assert response.status == 303 and response.headers["Location"].endswith("done=flagged")
    inbox = text_of(await (await client.get("/console/review?reason=flagged")).text())
    assert "Do you take Aetna?" in inbox and "Flagged by staff" in inbox
    assert [e.target_id for e in audit_entries(world, "review.flag")] == ["c-prospect"]
    bad = await client.post(
        "/console/conversations/c-prospect/flag", data={"csrf_token": client.csrf, "timestamp": "soon"}, allow_redirects=False
    )
    assert bad.headers["Location"].endswith("problem=flag_invalid")
    forbidden = await client.post(
        "/console/conversations/c-client/flag", data={"csrf_token": client.csrf, "timestamp": "1"}, allow_redirects=False
    )
    assert forbidden.status == 403


async def test_a_missed_crisis_is_shown_to_the_clinical_team_and_counted_on_the_dashboard(
    as_role: Callable[..., Any], world: World
) -> None:
    client = await as_role("clinician")
    key = review_key("Is it 100 percent covered by my plan?")
    response = await client.post(
        f"/console/review/{key}/label",
        data={"csrf_token": client.csrf, "decision": "correct", "intent": "crisis"},
        allow_redirects=False,
    )
    # the world's conversations are months old: counted, not paged
    assert response.headers["Location"].endswith("done=labelled_missed")
    escalations = text_of(await (await client.get("/console/escalations")).text())
    assert "Crises the safety net missed" in escalations and "Is it 100 percent covered by my plan?" in escalations
    assert "Not paged (not recent, or already alerted)" in escalations
    dashboard = await (await client.get("/console/")).text()
    assert 'id="widget-missed-crises"' in dashboard and 'id="chart-missed"' in dashboard and "ask_cost" in text_of(dashboard)
    admissions = await (await (await as_role("admissions")).get("/console/")).text()
    assert 'id="widget-inbox"' in admissions and 'id="chart-unsure"' in admissions
    assert 'id="widget-missed-crises"' not in admissions and 'id="chart-missed"' not in admissions


async def test_the_admin_exports_labels_as_training_data_into_the_checkout(
    as_role: Callable[..., Any], world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "checkout"
    (root / "data" / "nlu").mkdir(parents=True)
    monkeypatch.setenv("REVIEW_EXPORT_ROOT", str(root))
    get_settings.cache_clear()
    admin = await as_role("admin")
    key = review_key("Is it 100 percent covered by my plan?")
    await admin.post(
        f"/console/review/{key}/label", data={"csrf_token": admin.csrf, "decision": "correct", "intent": "ask_insurance"}
    )
    assert 'action="/console/review/export"' in await (await admin.get("/console/review")).text()
    response = await admin.post("/console/review/export", data={"csrf_token": admin.csrf}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].endswith("done=exported")
    written = (root / "data" / "nlu" / "reviewed" / "reviewed.yml").read_text()
    assert "- intent: ask_insurance" in written and "Is it 100 percent covered by my plan?" in written
    assert [e.detail for e in audit_entries(world, "review.export")] == ["1 new, 0 crisis candidates"]
    again = await admin.post("/console/review/export", data={"csrf_token": admin.csrf}, allow_redirects=False)
    assert again.headers["Location"].endswith("done=exported_nothing")
    admissions = await as_role("admissions")
    assert 'action="/console/review/export"' not in await (await admissions.get("/console/review")).text()
    refused = await admissions.post("/console/review/export", data={"csrf_token": admissions.csrf}, allow_redirects=False)
    assert refused.status == 403
