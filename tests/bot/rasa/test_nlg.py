"""Domain responses get the center's facts from the program data, or safe defaults, and the
automated-assistant notice when one is a conversation's first reply."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.answer_book import ProgramCache
from bot.program.notice import NOTICE_HANDLED, Notices
from bot.rasa.nlg import SAFE_DEFAULTS, SAFE_NOTICES, CenterFactsNLG
from bot.settings import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def tracker(crisis_type: str, language: str = "en") -> DialogueStateTracker:
    t = DialogueStateTracker("c1", DOMAIN.slots)
    t._set_slot("crisis_type", crisis_type)
    t._set_slot("language", language)
    return t


async def test_crisis_reply_has_the_on_call_number_and_the_type_specific_steps(program_copy: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    overdose = await nlg.generate("utter_crisis", tracker("overdose"), "rest")
    assert "(760) 555-0149" in overdose["text"] and "naloxone" in overdose["text"] and "recovery position" in overdose["text"]
    violence = await nlg.generate("utter_crisis", tracker("violence"), "rest")
    assert "1-800-799-7233" in violence["text"] and "text START to 88788" in violence["text"]
    suicide = await nlg.generate("utter_crisis", tracker("suicide"), "rest")
    assert (
        "988" in suicide["text"]
        and "911" in suicide["text"]
        and [b["payload"] for b in suicide["buttons"]] == ["/crisis_safe", "/deny"]
    )


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("response", ["utter_crisis", "utter_risk_screen", "utter_risk_screen_no", "utter_crisis_unsafe"])
async def test_harm_the_writer_fears_doing_gets_words_for_them_not_for_a_victim(
    program_copy: Path, response: str, language: str
) -> None:
    # "I'm scared of what I'll do to my son": never "are you in danger from another person", never
    # the hotline for those hurt at home first; step away, 988, 911.
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    ours = await nlg.generate(response, tracker("harm_to_others", language), "rest")
    victims = await nlg.generate(response, tracker("violence", language), "rest")
    assert ours["text"] != victims["text"] and "1-800-799-7233" not in ours["text"] and "{" not in ours["text"]
    assert ("988" in ours["text"] or response == "utter_risk_screen") and ours["language"] == language
    if response in ("utter_crisis", "utter_crisis_unsafe", "utter_risk_screen_no"):
        # A baby is never left alone in a house: laid somewhere safe while the parent steps away.
        assert ("crib" if language == "en" else "cuna") in ours["text"]
    if response == "utter_crisis":
        assert "911" in ours["text"] and [b["payload"] for b in ours["buttons"]] == ["/crisis_safe", "/deny"]
    if response == "utter_risk_screen_no":
        assert ours["buttons"][0]["payload"] == '/ask_coping{"coping_need": "anger"}'


@pytest.mark.parametrize(
    "language, words", [("en", ("don't use alone", "naloxone", "911")), ("es", ("no lo haga a solas", "naloxona", "911"))]
)
async def test_a_no_to_the_overdose_question_gets_never_alone_and_naloxone(
    program_copy: Path, language: str, words: Tuple[str, ...]
) -> None:
    # Asked because of using alone or a stronger batch: the "no" still leaves what keeps them alive.
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    reply = await nlg.generate("utter_risk_screen_no", tracker("overdose", language), "rest")
    assert all(word in reply["text"] for word in words) and "{" not in reply["text"]
    assert "/ask_medication_safety" in [b["payload"] for b in reply["buttons"]]


@pytest.mark.parametrize(
    "language, plan", [("en", "If you're thinking of taking them"), ("es", "Si está pensando en tomárselas")]
)
async def test_the_overdose_answer_also_speaks_to_a_stated_plan(program_copy: Path, language: str, plan: str) -> None:
    # "I'm going to take all my mom's pills" is an overdose by issue 14's rule: the steps for one
    # that happened, and for a plan: put them out of reach, 988 now.
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    text = (await nlg.generate("utter_crisis", tracker("overdose", language), "rest"))["text"]
    assert plan in text and "988" in text.split(plan, 1)[1] and "911" in text


async def test_edited_data_is_used(program_copy: Path) -> None:
    center = program_copy / "center.yml"
    center.write_text(center.read_text().replace("(760) 555-0149", "(760) 555-0177"))
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    assert "(760) 555-0177" in (await nlg.generate("utter_crisis_mode", tracker("suicide"), "rest"))["text"]


async def test_broken_data_still_gives_a_usable_crisis_reply(tmp_path: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(tmp_path / "missing"))
    text = (await nlg.generate("utter_crisis", tracker("violence"), "rest"))["text"]
    assert "{" not in text and SAFE_DEFAULTS["en"]["dv_call"] in text and "911" in text


SESSION: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def conversation(events: List[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("c2", events, DOMAIN.slots)


@pytest.fixture
def notices(program_copy: Path) -> Notices:
    return Notices.of(ProgramCache(program_copy).get())


@pytest.fixture
def notice(notices: Notices) -> str:
    return notices.first


async def test_a_domain_response_as_first_reply_carries_the_notice_first(program_copy: Path, notice: str) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    message = await nlg.generate("utter_out_of_scope", conversation(SESSION + [UserUttered("who won the game")]), "rest")
    assert message["text"].startswith(notice + "\n") and len(message["text"]) > len(notice) + 10


@pytest.mark.parametrize(
    "crisis_type", ["suicide", "self_harm", "overdose", "medical", "violence", "harm_to_others", "someone_else"]
)
async def test_a_crisis_reply_as_first_reply_gives_the_steps_then_the_notice(
    program_copy: Path, notices: Notices, crisis_type: str
) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    plain = (await nlg.generate("utter_crisis", tracker(crisis_type), "rest"))["text"]  # no session: no notice
    t = conversation(SESSION + [UserUttered("i need help now")])
    t._set_slot("crisis_type", crisis_type)
    text = (await nlg.generate("utter_crisis", t, "rest"))["text"]
    # The steps first; the notice after them, unless the reply says who is answering itself.
    assert text.startswith(plain) and notices.first not in text
    assert text == plain if any(d in plain for d in notices.disclosures) else text == plain + "\n" + notices.after_urgent
    # Crisis mode's next reply does not repeat it.
    t.update(BotUttered(text))
    t.update(UserUttered("i cant call"))
    assert not notices.carried_by((await nlg.generate("utter_crisis_mode_cannot_call", t, "rest"))["text"])


async def test_no_notice_once_a_reply_carried_it(program_copy: Path, notice: str) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    t = conversation(SESSION + [UserUttered("hi"), BotUttered(notice + "\nHello"), UserUttered("who won the game")])
    assert notice not in (await nlg.generate("utter_out_of_scope", t, "rest"))["text"]


async def test_no_notice_for_a_reminder_the_service_triggered(program_copy: Path, notice: str) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    t = conversation(SESSION + [UserUttered.create_external("ask_next_group")])
    assert notice not in (await nlg.generate("utter_out_of_scope", t, "rest"))["text"]


async def test_an_actions_response_is_left_to_the_action(program_copy: Path, notice: str) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    t = conversation(SESSION + [UserUttered("cost?")])
    assert notice not in (await nlg.generate("utter_out_of_scope", t, "rest", **{NOTICE_HANDLED: True}))["text"]


async def test_broken_data_still_gives_the_notice(tmp_path: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(tmp_path / "missing"))
    assert (await nlg.generate("utter_out_of_scope", conversation(SESSION + [UserUttered("hey")]), "rest"))["text"].startswith(
        SAFE_NOTICES["en"].first
    )


# --- Spanish (issue 19) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "crisis_type", ["suicide", "self_harm", "overdose", "medical", "violence", "harm_to_others", "someone_else", None]
)
async def test_a_spanish_conversation_gets_the_spanish_crisis_reply_of_its_type(program_copy: Path, crisis_type: str) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    english = (await nlg.generate("utter_crisis", tracker(crisis_type), "rest"))["text"]
    spanish = (await nlg.generate("utter_crisis", tracker(crisis_type, "es"), "rest"))["text"]
    # The same type's steps (the most specific variation, never the Spanish default or English).
    assert "911" in spanish and "{" not in spanish and spanish != english
    assert "llame" in spanish.lower() and "call" not in spanish.lower().replace("recall", "")
    if crisis_type in ("suicide", "self_harm", "harm_to_others", "someone_else", None):
        assert "marque 2" in spanish and "AYUDA" in spanish
    if crisis_type == "overdose":
        assert "naloxona" in spanish
    if crisis_type == "violence":
        assert "Línea Nacional contra la Violencia Doméstica" in spanish and "1-800-799-7233" in spanish
        assert "envíe la palabra START por mensaje de texto al 88788" in spanish


@pytest.mark.parametrize("language, words", [("en", "Call or text 988"), ("es", "marque 2")])
async def test_the_variation_follows_the_language_slot_every_time(program_copy: Path, language: str, words: str) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    replies = [await nlg.generate("utter_crisis", tracker("suicide", language), "rest") for _ in range(25)]
    assert {reply["language"] for reply in replies} == {language}  # for the widget's labels (bot/rasa/channels/socketio.py)
    texts = {reply["text"] for reply in replies}
    assert len(texts) == 1 and words in texts.pop()  # never a random pick between two that fit


def test_the_most_specific_choice_depends_on_rasas_variation_filter() -> None:
    """The override narrows Rasa's own filter; if Rasa renames or reshapes it, this fails first."""
    import inspect

    from rasa.core.nlg.generator import ResponseVariationFilter
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    assert list(inspect.signature(TemplatedNaturalLanguageGenerator._random_response_for).parameters) == [
        "self",
        "utter_action",
        "output_channel",
        "filled_slots",
    ]
    assert list(inspect.signature(ResponseVariationFilter.responses_for_utter_action).parameters) == [
        "self",
        "utter_action",
        "output_channel",
        "filled_slots",
    ]


