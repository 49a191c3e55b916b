"""The coping-skill library: the real content loads and reads safely, and every bad edit is reported precisely."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Callable, Iterator, List, Tuple

import pytest
import yaml

from bot.coping.loader import CopingDataError, LibraryCache, load_library
from bot.coping.models import MAX_STEP_CHARS, Library, words_pattern
from bot.program import seeds
from bot.settings import PROJECT_ROOT

COPING = PROJECT_ROOT / "data" / "coping"

REQUIRED_NEEDS = {"craving", "stress", "anger", "loneliness", "insomnia", "trigger"}
REQUIRED_SKILLS = {
    "urge_surfing",
    "halt_check",
    "box_breathing",
    "grounding_54321",
    "play_the_tape",
    "delay_and_distract",
    "call_support",
    "opposite_action",
    "sleep_basics",
    "trigger_plan",
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(COPING)


@pytest.fixture
def coping_copy(tmp_path: Path) -> Path:
    """A writable copy of the real library, for tests that break it."""
    target = tmp_path / "coping"
    shutil.copytree(COPING, target)
    return target


def _raw_texts() -> Iterator[Tuple[str, str, str]]:
    """(skill key, field, text) for every piece of text a person reads, straight from the files,
    in English (skills/) and Spanish (es/skills/)."""
    for path in sorted((COPING / "skills").glob("*.yml")) + sorted((COPING / "es" / "skills").glob("*.yml")):
        key = path.stem if path.parent.parent == COPING else f"es/{path.stem}"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield key, "intro", doc["intro"]
        for i, step in enumerate(doc["steps"]):
            yield key, f"steps[{i}]", step
        yield key, "closing", doc["closing"]


TEXTS = list(_raw_texts())
TEXT_PARAMS = [pytest.param(text, id=f"{key}.{field}") for key, field, text in TEXTS]


def _needs_in(library: Library, message: str) -> List[str]:
    text = message.casefold()
    return [need.key for need in library.needs if words_pattern(need.words).search(text)]


# --- the real library --------------------------------------------------------------------------


def test_real_library_has_every_need_and_skill(library: Library) -> None:
    assert REQUIRED_NEEDS <= {need.key for need in library.needs}
    assert REQUIRED_SKILLS <= set(library.skills)
    assert library.default_need == "craving"
    assert TEXTS, "no skill text was found to check"


@pytest.mark.parametrize("need_key", sorted(REQUIRED_NEEDS))
def test_every_need_offers_a_few_skills(library: Library, need_key: str) -> None:
    need = library.need(need_key)
    assert 2 <= len(need.skills) <= 5, need.skills
    assert need.label and need.rated.startswith(("the ", "how "))


@pytest.mark.parametrize(
    "need_key, best",
    [
        ("craving", "urge_surfing"),
        ("stress", "box_breathing"),
        ("loneliness", "call_support"),
        ("insomnia", "sleep_basics"),
        ("trigger", "trigger_plan"),
    ],
)
def test_best_fit_comes_first(library: Library, need_key: str, best: str) -> None:
    assert library.need(need_key).skills[0] == best


@pytest.mark.parametrize("skill_key", ["halt_check", "box_breathing", "call_support"])
def test_general_skills_are_offered_for_several_needs(library: Library, skill_key: str) -> None:
    offered = [need.key for need in library.needs if skill_key in need.skills]
    assert len(offered) >= 3, offered


@pytest.mark.parametrize("skill_key", sorted(REQUIRED_SKILLS))
def test_skill_shape(library: Library, skill_key: str) -> None:
    skill = library.skills[skill_key]
    assert 3 <= len(skill.steps) <= 6
    assert skill.aliases, "people need a way to ask for it by name"
    for text in (skill.intro, skill.closing):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
        assert 1 <= len(sentences) <= 2, text


@pytest.mark.parametrize("text", TEXT_PARAMS)
def test_every_text_fits_a_bubble_in_short_sentences(text: str) -> None:
    assert 0 < len(text) < MAX_STEP_CHARS
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        assert len(sentence.split()) <= 30, f"long sentence: {sentence!r}"


# What no coping text may ever say: medication or dosing advice, drinking or using as a way to
# cope, self-harm methods, or stigmatizing, judging labels.
FORBIDDEN = {
    "medication or dose": re.compile(
        r"\b(\d+\s*mg|mg|milligrams?|dos(e|es|age|ing)|pills?|tablets?|capsules?|meds|medications?|prescri\w*|"
        r"melatonin|benadryl|nyquil|xanax|benzos?|sedatives?|sleep(ing)? aids?)\b"
    ),
    "drinking or using to cope": re.compile(
        r"\b(nightcap|wine|beers?|shots?|joint|weed|cannabis|cbd|just one|cut (back|down))\b"
        r"|\b(alcohol|a drink|drinking|using|a hit)\b[^.]{0,30}\b(helps?|calms?|relax\w*|to sleep|takes? the edge)\b"
    ),
    "self-harm method": re.compile(
        r"\b(razors?|blades?|noose|overdos\w*|slit|wrists?|bleach|lethal|guns?|firearms?|rubber band|"
        r"(cut|cutting|hang|hanging|burn|burning|hurt|hurting) (yourself|myself)|jump(ing)? off)\b"
    ),
    "judging label": re.compile(
        r"\b(addicts?|junkies?|alcoholics?|abusers?|dirty|clean (and sober|time|days?)|got clean|your fault|"
        r"shame on|weak|lazy|selfish|should have known)\b"
    ),
}


@pytest.mark.parametrize("text", TEXT_PARAMS)
def test_text_has_no_forbidden_content(text: str) -> None:
    lowered = text.casefold()
    for kind, pattern in FORBIDDEN.items():
        found = pattern.search(lowered)
        assert found is None, f"{kind}: {found.group()!r} in {text!r}"


@pytest.mark.parametrize(
    "bad",
    [
        "Take 5 mg of melatonin before bed.",
        "Ask for a stronger dose.",
        "A sleeping pill can help tonight.",
        "A glass of wine helps you relax.",
        "A drink helps take the edge off.",
        "Just one beer won't hurt.",
        "Snap a rubber band on your wrist.",
        "Addicts always relapse.",
    ],
)
def test_forbidden_patterns_catch_bad_advice(bad: str) -> None:
    assert any(p.search(bad.casefold()) for p in FORBIDDEN.values()), bad


@pytest.mark.parametrize(
    "fine",
    ["Have a glass of water.", "Picture the first drink or the first hit.", "Tidy one small space.", "Call or text 988."],
)
def test_forbidden_patterns_allow_ordinary_words(fine: str) -> None:
    assert not any(p.search(fine.casefold()) for p in FORBIDDEN.values()), fine


@pytest.mark.parametrize("text", TEXT_PARAMS)
def test_only_the_on_call_placeholder(text: str) -> None:
    assert set(re.findall(r"\{([^{}]*)\}", text)) <= {"on_call_phone"}


def test_call_support_reaches_people_and_says_what_to_do_when_unsafe(library: Library) -> None:
    steps = " ".join(library.skills["call_support"].steps)
    assert "{on_call_phone}" in steps
    assert "988" in steps and "911" in steps


def test_sleep_skills_never_suggest_pills_or_alcohol(library: Library) -> None:
    banned = re.compile(r"\b(alcohol|drinks?|drinking|wine|beer|nightcap|weed|cbd|pills?|melatonin|sleep(ing)? aids?)\b")
    for key in library.need("insomnia").skills:
        skill = library.skills[key]
        for text in [skill.intro, *skill.steps, skill.closing]:
            assert not banned.search(text.casefold()), f"{key}: {text!r}"


def test_content_is_in_our_own_words() -> None:
    # The seed pages' hashed 7-grams are committed in tests/data/seeds.txt (bot/program/seeds.py): the pages are not read.
    committed = seeds.load()
    assert len(committed) > 1000, "tests/data/seeds.txt looks empty: run `make seed-fingerprints`"
    copied = {f"{key}.{field}": sorted(seeds.in_seeds(text, 7, committed)) for key, field, text in TEXTS}
    assert not {k: v for k, v in copied.items() if v}


def test_need_words_are_lower_case_in_the_file() -> None:
    doc = yaml.safe_load((COPING / "needs.yml").read_text(encoding="utf-8"))
    for need in doc["needs"]:
        for word in need["words"]:
            assert word == word.lower(), f"{need['key']}: {word!r}"


def test_no_need_word_would_also_signal_another_need(library: Library) -> None:
    clashes = []
    for need in library.needs:
        for other in library.needs:
            if other.key == need.key:
                continue
            pattern = words_pattern(other.words)
            clashes += [f"'{word}' ({need.key}) also signals {other.key}" for word in need.words if pattern.search(word)]
    assert not clashes


@pytest.mark.parametrize(
    "message, need",
    [
        ("I really want a drink right now", "craving"),
        ("the urge is so strong tonight", "craving"),
        ("been jonesing all day", "craving"),
        ("work was awful and I'm so stressed", "stress"),
        ("I think I'm having a panic attack", "stress"),
        ("I'm so pissed off at my brother", "anger"),
        ("still resentful about what she said", "anger"),
        ("I feel so alone tonight", "loneliness"),
        ("there's no one to talk to", "loneliness"),
        ("I cant sleep", "insomnia"),
        ("i can\u2019t sleep again", "insomnia"),
        ("it's 3am and I'm wide awake", "insomnia"),
        ("going to a wedding on saturday", "trigger"),
        ("my coworkers want me at happy hour", "trigger"),
        ("new years eve is coming up", "trigger"),
    ],
)
def test_everyday_messages_point_to_one_need(library: Library, message: str, need: str) -> None:
    assert _needs_in(library, message) == [need]


@pytest.mark.parametrize(
    "message", ["I had the courage to go to group", "we made a plan", "going to the barber", "a storm surge"]
)
def test_ordinary_messages_signal_no_need(library: Library, message: str) -> None:
    assert _needs_in(library, message) == []


# --- bad edits on a copy ---------------------------------------------------------------------


def _edit(path: Path, change: Callable[[dict], None]) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _skill(name: str) -> Callable[[Path], Path]:
    return lambda root: root / "skills" / f"{name}.yml"


def _needs(root: Path) -> Path:
    return root / "needs.yml"


def _syntax_error(root: Path) -> None:
    (root / "skills" / "box_breathing.yml").write_text("key: box_breathing\nname: Box breathing\n  minutes: 3\n")


def _unlisted_skill(root: Path) -> None:
    def drop(doc: dict) -> None:
        for need in doc["needs"]:
            if "opposite_action" in need["skills"]:
                need["skills"].remove("opposite_action")

    _edit(_needs(root), drop)


BAD_EDITS = [
    pytest.param(
        _syntax_error,
        ["box_breathing.yml", "line 3", "YAML syntax error"],
        id="yaml-syntax-error",
    ),
    pytest.param(
        lambda root: _edit(_needs(root), lambda d: d["needs"][0]["skills"].append("tai_chi")),
        ["needs.yml", "need 'craving'", "tai_chi", "no file in skills/"],
        id="need-lists-unknown-skill",
    ),
    pytest.param(
        _unlisted_skill,
        ["needs.yml", "opposite_action", "not listed under any need"],
        id="skill-under-no-need",
    ),
    pytest.param(
        lambda root: _edit(_skill("box_breathing")(root), lambda d: d.update(key="square_breathing")),
        ["box_breathing.yml", "key 'square_breathing'", "file name"],
        id="key-not-file-name",
    ),
    pytest.param(
        lambda root: _edit(_skill("urge_surfing")(root), lambda d: d["steps"].__setitem__(1, "Breathe. " * 60)),
        ["urge_surfing.yml", "steps[1]", f"keep each under {MAX_STEP_CHARS}"],
        id="over-long-step",
    ),
    pytest.param(
        lambda root: _edit(_skill("grounding_54321")(root), lambda d: d["aliases"].append("Square Breathing")),
        ["alias 'square breathing'", "skills/box_breathing.yml", "skills/grounding_54321.yml"],
        id="alias-on-two-skills",
    ),
    pytest.param(
        lambda root: _needs(root).unlink(),
        ["needs.yml", "file is missing"],
        id="missing-needs-file",
    ),
    pytest.param(
        lambda root: _edit(_skill("call_support")(root), lambda d: d.update(closing="Call us any time at {oncall}.")),
        ["call_support.yml", "closing", "unknown placeholder {oncall}"],
        id="unknown-placeholder",
    ),
    pytest.param(
        lambda root: _edit(_skill("trigger_plan")(root), lambda d: d["steps"].__setitem__(5, "Call {on_call_phone now.")),
        ["trigger_plan.yml", "steps[5]", "not part of a placeholder"],
        id="broken-placeholder-brace",
    ),
    pytest.param(
        lambda root: _edit(_needs(root), lambda d: d.update(default_need="relapse")),
        ["needs.yml", "default_need 'relapse'", "not one of the needs"],
        id="default-need-not-a-need",
    ),
    pytest.param(
        lambda root: _edit(_skill("sleep_basics")(root), lambda d: d.update(steps=[])),
        ["sleep_basics.yml", "steps", "at least 2 items"],
        id="empty-steps",
    ),
]


@pytest.mark.parametrize("breaking_edit, expected", BAD_EDITS)
def test_bad_edit_is_reported_with_file_and_field(
    coping_copy: Path, breaking_edit: Callable[[Path], None], expected: List[str]
) -> None:
    load_library(coping_copy)  # the untouched copy is fine
    breaking_edit(coping_copy)
    with pytest.raises(CopingDataError) as caught:
        load_library(coping_copy)
    message = str(caught.value)
    for part in expected:
        assert part in message, f"{part!r} not in:\n{message}"


def test_every_broken_file_is_reported_at_once(coping_copy: Path) -> None:
    _edit(_skill("box_breathing")(coping_copy), lambda d: d.update(minutes=0))
    _edit(_skill("halt_check")(coping_copy), lambda d: d.pop("closing"))
    with pytest.raises(CopingDataError) as caught:
        load_library(coping_copy)
    problems = caught.value.problems
    assert any("box_breathing.yml: minutes" in p for p in problems), problems
    assert any("halt_check.yml: closing" in p for p in problems), problems


# --- the cache in a running service ------------------------------------------------------------


def _touch_later(path: Path, seconds: float = 10) -> None:
    """Make the edit visible even on file systems with coarse modification times."""
    later = os.stat(path).st_mtime + seconds
    os.utime(path, (later, later))


def test_cache_reloads_after_an_edit(coping_copy: Path) -> None:
    cache = LibraryCache(coping_copy)
    first = cache.get()
    assert cache.get() is first  # nothing changed, nothing reloaded
    path = _skill("box_breathing")(coping_copy)
    _edit(path, lambda d: d.update(minutes=4))
    _touch_later(path)
    second = cache.get()
    assert second is not first
    assert second.skills["box_breathing"].minutes == 4
    assert cache.last_error is None


@pytest.mark.parametrize(
    "breaking_edit", [_syntax_error, lambda root: _needs(root).unlink()], ids=["syntax-error", "needs-deleted"]
)
def test_cache_keeps_the_last_good_library_when_an_edit_breaks(coping_copy: Path, breaking_edit: Callable[[Path], None]) -> None:
    cache = LibraryCache(coping_copy)
    good = cache.get()
    breaking_edit(coping_copy)
    for path in [_needs(coping_copy), *(coping_copy / "skills").glob("*.yml")]:
        if path.exists():
            _touch_later(path)
    assert cache.get() is good
    assert isinstance(cache.last_error, CopingDataError)
    assert cache.get() is good  # and it doesn't retry the broken files on every message


def test_cache_recovers_once_the_edit_is_fixed(coping_copy: Path) -> None:
    path = _skill("box_breathing")(coping_copy)
    original = path.read_text()
    cache = LibraryCache(coping_copy)
    good = cache.get()
    _syntax_error(coping_copy)
    _touch_later(path, 10)
    assert cache.get() is good and cache.last_error is not None
    path.write_text(original.replace("minutes: 3", "minutes: 4"))
    _touch_later(path, 20)
    fixed = cache.get()
    assert fixed.skills["box_breathing"].minutes == 4
    assert cache.last_error is None


def test_cache_raises_when_the_first_load_is_broken(coping_copy: Path) -> None:
    _syntax_error(coping_copy)
    cache = LibraryCache(coping_copy)
    with pytest.raises(CopingDataError, match="box_breathing.yml"):
        cache.get()
    assert isinstance(cache.last_error, CopingDataError)


# --- words_pattern ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, text, expected",
    [
        (["can't sleep"], "i just can't sleep tonight", "can't sleep"),
        (["can't sleep"], "i cant sleep", "cant sleep"),
        (["can't sleep"], "i can\u2019t sleep", "can\u2019t sleep"),
        (["pool party", "party"], "invited to a pool party", "pool party"),
        (["alone"], "so alone.", "alone"),
        (["happy hour"], "(happy hour) at 5", "happy hour"),
        (["mad"], "mad", "mad"),
    ],
)
def test_words_pattern_matches_whole_words_and_phrases(words: List[str], text: str, expected: str) -> None:
    found = words_pattern(words).search(text)
    assert found is not None and found.group() == expected


@pytest.mark.parametrize(
    "words, text",
    [
        (["mad"], "i made dinner"),
        (["mad"], "a nomad"),
        (["rage"], "it took courage"),
        (["rage"], "about average"),
        (["urge"], "a power surge"),
        (["urge"], "i urged him"),
        (["bar"], "barbecue"),
        (["happy hour"], "happy hours2"),
        (["can't sleep"], "can't sleepwalk"),
        (["want to use"], "want to  use"),
    ],
)
def test_words_pattern_never_matches_part_of_a_word(words: List[str], text: str) -> None:
    assert words_pattern(words).search(text) is None


def test_words_pattern_treats_other_characters_literally() -> None:
    pattern = words_pattern(["5-4-3-2-1", "h.a.l.t."])
    assert pattern.search("try 5-4-3-2-1 now")
    assert pattern.search("halt") is None and pattern.search("5x4x3x2x1") is None


def test_the_spanish_library_has_every_need_and_skill_with_the_same_steps(library: Library) -> None:
    spanish = library.in_language("es")
    assert [n.key for n in spanish.needs] == [n.key for n in library.needs]
    for key, skill in library.skills.items():
        assert len(spanish.skills[key].steps) == len(skill.steps) and spanish.skills[key].minutes == skill.minutes
    steps = " ".join(spanish.skills["call_support"].steps)
    assert "{on_call_phone}" in steps and "988" in steps and "911" in steps and "AYUDA" in steps


def test_a_spanish_skill_with_a_step_missing_is_named(coping_copy: Path) -> None:
    path = coping_copy / "es" / "skills" / "box_breathing.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["steps"] = doc["steps"][:-1]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CopingDataError, match=r"es/skills/box_breathing\.yml: has 4 steps.*has 5"):
        load_library(coping_copy)
