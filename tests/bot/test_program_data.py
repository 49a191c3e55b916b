"""The center's data: the demo loads, and every kind of bad edit is reported precisely."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, List

import pytest
import yaml

from bot.answer_book import DECLARED, ProgramCache, load_answer_book
from bot.program import seeds
from bot.program.answers import AnswerBook, samples
from bot.program.errors import ProgramDataError
from bot.program.loader import SECTIONS, load_program
from bot.settings import PROJECT_ROOT
from bot.understanding import insurance_lookup


def test_demo_center_loads_with_every_answer(book: AnswerBook) -> None:
    program = book.program
    assert program.center.name == "Juniper Ridge Recovery Center"
    assert {"main", "admissions", "on_call"} <= set(program.center.phones)
    assert set(DECLARED) <= set(book.keys())
    for key in book.keys():
        for sample in samples(program, key, DECLARED):
            assert book.render(key, **sample).text.strip(), key


def test_demo_center_is_fictional() -> None:
    # Against the seed pages' 2-gram fingerprints committed in tests/data/seeds.txt (bot/program/seeds.py): the pages are not read.
    assert not seeds.in_seeds("Juniper Ridge", 2, seeds.load())


def test_answers_are_in_our_own_words() -> None:
    # Seven words in a row shared with a seed page are a copied phrase (tests/data/seeds.txt).
    committed = seeds.load()
    answers = yaml.safe_load((PROJECT_ROOT / "data" / "program" / "answers.yml").read_text(encoding="utf-8"))["answers"]
    texts = {f"{key}.{field}": entry[field] for key, entry in answers.items() for field in ("text", "short") if entry.get(field)}
    assert len(texts) > 100
    copied = {name: sorted(seeds.in_seeds(text, 7, committed)) for name, text in texts.items()}
    assert not {name: hits for name, hits in copied.items() if hits}


def test_track_hours_come_from_the_schedule(book: AnswerBook) -> None:
    evening = next(t for t in book.program.tracks if t.key == "adult_evening")
    assert evening.hours_per_week == 9
    assert [d.value for d in evening.days] == ["monday", "tuesday", "thursday"]


def test_nlu_lookup_file_is_in_sync_with_the_carriers(book: AnswerBook) -> None:
    generated = insurance_lookup.render(book.program.insurance)
    committed = (PROJECT_ROOT / "data" / "nlu" / "insurance_lookup.yml").read_text()
    assert committed == generated, "run `make train` to regenerate data/nlu/insurance_lookup.yml"
    assert "- bcbs" in generated and "synonym: Blue Cross Blue Shield" in generated


def _edit(directory: Path, section: str, change: Callable[[dict], None]) -> None:
    path = directory / f"{section}.yml"
    document = yaml.safe_load(path.read_text())
    change(document[section])
    path.write_text(yaml.safe_dump(document, sort_keys=False))


BAD_EDITS = [
    pytest.param(
        "tracks",
        lambda d: d[1]["sessions"][0].update(start="25:00"),
        ["tracks.yml", "tracks[1 adult_evening].sessions[0].start", "24-hour time"],
        id="impossible-time",
    ),
    pytest.param(
        "tracks",
        lambda d: d[0]["sessions"][0].update(end="08:00"),
        ["tracks.yml", "tracks[0 adult_day].sessions[0]", "end must be later than start"],
        id="session-ends-before-it-starts",
    ),
    pytest.param(
        "tracks",
        lambda d: d[0].update(level="residential"),
        ["tracks", "adult_day", "not offered here"],
        id="track-on-level-not-offered",
    ),
    pytest.param(
        "center",
        lambda d: d.update(timezone="Pacific/Nowhere"),
        ["center.yml", "center.timezone", "IANA timezone"],
        id="unknown-timezone",
    ),
    pytest.param(
        "center",
        lambda d: d["phones"].pop("on_call"),
        ["center.yml", "center.phones", "on_call"],
        id="missing-on-call-phone",
    ),
    pytest.param(
        "center",
        lambda d: d["phones"]["main"].update(display="call us"),
        ["center.phones.main.display", "not a US phone number"],
        id="bad-phone",
    ),
    pytest.param(
        "insurance",
        lambda d: d["carriers"][0].update(statuss="in_network"),
        ["insurance.yml", "insurance.carriers[0 Aetna].statuss", "extra fields not permitted"],
        id="typo-in-a-key",
    ),
    pytest.param(
        "insurance",
        lambda d: d["carriers"][0].update(status="maybe"),
        ["insurance.carriers[0 Aetna].status", "in_network"],
        id="unknown-carrier-status",
    ),
    pytest.param(
        "insurance",
        lambda d: d["carriers"][1]["aliases"].append("aetna"),
        ["insurance.carriers", "'aetna' names both Aetna and Blue Cross Blue Shield"],
        id="alias-on-two-carriers",
    ),
    pytest.param(
        "services",
        lambda d: d.update(mat_medications=[]),
        ["services.yml", "mat_medications"],
        id="mat-without-medications",
    ),
    pytest.param(
        "answers",
        lambda d: d["ask_cost"].update(text="It costs {{ insurance.self_pay_weekyl.min }}"),
        ["answers.yml", "answers.ask_cost.text", "self_pay_weekyl"],
        id="typo-in-a-placeholder",
    ),
    pytest.param(
        "answers",
        lambda d: d["ask_cost"].update(text="{% for x in insurance.payment_options %}{{ x }}"),
        ["answers.yml", "answers.ask_cost.text", "template error"],
        id="unclosed-template-block",
    ),
    pytest.param(
        "answers",
        lambda d: d.pop("insurance_verify"),
        ["answers.yml", "answers.insurance_verify: missing"],
        id="answer-the-code-needs-removed",
    ),
    pytest.param(
        "answers",
        lambda d: d["ask_candidate"].update(short="IOP fits {{ admisions.good_fit | first }}"),
        ["answers.yml", "answers.ask_candidate.short", "admisions"],
        id="typo-in-a-short-version",
    ),
    pytest.param(
        "answers",
        lambda d: d["ask_cost"].update(short="About {{ carrier.name }}"),
        ["answers.ask_cost.short", "carrier"],
        id="short-version-needs-a-value-tell-me-more-cannot-give",
    ),
    pytest.param(
        "answers",
        lambda d: d["situation_referral"].update(text="{{ carrier.name }} needs a referral"),
        ["answers.situation_referral.text", "'None' has no attribute 'name'"],
        id="situation-answer-assumes-a-carrier-was-named",
    ),
    pytest.param(
        "situations",
        lambda d: d[0].update(answer="situation_pregnancy_opiods"),
        ["situations.yml", "situation 'pregnancy_opioids' names answer 'situation_pregnancy_opiods'"],
        id="situation-with-unknown-answer",
    ),
    pytest.param(
        "situations",
        lambda d: d.append(dict(d[0])),
        ["situations.yml", "two situations are called 'pregnancy_opioids'"],
        id="two-situations-with-one-key",
    ),
    pytest.param(
        "situations",
        lambda d: d[1].update(phrases=[]),
        ["situations.yml", "situations[1 pregnancy]", "give phrases"],
        id="situation-without-phrases",
    ),
    pytest.param(
        "situations",
        lambda d: d[2].update(intents=["Ask Detox"]),
        ["situations[2 quit_at_home].intents[0]", "not an intent name"],
        id="situation-intent-misspelt",
    ),
    pytest.param(
        "center",
        lambda d: d["holidays"][0].pop("closed"),
        ["center.yml", "center.holidays[0", "closed", "field required"],
        id="holiday-without-closed",
    ),
]


@pytest.mark.parametrize("section, change, expected", BAD_EDITS)
def test_bad_edit_names_file_field_and_problem(
    program_copy: Path, section: str, change: Callable[[dict], None], expected: List[str]
) -> None:
    _edit(program_copy, section, change)
    with pytest.raises(ProgramDataError) as caught:
        load_answer_book(program_copy)
    message = str(caught.value)
    for part in expected:
        assert part in message


def test_yaml_syntax_error_names_the_line(program_copy: Path) -> None:
    path = program_copy / "tracks.yml"
    path.write_text(path.read_text().replace("  - key: adult_evening", "  - key: [adult_evening"))
    with pytest.raises(ProgramDataError) as caught:
        load_program(program_copy)
    assert "tracks.yml" in str(caught.value) and "line" in str(caught.value)


@pytest.mark.parametrize("section", SECTIONS)
def test_missing_file_is_reported(program_copy: Path, section: str) -> None:
    (program_copy / f"{section}.yml").unlink()
    with pytest.raises(ProgramDataError, match=f"{section}.yml: file is missing"):
        load_program(program_copy)


def test_cache_reloads_an_edit_and_keeps_last_good_data_on_a_bad_one(program_copy: Path) -> None:
    cache = ProgramCache(program_copy)
    assert cache.get().program.center.short_name == "Juniper Ridge"

    def bump(path: Path) -> None:  # mtime resolution differs between filesystems
        stamp = time.time() + 5
        os.utime(path, (stamp, stamp))

    _edit(program_copy, "center", lambda d: d.update(short_name="Juniper"))
    bump(program_copy / "center.yml")
    assert cache.get().program.center.short_name == "Juniper"

    _edit(program_copy, "center", lambda d: d.update(timezone="Nowhere/Land"))
    (program_copy / "center.yml").touch()
    bump(program_copy / "center.yml")
    assert cache.get().program.center.short_name == "Juniper"
    assert cache.last_error is not None and "timezone" in str(cache.last_error)


def test_an_answer_missing_in_spanish_is_named_with_its_file(program_copy: Path) -> None:
    spanish = program_copy / "answers.es.yml"
    data = yaml.safe_load(spanish.read_text(encoding="utf-8"))
    del data["answers"]["ask_cost"]
    spanish.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProgramDataError, match=r"answers\.es\.yml lacks ask_cost"):
        load_answer_book(program_copy)


def test_a_missing_spanish_file_is_named(program_copy: Path) -> None:
    (program_copy / "answers.es.yml").unlink()
    with pytest.raises(ProgramDataError, match=r"answers\.es\.yml: file is missing"):
        load_answer_book(program_copy)


def test_every_answer_renders_in_spanish_with_spanish_days_and_times(program_copy: Path) -> None:
    english = load_answer_book(program_copy)
    spanish = english.in_language("es")
    assert spanish.keys() == english.keys() and spanish.in_language("en") is english
    overview = spanish.render("schedule_overview").text
    assert "a. m." in overview and "lun" in overview and " y " in overview and " am" not in overview
