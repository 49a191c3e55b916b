"""The center's data in Spanish: facts.es.yml laid over the English files, checked complete."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from bot.answer_book import DECLARED, load_answer_book
from bot.program.answers import AnswerBook, samples
from bot.program.errors import ProgramDataError
from bot.program.models import Range
from bot.program.translation import counterparts, lay_over, missing_words
from bot.program.wording import WORDINGS

ENGLISH: Dict[str, Any] = {
    "tracks": [{"key": "day", "name": "Day IOP", "notes": "Bring lunch.", "ages": {"min": 18, "max": 99}}],
    "center": {
        "name": "Juniper Ridge",
        "timezone_label": "Pacific time",
        "holidays": [{"name": "Labor Day", "words": ["labour day"]}],
    },
    "services": {"holistic": ["yoga", "art therapy"], "group_size": {"min": 8, "max": 12}},
}
SPANISH: Dict[str, Any] = {
    "tracks": {"day": {"name": "IOP de día", "notes": "Traiga su almuerzo."}},
    "center": {"timezone_label": "hora del Pacífico", "holidays": {"Labor Day": {"name": "Día del Trabajo"}}},
    "services": {"holistic": ["yoga", "arteterapia"]},
}


def test_words_are_laid_over_and_the_rest_kept() -> None:
    problems: List[str] = []
    worded = lay_over(ENGLISH, SPANISH, "", problems)
    assert problems == []
    assert worded["tracks"][0] == {
        "key": "day",
        "name": "IOP de día",
        "notes": "Traiga su almuerzo.",
        "ages": {"min": 18, "max": 99},
    }
    assert worded["center"]["name"] == "Juniper Ridge"
    assert worded["center"]["holidays"][0] == {"name": "Día del Trabajo", "words": ["labour day"]}
    assert worded["services"] == {"holistic": ["yoga", "arteterapia"], "group_size": {"min": 8, "max": 12}}
    assert ENGLISH["tracks"][0]["name"] == "Day IOP"  # the English data is not changed


@pytest.mark.parametrize(
    "translated, expected",
    [
        ({"tracks": {"day": {"nmae": "IOP de día"}}}, "tracks.day.nmae: no such field"),
        ({"tracks": {"night": {"name": "IOP de noche"}}}, "tracks.night: no item with that key or name"),
        ({"tracks": [{"name": "IOP de día"}]}, "tracks: give a mapping from each item's key or English name"),
        ({"center": {"name": "Cresta de Enebro"}}, "center.name: the same in every language"),
        ({"tracks": {"day": {"ages": {"min": 17}}}}, "tracks.day.ages: the same in every language"),
        ({"services": {"holistic": "yoga"}}, "services.holistic: must be a list of words"),
        ({"tracks": {"day": {"name": ["IOP"]}}}, "tracks.day.name: must be text"),
    ],
)
def test_a_translation_that_does_not_fit_is_named(translated: Dict[str, Any], expected: str) -> None:
    problems: List[str] = []
    lay_over(ENGLISH, translated, "", problems)
    assert any(expected in problem for problem in problems), problems


def test_missing_words_lists_what_a_person_reads_and_nothing_neutral() -> None:
    assert missing_words(ENGLISH, SPANISH) == []
    assert missing_words(ENGLISH, {"center": SPANISH["center"]}) == ["tracks.day.name", "tracks.day.notes", "services.holistic"]
    # A name with a dot in it is one step, not two.
    english = {"center": {"holidays": [{"name": "Martin Luther King Jr. Day"}]}}
    assert missing_words(english, {"center": {"holidays": {"Martin Luther King Jr. Day": {"name": "Día de MLK"}}}}) == []
    assert missing_words(english, {}) == ["center.holidays.Martin Luther King Jr. Day.name"]


def test_counterparts_pair_each_english_item_with_its_translation(book: AnswerBook) -> None:
    spanish = book.program.in_language("es")
    pairs = counterparts(book.program, spanish)
    evening = next(t for t in book.program.tracks if t.key == "adult_evening")
    assert pairs[id(evening)].key == "adult_evening" and pairs[id(evening)].name != evening.name
    assert pairs[id(book.program.insurance.carriers[0])].name == book.program.insurance.carriers[0].name


def test_spanish_answers_show_the_data_in_spanish(book: AnswerBook) -> None:
    spanish = book.in_language("es")
    evening = next(t for t in book.program.tracks if t.key == "adult_evening")
    assert spanish.worded(evening).name == "IOP de noche para adultos"
    assert spanish.worded([(evening, evening.sessions)])[0][0].name == "IOP de noche para adultos"
    assert book.worded(evening) is evening  # English shows the English data as it is
    kaiser = next(c for c in book.program.insurance.carriers if c.name == "Kaiser Permanente")
    reply = spanish.render("insurance_not_accepted", carrier=kaiser).text
    assert "Kaiser Permanente" in reply and "referencia" in reply and "referral" not in reply
    matches = [(evening, evening.sessions)]
    reply = spanish.render("schedule_part_of_day", part="de noche", matches=matches).text
    assert "IOP de noche para adultos" in reply and "Evening" not in reply


def test_no_spanish_answer_renders_an_english_range_or_the_english_wording(book: AnswerBook) -> None:
    spanish = book.in_language("es")
    english_texts = {
        value
        for value in (
            book.program.center.timezone_label,
            *(t.name for t in book.program.tracks),
            *(t.audience for t in book.program.tracks),
            book.program.insurance.verification,
            book.program.insurance.self_pay_note,
        )
    }
    for key in spanish.keys():
        for sample in samples(book.program, key, DECLARED):
            text = spanish.render(key, **sample).text
            assert not re.search(r"\d+ to \d+", text), (key, text)
            assert not [english for english in english_texts if english in text], (key, text)


def test_span_reads_a_range_in_each_language() -> None:
    assert WORDINGS["en"].span(Range(min=9, max=12)) == "9 to 12"
    assert WORDINGS["es"].span(Range(min=9, max=12)) == "9 a 12"
    assert WORDINGS["es"].span(Range(min=10, max=10)) == "10"


def _rewrite(path: Path, change: Any) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_new_english_sentence_without_spanish_stops_the_data(program_copy: Path) -> None:
    _rewrite(program_copy / "tracks.yml", lambda d: d["tracks"][0].update(notes="Bring a water bottle."))
    with pytest.raises(ProgramDataError, match=r"facts\.es\.yml: tracks\.adult_day\.notes: not translated"):
        load_answer_book(program_copy)
    _rewrite(program_copy / "facts.es.yml", lambda d: d["tracks"]["adult_day"].update(notes="Traiga una botella de agua."))
    assert load_answer_book(program_copy).in_language("es").facts.tracks[0].notes == "Traiga una botella de agua."


def test_a_misspelt_translation_names_the_file_and_the_field(program_copy: Path) -> None:
    _rewrite(program_copy / "facts.es.yml", lambda d: d["tracks"]["adult_day"].update(nombre="IOP"))
    with pytest.raises(ProgramDataError, match=r"facts\.es\.yml: tracks\.adult_day\.nombre: no such field"):
        load_answer_book(program_copy)


def test_a_missing_translation_file_is_reported(program_copy: Path) -> None:
    (program_copy / "facts.es.yml").unlink()
    with pytest.raises(ProgramDataError, match=r"facts\.es\.yml: file is missing"):
        load_answer_book(program_copy)
