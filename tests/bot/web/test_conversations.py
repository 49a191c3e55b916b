"""The conversation list (audience per role, filters, paging) and the transcript (turns with times,
intents with confidence, actions, masking by role, audit of every view)."""

from __future__ import annotations

import re
from typing import Any, Callable, List

import pytest

from bot.staff import roles
from bot.staff.roles import Role
from tests.bot.records.conftest import Chat, World, local, tracker_store
from tests.bot.web.conftest import audit_entries, text_of


def listed(html: str) -> List[str]:
    """The conversation ids in the list, in order."""
    return re.findall(r'<th scope="row"><a href="/console/conversations/[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize(
    "role, query, expected",
    [
        (
            "admin",
            "",
            ["c-fallback", "c-client", "c-crisis", "c-prospect", "c-search2", "c-search", "c-feb", "c-old-open", "c-old"],
        ),
        ("admissions", "", ["c-fallback", "c-crisis", "c-prospect", "c-search2", "c-search", "c-feb", "c-old-open"]),
        ("clinician", "", ["c-client", "c-old"]),
        ("clinician", "?enrolled=yes", ["c-client", "c-old"]),
        ("clinician", "?enrolled=no", ["c-crisis", "c-old-open"]),  # prospects only with an escalation
        ("admin", "?enrolled=yes", ["c-client", "c-old"]),
        ("admin", "?enrolled=no&escalation=yes", ["c-crisis", "c-old-open"]),
        ("admin", "?escalation=no&lead=no&enrolled=no", ["c-fallback", "c-search2", "c-search", "c-feb"]),
        ("admin", "?lead=yes", ["c-prospect", "c-old"]),
        ("admin", "?intent=crisis", ["c-crisis", "c-old-open", "c-old"]),
        ("admin", "?q=aetna", ["c-prospect"]),
        ("admin", "?q=100%25", ["c-search"]),  # % is literal
        ("admin", "?from=2026-03-05&to=2026-03-10", ["c-client", "c-search2", "c-search"]),
        ("admin", "?from=2026-03-20", ["c-fallback", "c-client"]),  # not c-crisis: the 20th in UTC, the 19th at the center
        ("admissions", "?intent=craving_help", []),  # a client's intent: not in admissions' list
    ],
)
async def test_the_list_shows_the_role_s_audience_with_the_filters(
    as_role: Callable[..., Any], world: World, role: str, query: str, expected: List[str]
) -> None:
    client = await as_role(role)
    response = await client.get(f"/console/conversations{query}")
    html = await response.text()
    assert response.status == 200
    assert listed(html) == expected
    assert f"{len(expected)} found" in text_of(html)


async def test_the_list_shows_times_previews_and_flags(as_role: Callable[..., Any], world: World) -> None:
    html = await (await (await as_role("admin")).get("/console/conversations")).text()
    row = html.split("/console/conversations/c-prospect", 1)[1].split("</tr>", 1)[0]
    assert '<time datetime="2026-03-18T09:00:15-07:00">2026-03-18 09:00</time>' in row
    assert "Hi, I&#39;m Sam, call me at (760) 555-0199 or sam@example.com" in row
    assert ">lead<" in row
    crisis = html.split("/console/conversations/c-crisis", 1)[1].split("</tr>", 1)[0]
    assert ">open<" in crisis
    client_row = html.split("/console/conversations/c-client", 1)[1].split("</tr>", 1)[0]
    assert 'href="/console/clients/C-1"' in client_row


async def test_the_filter_form_keeps_what_was_asked(as_role: Callable[..., Any], world: World) -> None:
    html = await (
        await (await as_role("admin")).get("/console/conversations?q=Aetna&from=2026-03-01&lead=yes&intent=greet")
    ).text()
    assert 'name="q" type="search" value="Aetna"' in html
    assert 'name="from" type="date" value="2026-03-01"' in html
    assert '<option value="yes" selected>Yes</option>' in html
    assert '<option value="greet" selected>greet</option>' in html
    for field in ("f-q", "f-from", "f-to", "f-intent", "f-escalation", "f-lead", "f-enrolled"):
        assert f'<label for="{field}">' in html, field


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("?from=yesterday", "from", "Enter a date like 2026-03-20."),
        ("?to=9999-12-31", "to", "Enter a date like 2026-03-20."),
        ("?from=2026-03-10&to=2026-03-01", "to", "The end date is before the start date."),
        ("?escalation=maybe", "escalation", "Choose any, yes or no."),
    ],
)
async def test_a_filter_that_cannot_be_read_is_explained_next_to_its_field(
    as_role: Callable[..., Any], world: World, query: str, field: str, message: str
) -> None:
    response = await (await as_role("admin")).get(f"/console/conversations{query}")
    html = await response.text()
    assert response.status == 400
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in html
    assert f'aria-describedby="{field}-error" aria-invalid="true"' in html
    assert listed(html) == []


