"""The answer book in service: the center's program data with every answer the assistant gives,
in every language it speaks, compiled and test-rendered, the program's own (bot/program/answers.py) and each feature's
(bot/<feature>/answers.py).

The program knows no feature; each feature declares the answers it renders with sample values,
and this module hands all of them to the book, so a template a feature needs that is missing or
broken fails validation (``python -m bot check-data``), not a chat.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

from bot.clients import answers as client_answers
from bot.coping import answers as coping_answers
from bot.handoff import answers as handoff_answers
from bot.meetings import answers as meeting_answers
from bot.program import answers as program_answers
from bot.program.answers import AnswerBook, SampleFn
from bot.program.errors import ProgramDataError
from bot.program.loader import load_program, section_files
from bot.program.reloading import ReloadingCache

DECLARED: Dict[str, SampleFn] = {
    **program_answers.SAMPLES,
    **meeting_answers.SAMPLES,
    **coping_answers.SAMPLES,
    **client_answers.SAMPLES,
    **handoff_answers.SAMPLES,
}


def load_answer_book(directory: Path) -> AnswerBook:
    """The validated data with every answer template compiled and test-rendered."""
    directory = Path(directory)
    program = load_program(directory)
    book = AnswerBook(program, DECLARED, source=directory / "answers.yml")
    for language in program.translations:
        book.add_translation(AnswerBook(program, DECLARED, source=directory / f"answers.{language}.yml", language=language))
    return book


class ProgramCache(ReloadingCache[AnswerBook]):
    """Gives the current answer book, reloading when a file in the program directory changes.

    A center's edit takes effect on the next message without a restart; a broken edit keeps the
    last good data in service and reports the problem (the validation CLI shows it in full).
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        super().__init__(
            lambda: section_files(self.directory),
            lambda: load_answer_book(self.directory),
            ProgramDataError,
        )
