"""Domain responses get the center's facts from the program data, or safe defaults."""
from __future__ import annotations

from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlg import SAFE_DEFAULTS, CenterFactsNLG
from bot.program.loader import ProgramCache
from bot.settings import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def tracker(crisis_type: str) -> DialogueStateTracker:
    t = DialogueStateTracker("c1", DOMAIN.slots)
    t._set_slot("crisis_type", crisis_type)
    return t


async def test_crisis_reply_has_the_on_call_number_and_the_type_specific_steps(program_copy: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    overdose = await nlg.generate("utter_crisis", tracker("overdose"), "rest")
    assert "(760) 555-0149" in overdose["text"] and "naloxone" in overdose["text"] and "recovery position" in overdose["text"]
    violence = await nlg.generate("utter_crisis", tracker("violence"), "rest")
    assert "1-800-799-7233" in violence["text"] and "text START to 88788" in violence["text"]
    suicide = await nlg.generate("utter_crisis", tracker("suicide"), "rest")
    assert "988" in suicide["text"] and "911" in suicide["text"] and [b["payload"] for b in suicide["buttons"]] == ["/crisis_safe", "/deny"]


async def test_edited_data_is_used(program_copy: Path) -> None:
    center = program_copy / "center.yml"
    center.write_text(center.read_text().replace("(760) 555-0149", "(760) 555-0177"))
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(program_copy))
    assert "(760) 555-0177" in (await nlg.generate("utter_crisis_mode", tracker("suicide"), "rest"))["text"]


async def test_broken_data_still_gives_a_usable_crisis_reply(tmp_path: Path) -> None:
    nlg = CenterFactsNLG(domain=DOMAIN, cache=ProgramCache(tmp_path / "missing"))
    text = (await nlg.generate("utter_crisis", tracker("violence"), "rest"))["text"]
    assert "{" not in text and SAFE_DEFAULTS["dv_call"] in text and "911" in text