async def test_a_clinician_asking_for_prospects_without_escalation_is_told_why(as_role: Callable[..., Any], world: World) -> None:
    response = await (await as_role("clinician")).get("/console/conversations?enrolled=no&escalation=no")
    assert response.status == 400 and "only listed for you when they have an escalation" in await response.text()


async def test_paging(as_role: Callable[..., Any], world: World) -> None:
    store = tracker_store(world.database)
    for n in range(30):
        await Chat(f"c-many-{n:02d}", local(2026, 1, 1, 8, n)).user(f"message {n}", "greet").save(store)
    store.engine.dispose()
    client = await as_role("admin")
    first = await (await client.get("/console/conversations?q=message")).text()
    assert len(listed(first)) == 25 and listed(first)[0] == "c-many-29"
    assert "Page 1 of 2 · 30 conversations" in text_of(first)
    assert 'href="/console/conversations?q=message&amp;page=2" rel="next"' in first
    second = await (await client.get("/console/conversations?q=message&page=2")).text()
    assert listed(second) == [f"c-many-{n:02d}" for n in range(4, -1, -1)]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert (await client.get("/console/conversations?page=0")).status == 400
    assert (await client.get("/console/conversations?page=x")).status == 400


async def test_the_transcript_shows_turns_times_intents_and_actions(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admin")
    response = await client.get("/console/conversations/c-prospect")
    html = await response.text()
    text = text_of(html)
    assert response.status == 200
    assert "Wednesday, 18 March 2026" in text  # the day, in the center's zone
    assert "New session · 09:00:05" in text
    assert "Visitor 09:00:15 Hi, I'm Sam, call me at (760) 555-0199 or sam@example.com Intent greet · 98% confidence" in text
    assert '<time datetime="2026-03-18T09:00:15-07:00">09:00:15</time>' in html
    assert "09:00:20 ▸ action utter_greet" in text
    assert "Assistant 09:00:25 Hi Sam! I can help with our programs and insurance. Buttons: Programs Insurance" in text
    assert "Intent ask_insurance · 91% confidence · entities:" in text and "<code>insurance</code>=Aetna" in html
    assert "action_answer_insurance" in text
    assert "action_listen" not in text  # runs after every turn, says nothing
    assert "Lead 1: Sam" in text  # the callback request made in this conversation
    # The turns are in order.
    order = [
        text.index(s)
        for s in ("Hi, I'm Sam", "utter_greet", "Hi Sam!", "Do you take Aetna?", "action_answer_insurance", "Yes, we work")
    ]
    assert order == sorted(order)


async def test_the_transcript_marks_low_confidence_fallbacks_and_crises(as_role: Callable[..., Any], world: World) -> None:
    client = await as_role("admin")
    fallback = text_of(await (await client.get("/console/conversations/c-fallback")).text())
    assert "Intent nlu_fallback · 20% confidence · low confidence" in fallback
    assert "Intent ask_cost · 40% confidence · low confidence" in fallback
    assert "Intent thank · 99% confidence" in fallback and "99% confidence · low" not in fallback
    assert "action_default_fallback" in fallback
    crisis_html = await (await client.get("/console/conversations/c-crisis")).text()
    crisis = text_of(crisis_html)
    assert "Visitor 22:30:00 crisis I don't want to live anymore" in crisis
    assert "<code>crisis_type</code>=suicide · safety net: decided by patterns, model 12%" in crisis_html
    assert "Crisis escalations open suicide — opened 2026-03-19 22:30" in crisis


async def test_a_client_s_transcript_links_the_client(as_role: Callable[..., Any], world: World) -> None:
    text = text_of(await (await (await as_role("clinician")).get("/console/conversations/c-client")).text())
    assert "Enrolled client Sam (C-1)" in text
    assert "Client 18:00:00 I'm having a strong craving" in text
    assert "Friday, 20 March 2026" in text and "New session" in text


async def test_every_transcript_view_is_audited_and_a_refused_one_is_not(as_role: Callable[..., Any], world: World) -> None:
    admissions = await as_role("admissions")
    assert (await admissions.get("/console/conversations/c-prospect")).status == 200
    assert (await admissions.get("/console/conversations/c-client")).status == 403
    assert (await admissions.get("/console/conversations/nope")).status == 404
    [entry] = audit_entries(world, "transcript.view")
    assert (entry.username, entry.target_type, entry.target_id) == ("ana", "conversation", "c-prospect")
    clinician = await as_role("clinician")
    await clinician.get("/console/conversations/c-crisis")
    assert [(e.username, e.target_id) for e in audit_entries(world, "transcript.view")] == [
        ("dana", "c-crisis"),
        ("ana", "c-prospect"),
    ]


@pytest.mark.parametrize("role", ["admissions", "admin"])
async def test_every_current_role_sees_contact_details_unmasked(as_role: Callable[..., Any], world: World, role: str) -> None:
    # bot/staff/roles.py: every role sees phone numbers and e-mail addresses.
    html = await (await (await as_role(role)).get("/console/conversations/c-prospect")).text()
    assert "(760) 555-0199" in html and "sam@example.com" in html and "[phone]" not in html


async def test_the_clinician_sees_the_number_in_an_escalation_note(as_role: Callable[..., Any], world: World) -> None:
    html = await (await (await as_role("clinician")).get("/console/conversations/c-old")).text()
    assert "called, safe; number 760-555-0100" in html


async def test_a_role_that_does_not_need_contact_details_gets_them_masked(
    as_role: Callable[..., Any], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one place to change when a role without that need is added (bot/staff/roles.py).
    monkeypatch.setattr(roles, "_SEES_CONTACT_DETAILS", frozenset({Role.CLINICIAN, Role.ADMIN}))
    admissions = await as_role("admissions")
    html = await (await admissions.get("/console/conversations/c-prospect")).text()
    text = text_of(html)
    assert "Hi, I'm Sam, call me at [phone] or [e-mail]" in text
    assert "We can call you back at [phone]." in text
    assert "555-0199" not in html and "sam@example.com" not in html
    listing = await (await admissions.get("/console/conversations")).text()
    assert "555-0199" not in listing and "call me at [phone] or [e-mail]" in listing
    leads = await (await admissions.get("/console/leads")).text()
    assert "555-0199" not in leads and "(•••) •••-••99" in leads and "s•••@example.com" in leads
    assert (await admissions.get("/console/leads.csv")).status == 403
    # The admin still sees them.
    admin_html = await (await (await as_role("admin")).get("/console/conversations/c-prospect")).text()
    assert "(760) 555-0199" in admin_html and "sam@example.com" in admin_html


async def test_everything_from_a_conversation_is_escaped(as_role: Callable[..., Any], world: World) -> None:
    store = tracker_store(world.database)
    await (
        Chat("c-xss", local(2026, 3, 20, 11, 0))
        .user('<script>alert("x")</script> <img src=x onerror=alert(1)>', "greet<b>")
        .bot("<b>bold?</b>", ['<i onclick="x">b</i>'])
        .save(store)
    )
    store.engine.dispose()
    client = await as_role("admin")
    for path in ("/console/conversations/c-xss", "/console/conversations?q=script", "/console/conversations?intent=greet%3Cb%3E"):
        html = await (await client.get(path)).text()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html and "<i onclick" not in html, (
            path
        )
        assert "&lt;script&gt;" in html or "&lt;b&gt;" in html, path


async def test_bidi_controls_in_a_conversation_are_shown_not_obeyed(as_role: Callable[..., Any], world: World) -> None:
    """U+202E would show "I feel fine" written backwards as "enif leef I": staff see the marker."""
    store = tracker_store(world.database)
    await (
        Chat("c-bidi", local(2026, 3, 20, 11, 0))
        .user("I am \u202eenif leef I\u202c tonight", "greet")
        .bot("ok \u2067x\u2069")
        .save(store)
    )
    store.engine.dispose()
    client = await as_role("admin")
    page = await (await client.get("/console/conversations/c-bidi")).text()
    assert "I am ⟨U+202E⟩enif leef I⟨U+202C⟩ tonight" in page and "ok ⟨U+2067⟩x⟨U+2069⟩" in page
    listing = await (await client.get("/console/conversations?q=tonight")).text()
    assert "⟨U+202E⟩enif leef I" in listing
    for html in (page, listing):
        assert not any(c in html for c in "\u202e\u202c\u2067\u2069")
    api = await (await client.get("/api/conversations/c-bidi")).json()
    assert [t["text"] for t in api["turns"] if t["kind"] == "user"] == ["I am ⟨U+202E⟩enif leef I⟨U+202C⟩ tonight"]


async def test_admissions_see_that_a_crisis_was_escalated_but_not_how_it_was_handled(as_role: Any, world: Any) -> None:
    from bot.safety.escalations import EscalationStore

    EscalationStore(world.engine).acknowledge(
        world.escalation_ids["c-crisis"], by="Dana Clinician", note="called her sister at 760-555-0111"
    )
    admissions = await as_role("admissions")
    page = await (await admissions.client.get("/console/conversations/c-crisis")).text()
    assert "The clinical team handles crisis escalations." in page
    assert "Dana Clinician" not in page and "called her sister" not in page
    data = await (await admissions.client.get("/api/conversations/c-crisis")).json()
    assert [(e["acknowledged_by"], e["note"]) for e in data["escalations"]] == [(None, None)]
    clinician = await as_role("clinician")
    assert "called her sister" in await (await clinician.client.get("/console/conversations/c-crisis")).text()