async def test_the_first_spanish_reply_carries_the_spanish_notice(program_copy: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    t = conversation(SESSION + [UserUttered("hola, que es esto")])
    t._set_slot("language", "es")
    text = (await nlg.generate("utter_out_of_scope", t, "rest"))["text"]
    assert text.startswith("Hola, soy el asistente automático") and "marque 2" in text.split("\n")[0]


async def test_a_notice_given_in_english_counts_after_a_switch_to_spanish(program_copy: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    english = (await nlg.generate("utter_out_of_scope", conversation(SESSION + [UserUttered("hey")]), "rest"))["text"]
    t = conversation(SESSION + [UserUttered("hey"), BotUttered(english), UserUttered("en español por favor")])
    t._set_slot("language", "es")
    assert "asistente automático" not in (await nlg.generate("utter_language_switched", t, "rest"))["text"]


async def test_broken_data_still_gives_a_spanish_crisis_reply(tmp_path: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(tmp_path / "missing"))
    text = (await nlg.generate("utter_crisis", tracker("violence", "es"), "rest"))["text"]
    assert "{" not in text and SAFE_DEFAULTS["es"]["dv_name"] in text and "911" in text


def _conditions(variation: dict) -> frozenset:
    return frozenset((c["name"], c["value"]) for c in variation.get("condition") or [])


@pytest.mark.parametrize("response", sorted(DOMAIN.responses))
def test_every_english_variation_has_its_spanish_one(response: str) -> None:
    """A Spanish conversation must get the Spanish words of a variation, not tie between its English
    words (one condition) and the Spanish default (one condition) and pick at random."""
    variations = [_conditions(v) for v in DOMAIN.responses[response]]
    spanish = {c - {("language", "es")} for c in variations if ("language", "es") in c}
    english = {c for c in variations if not any(name == "language" for name, _ in c)}
    assert english <= spanish, f"{response}: no Spanish variation for {sorted(map(sorted, english - spanish))}"


@pytest.mark.parametrize(
    "response, payload",
    [
        ("utter_risk_screen_no", '/ask_coping{"coping_need": "craving"}'),
        ("utter_relapse", '/crisis{"crisis_type": "unspecified"}'),
    ],
)
async def test_a_buttons_intent_payload_is_sent_as_written_and_not_read_as_placeholders(
    program_copy: Path, monkeypatch: pytest.MonkeyPatch, response: str, payload: str
) -> None:
    """Rasa read the payload's JSON braces as a placeholder and logged an exception each time."""
    from rasa.core.nlg import interpolator

    filled: List[str] = []
    fill = interpolator.interpolate_text
    monkeypatch.setattr(interpolator, "interpolate_text", lambda text, values: filled.append(text) or fill(text, values))
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    message = await nlg.generate(response, tracker("suicide"), "rest")
    assert payload in [button["payload"] for button in message["buttons"]]
    assert filled and not [text for text in filled if text.startswith("/")]  # the text and titles are still filled
    assert "{on_call_phone}" not in message["text"]
